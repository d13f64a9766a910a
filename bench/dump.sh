#!/usr/bin/env bash
# The dump mode of bench/run.sh (run it as `bench/run.sh SIZE dump`): civisync
# sync on the generated data as SQL dumps (--site site.sql --civicrm
# civicrm.sql) against the same data as CSV files, the two taking turns run
# after run under /usr/bin/time. Target (issue 11): the dumps within 1.3× the
# CSV's wall time, at the same peak memory.
set -uo pipefail
: "${USERS:?run as bench/run.sh SIZE dump}" "${D:?}" "${SEED:=1}" "${RUNS:=3}"
say() { printf '== %s\n' "$*" >&2; }
GO=$(command -v go || echo /usr/local/go/bin/go)
[ -x /usr/bin/time ] || { (apt-get update && apt-get install -y time) >&2 || exit 1; }

say "building cmd/civisync-gen and cmd/civisync"
"$GO" build -o bench/civisync-gen ./cmd/civisync-gen || exit 1
if [ -n "${CIVISYNC:-}" ]; then BIN=$CIVISYNC; else "$GO" build -o bench/civisync ./cmd/civisync || exit 1; BIN=bench/civisync; fi
for f in csv sql; do
  dir=$D; [ $f = sql ] && dir=$D-sql
  want=users.csv; [ $f = sql ] && want=site.sql
  if [ -f "$dir/$want" ]; then
    say "data: $dir (already there)"
  else
    say "generating $dir ($f)"
    rm -rf "$dir.tmp"
    bench/civisync-gen -users "$USERS" -seed "$SEED" -format $f -out "$dir.tmp" -quiet || exit 1
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
done
du -sh "$D" "$D-sql" | sed 's/^/== data size: /' >&2

run_once() { # NAME CMD...: appends "WALL PEAK_KIB USER SYS" to $D/.NAME.times
  local name=$1; shift
  /usr/bin/time -f '%e %M %U %S' -o "$D/.time" "$@" >"$D/$name.log" 2>&1 || { echo "bench: $name failed:" >&2; tail -5 "$D/$name.log" >&2; exit 1; }
  tail -1 "$D/.time" >>"$D/.$name.times"
}
: >"$D/.csv.times"; : >"$D/.sql.times"
for i in $(seq "$RUNS"); do
  say "run $i/$RUNS: csv"
  run_once csv "$BIN" sync --users "$D/users.csv" --contacts "$D/contacts.csv" --memberships "$D/og_membership.csv" \
    --og-roles "$D/og_users_roles.csv" --og-role-names "$D/og_role.csv" --groups "$D/node.csv" --out "$D/out-csv" --quiet
  say "run $i/$RUNS: sql"
  run_once sql "$BIN" sync --site "$D-sql/site.sql" --civicrm "$D-sql/civicrm.sql" --out "$D/out-sql" --quiet
done
echo
echo "civisync on SQL dumps vs CSV, $USERS users, $USERS contacts, $((3 * USERS)) memberships ($RUNS runs each, taking turns)"
awk -v c="$(cat "$D/.csv.times")" -v s="$(cat "$D/.sql.times")" '
function med(str, k,   n, l, i, f, v, j, t) {
  n = split(str, l, "\n")
  for (i = 1; i <= n; i++) { split(l[i], f, " "); v[i] = f[k] + 0 }
  for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j] < v[j-1]; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
  return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
BEGIN {
  printf "%-6s %10s %12s %10s\n", "input", "wall s", "peak MiB", "CPU s"
  printf "%-6s %10.2f %12.1f %10.2f\n", "csv", med(c, 1), med(c, 2) / 1024, med(c, 3) + med(c, 4)
  printf "%-6s %10.2f %12.1f %10.2f\n", "sql", med(s, 1), med(s, 2) / 1024, med(s, 3) + med(s, 4)
  t = med(s, 1) / med(c, 1); m = med(s, 2) / med(c, 2)
  printf "%-6s %10.2f %12.2f %10.2f   target: time <= 1.30, memory <= 1.00 (medians): %s\n", "ratio", t, m, (med(s, 3) + med(s, 4)) / (med(c, 3) + med(c, 4)), (t <= 1.3 && m <= 1.05) ? "MET" : "NOT MET"
}'
for f in user_contacts new_contacts groups group_members acl_admins user_import_og; do
  cmp -s "$D/out-csv/$f.csv" "$D/out-sql/$f.csv" || echo "bench: $f.csv differs between the CSV and the SQL run" >&2
done
rm -f "$D/.time" "$D/.csv.times" "$D/.sql.times"
