#!/usr/bin/env bash
# The main job on the bundled example: create the database, load the example
# data, classify the customers into tiers, credit loyalty points, and show what
# came of it. Usage: demo.sh MANYI_BINARY DATABASE
set -euo pipefail
manyi=${1:?usage: demo.sh MANYI_BINARY DATABASE}
db=${2:?usage: demo.sh MANYI_BINARY DATABASE}
here=$(cd "$(dirname "$0")" && pwd)
run() { "$manyi" --config "$here/manyi.yaml" --db "$db" "$@"; }

rm -f "$db" "$db-wal" "$db-shm"
run check
run init
for entity in customers staff orders interactions tickets responses; do
  run import "$entity" "$here/data/$entity.csv"
done
run import staff "$here/data/technicians.csv" # skills for `manyi appoint`
run status
run eval tiers
run eval points
run customer show C0000008
run explain tier C0000008

# --- The quarterly cycle: a survey wave from sampling to an improvement
# action. Times are fixed so the output is the same on every run. (The
# survey-wave job in manyi.yaml's schedule does the first two steps by itself
# on 1 January, April, July and October; `manyi tick` runs it.)
heading() { printf '\n== %s ==\n' "$*"; }
work=$(dirname "$db")
heading "Sample the 2026Q4 wave (eligibility policy, stratified by tier)"
MANYI_NOW=2026-10-01T09:00:00+08:00 run survey sample csat --wave 2026Q4 --method stratified --by tier --size 200 --seed 2026
heading "Dispatch: one outbox message per invitation"
MANYI_NOW=2026-10-01T09:00:00+08:00 run survey dispatch csat --wave 2026Q4
heading "Import the answers to the wave"
# Made-up, deterministic answers to the invitations just sent (wave_responses.awk).
run outbox export "$work/demo-outbox.csv"
awk -v wave=2026Q4 -v start=2026-10-02 -f "$here/wave_responses.awk" "$work/demo-outbox.csv" \
  >"$work/demo-wave-2026Q4.csv"
MANYI_NOW=2026-10-25T00:00:00+08:00 run import responses "$work/demo-wave-2026Q4.csv"
run survey status csat --wave 2026Q4
heading "Clean the responses (flags, never deletes)"
run survey clean csat
heading "Score the wave (design-weighted)"
run survey score csat --wave 2026Q4 --by tier
heading "Evaluate the departments for 2026Q3"
run eval departments --period 2026Q3
heading "Agent scorecards for 2026Q3 (the first eight; the tickets' assignees)"
run eval staff --period 2026Q3 >"$work/demo-staff-2026Q3.txt"
awk '!/^    / && n++ < 8' "$work/demo-staff-2026Q3.txt"
echo "every scorecard: $work/demo-staff-2026Q3.txt"
heading "Plan an improvement action"
run action add --department support --title "Call back within the SLA" \
  --problem "first responses late" --measure "callback rota" --owner S001 --due 2026-12-31 \
  --metric first_response_met --baseline 2026Q3

heading "The satisfaction report for 2026Q3"
# One self-contained HTML page (charts by Chart.js, inlined), in English and in
# Chinese; the Chinese report's verdict (its first screen) here in Markdown.
MANYI_NOW=2026-10-25T00:00:00+08:00 run report satisfaction --period 2026Q3 --format html \
  --output "$work/satisfaction-2026Q3.html"
MANYI_NOW=2026-10-25T00:00:00+08:00 run --lang zh_CN report satisfaction --period 2026Q3 \
  --format html --output "$work/satisfaction-2026Q3.zh_CN.html"
MANYI_NOW=2026-10-25T00:00:00+08:00 run --lang zh_CN report satisfaction --period 2026Q3 --format md |
  sed -n '/^## 摘要/,/^## 1\./p' | sed '$d'
# and on paper (headless Chromium prints the page; its first page is the verdict)
if [ -x "${MANYI_CHROMIUM:-/usr/bin/chromium}" ]; then
  MANYI_NOW=2026-10-25T00:00:00+08:00 run --lang zh_CN report satisfaction --period 2026Q3 \
    --format pdf --output "$work/satisfaction-2026Q3.zh_CN.pdf"
  echo "the Chinese report on paper: $work/satisfaction-2026Q3.zh_CN.pdf"
else
  echo "(no PDF: install Debian's chromium for --format pdf)"
fi
echo "the report in English: $work/satisfaction-2026Q3.html"
echo "the whole report in Chinese: $work/satisfaction-2026Q3.zh_CN.html (open it in a browser)"

# --- The front desk (issue 18): a caller is found by the number they call
# from, the call is logged, their complaint is opened, routed and assigned to
# an agent on duty, and it shows in the agent's queue and the history.
heading "The front desk: a caller found by phone, a complaint assigned to an agent"
desk_now=2026-11-20T10:05:00+08:00 # a Friday morning: the support desk is open
MANYI_NOW=$desk_now run customer find "+86-133-8607-8884"
MANYI_NOW=$desk_now run interaction log --customer C0000008 --channel phone --staff S008 \
  --summary "客户来电投诉客服态度" --at 2026-11-20T10:00:00+08:00
MANYI_NOW=$desk_now run ticket open --customer C0000008 --kind complaint --category service_attitude \
  --severity medium --channel phone --subject "客服态度差，多次转接无人处理" --id TDEMO1
# the customer is told, on the first channel they consented to, with the
# promised times of the SLA clocks (notify: in manyi.yaml)
MANYI_NOW=$desk_now run outbox list | grep '^notice:TDEMO1:received' | cut -d, -f3,7
agent=$(MANYI_NOW=$desk_now run --json ticket show TDEMO1 | sed -n 's/.*"assignee": "\([^"]*\)".*/\1/p' | head -1)
MANYI_NOW=2026-11-20T11:00:00+08:00 run ticket queue --staff "${agent:-S008}" --limit 5
MANYI_NOW=$desk_now run customer history C0000008 --last 60 | grep -v '  points  ' | head -6

# --- The closed loop on feedback (issue 18): the alert policy is asked about
# every answer as it is imported (the history's detractors were called back
# at the import above), and once more when its comment has been coded; a
# detractor answer turns into a call-back ticket with its own SLA, and the
# report counts the detractors called back.
heading "The closed loop: a detractor answer turns into a follow-up ticket"
loop_now=2026-11-20T11:30:00+08:00
MANYI_NOW=$loop_now run survey code csat | sed -n '/follow-ups\? opened/p' # the history's comments
{ head -1 "$here/data/responses.csv"
  echo "RDEMO1,csat,C0000008,2026-11-20T11:40:00+08:00,95,sms,1,3,1,2,2,3,2,5,0,维修后还是有问题，客服态度差，我要投诉"
} >"$work/demo-detractor.csv"
# imported: its comment is not coded yet, so the policy waits for survey code
MANYI_NOW=2026-11-20T11:45:00+08:00 run import responses "$work/demo-detractor.csv"
MANYI_NOW=2026-11-20T12:00:00+08:00 run survey code csat | sed -n '1p;/follow-ups\? opened/,/^[^ ]/p' |
  grep -v '^survey categories' | tee "$work/demo-alerts.txt"
followup=$(sed -n 's/^  RDEMO1 -> \([^ ]*\) .*/\1/p' "$work/demo-alerts.txt")
MANYI_NOW=2026-11-20T12:00:00+08:00 run ticket sla "$followup"
MANYI_NOW=2026-11-20T13:10:00+08:00 run ticket reply "$followup" "已回访：致歉并安排上门复修" >/dev/null
MANYI_NOW=2026-11-21T10:00:00+08:00 run ticket resolve "$followup" "复修完成，客户确认满意" >/dev/null
echo "follow-up $followup: called back at 13:10, resolved the next morning"
MANYI_NOW=2026-11-21T12:00:00+08:00 run report satisfaction --period 2026-11 --format md |
  sed -n '/^## 10\./,$p'

# The end product: the quarter's report for the satisfaction committee, its
# first screen (and first page) the verdict, in Chinese and in English.
heading "The reports this demo wrote"
for f in "$work/satisfaction-2026Q3.zh_CN.html" "$work/satisfaction-2026Q3.zh_CN.pdf" \
  "$work/satisfaction-2026Q3.html"; do
  if [ -s "$f" ]; then echo "$f"; fi
done
