#!/usr/bin/env bash
# End-to-end: drive the built manyi on the bundled example and on bad input.
# Usage: cli.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
gen=$3
example=$src/examples/after-sales
data=$example/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MANYI_NOW=2026-11-01T00:00:00Z
. "$(dirname "$0")/lib/assert.sh"
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" "$@"; }

# --- help, version, usage errors
expect 0 "$manyi" --help;            contains "$tmp/out" "Commands:"
expect 0 "$manyi" --version;         contains "$tmp/out" "manyi "
expect 2 "$manyi";                   contains "$tmp/err" "Usage: manyi"
expect 2 "$manyi" frobnicate;        contains "$tmp/err" "unknown command 'frobnicate'"
for c in init check import export customer status; do
  expect 0 "$manyi" "$c" --help;     contains "$tmp/out" "Usage: manyi"
done
expect 2 m import customers;         contains "$tmp/err" "give an ENTITY and a FILE"

# --- check
expect 0 m check;                    contains "$tmp/out" "ok"
expect 0 m --json check;             contains "$tmp/out" '"departments"'
printf 'version: 1\ndatabase: x.db\ndepartmnts: []\n' >"$tmp/bad.yaml"
expect 1 "$manyi" --config "$tmp/bad.yaml" check
contains "$tmp/err" "bad.yaml:3:1: unknown key 'departmnts' (did you mean 'departments'?)"
expect 1 "$manyi" --config "$tmp/none.yaml" check; contains "$tmp/err" "no configuration at"

# --- init: 0600, idempotent; refuses a file that is not a database
# The newest migration's number is the version a new database gets.
latest=$(ls "$(dirname "$0")/../../schemas/migrations" | sort | tail -1 | sed 's/^0*//; s/_.*//')
expect 0 m init;                     contains "$tmp/out" "schema version $latest"
[ "$(stat -c %a "$tmp/ex.db")" = 600 ] && ok || bad "database mode is not 0600"
expect 0 m init;                     contains "$tmp/out" "0 added, 0 changed"
echo "precious notes" >"$tmp/notes.db"
expect 1 "$manyi" --config "$example/manyi.yaml" --db "$tmp/notes.db" init
contains "$tmp/err" "not a SQLite database"
[ "$(cat "$tmp/notes.db")" = "precious notes" ] && ok || bad "notes.db was changed"
expect 1 "$manyi" --config "$example/manyi.yaml" --db "$tmp/absent.db" status
contains "$tmp/err" "manyi init"

# --- import the example; counts equal the files' rows
for e in customers staff orders interactions tickets responses; do
  expect 0 m import "$e" "$data/$e.csv"; contains "$tmp/out" "0 rejected"
done
expect 0 m --json status
# tickets: the file's 3000 and a follow-up the alert hook opened for each
# overall answer of 1 or 2 without a comment (awk; one with a comment waits
# for survey code)
callbacks=$(awk -F, 'NR > 1 && ($7 == "1" || $7 == "2") && $16 == "" { n++ } END { print n }' "$data/responses.csv")
for t in customers:2000 orders:20000 tickets:$((3000 + callbacks)) responses:5000 interactions:6000; do
  contains "$tmp/out" "\"${t%%:*}\": ${t##*:}"
done
# Answers: every non-empty question cell of responses.csv (columns 7..16), counted by awk.
# (The example has no quoted fields or embedded newlines in responses.)
answers=$(awk -F, 'NR > 1 { for (i = 7; i <= NF; i++) if ($i != "") n++ } END { print n }' \
  "$data/responses.csv")
if grep -q '"' "$data/responses.csv"; then ok; else contains "$tmp/out" "\"answers\": $answers"; fi
# Importing again adds nothing.
expect 0 m import customers "$data/customers.csv"
contains "$tmp/out" "2000 rows read, 0 added, 0 updated, 2000 unchanged"

# --- customer show, checked against awk over orders.csv
expect 0 m --json customer show C0000001
want_orders=$(awk -F, '$2 == "C0000001"' "$data/orders.csv" | wc -l)
want_life=$(awk -F, '$2 == "C0000001" && $6 != "cancelled" && $6 != "refunded" { s += $3 }
  END { printf "%.2f", s }' "$data/orders.csv")
contains "$tmp/out" "\"orders\": $want_orders,"
contains "$tmp/out" "\"lifetime_value\": \"$want_life\""
expect 1 m customer show NOBODY;     contains "$tmp/err" "unknown customer 'NOBODY'"

# --- tiers: dry run, explain, run, idempotent, a failing candidate policy
# (customer counts and 12-month spend derived independently with awk and the sqlite3 shell)
expect 0 m eval tiers --dry-run --diff "$tmp/diff.csv"
contains "$tmp/out" "2000 customers, 2000 changed, 0 unchanged, 0 failed"
no_orders=$(awk -F, 'NR == FNR { if (FNR > 1) seen[$2] = 1; next } FNR > 1 && !($1 in seen) { n++ }
  END { print n + 0 }' "$data/orders.csv" "$data/customers.csv")
contains "$tmp/out" "- -> P: $no_orders"
[ "$(wc -l <"$tmp/diff.csv")" -eq 2001 ] && ok || bad "diff has $(wc -l <"$tmp/diff.csv") lines"
expect 0 m eval tiers --dry-run --jobs 3 --diff "$tmp/diff3.csv"
cmp -s "$tmp/diff.csv" "$tmp/diff3.csv" && ok || bad "--jobs 3 decides differently from one job"
expect 2 m eval tiers --jobs 0;      contains "$tmp/err" "--jobs takes a number"
[ "$(sqlite3 "$tmp/ex.db" 'SELECT count(*) FROM tier_history')" = 0 ] && ok || bad "dry run wrote history"
expect 0 m explain tier C0000008
spend=$(sqlite3 :memory: ".import --csv $data/orders.csv o" \
  "SELECT printf('%.2f', sum(amount)) FROM o WHERE customer_id = 'C0000008'
     AND status NOT IN ('cancelled', 'refunded')
     AND unixepoch(ordered_at) > unixepoch('$MANYI_NOW') - 365 * 86400
     AND unixepoch(ordered_at) <= unixepoch('$MANYI_NOW')")
contains "$tmp/out" "spend_12m          $spend"
contains "$tmp/out" "decision: tier A"
contains "$tmp/out" "policies/tiers.lua:"
expect 0 m eval tiers;               contains "$tmp/out" "2000 changed"
[ "$(sqlite3 "$tmp/ex.db" 'SELECT count(*) FROM tier_history')" = 2000 ] && ok || bad "no tier history"
expect 0 m eval tiers;               contains "$tmp/out" "0 changed, 2000 unchanged"
expect 0 m explain points O00000001
amount=$(awk -F, '$1 == "O00000001" { print $3 }' "$data/orders.csv")
contains "$tmp/out" "amount             $amount"
contains "$tmp/out" "policies/loyalty.lua:"
contains "$tmp/out" "decision: "
expect 1 m explain points NOPE;      contains "$tmp/err" "unknown order 'NOPE'"
printf 'return { tier = function(c)\n  if c.external_id == "C0000002" then error("boom") end\n  return "C", "all C"\nend }\n' >"$tmp/bad.lua"
expect 3 m eval tiers --dry-run --policy "$tmp/bad.lua"
contains "$tmp/err" "bad.lua:2:"
contains "$tmp/err" "C0000002"
contains "$tmp/out" "1 failed"

# --- export round trip (CSV and JSONL), with special needs and referrals: one
# of them (C0000001 brought by the newer C0000009) names a customer stored after it
expect 0 m customer refer C0000009 C0000001
expect 0 m customer edit C0000001 --special-needs "轮椅 wheelchair"
for fmt in csv jsonl; do
  rm -f "$tmp/rt.db"
  expect 0 m export customers "$tmp/c1.$fmt"
  expect 0 m export orders "$tmp/o1.$fmt"
  r() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/rt.db" "$@"; }
  expect 0 r init
  expect 0 r import customers "$tmp/c1.$fmt"
  expect 0 r import orders "$tmp/o1.$fmt"
  expect 0 r export customers "$tmp/c2.$fmt"
  expect 0 r export orders "$tmp/o2.$fmt"
  cmp -s "$tmp/c1.$fmt" "$tmp/c2.$fmt" && ok || bad "customers $fmt export does not round-trip"
  same "$(sqlite3 "$tmp/rt.db" "SELECT c.special_needs || ' ' || r.external_id FROM customers c
          JOIN referrals f ON f.referred_id = c.id JOIN customers r ON r.id = f.referrer_id
          WHERE c.external_id = 'C0000001'")" "轮椅 wheelchair C0000009" "special needs and a later referrer round-trip ($fmt)"
  same "$(sqlite3 "$tmp/rt.db" "SELECT count(*) FROM referrals")" "$(sqlite3 "$tmp/ex.db" "SELECT count(*) FROM referrals")" "referrals round-trip ($fmt)"
  cmp -s "$tmp/o1.$fmt" "$tmp/o2.$fmt" && ok || bad "orders $fmt export does not round-trip"
done
expect 0 m export responses
[ "$(wc -l <"$tmp/out")" -eq 5001 ] && ok || bad "responses export has $(wc -l <"$tmp/out") lines"
expect 2 m export customers "$tmp/x.txt"; contains "$tmp/err" "cannot tell the format"

# --- bad input: all or nothing, with file:line and field
printf 'external_id,name,kind,created_at\nN1,A,person,2024-01-01\nN2,B,robot,2024-01-01\n' \
  >"$tmp/new.csv"
expect 1 m import customers "$tmp/new.csv"
contains "$tmp/err" "new.csv:3: field 'kind': 'robot' is not one of person, company, government"
contains "$tmp/err" "nothing was imported"
expect 1 m customer show N1
expect 3 m import customers "$tmp/new.csv" --rejects "$tmp/rej.csv"
contains "$tmp/out" "2 rows read, 1 added, 0 updated, 0 unchanged, 1 rejected"
contains "$tmp/rej.csv" "N2,B,robot,2024-01-01,3,"
expect 0 m customer show N1

# --- a killed import leaves the database whole and unchanged
"$gen" --out "$tmp/big" --customers 300000 --only customers >/dev/null 2>&1 || bad "manyi-gen failed"
k() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/kill.db" "$@"; }
expect 0 k init
for round in 1 2; do
  # Started directly (not through k) so that $! is manyi itself.
  "$manyi" --config "$example/manyi.yaml" --db "$tmp/kill.db" import customers \
    "$tmp/big/customers.csv" >/dev/null 2>&1 &
  pid=$!
  sleep 0.4
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  [ "$(sqlite3 "$tmp/kill.db" 'PRAGMA integrity_check')" = ok ] && ok || bad "integrity after kill"
  want=$([ "$round" = 1 ] && echo 0 || echo 300000)
  got=$(sqlite3 "$tmp/kill.db" 'SELECT count(*) FROM customers')
  [ "$got" = "$want" ] && ok || bad "after kill in round $round: $got customers, want $want"
  [ "$round" = 1 ] && { expect 0 k import customers "$tmp/big/customers.csv"; contains "$tmp/out" "300000 added"; }
done

# --- a killed tier run resumes where it stopped; every customer ends with one change
"$manyi" --config "$example/manyi.yaml" --db "$tmp/kill.db" eval tiers >/dev/null 2>&1 &
pid=$!
sleep 1
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
[ "$(sqlite3 "$tmp/kill.db" 'PRAGMA integrity_check')" = ok ] && ok || bad "integrity after killed tier run"
done_before=$(sqlite3 "$tmp/kill.db" 'SELECT count(*) FROM tier_history')
[ "$done_before" -lt 300000 ] && ok || bad "the tier run finished before it was killed"
expect 0 k eval tiers
[ "$done_before" -eq 0 ] || contains "$tmp/out" "resumed an interrupted run"
[ "$(sqlite3 "$tmp/kill.db" "SELECT count(*) FROM tier_history")" = 300000 ] && ok ||
  bad "tier history after resume: $(sqlite3 "$tmp/kill.db" 'SELECT count(*) FROM tier_history')"
[ "$(sqlite3 "$tmp/kill.db" "SELECT count(*) FROM customers WHERE tier = 'P'")" = 300000 ] && ok ||
  bad "not every customer (none has orders) is P after the resumed run"

echo "cli.sh: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
