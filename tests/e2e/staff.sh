#!/usr/bin/env bash
# End-to-end: agent scorecards (`manyi eval staff`) on a small desk
# (tests/data/staff: round the clock in UTC, so business time is wall time)
# with figures worked out by hand, and hostile evaluate_staff hooks.
# Usage: staff.sh MANYI SOURCE_DIR
set -uo pipefail
manyi=$1
src=$2
data=$src/tests/data/staff
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
# conf EVALUATION_FILE: the test configuration with that evaluation policy
conf() { sed "s|POLICY_DIR|$src/policies|; s|EVALUATION|$1|" "$data/manyi.yaml" >"$tmp/manyi.yaml"; }
m() { "$manyi" --config "$tmp/manyi.yaml" --db "$tmp/s.db" "$@"; }
sql() { sqlite3 "$tmp/s.db" "$1"; }
jx() { sqlite3 :memory: "select json_extract(readfile('$tmp/out'), '$1')"; }
at() { export MANYI_NOW=$1; }
conf "$src/policies/evaluation.lua"

at 2026-07-01T00:00:00Z
expect 0 m init
for f in staff customers; do expect 0 m import "$f" "$data/$f.csv"; done
# open CUSTOMER KIND AT: a ticket opened at AT
open() { at "$3"; expect 0 m ticket open --customer "$1" --kind "$2" --category general --severity medium --channel phone --subject "$2 of $1"; }
step() { at "$1"; shift; expect 0 m ticket "$@"; }

# S1: T0000001 inquiry (limits 1h / 4h): replied after 30m (met), resolved after 2h (met)
open C1 inquiry 2026-07-06T10:00:00Z
step 2026-07-06T10:10:00Z assign T0000001 S1
step 2026-07-06T10:30:00Z reply T0000001 'looking into it'
step 2026-07-06T12:00:00Z resolve T0000001 'done'
# S1: T0000002 inquiry: replied after 1h30m (late), resolved after 5h (late)
open C2 inquiry 2026-07-07T10:00:00Z
step 2026-07-07T10:05:00Z assign T0000002 S1
step 2026-07-07T11:30:00Z reply T0000002 'sorry for the wait'
step 2026-07-07T15:00:00Z resolve T0000002 'done'
# S1: T0000003 complaint (30m / 2h): replied after 20m, resolved after 1h (both met)
open C3 complaint 2026-07-08T10:00:00Z
step 2026-07-08T10:01:00Z assign T0000003 S1
step 2026-07-08T10:20:00Z reply T0000003 'we are sorry'
step 2026-07-08T11:00:00Z resolve T0000003 'refunded'
# S2: T0000004, a complaint of C1, whose previous ticket (T0000001) was S1's:
# a complaint against S1. Replied after 10m (met), never resolved: the 2h
# resolution clock is breached by now
open C1 complaint 2026-07-09T10:00:00Z
step 2026-07-09T10:02:00Z assign T0000004 S2
step 2026-07-09T10:10:00Z reply T0000004 'on it'
# follow-up invitations for the three resolved tickets, then the answers:
# T0000001 5, T0000002 2, T0000003 4 -> S1 2 satisfied of 3
at 2026-07-10T00:00:00Z
expect 0 m jobs add followups
expect 0 m tick
same "$(sql "select count(*) from invitations where ticket_id is not null")" 3 "one invitation per resolved ticket"
inv() { sql "select i.external_id from invitations i join tickets t on t.id = i.ticket_id where t.external_id = '$1'"; }
cust() { sql "select c.external_id from tickets t join customers c on c.id = t.customer_id where t.external_id = '$1'"; }
{ echo 'external_id,survey,customer_id,submitted_at,invitation,q_overall'
  n=0; for tv in T0000001:5 T0000002:2 T0000003:4; do
    t=${tv%:*}; n=$((n + 1)); echo "R$n,csat,$(cust "$t"),2026-07-20T10:00:00Z,$(inv "$t"),${tv#*:}"; done; } >"$tmp/r.csv"
expect 0 m import responses "$tmp/r.csv"

at 2026-10-05T00:00:00Z
expect 0 m --json eval staff --period 2026Q3
cp "$tmp/out" "$tmp/staff.json"
sf() { sqlite3 :memory: "select json_extract(value, '$2') from json_each(json_extract(readfile('$tmp/staff.json'), '\$.staff')) where json_extract(value, '\$.staff') = '$1'"; }
same "$(sf S1 '$.tickets') $(sf S1 '$.sla_tickets') $(sf S1 '$.resolved') $(sf S1 '$.complaints_handled')" "3 3 3 1" "S1 tickets"
same "$(printf '%.9f %.9f' "$(sf S1 '$.first_response_met')" "$(sf S1 '$.resolution_met')")" "0.666666667 0.666666667" "S1 SLA: 2 of 3 met each"
same "$(sf S1 '$.median_resolution_s')" "7200.0" "S1 median of 2h, 5h, 1h = 2h"
same "$(sf S1 '$.responses') $(printf '%.9f' "$(sf S1 '$.satisfied_share')")" "3 0.666666667" "S1 2 of 3 satisfied"
# Wilson 95% for 2 of 3: (p + z²/2n -/+ z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
same "$(printf '%.9f %.9f' "$(sf S1 '$.ci_lower')" "$(sf S1 '$.ci_upper')")" \
  "$(sqlite3 :memory: "with v(p, n, z) as (select 2.0/3, 3.0, 1.959963984540054) select printf('%.9f %.9f', (p + z*z/(2*n) - z*sqrt(p*(1-p)/n + z*z/(4*n*n)))/(1 + z*z/n), (p + z*z/(2*n) + z*sqrt(p*(1-p)/n + z*z/(4*n*n)))/(1 + z*z/n)) from v")" \
  "S1 Wilson interval"
same "$(sf S1 '$.complaints') $(sf S2 '$.complaints') $(sf S3 '$.complaints')" "1 0 0" "complaints against: S1 (T0000004 after T0000001)"
# S1 misses first response (.667 < .9), resolution (.667 < .85) and satisfaction (.667 < .85)
same "$(sf S1 '$.rating')" "below" "S1 rated below"
contains "$tmp/staff.json" "S1 2026-Q3: below (3 missed)"
# S2: one ticket, response met, resolution breached while running; no answers
same "$(sf S2 '$.tickets') $(sf S2 '$.first_response_met') $(sf S2 '$.resolution_met') $(sf S2 '$.resolution_decided')" "1 1.0 0.0 1" "S2 SLA"
same "$(sf S2 '$.median_resolution_s') $(sf S2 '$.satisfied_share') $(sf S2 '$.rating')" "  meets" "S2: nothing resolved, no answers, meets (1 missed)"
same "$(sf S3 '$.tickets') $(sf S3 '$.rating')" "0 not_rated" "S3 without tickets"
# stored, one row per staff member and period; a rerun replaces them
same "$(sql "select group_concat(s.external_id || ':' || e.rating || ':' || e.tickets || ':' || e.complaints || ':' || coalesce(e.median_resolution_s, '-'), ' ') from staff_evaluations e join staff s on s.id = e.staff_id where e.period = '2026-Q3' order by s.external_id")" \
  "S1:below:3:1:7200 S2:meets:1:0:- S3:not_rated:0:0:-" "stored scorecards"
expect 0 m eval staff --period 2026Q3
contains "$tmp/out" "S1       Agent One"
same "$(sql "select count(*) from staff_evaluations")" 3 "a rerun replaces"
expect 0 m eval staff --help;  contains "$tmp/out" "Usage: manyi"
expect 2 m eval staff;         contains "$tmp/err" "--period"

# hostile policies: each fails closed naming the hook, and stores nothing
sql "delete from staff_evaluations" >/dev/null
hostile() {
  printf 'local function evaluate() return {score = 0, grade = "D", passed = false, reasons = {}} end\nlocal function evaluate_staff(s, f, p)\n%s\nend\nreturn {evaluate = evaluate, evaluate_staff = evaluate_staff}\n' "$1" >"$tmp/bad.lua"
  conf "$tmp/bad.lua"
  expect 1 m eval staff --period 2026Q3
  contains "$tmp/err" "$2"
  same "$(sql "select count(*) from staff_evaluations")" 0 "nothing stored after: $2"
}
hostile 'return {rating = 42, notes = {}}' "evaluate_staff() returned a number (42) as the rating; it must be a string"
hostile 'return {rating = "superb", notes = {}}' "returned the rating 'superb' for staff S1; it must be one of exceeds, meets, below, not_rated"
hostile 'return {rating = "meets", notes = "fine"}' "evaluate_staff() returned a string as the notes; return a list"
hostile 'return {rating = "meets", notes = {}, bonus = 1e9}' "unknown field 'bonus'"
hostile 'return nil' "evaluate_staff() returned nil as the rating"
hostile 'while true do end' "bad.lua"
contains "$tmp/err" "instruction"
hostile 'error("no figures for " .. s.code)' "no figures for S1"
hostile 'f.tickets = 0' "read-only"
printf 'return {evaluate = function() end}\n' >"$tmp/bad.lua"
expect 1 m eval staff --period 2026Q3
contains "$tmp/err" "the policy has no 'evaluate_staff' hook"

echo "staff: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
