#!/usr/bin/env bash
# End-to-end: output files (issue 16, finding 6). Every output file (export,
# report, import --rejects, eval --diff, the REPL's .output) is written to a
# new temporary file beside it and renamed into place: never through a
# symbolic link, mode 0600, never over the database or its companion files,
# and a write error (a full disk) is an error that leaves no file behind.
# Usage: files.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
data=$example/data
tmp=$(mktemp -d)
mnt=
trap '[ -n "$mnt" ] && umount "$mnt" 2>/dev/null; rm -rf "$tmp"' EXIT
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping" >&2; exit 77; }
export MANYI_NOW=2026-11-01T00:00:00Z
. "$(dirname "$0")/lib/assert.sh"
db=$tmp/f.db
m() { "$manyi" --config "$example/manyi.yaml" --db "$db" "$@"; }
umask 022

expect 0 m init
expect 0 m import staff "$data/staff.csv"
expect 0 m import customers "$data/customers.csv"
echo "precious" >"$tmp/victim"
victim() { same "$(cat "$tmp/victim")" precious "the file a link points to, after $1"; }

# --- symbolic links are refused, whatever the command
ln -s "$tmp/victim" "$tmp/link.csv"
expect 1 m export customers "$tmp/link.csv"
contains "$tmp/err" "is a symbolic link"
victim "export"
expect 1 m eval tiers --dry-run --diff "$tmp/link.csv"
contains "$tmp/err" "is a symbolic link"
victim "eval --diff"
printf 'external_id,name,kind,created_at\nX1,,person,2026-01-01\n' >"$tmp/bad.csv"
expect 1 m import customers "$tmp/bad.csv" --rejects "$tmp/link.csv"
contains "$tmp/err" "is a symbolic link"
victim "import --rejects"
expect 1 m repl -e ".output $tmp/link.csv" -e "print('x')"
contains "$tmp/err" "is a symbolic link"
victim "repl .output"
# a link placed where the old export wrote its temporary file (FILE.partial)
ln -s "$tmp/victim" "$tmp/out.csv.partial"
expect 0 m export customers "$tmp/out.csv"
victim "export beside a planted FILE.partial"
same "$(head -c 12 "$tmp/out.csv")" "external_id," "the export itself"

# --- personal data is readable by its owner only, whatever the umask
same "$(stat -c %a "$tmp/out.csv")" 600 "mode of an export file"
expect 0 m eval tiers --dry-run --diff "$tmp/diff.csv"
same "$(stat -c %a "$tmp/diff.csv")" 600 "mode of a diff file"
expect 0 m repl -e ".output $tmp/o.csv" -e "print('x')"
same "$(stat -c %a "$tmp/o.csv")" 600 "mode of a .output file"

# --- the database and its companions are not output files
for target in "$db" "$db-wal" "$db-shm" "$db-journal" "$tmp/./f.db"; do
  expect 1 m export customers "$target" --format csv
  contains "$tmp/err" "manyi does not write its output there"
done
ln "$db" "$tmp/hard.db"
expect 1 m export customers "$tmp/hard.db" --format csv
contains "$tmp/err" "manyi does not write its output there"
expect 1 m repl -e ".output $db" -e "print('x')"
contains "$tmp/err" "manyi does not write its output there"
expect 1 m report satisfaction --period 2026Q3 --output "$db-wal" --format md
contains "$tmp/err" "manyi does not write its output there"
same "$(sqlite3 "$db" "PRAGMA integrity_check; SELECT count(*) FROM customers")" "ok
$(($(wc -l <"$data/customers.csv") - 1))" "the database after outputs aimed at it"
[ -e "$db-journal" ] && bad "a file $db-journal was made" || ok
expect 0 m audit verify

# --- write errors: standard output on a full device, and files on a full disk
if [ -w /dev/full ]; then
  "$manyi" --config "$example/manyi.yaml" --db "$db" export customers >/dev/full 2>"$tmp/err"
  same "$?" 1 "export to a full standard output"
  "$manyi" --config "$example/manyi.yaml" --db "$db" repl -e "print(string.rep('x', 100000))" >/dev/full 2>"$tmp/err"
  same "$?" 1 "repl printing to a full standard output"
  contains "$tmp/err" "failed"
fi
mkdir "$tmp/small"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=16k tmpfs "$tmp/small" 2>/dev/null; then
  mnt=$tmp/small
  expect 1 m repl -e ".output $mnt/o.txt" -e "print(string.rep('x', 100000))"
  contains "$tmp/err" "failed"
  expect 1 m export customers "$mnt/c.csv"
  contains "$tmp/err" "No space left on device"
  same "$(ls -A "$mnt")" "" "files left on the full disk"
  umount "$mnt"; mnt=
else
  echo "SKIP full disk: cannot mount a small tmpfs here (needs root)"
fi

echo "files: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
