#!/usr/bin/env bash
# End-to-end: the batch engine's breaker (service/batch.c). Hostile and broken
# tier policies run by `eval tiers --policy FILE` over the example's 2,000
# customers stop on their own with exit status 4, the message names the policy,
# the error and the first failing customer, and no tier changes (a dump of
# every customer's tier and the tier history, before and after). A policy that
# fails on a few customers does not trip it, and those customers (found
# independently with awk over customers.csv) are the rows of --failures FILE.
# Usage: batch_breaker.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
data=$example/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping" >&2; exit 77; }
export MANYI_NOW=2026-11-01T00:00:00Z
. "$(dirname "$0")/lib/assert.sh"
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" "$@"; }
sql() { sqlite3 "$tmp/ex.db" "$1"; }
# json FILE PATH: a value of the JSON in FILE (the sqlite3 shell's JSON functions).
json() { sqlite3 :memory: "SELECT json_extract(CAST(readfile('$1') AS TEXT), '$2')"; }
dump() { sql "SELECT external_id || ',' || coalesce(tier, '-') FROM customers ORDER BY id;
              SELECT 'history ' || count(*) FROM tier_history;"; }

expect 0 m init
for e in customers staff orders interactions tickets responses; do
  expect 0 m import "$e" "$data/$e.csv"
done
expect 0 m eval tiers
dump >"$tmp/before"
customers=$(($(wc -l <"$data/customers.csv") - 1))
first=$(awk -F, 'NR == 2 { print $1 }' "$data/customers.csv")

# --- hostile policies: each stops on its own (timeout would give 124), exit 4,
# names the policy, says why and who came first; no tier changed.
# hostile NAME WHY BODY [OPTIONS]: BODY is the body of tier(c, p).
hostile() {
  local name=$1 why=$2 body=$3
  shift 3
  printf 'return { tier = function(c, p)\n%s\nend }\n' "$body" >"$tmp/$name.lua"
  expect 4 timeout 120 "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" eval tiers \
    --policy "$tmp/$name.lua" --max-failures 10 "$@"
  contains "$tmp/err" "the breaker stopped eval tiers: the policy $tmp/$name.lua failed on 10 customers in a row"
  contains "$tmp/err" "the first: $first, "
  contains "$tmp/err" "nothing was committed by this run"
  contains "$tmp/err" "$why"
  contains "$tmp/out" "(stopped by the breaker)"
  dump >"$tmp/after"
  cmp -s "$tmp/before" "$tmp/after" && ok || bad "$name changed tiers"
}
hostile loop "instruction budget exhausted" '  while true do end'
hostile loop_pcall "budget exhausted" '  while true do pcall(function() while true do end end) end'
hostile loop_coroutine "budget exhausted" '  local co = coroutine.wrap(function() while true do end end)
  co()
  return "A", "escaped"'
hostile memory_table "budget exhausted" '  local t = {}
  for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end'
hostile xpcall_handler "budget exhausted" '  xpcall(function() while true do end end, function() while true do end end)
  return "A", "escaped"'
hostile close_coroutine "budget exhausted" '  coroutine.wrap(function()
    local guard <close> = setmetatable({}, { __close = function() while true do end end })
    while true do end
  end)()
  return "A", "escaped"'
hostile memory_rep "memory budget" '  return "A", string.rep("x", 1 << 40)'
hostile recursion "budget exhausted" '  local function f(n) return 1 + f(n + 1) end
  return f(1)'
hostile huge_reason "reason of 5000000 bytes" '  return "A", string.rep("x", 5000000)'
hostile huge_tier "which is not a tier of the configuration" '  return string.rep("A", 5000000)'
hostile number "tier() returned a number" '  return 42'
hostile table "tier() returned a table" '  return {}'
hostile none "tier() returned nil" '  return nil'
hostile unknown "tier 'Z', which is not a tier of the configuration" '  return "Z", "made up"'
hostile error_each "no tier today" '  error("no tier today")'
hostile pattern "could take" '  local s = string.rep("a", 5000)
  while true do s:find(".-.-.-x") end'
hostile write_view "read-only" '  c.tier = "A"
  return "A", "wrote"'
# the same with two Lua states deciding on two threads
hostile error_jobs "no tier today" '  error("no tier today")' --jobs 2

# The default bound is 100 in a row.
printf 'return { tier = function(c) error("always") end }\n' >"$tmp/always.lua"
expect 4 m eval tiers --policy "$tmp/always.lua"
contains "$tmp/err" "failed on 100 customers in a row (--max-failures 100)"
contains "$tmp/err" "the first error: $tmp/always.lua:1: always (customer $first)"
# --json: the summary with the breaker, the failures of committed chunks (none)
expect 4 m --json eval tiers --policy "$tmp/always.lua"
same "$(json "$tmp/out" '$.breaker.rule')" max_failures "json breaker rule"
same "$(json "$tmp/out" '$.breaker.in_a_row')" 100 "json breaker in_a_row"
same "$(json "$tmp/out" '$.breaker.first[0].external_id')" "$first" "json first failing customer"
same "$(json "$tmp/out" '$.customers')" 0 "json customers committed"
same "$(json "$tmp/out" '$.failures')" "[]" "json failures"
# --max-failures 0: no bound, the run goes to the end as before (exit 3)
expect 3 m eval tiers --dry-run --policy "$tmp/always.lua" --max-failures 0 --max-failure-share 1
contains "$tmp/out" "$customers customers, 0 changed, 0 unchanged, $customers failed"
dump >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" && ok || bad "hostile runs changed tiers"

# --- a policy that fails on a few customers (external ids ending in 7: one in
# ten, never ten in a row) does not trip it; they are the rows of --failures.
printf 'return { tier = function(c)\n  if c.external_id:sub(-1) == "7" then error("seven") end\n  return "C", "all C"\nend }\n' >"$tmp/some.lua"
expect 3 m eval tiers --policy "$tmp/some.lua" --max-failures 5 --max-failure-share 0.2 \
  --failures "$tmp/failures.csv"
sevens=$(awk -F, 'NR > 1 && $1 ~ /7$/' "$data/customers.csv" | wc -l)
contains "$tmp/out" "$customers customers,"
contains "$tmp/out" " $sevens failed"
same "$(head -n 1 "$tmp/failures.csv")" "id,external_id,error" "failures header"
awk -F, 'NR > 1 && $1 ~ /7$/ { print $1 }' "$data/customers.csv" | sort >"$tmp/want"
awk -F, 'NR > 1 { print $2 }' "$tmp/failures.csv" | sort >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" && ok || bad "the failures file does not list the customers ending in 7"
grep -q "^[0-9]*,${first%?}7,$tmp/some.lua:2: seven (customer ${first%?}7)\$" "$tmp/failures.csv" && ok ||
  bad "failures row of ${first%?}7: $(grep "${first%?}7" "$tmp/failures.csv")"
same "$(sql "SELECT count(*) FROM customers WHERE tier = 'C' AND external_id NOT LIKE '%7'")" \
  $((customers - sevens)) "customers decided beside the failures"
diff <(grep '^[^,]*7,' "$tmp/before") <(dump | grep '^[^,]*7,') >/dev/null && ok ||
  bad "the failing customers did not keep their tier"
# --json lists them too
expect 3 m --json eval tiers --dry-run --policy "$tmp/some.lua" --max-failures 5 --max-failure-share 0.2
same "$(json "$tmp/out" '$.failures[0].external_id')" "${first%?}7" "json failures[0]"
same "$(sqlite3 :memory: "SELECT json_array_length(CAST(readfile('$tmp/out') AS TEXT), '\$.failures')")" \
  "$sevens" "json failures count"
same "$(json "$tmp/out" '$.breaker')" "" "json breaker null"
# the same policy with the default share (5 %): one in ten is too many
expect 4 m eval tiers --dry-run --policy "$tmp/some.lua" --max-failures 5
contains "$tmp/err" "more than 5% (--max-failure-share 0.05)"
contains "$tmp/err" "a dry run: nothing was changed"
expect 0 m eval tiers
dump >"$tmp/before"

# --- a policy that is fine for the first 600 customers and then fails: the
# first chunk (500) is committed, nothing of the second; a rerun resumes
# after it and stops again; the job row says why.
printf 'return { tier = function(c)\n  if tonumber(c.external_id:sub(2)) > 600 then error("late") end\n  return "C", "early C"\nend }\n' >"$tmp/late.lua"
expect 4 m eval tiers --policy "$tmp/late.lua"
id500=$(sql "SELECT id FROM customers ORDER BY id LIMIT 1 OFFSET 499")
contains "$tmp/err" "the first: C0000601, C0000602"
contains "$tmp/err" "the chunks through customer id $id500 were committed, nothing after"
same "$(sql "SELECT count(*) FROM customers WHERE id <= $id500 AND tier = 'C'")" 500 "first chunk committed"
diff <(sed -n '501,2000p' "$tmp/before") <(dump | sed -n '501,2000p') >/dev/null && ok ||
  bad "customers after the first chunk changed"
same "$(sql "SELECT status FROM jobs WHERE kind = 'eval-tiers' ORDER BY id DESC LIMIT 1")" failed "job status"
sql "SELECT error FROM jobs WHERE kind = 'eval-tiers' ORDER BY id DESC LIMIT 1" >"$tmp/joberr"
contains "$tmp/joberr" "the breaker stopped eval tiers"
expect 4 m eval tiers --policy "$tmp/late.lua"
contains "$tmp/out" "resumed an interrupted run after customer id $id500"
contains "$tmp/err" "nothing was committed by this run"
same "$(sql 'PRAGMA integrity_check')" ok "integrity"

# --- eval points: a loyalty policy that loops on every event
printf 'return { points = function(ev, c, p) while true do end end }\n' >"$tmp/ploop.lua"
expect 4 timeout 120 "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" eval points \
  --policy "$tmp/ploop.lua" --max-failures 5
contains "$tmp/err" "the breaker stopped eval points: the policy $tmp/ploop.lua failed on 5 events in a row"
contains "$tmp/err" "nothing was committed by this run"
same "$(sql 'SELECT count(*) FROM loyalty_ledger')" 0 "ledger after a hostile points run"
# the same with --jobs 3: events decided on other threads, entries written as they come
expect 4 timeout 120 "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" eval points \
  --policy "$tmp/ploop.lua" --max-failures 5 --jobs 3
contains "$tmp/err" "failed on 5 events in a row"
same "$(sql 'SELECT count(*) FROM loyalty_ledger')" 0 "ledger after a hostile points run, --jobs 3"
# --jobs 3 credits exactly what one thread credits (small chunks: many of them)
cp "$tmp/ex.db" "$tmp/pj1.db" && cp "$tmp/ex.db" "$tmp/pj3.db"
ledger() { sqlite3 "$1" "SELECT idempotency_key, customer_id, points, expires_at, reason FROM loyalty_ledger ORDER BY id" | cksum; }
expect 0 "$manyi" --config "$example/manyi.yaml" --db "$tmp/pj1.db" eval points --chunk 7
expect 0 "$manyi" --config "$example/manyi.yaml" --db "$tmp/pj3.db" eval points --chunk 7 --jobs 3
[ "$(sqlite3 "$tmp/pj1.db" 'SELECT count(*) FROM loyalty_ledger')" -gt 100 ] && ok || bad "few entries credited"
same "$(ledger "$tmp/pj3.db")" "$(ledger "$tmp/pj1.db")" "the ledger of --jobs 3 and of one thread"

# --- bad option values: usage errors (2)
for bad_opt in "--max-failures -1" "--max-failures x" "--max-failures 1.5" "--max-failure-share 0" \
  "--max-failure-share 1.5" "--max-failure-share nan" "--max-failure-share -0.1" "--max-failure-share 5%"; do
  # shellcheck disable=SC2086 # the option and its value are two words
  expect 2 m eval tiers --dry-run $bad_opt
  contains "$tmp/err" "${bad_opt%% *} takes"
done
expect 2 m eval points --jobs 0;  contains "$tmp/err" "--jobs takes a number from 1 to 16"
expect 1 m eval tiers --dry-run --failures "$tmp/ex.db"
same "$(sql 'PRAGMA integrity_check')" ok "the database after --failures named it"

echo "batch_breaker: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
