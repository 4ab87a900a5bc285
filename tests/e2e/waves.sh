#!/usr/bin/env bash
# End-to-end: who may be drawn into a survey wave (the eligibility policy,
# its exclusions by reason checked against plain SQL, the same draw as the
# built-in rule, --quiet-days as a param override, hostile policies that
# must stop with a clear error and write nothing) and the survey-wave job
# (`manyi tick`: one wave per quarter, named after it, its invitations and
# outbox messages equal to the sample size, re-ticks and missed quarters).
# Usage: waves.sh MANYI SOURCE_DIR [GEN]
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
data=$example/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
db=$tmp/ex.db
m() { "$manyi" --config "$example/manyi.yaml" --db "$db" "$@"; }
sql() { sqlite3 "$db" "$1"; }
jx() { sqlite3 :memory: "select json_extract(readfile('$tmp/out'), '$1')"; }
export MANYI_NOW=2026-11-23T09:00:00+08:00

expect 0 m init
for f in customers staff orders tickets; do expect 0 m import "$f" "$data/$f.csv"; done
expect 0 m eval tiers
cp "$db" "$tmp/fresh.db"

# --- exclusions by reason, counted here in SQL: no consented channel with an
# address; else an open complaint (nobody has been invited yet)
channel="((consent_email and email is not null) or (consent_sms and phone is not null) or (consent_phone and phone is not null))"
open="exists (select 1 from tickets t where t.customer_id = c.id and t.kind = 'complaint' and t.status not in ('resolved','closed'))"
no_consent=$(sql "select count(*) from customers c where not $channel")
open_complaint=$(sql "select count(*) from customers c where $channel and $open")
frame=$(sql "select count(*) from customers c where $channel and not $open")
expect 0 m --json survey sample csat --wave P1 --method stratified --by tier --size 200 --seed 7
same "$(jx '$.eligibility') $(jx '$.customers')" "policy 2000" "the eligibility policy decides"
same "$(jx '$.excluded.no_consent') $(jx '$.excluded.open_complaint') $(jx '$.frame')" \
  "$no_consent $open_complaint $frame" "exclusions by reason = SQL"
same "$(( $(jx '$.frame') + no_consent + open_complaint ))" 2000 "every customer in or left out"
expect 0 m survey sample csat --wave P1 --method stratified --by tier --size 200 --seed 7
contains "$tmp/out" "nothing added"
contains "$tmp/out" "no_consent"
same "$(sql "select count(*) from invitations")" 200 "a rerun adds no invitation"

# --- the policy with the example's params draws what the built-in rule draws
sed '/^  eligibility:/,/exclude_regions/d; s#\.\./\.\./policies/#'"$src"'/policies/#' "$example/manyi.yaml" >"$tmp/builtin.yaml"
cp "$tmp/fresh.db" "$tmp/builtin.db"
b() { "$manyi" --config "$tmp/builtin.yaml" --db "$tmp/builtin.db" "$@"; }
expect 0 b --json survey sample csat --wave P1 --method stratified --by tier --size 200 --seed 7
same "$(jx '$.eligibility') $(jx '$.excluded.no_consent') $(jx '$.excluded.open_complaint')" \
  "built-in $no_consent $open_complaint" "the built-in rule's reasons"
same "$(sqlite3 "$tmp/builtin.db" "select group_concat(customer_id || channel || stratum) from (select * from invitations order by customer_id)")" \
  "$(sql "select group_concat(customer_id || channel || stratum) from (select * from invitations order by customer_id)")" \
  "the same customers, channels and strata"

# --- the quiet period: the 200 invited wait 90 days; --quiet-days 0 replaces
# params.quiet_days
expect 0 m --json survey sample csat --wave P2 --size 10 --dry-run
same "$(jx '$.excluded.quiet_period') $(jx '$.frame')" "200 $((frame - 200))" "quiet period"
expect 0 m --json survey sample csat --wave P2 --size 10 --dry-run --quiet-days 0
same "$(jx '$.excluded.quiet_period')-$(jx '$.frame')" "-$frame" "--quiet-days 0: nobody in a quiet period"
# a size from the margin is the same on a rerun: the wave's own invitations
# do not put its customers in a quiet period
expect 0 m --json survey sample csat --wave M1 --margin 0.05 --seed 3
n=$(jx '$.sample')
expect 0 m --json survey sample csat --wave M1 --margin 0.05 --seed 3
same "$(jx '$.existed') $(jx '$.sample')" "1 $n" "a margin-sized wave drawn again adds nothing"
expect 0 m survey sample --help
contains "$tmp/out" "--quiet-days"

# --- hostile policies: a clear error naming the policy and the customer,
# nothing written
hostile() { # NAME BODY: a config whose eligibility policy is BODY
  printf '%s\n' "-- $1" "local function eligible(c, p)" "$2" "end" "return { eligible = eligible }" >"$tmp/$1.lua"
  sed 's#\.\./\.\./policies/eligibility.lua#'"$tmp/$1.lua"'#; s#\.\./\.\./policies/#'"$src"'/policies/#' "$example/manyi.yaml" >"$tmp/$1.yaml"
}
hostile loop "  while true do end"
hostile text '  return "yes"'
hostile boom '  error("no frame today")'
hostile hog '  local t = {} for i = 1, 1e8 do t[i] = ("x"):rep(64) .. i end return true'
hostile fax '  return { eligible = true, channel = "fax" }'
before=$(sql "select (select count(*) from survey_waves) || ' ' || (select count(*) from invitations)")
for h in loop:"instruction budget exhausted" text:"eligible() returned a string" \
         boom:"no frame today" hog:"budget exhausted" fax:"channel 'fax'"; do
  name=${h%%:*}
  expect 1 "$manyi" --config "$tmp/$name.yaml" --db "$db" survey sample csat --wave H --size 10
  contains "$tmp/err" "${h#*:}"
  contains "$tmp/err" "$name.lua:"
  contains "$tmp/err" "(customer C0000001)"
  contains "$tmp/err" "nothing was stored"
done
same "$(sql "select (select count(*) from survey_waves) || ' ' || (select count(*) from invitations)")" "$before" "hostile policies wrote nothing"

# --- the survey-wave job: the quarterly csat wave of the example's schedule
cp "$tmp/fresh.db" "$db"
wave_inv() { sql "select count(*) from invitations i join survey_waves w on w.id = i.wave_id where w.code = '$1'"; }
wave_msg() { sql "select count(*) from outbox o join invitations i on o.key = 'survey:' || i.external_id join survey_waves w on w.id = i.wave_id where w.code = '$1' and o.kind = 'survey_invitation'"; }
expect 0 m jobs kinds
contains "$tmp/out" "survey-wave"
expect 0 m tick --now 2026-09-30T12:00:00+08:00      # first sight: nothing fires for the past
same "$(sql "select count(*) from survey_waves")" 0 "no wave before the quarter"
expect 0 m tick --now 2026-10-01T09:00:00+08:00
same "$(sql "select group_concat(code) from survey_waves")" 2026Q4 "the wave is named after its quarter"
same "$(wave_inv 2026Q4) $(wave_msg 2026Q4)" "200 200" "invitations and messages = the sample size"
same "$(sql "select count(*) from invitations i join survey_waves w on w.id = i.wave_id where i.status = 'sent'")" 200 "all sent"
same "$(sql "select json_extract(design, '$.seed') || json_extract(design, '$.by') from survey_waves")" 2026tier "the design of manyi.yaml"
expect 0 m tick --now 2026-10-01T09:00:00+08:00      # a re-tick
expect 0 m tick --now 2026-10-01T11:00:00+08:00      # a second runner, later
same "$(sql "select count(*) from survey_waves") $(wave_inv 2026Q4) $(wave_msg 2026Q4)" "1 200 200" "a re-tick adds nothing"
same "$(sql "select count(*) from jobs where kind = 'survey-wave'")" 1 "one job for the occurrence"
# the job run again by hand (as after a crash between sampling and sending)
expect 0 m jobs add survey-wave --payload '{"schedule": "quarterly-csat"}'
expect 0 m tick --now 2026-10-01T11:30:00+08:00
same "$(wave_inv 2026Q4) $(wave_msg 2026Q4)" "200 200" "a rerun of the job doubles nothing"
# downtime over two quarters: 1 January and 1 April are missed, 1 July fires once
expect 0 m tick --now 2027-07-02T08:00:00+08:00
same "$(sql "select group_concat(code, ' ') from (select code from survey_waves order by id)")" "2026Q4 2027Q3" "missed quarters fire once"
same "$(wave_inv 2027Q3)" 200 "the new quarter's wave"
same "$(sql "select count(*) from (select customer_id from invitations where wave_id is not null group by customer_id, wave_id having count(*) > 1)")" 0 "no customer twice in a wave"

echo "waves: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
