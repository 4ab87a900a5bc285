#!/usr/bin/env bash
# End-to-end: the customer is told, complaints are accounted for, and the
# quarter's report is sent (issue 18 items 4 and 6, issue 19 item 5), on the
# after-sales example. Expected values are worked out by hand:
#  - a complaint opened on Friday 2026-09-25 19:30 (Asia/Shanghai): the rule
#    complaint (first response 2h, resolution 12h, calendar 24x7: natural
#    hours) promises 21:30 the same evening and 07:30 on Saturday;
#  - an after-sales request opened at the same time runs in the technical
#    department's calendar `standard` (Mon-Fri 09:00-12:00 + 13:30-18:00,
#    Sat 09:00-12:00, no holiday before 1 October): first response 4h =
#    Sat 09:00-12:00 (3h) + Mon 09:00-10:00 -> Mon 2026-09-28 10:00;
#    resolution 3bd = 3 x 7h30 = 22h30 = Sat 3h + Mon 7h30 + Tue 7h30 +
#    Wed 09:00-12:00 3h + 1h30 from 13:30 -> Wed 2026-09-30 15:00;
#  - a customer who withdrew consent gets a 'skipped' row with the reason;
#  - closing a complaint without its root cause is refused with the list;
#  - the report job at 2026-10-01 07:00 reports 2026Q3: one message to
#    management and one per department (4), exactly once under kill -9 and
#    on a rerun.
# Usage: notify.sh MANYI SOURCE_DIR [MANYI_GEN]
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8
. "$(dirname "$0")/lib/assert.sh"
. "$(dirname "$0")/lib/kill.sh"
command -v sqlite3 >/dev/null || { echo "notify: needs sqlite3"; exit 77; }
data=$src/examples/after-sales/data
db=$tmp/ex.db
cfg=$tmp/manyi.yaml
# a copy, so that the report job's dir: (reports, beside the file) is in $tmp
sed "s#\.\./\.\./policies/#$src/policies/#" "$src/examples/after-sales/manyi.yaml" >"$cfg"
m() { "$manyi" --config "$cfg" --db "$db" "$@"; }
sql() { sqlite3 -bail "$db" "$1"; }
at() { export MANYI_NOW=$1; }
outbox() { sql "SELECT count(*) FROM outbox"; }

at 2026-09-20T08:00:00Z
expect 0 m init
for f in customers staff orders interactions tickets responses; do expect 0 m import "$f" "$data/$f.csv"; done
expect 0 m eval tiers

# --- templates: an unknown placeholder is refused by check, with the known ones
sed 's/received: "【售后服务】{customer}/received: "【售后服务】{client}/' "$cfg" >"$tmp/bad.yaml"
expect 1 "$manyi" --config "$tmp/bad.yaml" check
contains "$tmp/err" "unknown placeholder '{client}': use {ticket}, {kind}, {category}, {customer}, {department}, {stage}, {respond_by}, {resolve_by}, {text}, {visit_from}, {visit_to}"
contains "$tmp/err" "bad.yaml:"
sed 's/    reply: "【售后服务】工单 {ticket}/    reply: "【售后服务】工单 {ticket/' "$cfg" >"$tmp/bad.yaml"
expect 1 "$manyi" --config "$tmp/bad.yaml" check;  contains "$tmp/err" "unknown placeholder"
# a survey message has its own blanks: a ticket's promised time is not one of them
sed 's#^    survey_reminder: .*#    survey_reminder: "{survey}: answer by {respond_by}"#' "$cfg" >"$tmp/bad.yaml"
[ "$(grep -c 'answer by {respond_by}' "$tmp/bad.yaml")" = 1 ] && ok || bad "survey_reminder not replaced"
expect 1 "$manyi" --config "$tmp/bad.yaml" check
contains "$tmp/err" "unknown placeholder '{respond_by}': use {survey}, {customer}, {ticket}"
sed 's/    - {stage: solution, notify: true}/    - {stage: solution, notify: yes}/' "$cfg" >"$tmp/bad.yaml"
expect 1 "$manyi" --config "$tmp/bad.yaml" check;  contains "$tmp/err" "yes"
expect 0 m check

# customers (chosen by their consent, not by number)
sms=$(sql "SELECT external_id FROM customers WHERE tier = 'C' AND consent_sms = 1 AND phone IS NOT NULL ORDER BY id LIMIT 1")
mail=$(sql "SELECT external_id FROM customers WHERE tier = 'C' AND consent_sms = 0 AND consent_email = 1 AND email IS NOT NULL ORDER BY id LIMIT 1")
gone=$(sql "SELECT external_id FROM customers WHERE tier = 'C' AND consent_sms = 1 AND phone IS NOT NULL AND external_id <> '$sms' ORDER BY id LIMIT 1")
phone=$(sql "SELECT phone FROM customers WHERE external_id = '$sms'")
email=$(sql "SELECT email FROM customers WHERE external_id = '$mail'")
name=$(sql "SELECT name FROM customers WHERE external_id = '$sms'")
row() { sql "SELECT kind, channel, recipient, status, coalesce(reason, '') FROM outbox WHERE key = '$1'"; }
subject() { sql "SELECT subject FROM outbox WHERE key = '$1'"; }

# --- received, with the promised times (by hand, see the top)
at 2026-09-25T19:30:00+08:00   # Friday evening
expect 0 m ticket open --id TC1 --customer "$sms" --kind complaint --category product_quality \
  --severity low --channel phone --subject '冰箱不制冷'
contains "$tmp/out" "TC1 opened: quality, priority 3"
same "$(row notice:TC1:received)" "ticket_received|sms|$phone|ready|" "received: on sms, ready"
same "$(subject notice:TC1:received)" \
  "【售后服务】${name}您好：您的投诉已受理，工单号 TC1。我们将在 2026-09-25 21:30 前联系您，2026-09-26 07:30 前处理完毕。" \
  "the complaint's promised times in natural hours"
expect 0 m ticket open --id TA1 --customer "$sms" --kind after_sales --category technical \
  --severity medium --channel phone --subject '洗衣机安装'
contains "$tmp/out" "TA1 opened: technical"
contains <(subject notice:TA1:received) "我们将在 2026-09-28 10:00 前联系您，2026-09-30 15:00 前处理完毕"
# the first consented channel of [sms, email]: e-mail for a customer without sms consent
expect 0 m ticket open --id TI1 --customer "$mail" --kind inquiry --category general \
  --severity low --channel email --subject '保修期多久'
same "$(row notice:TI1:received)" "ticket_received|email|$email|ready|" "received: on e-mail"
# kinds not told (praise: not in notify.kinds) get nothing
expect 0 m ticket open --id TP1 --customer "$sms" --kind praise --category general \
  --severity low --channel phone --subject '师傅很专业'
same "$(sql "SELECT count(*) FROM outbox WHERE ticket_id = (SELECT id FROM tickets WHERE external_id = 'TP1')")" 0 "praise: not told"

# --- consent withdrawn: no message, a skipped row that says why
expect 0 m customer edit "$gone" --consent-sms 0 --consent-email 0
expect 0 m ticket open --id TC2 --customer "$gone" --kind complaint --category service_attitude \
  --severity low --channel wechat --subject '客服态度差'
same "$(row notice:TC2:received)" \
  "ticket_received|sms|customer:$gone|skipped|no channel the customer consented to (sms: no consent; email: no consent)" \
  "withdrawn consent: skipped with the reason"
expect 0 m outbox export "$tmp/outbox.csv"
contains <(head -1 "$tmp/outbox.csv") "created_at,status,reason"
contains "$tmp/outbox.csv" ",skipped,no channel the customer consented to (sms: no consent; email: no consent)"

# --- stages marked notify, replies, resolution
at 2026-09-25T20:05:00+08:00
expect 0 m ticket stage TC1 acknowledged
same "$(subject notice:TC1:stage:acknowledged:$(date -d 2026-09-25T20:05:00+08:00 +%s))" "【售后服务】工单 TC1 进展：已受理并确认。" "a customer-facing stage, by its display name"
expect 0 m ticket stage TC1 assessed  # not customer-facing
same "$(sql "SELECT count(*) FROM outbox WHERE key LIKE 'notice:TC1:stage:assessed%'")" 0 "an internal stage: not told"
at 2026-09-25T20:10:00+08:00
expect 0 m ticket reply TC1 '工程师明早九点上门'
same "$(subject notice:TC1:reply:$(date -d 2026-09-25T20:10:00+08:00 +%s))" "【售后服务】工单 TC1 有新的答复：工程师明早九点上门" "the reply's text"

# --- a rerun adds nothing: the same move again is refused and writes nothing
n=$(outbox)
expect 1 m ticket open --id TC1 --customer "$sms" --kind complaint --category product_quality \
  --severity low --channel phone --subject '冰箱不制冷'
expect 1 m ticket stage TC1 assessed
same "$(outbox)" "$n" "refused moves write no message"

# --- accountability: closing a complaint needs its root cause and who was responsible
at 2026-09-26T06:00:00+08:00
expect 0 m ticket resolve TC1 '已更换压缩机'
contains <(subject "notice:TC1:resolved:$(date -d 2026-09-26T06:00:00+08:00 +%s)") "工单 TC1 已处理完毕：已更换压缩机。"
expect 1 m ticket close TC1
contains "$tmp/err" "complaint TC1 cannot be closed without its root cause and who was responsible"
contains "$tmp/err" "root causes: staff_attitude (员工服务态度), slow_response (响应不及时), product_defect (产品缺陷), repair_failed (维修未解决问题), delivery_delay (配送安装延误), process (流程或制度缺陷), misunderstanding (客户误解或沟通不足)"
expect 1 m ticket close TC1 --root-cause defect --responsible quality
contains "$tmp/err" "unknown root cause 'defect': use one of staff_attitude (员工服务态度)"
expect 1 m ticket close TC1 --root-cause product_defect --responsible nobody
contains "$tmp/err" "--responsible 'nobody' is neither a department (support, technical, quality, hotline) nor a staff member's id"
expect 1 m ticket close TC1 --root-cause product_defect
contains "$tmp/err" "give both --root-cause CODE and --responsible DEPT|STAFF"
expect 1 m ticket reply TC2 hello --root-cause process --responsible support
contains "$tmp/err" "go with resolve, close or followup, not reply"
same "$(sql "SELECT count(*) FROM ticket_causes")" 0 "refusals record nothing"
expect 0 m ticket close TC1 --root-cause product_defect --responsible quality
contains "$tmp/out" "TC1 close: now closed"
same "$(sql "SELECT t.external_id, c.root_cause, d.code FROM ticket_causes c JOIN tickets t ON t.id = c.ticket_id JOIN departments d ON d.id = c.department_id")" \
  "TC1|product_defect|quality" "the cause recorded"
expect 0 m --json ticket show TC1
contains "$tmp/out" '"root_cause": "product_defect"'
# given at resolution, closing needs nothing more; a staff member held responsible
staff=$(sql "SELECT external_id FROM staff WHERE department_id = (SELECT id FROM departments WHERE code = 'support') ORDER BY id LIMIT 1")
expect 0 m ticket resolve TC2 '已道歉并培训' --root-cause staff_attitude --responsible "$staff"
expect 0 m ticket close TC2
same "$(sql "SELECT group_concat(root_cause || ':' || coalesce(staff_id, '-'), ' ') FROM ticket_causes ORDER BY ticket_id")" \
  "product_defect:- staff_attitude:$(sql "SELECT id FROM staff WHERE external_id = '$staff'")" "both causes"
# the inquiry and the praise are not complaints: closed without
expect 0 m ticket resolve TI1 '两年'
expect 0 m ticket close TI1
expect 1 m ticket resolve TA1 fixed --root-cause process --responsible technical
contains "$tmp/err" "only complaints record a root cause (ticket TA1 is a after_sales)"

# --- the staff scorecard counts the complaints a member was responsible for
expect 0 m --json eval staff --period 2026Q3
same "$(sqlite3 :memory: "SELECT json_extract(value, '\$.complaints_accountable') FROM json_each(readfile('$tmp/out'), '\$.staff') WHERE json_extract(value, '\$.staff') = '$staff'")" 1 \
  "scorecard: one complaint of its own"
expect 0 m eval staff --period 2026Q3
contains "$tmp/out" "responsible for 1"

# --- the report: the root causes as a Pareto table, or one sentence
expect 0 m report satisfaction --period 2026Q3 --format json --output "$tmp/r.json"
same "$(sqlite3 :memory: "SELECT json_extract(readfile('$tmp/r.json'), '\$.root_causes.complaints') || ' ' || json_extract(readfile('$tmp/r.json'), '\$.root_causes.causes[0].root_cause') || ' ' || json_extract(readfile('$tmp/r.json'), '\$.root_causes.causes[0].share')")" \
  "2 product_defect 0.5" "two causes of one each: sorted by count, then code"
expect 0 m report satisfaction --period 2026Q3 --format md
contains "$tmp/out" "| 产品缺陷 | 1 | 50.0 | 50.0 |"
contains "$tmp/out" "| 员工服务态度 | 1 | 50.0 | 100.0 |"
expect 0 m --lang zh_CN report satisfaction --period 2026Q2 --format md
contains "$tmp/out" "本期没有记录了根本原因的已结投诉"
lacks "$tmp/out" "已结投诉的根本原因（帕累托）"

# --- the quarter's report job: at 07:00 on 1 October the report of 2026Q3
report_rows() { sql "SELECT count(*) FROM outbox WHERE kind = 'report'"; }
expect 0 m tick --now 2026-10-01T06:00:00+08:00   # the schedule starts counting
cp "$db" "$tmp/before-report.db"
# how long the pass takes, on a copy: the kills fall within it
cp "$tmp/before-report.db" "$tmp/ref.db"
t0=$(now_ms)
"$manyi" --config "$cfg" --db "$tmp/ref.db" tick --now 2026-10-01T07:00:00+08:00 >/dev/null 2>&1
ref_ms=$(($(now_ms) - t0))
seed_random
rounds=${CRASH_ROUNDS:-8}
killed=0
# each round: the database before the job, a kill at a random point of the
# pass, then a pass that finishes: 0 or 5 messages after the kill, 5 after
for r in $(seq 1 "$rounds"); do
  cp "$tmp/before-report.db" "$db"
  rm -f "$db-wal" "$db-shm"
  kill_after "$(random_ms "$ref_ms")" "$manyi" --config "$cfg" --db "$db" tick --now 2026-10-01T07:00:00+08:00
  [ "$status" -eq 137 ] && killed=$((killed + 1))
  [ "$status" -eq 137 ] || [ "$status" -eq 0 ] || { bad "round $r: exit $status"; cat "$tmp/killed.err" >&2; }
  same "$(sql 'PRAGMA integrity_check')" ok "integrity after round $r"
  n=$(report_rows)
  if [ "$n" -eq 0 ] || [ "$n" -eq 5 ]; then ok; else bad "round $r: $n report messages after the kill (not 0 or 5)"; fi
  "$manyi" --config "$cfg" --db "$db" tick --now 2026-10-01T07:00:00+08:00 >/dev/null 2>&1
  same "$(report_rows) $(sql "SELECT count(*) FROM jobs WHERE kind = 'report' AND status = 'done'")" "5 1" \
    "round $r: five messages and one job done after the pass that finished"
done
echo "report job: $killed of $rounds runs killed (within ${ref_ms} ms)"
expect 0 m tick --now 2026-10-01T07:00:00+08:00
same "$(report_rows)" 5 "one message to management and one per department"
same "$(sql "SELECT count(*) FROM jobs WHERE kind = 'report' AND status = 'done'")" 1 "the report job done once"
same "$(sql "SELECT recipient FROM outbox WHERE kind = 'report' ORDER BY id")" \
  "$(printf 'role:management\ndepartment:support\ndepartment:technical\ndepartment:quality\ndepartment:hotline')" \
  "management, then the departments in the configuration's order"
contains <(sql "SELECT subject FROM outbox WHERE key = 'report:quarterly-report:2026Q3:department:quality'") \
  "complaints it was held responsible for: 1."
[ -s "$tmp/reports/csat-2026Q3.html" ] && ok || bad "no reports/csat-2026Q3.html"
contains "$tmp/reports/csat-2026Q3.html" "产品缺陷"  # the root causes' display names in its table
# a rerun of the job (queued again by hand) writes the page again and no message
expect 0 m jobs add report --key rerun --at 2026-10-01T07:00:00+08:00 --payload '{"schedule": "quarterly-report"}'
expect 0 m tick --now 2026-10-01T07:05:00+08:00
same "$(report_rows)" 5 "a rerun adds no message"
same "$(sql "SELECT status FROM jobs WHERE key = 'rerun'")" done "the rerun done"
# a quarter without answers: no page, management is told why (once)
expect 0 m jobs add report --key empty --at 2020-01-01T07:00:00+08:00 --payload '{"schedule": "quarterly-report"}'
expect 0 m tick --now 2026-10-01T07:05:30+08:00
same "$(sql "SELECT status FROM jobs WHERE key = 'empty'")" done "a quarter without answers: the job is done"
contains <(sql "SELECT recipient || ' ' || subject FROM outbox WHERE key = 'report:quarterly-report:2019Q4:to:role:management'") \
  "role:management No satisfaction report for 2019Q4: "
[ ! -e "$tmp/reports/csat-2019Q4.html" ] && ok || bad "a page for a quarter without answers"
expect 0 m jobs add report --key empty2 --at 2020-01-01T07:00:00+08:00 --payload '{"schedule": "quarterly-report"}'
expect 0 m tick --now 2026-10-01T07:05:40+08:00
same "$(sql "SELECT count(*) FROM outbox WHERE key LIKE 'report:quarterly-report:2019Q4:%'")" 1 "one message for it"
# a report job without its schedule entry fails, saying so
expect 0 m jobs add report --key orphan --payload '{"schedule": "nightly-tiers"}'
expect 0 m tick --now 2026-10-01T07:06:00+08:00
contains <(sql "SELECT error FROM jobs WHERE key = 'orphan'") "'nightly-tiers' is not a report entry of schedule:"
# report: needs dir and to; dir is refused on other jobs
sed 's/job: report, survey: csat, dir: reports, to: \[role:management\]/job: report, survey: csat, dir: reports/' "$cfg" >"$tmp/bad.yaml"
expect 1 "$manyi" --config "$tmp/bad.yaml" check;  contains "$tmp/err" "a report job needs dir:"
sed 's/job: care}/job: care, dir: x}/' "$cfg" >"$tmp/bad.yaml"
expect 1 "$manyi" --config "$tmp/bad.yaml" check;  contains "$tmp/err" "dir and to are for job: report"

# --- a job's message to a customer needs their consent to its channel: $gone
# withdrew it above, $sms gave it; a customer that is not a string kills the job
for k in "c1 $gone" "c2 $sms"; do
  set -- $k
  expect 0 m jobs add notify --key "$1" --payload "{\"channel\":\"sms\",\"recipient\":\"+86 1\",\"subject\":\"hi\",\"customer\":\"$2\"}"
done
expect 0 m jobs add notify --key c3 --payload '{"channel":"sms","recipient":"+86 1","subject":"hi","customer":5}'
expect 0 m tick --now 2026-10-01T08:00:00+08:00
same "$(sql "SELECT group_concat(key || ' ' || status || ' ' || coalesce(reason, '-'), '; ') FROM (SELECT * FROM outbox WHERE key LIKE 'job:c_' ORDER BY key)")" \
  "job:c1 skipped the customer did not consent to sms; job:c2 ready -" "a job's message and consent"
contains <(sql "SELECT error FROM jobs WHERE key = 'c3'") "payload: 'customer' must be a non-empty string"

echo "notify: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
