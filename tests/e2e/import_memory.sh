#!/usr/bin/env bash
# End-to-end: `import customers` runs in bounded memory (DESIGN.md principle
# 4) and its name index spans the catch-up's chunks (50,000 new customers a
# sorted statement, core/store/customers.c):
#  - 300,000 generated customers in one transaction peak under 120 MB RSS
#    (before: one sort of every gram plus a 256 MiB page cache, 170 MB at
#    this size, 560 MB at 1M, 841 MB at 10M);
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
expect 0 m init
expect 0 /usr/bin/time -f '%M' -o "$tmp/rss" "$manyi" --config "$cfg" --db "$db" import customers "$tmp/data/customers.csv"
contains "$tmp/out" "$n rows read, $n added, 0 updated, 0 unchanged, 0 rejected"
rss_kb=$(tail -n 1 "$tmp/rss")
echo "import of $n customers: peak RSS $((rss_kb / 1024)) MB"
if [ "$rss_kb" -lt $((120 * 1024)) ]; then ok; else bad "peak RSS $((rss_kb / 1024)) MB, want under 120 MB"; fi

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
