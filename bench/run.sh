#!/usr/bin/env bash
# End-to-end benchmark: civisync sync against the same job in DuckDB SQL, on the
# same generated data, in the same run. See bench/README.md.
#
#   bench/run.sh SIZE        SIZE = 100k, 1m, 10m, ... or a plain number of users
#   bench/run.sh SIZE dump   civisync reading SQL dumps against civisync reading CSV
#
# Data: bench/data/SIZE (made by cmd/civisync-gen, seed 1, kept for later runs):
# SIZE users, SIZE contacts, 3 × SIZE memberships, SIZE/100 groups.
# Environment: CIVISYNC=path uses that binary instead of building ./cmd/civisync;
# RUNS=n runs each tool n times, taking turns (default 3), and reports the
# median and the fastest run of each;
# SEED=n generator seed (default 1; a different seed gets its own data directory).
set -uo pipefail

usage() { echo "usage: bench/run.sh SIZE [dump]   (e.g. 100k, 1m, 10m)" >&2; exit 1; }
[ $# -eq 1 ] || { [ $# -eq 2 ] && [ "$2" = dump ]; } || usage
MODE=${2:-duckdb}
SIZE=$(echo "$1" | tr 'A-Z' 'a-z')
case "$SIZE" in
  *[0-9]k) USERS=$(( ${SIZE%k} * 1000 )) ;;
  *[0-9]m) USERS=$(( ${SIZE%m} * 1000000 )) ;;
  *[!0-9]*|'') usage ;;
  *) USERS=$SIZE ;;
esac
[ "$USERS" -ge 1 ] 2>/dev/null || usage
RUNS=${RUNS:-3}
SEED=${SEED:-1}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
D=bench/data/$SIZE
[ "$SEED" = 1 ] || D=bench/data/$SIZE-seed$SEED

say() { printf '== %s\n' "$*" >&2; }

# Dump mode (bench/run.sh SIZE dump): civisync on the data as mysqldump files
# (civisync-gen -format sql: site.sql, civicrm.sql) against civisync on the
# same data as CSV, taking turns; see bench/dump.sh.
if [ "$MODE" = dump ]; then
  export USERS SEED RUNS D
  exec bash bench/dump.sh
fi

# --- tools ------------------------------------------------------------------
GO=$(command -v go || echo /usr/local/go/bin/go)
[ -x "$GO" ] || { echo "bench: go not found (PATH or /usr/local/go/bin)" >&2; exit 1; }

if [ ! -x /usr/bin/time ]; then
  say "installing GNU time"
  (apt-get update && apt-get install -y time) >&2 || { echo "bench: cannot install GNU time" >&2; exit 1; }
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing Node.js"
  (apt-get update && apt-get install -y nodejs npm) >&2 || { echo "bench: cannot install Node.js" >&2; exit 1; }
fi
if [ ! -d bench/node_modules/@duckdb/node-api ]; then
  say "installing DuckDB (@duckdb/node-api, version pinned in bench/package.json)"
  npm install --prefix bench --no-audit --no-fund >&2 || { echo "bench: npm install failed" >&2; exit 1; }
fi

# --- data -------------------------------------------------------------------
say "building cmd/civisync-gen"
"$GO" build -o bench/civisync-gen ./cmd/civisync-gen || exit 1
if [ -f "$D/users.csv" ] && [ -f "$D/og_role.csv" ]; then
  say "data: $D (already there)"
else
  say "generating $D: $USERS users, contacts, $((3 * USERS)) memberships, $(( USERS / 100 > 0 ? USERS / 100 : 1 )) groups"
  rm -rf "$D.tmp"
  bench/civisync-gen -users "$USERS" -seed "$SEED" -out "$D.tmp" || exit 1
  rm -rf "$D" && mv "$D.tmp" "$D"
fi
du -sh "$D" | sed 's/^/== data size: /' >&2

# --- civisync ---------------------------------------------------------------
CIVISYNC_OK=1
if [ -n "${CIVISYNC:-}" ]; then
  say "civisync: $CIVISYNC (from \$CIVISYNC, not rebuilt)"
  CIVISYNC_BIN=$CIVISYNC
else
  say "building cmd/civisync"
  CIVISYNC_BIN=bench/civisync
  if ! "$GO" build -o bench/civisync ./cmd/civisync 2>"$D/civisync-build.log"; then
    CIVISYNC_OK=0
    echo "bench: civisync does not build (see $D/civisync-build.log):" >&2
    head -5 "$D/civisync-build.log" >&2
  fi
fi

# run_once NAME LOG CMD...: runs CMD under GNU time, appends its log to LOG and
# "WALL PEAK_KIB" to $D/.NAME.times; fails (saying why) when CMD fails.
run_once() {
  local name=$1 log=$2; shift 2
  /usr/bin/time -f '%e %M' -o "$D/.time" "$@" >>"$log" 2>&1
  local rc=$?
  if [ $rc -ne 0 ]; then
    echo "bench: $name failed (exit status $rc); last lines of $log:" >&2
    tail -5 "$log" >&2
    return 1
  fi
  tail -1 "$D/.time" >>"$D/.$name.times"
}

# The tools take turns, run after run, so that both meet the machine in the
# same moods: on a shared machine a minute can be much slower than the next.
rm -rf "$D/out-civisync" "$D/out-duckdb"
: >"$D/civisync.log"; : >"$D/duckdb.log"; : >"$D/.civisync.times"; : >"$D/.duckdb.times"
CIVI_FAILED=0 DUCK_FAILED=0
for i in $(seq "$RUNS"); do
  if [ "$CIVISYNC_OK" = 1 ] && [ "$CIVI_FAILED" = 0 ]; then
    say "run $i/$RUNS: civisync"
    run_once civisync "$D/civisync.log" "$CIVISYNC_BIN" sync \
      --users "$D/users.csv" --contacts "$D/contacts.csv" --memberships "$D/og_membership.csv" \
      --og-roles "$D/og_users_roles.csv" --og-role-names "$D/og_role.csv" --groups "$D/node.csv" \
      --out "$D/out-civisync" --quiet || CIVI_FAILED=1
  fi
  if [ "$DUCK_FAILED" = 0 ]; then
    say "run $i/$RUNS: duckdb"
    run_once duckdb "$D/duckdb.log" node bench/duckdb.mjs "$D" "$D/out-duckdb" || DUCK_FAILED=1
  fi
done
CIVI=""; DUCK=""
[ "$CIVISYNC_OK" = 1 ] && [ "$CIVI_FAILED" = 0 ] && CIVI=$(cat "$D/.civisync.times")
[ "$DUCK_FAILED" = 0 ] && DUCK=$(cat "$D/.duckdb.times")

# --- report -----------------------------------------------------------------
# Per tool: the median run (by wall time) and the fastest; the target is
# judged on the medians.
echo
echo "civisync vs DuckDB, $SIZE: $USERS users, $USERS contacts, $((3 * USERS)) memberships (data $D, $RUNS runs each, taking turns)"
awk -v c="$CIVI" -v d="$DUCK" '
function load(s, w, m,   n, lines, i, f) {
  n = split(s, lines, "\n")
  for (i = 1; i <= n; i++) { split(lines[i], f, " "); w[i] = f[1] + 0; m[i] = f[2] + 0 }
  return s == "" ? 0 : n
}
function sort2(n, w, m,   i, j, t) {
  for (i = 2; i <= n; i++) for (j = i; j > 1 && w[j] < w[j-1]; j--) {
    t = w[j]; w[j] = w[j-1]; w[j-1] = t; t = m[j]; m[j] = m[j-1]; m[j-1] = t
  }
}
function median(n, v) { return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
function row(tool, n, w, m,   mm, i) {
  if (n == 0) { printf "%-10s %10s %12s %10s %12s\n", tool, "failed", "-", "-", "-"; return }
  for (i = 1; i <= n; i++) mm[i] = m[i]
  asort_(n, mm)
  printf "%-10s %10.2f %12.1f %10.2f %12.1f\n", tool, median(n, w), median(n, mm) / 1024, w[1], m[1] / 1024
}
function asort_(n, v,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j] < v[j-1]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t } }
BEGIN {
  nc = load(c, cw, cm); nd = load(d, dw, dm)
  sort2(nc, cw, cm); sort2(nd, dw, dm)
  printf "%-10s %10s %12s %10s %12s\n", "", "median", "", "fastest", ""
  printf "%-10s %10s %12s %10s %12s\n", "tool", "wall s", "peak MiB", "wall s", "peak MiB"
  row("civisync", nc, cw, cm); row("duckdb", nd, dw, dm)
  if (nc > 0 && nd > 0) {
    for (i = 1; i <= nc; i++) cmm[i] = cm[i]; asort_(nc, cmm)
    for (i = 1; i <= nd; i++) dmm[i] = dm[i]; asort_(nd, dmm)
    t = median(nc, cw) / median(nd, dw); r = median(nc, cmm) / median(nd, dmm)
    printf "%-10s %10.2f %12.2f %10.2f %12.2f   target <= 0.50 both (medians): %s\n", "ratio", t, r, cw[1] / dw[1], cm[1] / dm[1], (t <= 0.5 && r <= 0.5) ? "MET" : "NOT MET"
  } else {
    printf "%-10s %10s %12s\n", "ratio", "-", "-"
  }
}'

# Output sizes side by side, as a sanity check that both did the same job.
echo
rc() { if [ -f "$1" ]; then echo $(( $(wc -l <"$1") - 1 )); else echo -; fi; }
printf '%-20s %12s %12s\n' "rows (no header)" civisync duckdb
for f in user_contacts new_contacts groups group_members acl_admins; do
  printf '%-20s %12s %12s\n' "$f.csv" "$(rc "$D/out-civisync/$f.csv")" "$(rc "$D/out-duckdb/$f.csv")"
done
rm -f "$D/.time" "$D/.civisync.times" "$D/.duckdb.times"
[ -n "$DUCK" ] && [ -n "$CIVI" ]
