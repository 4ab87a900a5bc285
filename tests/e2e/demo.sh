#!/usr/bin/env bash
# End-to-end: `make demo` (examples/after-sales/demo.sh) runs through, fast,
# and its quarterly cycle shows what it should: the wave drawn by the
# eligibility policy with its exclusions, dispatch, the wave's answers
# imported against their invitations, cleaning, scores, department
# evaluation and an improvement action; the front desk; a detractor answer
# turned into a follow-up ticket and counted by the report. Counts are checked against the
# database the demo leaves. Usage: demo.sh MANYI SOURCE_DIR [GEN]
set -uo pipefail
manyi=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
db=$tmp/demo.db
sql() { sqlite3 "$db" "$1"; }

start=$(date +%s)
expect 0 bash "$src/examples/after-sales/demo.sh" "$manyi" "$db"
took=$(($(date +%s) - start))
echo "the demo took ${took}s" # printed, not checked: timings belong to bench/
cp "$tmp/out" "$tmp/demo.out"
out=$tmp/demo.out
for heading in "== Sample the 2026Q4 wave" "== Dispatch" "== Import the answers to the wave" \
               "== Clean the responses" "== Score the wave" "== Evaluate the departments for 2026Q3" \
               "== Agent scorecards for 2026Q3" "== Plan an improvement action" \
               "== The satisfaction report for 2026Q3"; do
  contains "$out" "$heading"
done
contains "$out" "csat wave 2026Q4: 200 of 1583 eligible customers"
# the front desk: the caller found by phone, the complaint routed to an agent on duty
contains "$out" "== The front desk: a caller found by phone, a complaint assigned to an agent"
contains "$out" "1 customer found by phone"
contains "$out" "TDEMO1 opened: support, priority 1, assigned to S008"
# told by SMS: a tier-A complaint (priority 1: 30m and 4h in natural hours)
# opened Friday 2026-11-20 10:05 is promised 10:35 and 14:05
contains "$out" "sms,【售后服务】张刚海您好：您的投诉已受理，工单号 TDEMO1。我们将在 2026-11-20 10:35 前联系您，2026-11-20 14:05 前处理完毕。"
same "$(sql "SELECT s.external_id || ' ' || d.code FROM tickets t JOIN staff s ON s.id = t.assignee_id JOIN departments d ON d.id = s.department_id WHERE t.external_id = 'TDEMO1'")" "S008 support" "the demo's complaint is assigned to an agent of support"
# the closed loop: the detractor answer RDEMO1 (overall 1, "我要投诉") opened one
# follow-up once survey code coded its comment, linked to it, called back and
# closed; the report counts it
contains "$out" "== The closed loop: a detractor answer turns into a follow-up ticket"
contains "$out" "alert.lua: 1 follow-up opened"
fu=$(sql "SELECT t.external_id || ' ' || t.kind || ' ' || t.priority || ' ' || t.status FROM response_followups f
  JOIN responses r ON r.id = f.response_id JOIN tickets t ON t.id = f.ticket_id WHERE r.external_id = 'RDEMO1'")
same "${fu#* }" "callback 1 resolved" "the detractor's follow-up: a callback, priority 1, resolved"
contains "$out" "RDEMO1 -> ${fu%% *} callback for support: call back C0000008: overall answer 1 (<= 2) and comment coded as complaint"
opened=$(sql "SELECT count(*) FROM response_followups WHERE opened_at >= unixepoch('2026-10-31T16:00:00Z') AND opened_at < unixepoch('2026-11-30T16:00:00Z')")
contains "$out" "| follow-ups opened from responses | $opened |"
contains "$out" "| of those called back | 1 |"
contains "$out" "| median hours to the call-back | 1.2 |" # opened 12:00, called back 13:10
same "$(sql "SELECT count(*) - count(DISTINCT response_id) FROM response_followups")" 0 "one follow-up per response"
contains "$out" "left out of 2000 customers (eligibility policy):"
same "$(grep -E '^  no_consent ' "$out" | awk '{print $2}')" \
  "$(sql "select count(*) from customers where not ((consent_email and email is not null) or (consent_sms and phone is not null) or (consent_phone and phone is not null))")" \
  "no_consent as SQL counts it"
contains "$out" "csat wave 2026Q4: 200 invitations to the outbox"
answered=$(sql "select count(*) from responses r join invitations i on i.id = r.invitation_id join survey_waves w on w.id = i.wave_id where w.code = '2026Q4'")
contains "$out" "demo-wave-2026Q4.csv: $answered rows read, $answered added"
same "$(grep -E '^all ' "$out" | awk '{print $2, $3, $4}')" "200 200 $answered" "survey status of the wave"
contains "$out" "csat: flags by reason"
contains "$out" "CSAT %"
contains "$out" "support        2026-Q3"
contains "$out" "action 1 planned"
# S001's scorecard counts the tickets assigned to S001 opened in 2026Q3 (Asia/Shanghai)
same "$(grep -E '^S001 ' "$out" | grep -oE 'tickets [0-9]+')" \
  "tickets $(sql "select count(*) from tickets t join staff s on s.id = t.assignee_id where s.external_id = 'S001'
                  and t.opened_at >= unixepoch('2026-06-30T16:00:00Z') and t.opened_at < unixepoch('2026-09-30T16:00:00Z')")" \
  "a scorecard's tickets (SQL)"
same "$(sql "select count(*) from evaluations where metric = 'score' and period = '2026-Q3'") $(sql "select count(*) from improvement_actions")" "4 1" "evaluations and the action stored"
# the report: the page was written; its headline is the survey score of 2026Q3
[ -s "$tmp/satisfaction-2026Q3.html" ] && ok || bad "no HTML report"
contains "$tmp/satisfaction-2026Q3.html" '<canvas'
MANYI_NOW=2026-10-25T00:00:00+08:00 "$manyi" --config "$src/examples/after-sales/manyi.yaml" --db "$db" \
  --json survey score csat --period 2026Q3 >"$tmp/score.json"
csat=$(sqlite3 :memory: "select printf('%.1f', 100 * json_extract(readfile('$tmp/score.json'), '$.csat.p'))")
# the demo shows the Chinese report's verdict: this period's CSAT first
contains "$out" "| 满意率 CSAT %（前两档） | $csat |"
contains "$tmp/satisfaction-2026Q3.zh_CN.html" '<html lang="zh-CN">'
contains "$out" "the whole report in Chinese: "
if [ -x /usr/bin/chromium ]; then
  [ "$(head -c 5 "$tmp/satisfaction-2026Q3.zh_CN.pdf")" = "%PDF-" ] && ok || bad "no Chinese PDF report"
fi
# the same demo twice gives the same output (fixed times, seeded draw, generated answers)
expect 0 bash "$src/examples/after-sales/demo.sh" "$manyi" "$db"
same "$(sed -n '/== Sample/,$p' "$tmp/out" | md5sum)" "$(sed -n '/== Sample/,$p' "$out" | md5sum)" "the cycle is deterministic"

echo "demo: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
