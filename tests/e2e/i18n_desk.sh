#!/usr/bin/env bash
# End-to-end (issue 19, item 3): the result lines of the front desk's and the
# agents' commands in Chinese with --lang zh_CN — customer show, find, add,
# edit, refer, history; interaction log; ticket open, show, sla, assign,
# reply, stage, queue; points show, grant, redeem, expire; explain; appoint;
# the alert hook's follow-ups — on the after-sales example's data, with figures
# read from the database by the sqlite3 shell; columns of Chinese text lined
# up by display width; the English default and --json as before.
# Usage: i18n_desk.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
. "$(dirname "$0")/lib/setup.sh" "$@"
need_sqlite3
export LC_ALL= LANGUAGE= LC_MESSAGES= LANG=C.UTF-8
export MANYI_NOW=2026-11-23T00:00:00Z
example_config
db=$tmp/d.db
m() { "$manyi" --config "$cfg" --db "$db" "$@"; }
zh() { "$manyi" --lang zh_CN --config "$cfg" --db "$db" "$@"; }
q() { sqlite3 "$db" "$1"; }
expect 0 m init
for entity in customers staff orders interactions tickets responses; do
  expect 0 m import "$entity" "$example/data/$entity.csv"
done
expect 0 m import staff "$example/data/technicians.csv"
han() { grep -qP '[\x{4e00}-\x{9fff}]' "$1"; }

# --- customer show: every label in Chinese, the figures the database holds
c=C0000008
of_c="JOIN customers c ON c.id = x.customer_id WHERE c.external_id = '$c'"
orders=$(q "SELECT count(*) FROM orders x $of_c")
refunded=$(q "SELECT count(*) FROM orders x $of_c AND x.status = 'refunded'")
contacts=$(q "SELECT count(*) FROM interactions x $of_c")
tickets=$(q "SELECT count(*) FROM tickets x $of_c")
open_tickets=$(q "SELECT count(*) FROM tickets x $of_c AND x.status IN ('new', 'open', 'pending')")
responses=$(q "SELECT count(*) FROM responses x $of_c")
expect 0 zh customer show $c
contains "$tmp/out" "C0000008  张刚海"
contains "$tmp/out" "  类型 person，地区 West，行业 -，等级 -，成为客户于 2025-02-22"
contains "$tmp/out" "  电话 +86 133 8607 8884，电子邮件 ganghaizhang@example.net，生日 1956-09-13"
contains "$tmp/out" "  同意接收：电子邮件 是，短信 是，电话 否"
contains "$tmp/out" "  订单 $orders 笔（近 12 个月 "
contains "$tmp/out" "已退款 $refunded 笔），最近一笔 2026-10-25"
contains "$tmp/out" "  互动 $contacts 次，工单 $tickets 张（未结 $open_tickets 张，未结投诉 "
contains "$tmp/out" "  调查回答 $responses 份，总体满意度平均 "
contains "$tmp/out" "  积分余额 0"
contains "$tmp/out" "  当前的策略输入（即 eval tiers 所见）："
lacks "$tmp/out" "  orders "
lacks "$tmp/out" "survey responses"
expect 0 m customer show $c
contains "$tmp/out" "  kind person, region West, industry -, tier -, customer since 2025-02-22"
contains "$tmp/out" "  consent: email yes, sms yes, phone no"
contains "$tmp/out" "  orders $orders ("
contains "$tmp/out" "  interactions $contacts, tickets $tickets ($open_tickets open, "
contains "$tmp/out" "  points balance 0"
han "$tmp/out" && [ "$(grep -cP '[\x{4e00}-\x{9fff}]' "$tmp/out")" -eq 1 ] && ok ||
  bad "English customer show has Chinese beyond the name: $(cat "$tmp/out")"
# a tier shows its display name (display_names: zh_CN: tiers:) in Chinese only
expect 0 m eval tiers
tier=$(q "SELECT tier FROM customers WHERE external_id = '$c'")
[ "$tier" = A ] && ok || bad "tier of $c: '$tier'"
expect 0 zh customer show $c
contains "$tmp/out" "等级 A（重点客户），成为客户于"
expect 0 m customer show $c
contains "$tmp/out" ", tier A, customer since"
expect 0 zh explain tier $c
contains "$tmp/out" "客户 C0000008，截至 2026-11-23T00:00:00Z"
contains "$tmp/out" "  策略看到的输入："
contains "$tmp/out" "  决定：等级 A（重点客户）"
contains "$tmp/out" "  返回位置：$src/policies/tiers.lua:"
expect 0 m explain tier $c
contains "$tmp/out" "  decision: tier A"
contains "$tmp/out" "  returned by $src/policies/tiers.lua:"
order=$(q "SELECT external_id FROM orders WHERE status = 'completed' ORDER BY id LIMIT 1")
expect 0 zh explain points "$order"
contains "$tmp/out" "订单 $order，客户截至 2026-11-23T00:00:00Z"
contains "$tmp/out" "  事件："
contains "$tmp/out" "  决定："
lacks "$tmp/out" "decision"

# --- customer find: the count and how the query was read; names by display width
named=$(q "SELECT count(*) FROM customers WHERE name LIKE '%张%'")
[ "$named" -gt 2 ] && ok || bad "only $named customers named 张"
expect 0 zh customer find 张 --limit 2
contains "$tmp/out" "按姓名找到 2 位客户（还有更多匹配：请缩小查询范围或调大 --limit）"
# 张刚海 is 6 columns wide: 18 spaces fill the 24 of the name, then one
contains "$tmp/out" "C0000008   张刚海                   person       +86 133 8607 8884    ganghaizhang@example.net     A"
expect 0 zh customer find "+86-133-8607-8884"
contains "$tmp/out" "按电话找到 1 位客户"
expect 3 zh customer find "139 0000 0000"
contains "$tmp/out" "按电话未找到客户；请用 'manyi customer add' 登记新来电者"
expect 0 m customer find 张 --limit 2
contains "$tmp/out" "2 customers found by name (more match: narrow the query or raise --limit)"
expect 0 m customer find "+86-133-8607-8884"
contains "$tmp/out" "1 customer found by phone"
expect 3 m customer find "139 0000 0000"
contains "$tmp/out" "no customer found by phone; register a new caller with 'manyi customer add'"
# --json is the same in any language
expect 0 zh --json customer find "+86-133-8607-8884"
contains "$tmp/out" '"by": "phone"'
contains "$tmp/out" '"tier": "A"'

# --- add, edit, refer, log a contact, history
next=$(q "SELECT printf('C%07d', max(CAST(substr(external_id, 2) AS INTEGER)) + 1) FROM customers")
expect 0 zh customer add --name 李四 --phone 13900001111
contains "$tmp/out" "已添加客户 $next"
expect 0 zh customer edit "$next" --region North
contains "$tmp/out" "客户 $next 已修改"
expect 0 zh customer edit "$next" --region North
contains "$tmp/out" "客户 $next 未改变（值相同）"
expect 0 m customer edit "$next" --region North
contains "$tmp/out" "customer $next unchanged (the same values)"
expect 0 zh customer refer $c "$next"
contains "$tmp/out" "$next 的推荐人为 $c：被推荐客户的首笔订单完成后，\`manyi eval points\` 会为推荐人发放积分"
expect 0 zh customer refer $c "$next"
contains "$tmp/out" "$next 的推荐人为 $c（此前已登记；未作更改）"
expect 0 zh customer show $c
contains "$tmp/out" "  推荐人 -；已推荐 1 位客户"
expect 0 m customer show $c
contains "$tmp/out" "  referred by -; referred 1 customer"
expect 0 zh customer history "$next"
contains "$tmp/out" "$next：历史记录，最新的在前"
contains "$tmp/out" "  暂无记录"
contact=$(q "SELECT printf('I%08d', max(CAST(substr(external_id, 2) AS INTEGER)) + 1) FROM interactions")
expect 0 zh interaction log --customer "$next" --channel phone --summary 咨询发票
contains "$tmp/out" "已登记联系记录 $contact"
expect 0 m interaction log --customer "$next" --channel email
expect 0 zh customer history "$next" --last 0
contains "$tmp/out" "$next：历史记录，最新的在前（全部）"
# 联系 is 4 columns wide: 4 spaces fill the 8 of the kind, then one
contains "$tmp/out" "2026-11-23T00:00:00Z  联系     $contact                phone inbound: 咨询发票"
expect 0 m customer history "$next"
contains "$tmp/out" "$next: history, newest first"
contains "$tmp/out" "2026-11-23T00:00:00Z  contact  $contact                phone inbound: 咨询发票"

# --- tickets: open, assign, a stage (with its display name), show, sla, queue
expect 0 zh ticket open --customer $c --kind complaint --category general --severity high \
  --channel phone --subject "screen broken" --id TQ1
contains "$tmp/out" "工单 TQ1 已受理：support（客户服务中心），优先级 1（"
expect 0 zh ticket assign TQ1 S001
contains "$tmp/out" "TQ1 已分派给 S001：现为 open"
expect 0 zh ticket assign TQ1 S001
contains "$tmp/out" "TQ1 此前已分派给 S001：现为 open"
expect 0 zh ticket stage TQ1 acknowledged
contains "$tmp/out" "TQ1 进入环节 acknowledged（已受理并确认）：现为 open"
expect 0 zh ticket note TQ1 "called back"
contains "$tmp/out" "TQ1 note：现为 open"
expect 0 zh ticket show TQ1
contains "$tmp/out" "TQ1  open  complaint/general/high，渠道 phone，优先级 1，support（客户服务中心），分派给 S001"
contains "$tmp/out" "  客户 C0000008，等级 A（重点客户），环节 acknowledged（已受理并确认）"
contains "$tmp/out" "  主题：screen broken"
contains "$tmp/out" "  SLA（规则位于 $cfg:"
contains "$tmp/out" "事件："
grep -qE '^    first_response  达标     截止 -  日历 [a-z0-9_]+（(营业时间|全天候)）$' "$tmp/out" && ok ||
  bad "ticket show: no first_response line: $(cat "$tmp/out")"
expect 0 m ticket show TQ1
contains "$tmp/out" "TQ1  open  complaint/general/high via phone, priority 1, support, assigned to S001"
contains "$tmp/out" "  customer C0000008, tier A, stage acknowledged"
contains "$tmp/out" "  subject: screen broken"
grep -qE '^    first_response  met      deadline -  calendar ' "$tmp/out" && ok ||
  bad "ticket show in English: $(cat "$tmp/out")"
expect 0 zh ticket sla TQ1
contains "$tmp/out" "TQ1（complaint，优先级 1，等级 A）：规则位于 $cfg:"
grep -qE '^  resolution      计时中   允许 [0-9]+h[0-9]{2}m，已用 0h00m，暂停 0h00m，剩余 ' "$tmp/out" && ok ||
  bad "ticket sla: $(cat "$tmp/out")"
expect 0 m ticket sla TQ1
contains "$tmp/out" "TQ1 (complaint, priority 1, tier A): rule at $cfg:"
grep -qE '^  resolution      running  allowed [0-9]+h[0-9]{2}m, used 0h00m, paused 0h00m, left ' "$tmp/out" && ok ||
  bad "ticket sla in English: $(cat "$tmp/out")"
# the queue: the count of the staff member's open tickets, the headers widen
# their columns where Chinese is wider (优先级: 6 columns for the 3 of pri)
mine=$(q "SELECT count(*) FROM tickets t JOIN staff s ON s.id = t.assignee_id
          WHERE s.external_id = 'S001' AND t.status IN ('new', 'open', 'pending')")
expect 0 zh ticket queue --staff S001
contains "$tmp/out" "员工 S001：$mine 张未结工单，已逾期和即将违约的在前"
contains "$tmp/out" "工单       状态     类型             优先级 负责人       时长      计时             剩余"
contains "$tmp/out" "TQ1        open     complaint        p1     S001         0h00m     resolution       "
expect 0 m ticket queue --staff S001
contains "$tmp/out" "staff S001: $mine open tickets, overdue and about to breach first"
contains "$tmp/out" "ticket     status   kind             pri assignee     age       clock            left"
contains "$tmp/out" "TQ1        open     complaint        p1  S001         0h00m     resolution       "
open_support=$(q "SELECT count(*) FROM tickets t JOIN departments d ON d.id = t.department_id
                  WHERE d.code = 'support' AND t.status IN ('new', 'open', 'pending')")
expect 0 zh ticket queue --department support
contains "$tmp/out" "部门 support：$open_support 张未结工单"
grep -q ' 已违约$' "$tmp/out" && ok || bad "queue: nothing breached: $(head -5 "$tmp/out")"
lacks "$tmp/out" "BREACHED"

# --- points: balance and lots from the ledger, grant, redeem, expire
expect 0 m eval points
p=$(q "SELECT c.external_id FROM loyalty_ledger l JOIN customers c ON c.id = l.customer_id
       GROUP BY c.id ORDER BY sum(l.points) DESC, c.id LIMIT 1")
balance=$(q "SELECT sum(l.points) FROM loyalty_ledger l JOIN customers c ON c.id = l.customer_id
             WHERE c.external_id = '$p'")
expect 0 zh points show "$p" --last 2
contains "$tmp/out" "$p：余额 $balance，可用 "
contains "$tmp/out" "（截至 2026-11-23T00:00:00Z）"
contains "$tmp/out" "按到期日汇总的积分，按兑换时的使用顺序（--lots：列出每一批）："
contains "$tmp/out" "  有效期至           积分   批数"
contains "$tmp/out" "最近 2 条记录："
expect 0 m points show "$p" --last 2
contains "$tmp/out" "$p: balance $balance, available "
contains "$tmp/out" "  good through     points   lots"
contains "$tmp/out" "last 2 entries:"
expect 0 zh points grant "$p" 50 --key gw-1 --reason 致歉
contains "$tmp/out" "已发放 50 补偿积分给 $p（条目 "
expect 0 zh points grant "$p" 50 --key gw-1 --reason 致歉
contains "$tmp/out" "此前已发放 50 补偿积分给 $p（条目 "
expect 0 zh points show "$p" --lots --last 1
contains "$tmp/out" "积分批次，按兑换时的使用顺序："
contains "$tmp/out" "      条目       积分       剩余  入账日期    有效期至"
grep -qE '^ +[0-9]+ +50 +50  2026-11-23  永不过期$' "$tmp/out" && ok ||
  bad "points show --lots: no lot good for ever: $(cat "$tmp/out")"
expect 0 m points show "$p" --lots --last 1
contains "$tmp/out" "     entry     points  remaining  credited    good through"
grep -qE '^ +[0-9]+ +50 +50  2026-11-23  never$' "$tmp/out" && ok || bad "points show --lots in English"
expect 0 zh --json points show "$p"
contains "$tmp/out" '"good_through": "never"'
expect 0 zh points redeem "$p" 10 --key r-1
contains "$tmp/out" "已兑换 10 积分，客户 $p（条目 "
expect 0 zh points redeem "$p" 10 --key r-1
contains "$tmp/out" "已用键 r-1 兑换过（条目 "
expect 0 zh points expire --dry-run
contains "$tmp/out" "试运行：将注销 "
contains "$tmp/out" "，截至 2026-11-23T00:00:00Z"
expect 0 m points expire --dry-run
contains "$tmp/out" "dry run: would have expired "

# --- appointments: skills, a booking, cancel
expect 0 zh appoint skills --staff S001
contains "$tmp/out" "在职"
lacks "$tmp/out" "active"
expect 0 zh appoint TQ1 --skill aircon --duration 1h --dry-run
contains "$tmp/out" "将为工单 TQ1 预约：S001 "
expect 0 zh appoint TQ1 --skill aircon --duration 1h
contains "$tmp/out" "已预约（编号 1），工单 TQ1：S001 "
expect 0 zh appoint cancel 1
contains "$tmp/out" "预约 1 已取消（TQ1，S001）"
expect 0 m appoint TQ1 --skill aircon --duration 1h
contains "$tmp/out" "appointment 2 booked for TQ1: S001 "
expect 0 m appoint done 2
contains "$tmp/out" "appointment 2 done (TQ1, S001)"

# --- the alert hook: each follow-up opened, in Chinese (the import asked it
# about the detractors without a comment, survey code about the others)
expect 0 zh survey code csat
contains "$tmp/out" "alert.lua：已开启 $(q "SELECT count(*) FROM response_followups f JOIN responses r ON r.id = f.response_id
  JOIN answer_texts a ON a.response_id = r.id") 张回访工单"
grep -qE '^  R[0-9]+ -> T[0-9]+ callback，交由 [a-z]+：' "$tmp/out" && ok ||
  bad "survey code: no follow-up line: $(head -3 "$tmp/out")"
expect 0 zh eval alerts
contains "$tmp/out" "0 份回答，已开启 0 张回访工单"

# --- history's joining words: Chinese on the terminal, English in the JSON
user=$(id -un)
expect 0 zh customer history $c --last 0
contains "$tmp/out" "ticket_visit_booked 经 sms: 【售后服务】工单 TQ1：技术人员将于"
grep -qE "  TQ1 +complaint [a-z_]+( \\([^)]*\\))? 经 $user\$" "$tmp/out" && ok || bad "history: the ticket line in Chinese"
lacks "$tmp/out" " by "
expect 0 m --json customer history $c --last 0
contains "$tmp/out" "\"detail\": \"ticket_visit_booked by sms: 【售后服务】工单 TQ1：技术人员将于"

echo "i18n_desk: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
