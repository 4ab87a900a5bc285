#!/usr/bin/env bash
# End-to-end (issue 16, files): exports killed with SIGKILL leave no litter.
#  - with O_TMPFILE (the default where the file system has it) the data has
#    no name until it is whole, so kill -9 at any moment leaves no
#    FILE.tmp-* next to FILE, and FILE is whole or absent;
#  - the named fallback (MANYI_OUTFILE_NAMED=1, as on a file system without
#    O_TMPFILE) may leave FILE.tmp-PID-XXXXXX; the next export of FILE
#    removes them, and `manyi check` removes those beside the database;
#  - a sweep removes only litter: not a live writer's file (its process
#    runs), not a file of another mode, not a link, not another name.
# Usage: export_litter.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
. "$(dirname "$0")/lib/setup.sh" "$@"
need_sqlite3
seeded_kills
rounds=${FAULT_ROUNDS:-12}
export MANYI_NOW=2026-11-01T00:00:00Z
chmod 0700 "$tmp"
example_config
db=$tmp/f.db
m() { "$manyi" --config "$cfg" --db "$db" "$@"; }
litter() { find "$tmp" -maxdepth 1 -name "$1.tmp-*" | wc -l; }

"$gen" --out "$tmp/data" --customers 3000 --orders 100 --interactions 60000 --tickets 10 \
  --responses 10 >/dev/null || { echo "manyi-gen failed" >&2; exit 1; }
expect 0 m init
for e in staff customers interactions; do expect 0 m import "$e" "$tmp/data/$e.csv"; done
expect 0 m export interactions "$tmp/ref.csv"
t0=$(now_ms); m export interactions "$tmp/t.csv" 2>/dev/null; took=$(($(now_ms) - t0))
echo "an export takes $took ms; kills fall within $((took + 100)) ms"
rm -f "$tmp/t.csv"

# --- the default: an unnamed temporary file, nothing left whatever the kill
for r in $(seq 1 "$rounds"); do
  [ $((r % 2)) -eq 0 ] && rm -f "$tmp/x.csv" # half the rounds replace an existing file
  kill_after "$(random_ms $((took + 100)))" "$manyi" --config "$cfg" --db "$db" export interactions "$tmp/x.csv"
  if [ -e "$tmp/x.csv" ]; then cmp -s "$tmp/x.csv" "$tmp/ref.csv" && ok || bad "kill -9 (round $r): a half export file"; fi
  n=$(litter x.csv)
  # an existing x.csv is replaced through a name held for microseconds
  # (link, then rename): only a kill in that instant could leave it
  [ "$n" -eq 0 ] || [ $((r % 2)) -ne 0 ] && ok || bad "kill -9 (round $r) left $n temporary files"
done
left=$(litter x.csv)
echo "unnamed: $left temporary files left after $rounds kills"
expect 0 m export interactions "$tmp/x.csv"
same "$(litter x.csv)" 0 "temporary files after the next export"
cmp -s "$tmp/x.csv" "$tmp/ref.csv" && ok || bad "the export after the kills differs"

# --- the named fallback: litter of a kill goes with the next export
export MANYI_OUTFILE_NAMED=1
killed=0
for r in $(seq 1 "$rounds"); do
  kill_after "$(random_ms $((took + 100)))" "$manyi" --config "$cfg" --db "$db" export interactions "$tmp/y.csv"
  [ "$status" -eq 137 ] && killed=$((killed + 1))
done
left=$(litter y.csv)
echo "named: $left temporary files left after $killed of $rounds runs were killed"
# kill_in_write FILE: an export of interactions to FILE killed while its
# temporary file exists (watched for, so that a loaded machine's timing does
# not matter): that kill leaves the file for sure (named mode)
kill_in_write() {
  local tries pid i
  for tries in 1 2 3 4 5; do
    rm -f "$tmp"/*.tmp-*
    "$manyi" --config "$cfg" --db "$db" export interactions "$1" >/dev/null 2>&1 &
    pid=$!
    for i in $(seq 1 2000); do
      ls "$1".tmp-* >/dev/null 2>&1 && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.005
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    status=$?
    [ "$status" -eq 137 ] && [ "$(litter "$(basename "$1")")" -ge 1 ] && return 0
  done
  return 1
}
kill_in_write "$tmp/y.csv" && ok || bad "no kill during a named export left a temporary file (status $status)"
stat -c %a "$tmp"/y.csv.tmp-* 2>/dev/null | sort -u >"$tmp/modes"
same "$(cat "$tmp/modes")" 600 "mode of the temporary files"
expect 0 m export interactions "$tmp/y.csv"
same "$(litter y.csv)" 0 "temporary files after the next export (named)"
cmp -s "$tmp/y.csv" "$tmp/ref.csv" && ok || bad "the named export after the kills differs"

# --- manyi check sweeps the database's folder
kill_in_write "$tmp/z.csv" && ok || bad "no kill during a named export left a temporary file"
n=$(litter z.csv)
# what a sweep must keep: a live writer's file (this shell's pid), a file of
# another mode, a link, a name that is not a temporary file's
sleep 0 & wait $!; dead=$!
: >"$tmp/k.csv.tmp-$$-abcdef"; chmod 600 "$tmp/k.csv.tmp-$$-abcdef"
: >"$tmp/k.csv.tmp-$dead-ghijkl"; chmod 644 "$tmp/k.csv.tmp-$dead-ghijkl"
ln -s "$tmp/ref.csv" "$tmp/k.csv.tmp-$dead-mnopqr"
: >"$tmp/k.csv.tmp-abcdef"; chmod 600 "$tmp/k.csv.tmp-abcdef"
: >"$tmp/k.csv.tmp-$dead-ab"; chmod 600 "$tmp/k.csv.tmp-$dead-ab"
: >"$tmp/dead.tmp-$dead-stuvwx"; chmod 600 "$tmp/dead.tmp-$dead-stuvwx"
expect 0 "$manyi" --config "$cfg" --db "$db" check
contains "$tmp/err" "removed $((n + 1)) temporary file"
same "$(litter z.csv)" 0 "temporary files after manyi check"
same "$(litter dead)" 0 "a dead writer's file after manyi check"
same "$(litter k.csv)" 5 "files a sweep must keep"
[ -e "$tmp/ref.csv" ] && ok || bad "the file a link points to was removed"
expect 0 "$manyi" --config "$cfg" --db "$db" check
lacks "$tmp/err" "removed"

echo "export_litter: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
