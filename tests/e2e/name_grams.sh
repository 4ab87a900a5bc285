#!/usr/bin/env bash
# End-to-end: the name index (customer_name_grams, migration 16) after an
# import of customers, which builds it in one pass per transaction with the
# triggers off, is the index the per-row triggers build (`customer add`,
# `customer edit`), and `customer find --name` finds the same customers:
#  - new customers, Chinese, Latin in any case, one character, repeated
#    pieces, four-byte characters, 200 characters;
#  - renames by a second import (the old name's pieces go), unchanged rows;
#  - an import with --rejects that commits in chunks (3 rows a commit);
#  - a refused import adds nothing and leaves the triggers on.
# Expected index: the migration's own SQL run by the sqlite3 shell over the
# stored names, and the index the triggers keep in a second database.
# Usage: name_grams.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
gen=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8
export MANYI_NOW=2026-11-20T10:00:00+08:00
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping" >&2; exit 77; }
. "$(dirname "$0")/lib/assert.sh"
cfg=$tmp/manyi.yaml
sed "s#\.\./\.\./policies/#$src/policies/#; s#import_batch_rows: 5000#import_batch_rows: 3#" \
  "$src/examples/after-sales/manyi.yaml" >"$cfg"
grep -q "import_batch_rows: 3" "$cfg" || { echo "the example has no import_batch_rows" >&2; exit 1; }
bulk=$tmp/bulk.db # imported
rows=$tmp/rows.db # customer add / edit: the triggers
mb() { "$manyi" --config "$cfg" --db "$bulk" "$@"; }
mr() { "$manyi" --config "$cfg" --db "$rows" "$@"; }
# the index as stored, and as the migration's SQL makes it of the names
grams() { sqlite3 "$1" "SELECT g.gram || ' ' || c.external_id FROM customer_name_grams g
                       JOIN customers c ON c.id = g.customer_id ORDER BY 1"; }
want_grams() { sqlite3 "$1" "SELECT DISTINCT substr(lower(c.name), s.n, 2) || ' ' || c.external_id
                             FROM customers c JOIN mi_seq s ON s.n <= length(c.name) ORDER BY 1"; }
# find --name Q in a database: the external ids, sorted
found() {
  "$manyi" --config "$cfg" --db "$1" --json customer find --name "$2" --limit 1000 2>/dev/null |
    grep -o '"external_id": "[^"]*"' | sed 's/.*: "//; s/"//' | sort | tr '\n' ' '
}
scan() { sqlite3 "$1" "SELECT external_id FROM customers WHERE instr(lower(name), lower('$2')) > 0
                       ORDER BY external_id" | tr '\n' ' '; }
queries=(张 张伟 伟强 哈哈 zhang "ZHANG W" "wei" "g w" o 😀 😀a Ltd "Co.," 明 小明 x "Ö")
compare() { # WHAT: both databases' index and finds against each other and the scans
  local a b
  a=$(grams "$bulk"); b=$(grams "$rows")
  same "$a" "$(want_grams "$bulk")" "$1: the imported index is the migration's"
  same "$b" "$(want_grams "$rows")" "$1: the triggers' index is the migration's"
  same "$a" "$b" "$1: the imported index is the triggers' index"
  for q in "${queries[@]}"; do
    a=$(found "$bulk" "$q")
    same "$a" "$(found "$rows" "$q")" "$1: find --name '$q' after an import and after customer add"
    same "$a" "$(scan "$bulk" "$q")" "$1: find --name '$q' as a scan finds it"
  done
}

long=$(printf 'Ab张%.0s' $(seq 40)) # 200 bytes, the most a name may have
# ROWS: "ID|NAME|KIND" lines; csv FILE ROWS... writes them as an import file
csv() {
  local f=$1; shift
  echo "external_id,name,kind,created_at" >"$f"
  for r in "$@"; do IFS='|' read -r id name kind <<<"$r"; printf '%s,"%s",%s,2026-01-01\n' "$id" "$name" "$kind" >>"$f"; done
}
add_all() { for r in "$@"; do IFS='|' read -r id name kind <<<"$r"; expect 0 mr customer add --id "$id" --name "$name" --kind "$kind"; done; }
first=("K01|张伟|person" "K02|张伟强|person" "K03|王小明|person" "K04|Zhang Wei|person"
       "K05|ZHANG WEIQIANG|person" "K06|张|person" "K07|哈哈哈哈|person" "K08|x|person"
       "K09|😀a😀|person" "K10|Hangzhou Golden Sun Co., Ltd.|company" "K11|Özil 小明|person"
       "K12|$long|person" "K13|李 明|person")
csv "$tmp/c1.csv" "${first[@]}"
expect 0 mb init
expect 0 mr init
expect 0 mb import customers "$tmp/c1.csv"
add_all "${first[@]}"
compare "new customers"

# renames, unchanged rows and new rows in a second import
csv "$tmp/c2.csv" "K01|张伟|person" "K02|赵伟强|person" "K04|Wang Wei|person" "K07|哈|person" \
  "K14|新 客户 zhang|person"
expect 0 mb import customers "$tmp/c2.csv"
expect 0 mr customer edit K02 --name 赵伟强
expect 0 mr customer edit K04 --name "Wang Wei"
expect 0 mr customer edit K07 --name 哈
expect 0 mr customer add --id K14 --name "新 客户 zhang"
compare "renamed customers"
same "$(sqlite3 "$bulk" "SELECT count(*) FROM customer_name_grams g JOIN customers c ON c.id = g.customer_id
                         WHERE c.external_id = 'K02' AND g.gram = '张伟'")" 0 "the old name's pieces are gone"

# --rejects: commits every 3 rows, bad rows rejected
csv "$tmp/c3.csv" "K20|周明明|person" "K21||person" "K22|Zhou Ming|person" "K23|周 二|alien" \
  "K24|周三|person" "K25|周四|person" "K26|周五 Friday|person" "K02|钱伟强|person"
expect 3 mb import customers "$tmp/c3.csv" --rejects "$tmp/rej.csv"
same "$(cut -d, -f1 "$tmp/rej.csv" | tail -n +2 | tr "\n" " ")" "K21 K23 " "the rejected rows"
add_all "K20|周明明|person" "K22|Zhou Ming|person" "K24|周三|person" "K25|周四|person" \
  "K26|周五 Friday|person"
expect 0 mr customer edit K02 --name 钱伟强
queries+=(周 周明 ming friday 钱伟)
compare "an import with rejects"
same "$(sqlite3 "$bulk" "SELECT count(*) FROM customer_name_grams g JOIN customers c ON c.id = g.customer_id
                         WHERE c.external_id IN ('K21', 'K23')")" 0 "rejected rows have no pieces"

# a refused import adds nothing, and the triggers are on again afterwards
printf 'external_id,name,kind,created_at\nK30,孙悟空,person,2026-01-01\nK31,,person,2026-01-01\n' >"$tmp/c4.csv"
before=$(grams "$bulk")
expect 1 mb import customers "$tmp/c4.csv"
same "$(grams "$bulk")" "$before" "a refused import leaves the index as it was"
expect 0 mb customer add --id K32 --name 猪八戒
expect 0 mr customer add --id K32 --name 猪八戒
queries+=(八戒 悟空)
compare "after a refused import"

# many generated customers: the index is the migration's, finds are scans
"$gen" --out "$tmp/data" --customers 3000 --only customers >/dev/null || { echo "manyi-gen failed" >&2; exit 1; }
expect 0 mb import customers "$tmp/data/customers.csv"
same "$(grams "$bulk")" "$(want_grams "$bulk")" "3000 generated customers: the index is the migration's"
for q in 张 王伟 li an Co 明华 "g S"; do
  same "$(found "$bulk" "$q")" "$(scan "$bulk" "$q" | tr ' ' '\n' | head -1000 | sort | tr '\n' ' ')" \
    "3000 generated customers: find --name '$q'"
done

echo "name_grams: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
