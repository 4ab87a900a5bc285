#!/usr/bin/env bash
# End-to-end: `import customers` runs in bounded memory (DESIGN.md principle
# 4) and its name index spans the catch-up's chunks (50,000 new customers a
# sorted statement, core/store/customers.c):
#  - 300,000 generated customers in one transaction peak at most 40 MB above
#    the first 100,000 of them (the two page caches, 32 + 8 MiB, filling up);
#    before: one sort of every gram plus a 256 MiB page cache, 170 MB at
#    300k, 560 MB at 1M, 841 MB at 10M. A growth, not a figure: a machine's
#    own accounting (a CI machine once reported 824 MB for what peaks at
#    76 MB here) shifts both runs alike. Each run's largest anonymous, file
#    and shared memory, sampled, are printed to say where it went;
#  - the index is exactly what the migration's SQL makes of the stored names
#    (so no chunk boundary loses or repeats a customer);
#  - duplicates in one file are still refused whole, with the line and key.
# Skipped (77) without /usr/bin/time or sqlite3, and for sanitizer builds
# (their shadow memory and quarantine are not the program's).
# Usage: import_memory.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
gen=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8
export MANYI_NOW=2026-11-20T10:00:00+08:00
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: skipping" >&2; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping" >&2; exit 77; }
if ldd "$manyi" 2>/dev/null | grep -q 'libasan'; then echo "sanitizer build: skipping" >&2; exit 77; fi
. "$(dirname "$0")/lib/assert.sh"
cfg=$tmp/manyi.yaml
sed "s#\.\./\.\./policies/#$src/policies/#" "$src/examples/after-sales/manyi.yaml" >"$cfg"
db=$tmp/m.db
m() { "$manyi" --config "$cfg" --db "$db" "$@"; }

n=300000
"$gen" --out "$tmp/data" --seed 42 --customers $n --responses 10 --only customers >/dev/null ||
  { echo "manyi-gen failed" >&2; exit 1; }
# peak N FILE: a fresh database, FILE (N customers) imported under
# /usr/bin/time; prints the peak and the largest samples of its parts (from
# /proc every 0.1 s) and leaves the peak in KiB in $peak_kb.
peak() {
  rm -f "$db" "$db"-*
  m init >/dev/null || { bad "init failed"; return; }
  rm -f "$tmp/pid"
  # the shell tells its pid, then becomes manyi
  /usr/bin/time -f '%M' -o "$tmp/rss" sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$tmp/pid" \
    "$manyi" --config "$cfg" --db "$db" import customers "$2" >"$tmp/out" 2>"$tmp/err" &
  local timer=$! pid="" anon=0 file=0 shmem=0 key kb
  while kill -0 "$timer" 2>/dev/null; do
    [ -n "$pid" ] || pid=$(cat "$tmp/pid" 2>/dev/null)
    if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
      while read -r key kb _; do
        case $key in
        RssAnon:) [ "$kb" -gt "$anon" ] && anon=$kb ;;
        RssFile:) [ "$kb" -gt "$file" ] && file=$kb ;;
        RssShmem:) [ "$kb" -gt "$shmem" ] && shmem=$kb ;;
        esac
      done <"/proc/$pid/status" 2>/dev/null
    fi
    sleep 0.1
  done
  wait "$timer"
  same "$?" 0 "import of $1 customers: exit status"
  contains "$tmp/out" "$1 rows read, $1 added, 0 updated, 0 unchanged, 0 rejected"
  peak_kb=$(tail -n 1 "$tmp/rss")
  echo "customers $1: peak RSS $((peak_kb / 1024)) MB (largest samples: anonymous $((anon / 1024)), file $((file / 1024)), shared $((shmem / 1024)) MB)"
}

head -n 100001 "$tmp/data/customers.csv" >"$tmp/first.csv"
peak 100000 "$tmp/first.csv"
first_kb=$peak_kb
peak $n "$tmp/data/customers.csv"
growth=$(((peak_kb - first_kb) / 1024))
echo "growth from 100000 to $n customers: $growth MB"
if [ "$growth" -lt 40 ]; then ok; else bad "peak RSS grew $growth MB from 100000 to $n customers, want under 40 MB"; fi

# the index against the migration's SQL over the stored names, both ways
diff_sql="SELECT (SELECT count(*) FROM (
    SELECT substr(lower(c.name), s.n, 2), c.id FROM customers c JOIN mi_seq s ON s.n <= length(c.name)
    EXCEPT SELECT gram, customer_id FROM customer_name_grams))
  || ' ' || (SELECT count(*) FROM (SELECT gram, customer_id FROM customer_name_grams
    EXCEPT SELECT substr(lower(c.name), s.n, 2), c.id FROM customers c JOIN mi_seq s ON s.n <= length(c.name)))
  || ' ' || (SELECT count(DISTINCT customer_id) FROM customer_name_grams)"
same "$(sqlite3 "$db" "$diff_sql")" "0 0 $n" "grams missing, grams extra, customers indexed"

# a key twice in one file, far apart: the whole import is refused as before
{ head -n 60001 "$tmp/data/customers.csv"; sed -n 2p "$tmp/data/customers.csv"; } >"$tmp/dup.csv"
rm -f "$db" "$db"-*
expect 0 m init
expect 1 m import customers "$tmp/dup.csv"
key=$(sed -n 2p "$tmp/data/customers.csv" | cut -d, -f1)
contains "$tmp/err" "dup.csv:60002"
contains "$tmp/err" "'$key' occurs more than once in this file"
same "$(sqlite3 "$db" "SELECT count(*) FROM customers; SELECT count(*) FROM customer_name_grams" | tr '\n' ' ')" \
  "0 0 " "a refused import leaves no customers and no grams"

echo "import_memory: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
