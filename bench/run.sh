#!/usr/bin/env bash
# End-to-end benchmark: civisync sync against the same job in DuckDB SQL, on the
# same generated data, in the same run. See bench/README.md.
#
#   bench/run.sh SIZE        SIZE = 100k, 1m, 10m, ... or a plain number of users
#
# Data: bench/data/SIZE (made by cmd/civisync-gen, seed 1, kept for later runs):
# SIZE users, SIZE contacts, 3 × SIZE memberships, SIZE/100 groups.
# Environment: CIVISYNC=path uses that binary instead of building ./cmd/civisync;
# RUNS=n runs each tool n times and keeps the fastest run (default 1);
# SEED=n generator seed (default 1; a different seed gets its own data directory).
set -uo pipefail

usage() { echo "usage: bench/run.sh SIZE   (e.g. 100k, 1m, 10m)" >&2; exit 1; }
[ $# -eq 1 ] || usage
SIZE=$(echo "$1" | tr 'A-Z' 'a-z')
case "$SIZE" in
  *[0-9]k) USERS=$(( ${SIZE%k} * 1000 )) ;;
  *[0-9]m) USERS=$(( ${SIZE%m} * 1000000 )) ;;
  *[!0-9]*|'') usage ;;
  *) USERS=$SIZE ;;
esac
[ "$USERS" -ge 1 ] 2>/dev/null || usage
RUNS=${RUNS:-1}
SEED=${SEED:-1}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
D=bench/data/$SIZE
[ "$SEED" = 1 ] || D=bench/data/$SIZE-seed$SEED

say() { printf '== %s\n' "$*" >&2; }

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

# measure NAME LOG CMD...: runs CMD under GNU time RUNS times; prints
# "WALL PEAK_KIB" of the fastest run on stdout, or nothing when a run failed.
measure() {
  local name=$1 log=$2; shift 2
  local best="" i m
  : >"$log"
  for i in $(seq "$RUNS"); do
    say "run $i/$RUNS: $name"
    /usr/bin/time -f '%e %M' -o "$D/.time" "$@" >>"$log" 2>&1
    local rc=$?
    if [ $rc -ne 0 ]; then
      echo "bench: $name failed (exit status $rc); last lines of $log:" >&2
      tail -5 "$log" >&2
      return 1
    fi
    m=$(tail -1 "$D/.time")
    if [ -z "$best" ] || awk -v a="${m%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
      best=$m
    fi
  done
  echo "$best"
}

CIVI=""
if [ "$CIVISYNC_OK" = 1 ]; then
  rm -rf "$D/out-civisync"
  CIVI=$(measure civisync "$D/civisync.log" "$CIVISYNC_BIN" sync \
    --users "$D/users.csv" --contacts "$D/contacts.csv" --memberships "$D/og_membership.csv" \
    --og-roles "$D/og_users_roles.csv" --og-role-names "$D/og_role.csv" --groups "$D/node.csv" \
    --out "$D/out-civisync" --quiet)
fi

# --- DuckDB -----------------------------------------------------------------
rm -rf "$D/out-duckdb"
DUCK=$(measure duckdb "$D/duckdb.log" node bench/duckdb.mjs "$D" "$D/out-duckdb")

# --- report -----------------------------------------------------------------
echo
echo "civisync vs DuckDB, $SIZE: $USERS users, $USERS contacts, $((3 * USERS)) memberships (data $D, best of $RUNS)"
awk -v c="$CIVI" -v d="$DUCK" '
function row(tool, m,   f) {
  if (split(m, f, " ") == 2) printf "%-10s %10.2f %12.1f\n", tool, f[1], f[2] / 1024
  else printf "%-10s %10s %12s\n", tool, "failed", "-"
}
BEGIN {
  printf "%-10s %10s %12s\n", "tool", "wall s", "peak MiB"
  row("civisync", c); row("duckdb", d)
  if (split(c, a, " ") == 2 && split(d, b, " ") == 2 && b[1] > 0 && b[2] > 0) {
    t = a[1] / b[1]; r = a[2] / b[2]
    printf "%-10s %10.2f %12.2f   target <= 0.50 both: %s\n", "ratio", t, r, (t <= 0.5 && r <= 0.5) ? "MET" : "NOT MET"
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
rm -f "$D/.time"
[ -n "$DUCK" ] && [ -n "$CIVI" ]
