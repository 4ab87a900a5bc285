#!/usr/bin/env bash
# End-to-end (issue 19, item 3): the analyst's results in Chinese. With
# --lang zh_CN the result lines of survey (sample, dispatch, remind, status,
# clean, score, code, pack), eval departments, eval staff, kpi, sla
# backtest, calendar and action are Chinese, their numbers the same (checked
# here against SQL over the database, or worked out by hand), tables lined up
# by display width (stats' tables of Chinese data too); English stays the
# default and --json is the same in both languages.
# Usage: i18n_analyst.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
example=$src/examples/after-sales
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL= LANGUAGE= LC_MESSAGES= LANG=C.UTF-8
. "$(dirname "$0")/lib/assert.sh"
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping" >&2; exit 77; }
db=$tmp/a.db
export MANYI_NOW=2026-10-25T00:00:00+08:00
m() { "$manyi" --config "$example/manyi.yaml" --db "$db" "$@"; }
zh() { m --lang zh_CN "$@"; }
sql() { sqlite3 "$db" "$1"; }
# 2026Q3 in the configuration's time zone (Asia/Shanghai)
q3="between unixepoch('2026-06-30T16:00:00Z') and unixepoch('2026-09-30T16:00:00Z') - 1"
# the line of $tmp/out that starts with $1
line() { grep -F -- "$1" "$tmp/out" | head -1; }
# the same command's --json in both languages
# (the policies' reasons are in the language chosen: policy_i18n.sh checks them)
same_json() {
  m --json "$@" 2>&1 | sed '/"reasons": \[/,/\]/d' >"$tmp/en.json"
  zh --json "$@" 2>&1 | sed '/"reasons": \[/,/\]/d' >"$tmp/zh.json"
  if cmp -s "$tmp/en.json" "$tmp/zh.json"; then ok; else bad "--json $* differs between en and zh_CN"; fi
}

expect 0 m init
for entity in customers staff orders interactions tickets responses; do
  expect 0 m import "$entity" "$example/data/$entity.csv"
done

# --- survey sample, dispatch, remind, status (a wave of 2026Q4, as the demo)
MANYI_NOW=2026-10-01T09:00:00+08:00 expect 0 zh survey sample csat --wave W4 --method stratified \
  --by region --size 100 --seed 7 --dry-run
customers=$(sql "select count(*) from customers")
contains "$tmp/out" "csat 批次 W4：抽取 100 位，共 "
contains "$tmp/out" "位符合条件的客户（试运行：未保存）"
contains "$tmp/out" "$customers 位客户中排除的（资格策略）："
contains "$tmp/out" "  权重 "
lacks "$tmp/out" "eligible"
MANYI_NOW=2026-10-01T09:00:00+08:00 expect 0 zh survey sample csat --wave W4 --method stratified \
  --by region --size 100 --seed 7
lacks "$tmp/out" "试运行"
MANYI_NOW=2026-10-01T09:00:00+08:00 expect 0 zh survey sample csat --wave W4 --method stratified \
  --by region --size 100 --seed 7
contains "$tmp/out" "（此前已按同一设计抽取：未新增）"
MANYI_NOW=2026-10-01T09:00:00+08:00 expect 0 zh survey dispatch csat --wave W4
contains "$tmp/out" "csat 批次 W4：$(sql "select count(*) from invitations where sent_at is not null") 份邀请已放入发件箱"
expect 0 m outbox export "$tmp/outbox.csv"
awk -v wave=W4 -v start=2026-10-02 -f "$example/wave_responses.awk" "$tmp/outbox.csv" >"$tmp/wave.csv"
expect 0 m import responses "$tmp/wave.csv"
expect 0 zh survey remind csat --wave W4 --after 168h
contains "$tmp/out" "csat 批次 W4：$(sql "select count(*) from invitations where answered = 0") 条提醒已放入发件箱"
expect 0 zh survey status csat --wave W4
contains "$tmp/out" "层                 已邀请   已发送   已回答   回收率"
read -r inv sent ans rate <<<"$(sql "select count(*), count(sent_at), sum(answered),
  printf('%.1f%%', 100.0 * sum(answered) / count(sent_at)) from invitations" | tr '|' ' ')"
same "$(line "合计")" "$(printf '%s%*s %8s %8s %8s %8s' 合计 12 '' "$inv" "$sent" "$ans" "$rate")" \
  "the total row, lined up under the Chinese header (SQL)"
expect 0 m survey status csat --wave W4
contains "$tmp/out" "stratum           invited     sent answered     rate"
contains "$tmp/out" "$(printf '%-16s %8s %8s %8s %8s' all "$inv" "$sent" "$ans" "$rate")"
same_json survey status csat --wave W4

# --- survey clean: the flags by reason (SQL after the run)
expect 0 zh survey clean csat
contains "$tmp/out" "csat：按原因的标记（本次新增、撤销）"
for reason in duplicate speeder straight_liner; do
  n=$(sql "select count(*) from response_flags where reason = '$reason'")
  contains "$tmp/out" "$(printf '  %-15s %7s（新增 %s，撤销 0）' "$reason" "$n" "$n")"
done
expect 0 m survey clean csat
contains "$tmp/out" "csat: flags by reason (new, withdrawn this run)"
contains "$tmp/out" "$(printf '  %-15s %7s (0 new, 0 withdrawn)' speeder "$(sql "select count(*) from response_flags where reason = 'speeder'")")"

# --- survey score: the responses scored and left out, the CSAT's n (SQL)
read -r scored flagged <<<"$(sql "select sum(not flagged), sum(flagged) from responses where submitted_at $q3" | tr '|' ' ')"
overall_n=$(sql "select count(*) from responses r join answers a on a.response_id = r.id
  join questions q on q.id = a.question_id where q.code = 'q_overall' and not r.flagged and r.submitted_at $q3")
expect 0 zh survey score csat --period 2026Q3 --by channel
contains "$tmp/out" "csat：$scored 份回答（$flagged 份已标记，未计入）"
contains "$tmp/out" "  n $overall_n"
contains "$tmp/out" "  指数     "
contains "$tmp/out" "（0-100；各维度：得分 [置信区间]、原始均值、α）"
contains "$tmp/out" "    product_quality   "
contains "$tmp/out" "  均值 "
contains "$tmp/out" "  channel email：$(sql "select count(*) from responses where channel = 'email' and not flagged and submitted_at $q3") 份回答"
lacks "$tmp/out" "responses"
expect 0 m survey score csat --period 2026Q3 --by channel
contains "$tmp/out" "csat: $scored responses ($flagged flagged, left out)"
contains "$tmp/out" "  index   "
contains "$tmp/out" "(0-100; dimensions: score [CI], raw mean, alpha)"
same_json survey score csat --period 2026Q3 --by channel
# the customer effort score and its boxes, on the small effort survey
data=$src/tests/data/survey
c() { "$manyi" --config "$data/ces.yaml" --db "$tmp/ces.db" "$@"; }
expect 0 c init
expect 0 c import customers "$data/ces_customers.csv"
expect 0 c import responses "$data/ces_responses.csv"
expect 0 c --lang zh_CN survey score effort
low=$(sqlite3 "$tmp/ces.db" "select printf('%.2f', 100.0 * sum(a.value <= 2) / count(*)) from answers a
  join questions q on q.id = a.question_id where q.code = 'q_effort'")
contains "$tmp/out" "    低费力        $low%"
contains "$tmp/out" "取值 1,2"
contains "$tmp/out" "  α "

# --- survey code and pack
texts=$(sql "select count(*) from answer_texts")
expect 0 zh survey code csat
contains "$tmp/out" "csat：读取 $texts 条文本，"
contains "$tmp/out" "，$(sql "select count(*) from text_codes where category = ''") 条无类别，0 条失败"
contains "$tmp/out" "调查回答的类别（共 $(sql "select count(*) from text_codes where source = 'survey' and category <> ''") 次提及）"
praise=$(sql "select count(*) from text_codes where source = 'survey' and category = 'praise'")
contains "$tmp/out" "$(printf '  %-20s %6s  ' praise "$praise")"
contains "$tmp/out" "（累计 "
expect 0 m survey code csat
contains "$tmp/out" "survey categories ("
contains "$tmp/out" "(cumulative "
expect 0 zh survey pack
if grep -qE '^已打包 [0-9]+ 份回答$' "$tmp/out"; then ok; else bad "survey pack in Chinese"; cat "$tmp/out" >&2; fi
expect 1 zh survey pack nosuch
contains "$tmp/err" "manyi：配置中没有调查 'nosuch'"

# --- eval departments: each department, and the company's CSAT (SQL)
expect 0 zh eval departments --period 2026Q3
m --json eval departments --period 2026Q3 >"$tmp/dept.json"
jd() { sqlite3 :memory: "select $1 from json_each(readfile('$tmp/dept.json'), '\$.departments') where json_extract(value, '\$.department') = 'support'"; }
grade=$(jd "json_extract(value, '\$.grade')")
score=$(jd "printf('%5.1f', json_extract(value, '\$.score'))")
contains "$tmp/out" "support        2026-Q3  得分 $score  等级 $(printf '%-2s' "$grade") 未评估"
contains "$tmp/out" "公司（调查 csat，CSAT 对比目标，以区间下限判定）"
csat=$(sql "select printf('%.1f', 100.0 * sum(a.value >= 4) / count(*)) from responses r join answers a on a.response_id = r.id
  join questions q on q.id = a.question_id where q.code = 'q_overall' and not r.flagged and r.submitted_at $q3")
contains "$tmp/out" "  2026-Q3               CSAT  $csat % ["
contains "$tmp/out" "] n $overall_n  未达标：下限低于目标 "
contains "$tmp/out" " 个百分点（目标 90.0 %）"
expect 0 m eval departments --period 2026Q3
contains "$tmp/out" "support        2026-Q3  score $score  grade $(printf '%-2s' "$grade") not assessed"
contains "$tmp/out" "] n $overall_n  not met: lower bound "
same_json eval departments --period 2026Q3

# --- eval staff: S001's tickets (SQL); Chinese names padded by their width
s001=$(sql "select count(*) from tickets t join staff s on s.id = t.assignee_id where s.external_id = 'S001' and t.opened_at $q3")
name=$(sql "select name from staff where external_id = 'S001'")
expect 0 zh eval staff --period 2026Q3
same "$(line "S001 " | grep -oE '工单 [0-9]+')" "工单 $s001" "S001's tickets in Chinese (SQL)"
# a name of 3 Chinese characters is 6 columns: 6 spaces fill its 12
same "$(line "S001 " | cut -c1-40)" "$(printf 'S001     %s       technical  2026-Q3' "$name" | cut -c1-40)" \
  "the scorecard lined up by display width"
contains "$tmp/out" "，投诉 "
expect 0 m eval staff --period 2026Q3
same "$(line "S001 " | grep -oE 'tickets [0-9]+')" "tickets $s001" "S001's tickets in English"

# --- kpi: the recommendation rate's promoters among the answers (SQL)
nps=$(sql "select sum(a.value >= 9) || ' / ' || count(*) from responses r join answers a on a.response_id = r.id
  join questions q on q.id = a.question_id where q.code = 'q_nps' and not r.flagged and r.submitted_at $q3")
expect 0 zh kpi --period 2026Q3
contains "$tmp/out" "2026-Q3 的 KPI（对比 2026-Q2），95% Wilson 区间"
same "$(line "推荐率" | sed 's/.*]  *//')" "$nps" "promoters of the answers (SQL)"
contains "$tmp/out" "  推荐率               "
contains "$tmp/out" "  客户增长            新增 "
expect 0 m kpi --period 2026Q3
contains "$tmp/out" "KPIs 2026-Q3 (against 2026-Q2), 95% Wilson intervals"
same "$(line "recommendation_rate" | sed 's/.*]  *//')" "${nps/ \/ / of }" "promoters of the answers in English"
same_json kpi --period 2026Q3

# --- sla backtest: the complaints of 2026Q3 (SQL) in the total row
complaints=$(sql "select count(*) from tickets where kind = 'complaint' and opened_at $q3")
expect 0 zh sla backtest --kind complaint --target first_response=2h --period 2026Q3
contains "$tmp/out" "部门                工单   首次响应         解决             后续响应      "
contains "$tmp/out" "违约：现行 -> 候选"
contains "$tmp/out" "$(printf '合计%*s %7s   ' 12 '' "$complaints")"
expect 0 m sla backtest --kind complaint --target first_response=2h --period 2026Q3
contains "$tmp/out" "department       tickets   first_response   resolution       next_response "
contains "$tmp/out" "$(printf '%-16s %7s   ' all "$complaints")"
same_json sla backtest --kind complaint --target first_response=2h --period 2026Q3

# --- calendar: by hand from manyi.yaml's standard calendar (Mon-Fri 09:00-12:00,
# 13:30-18:00; Sat 09:00-12:00): Friday 17:30-18:00, Saturday 3 h, Monday
# 09:00-10:00:30 make 4h30m30s
expect 0 zh calendar standard between 2026-11-20T17:30 2026-11-23T10:00:30
contains "$tmp/out" "standard（Asia/Shanghai）：从 2026-11-20T17:30:00+08:00 周五 到 2026-11-23T10:00:30+08:00 周一 的营业时间"
contains "$tmp/out" "270 分 30 秒（4h30m30s）"
expect 0 zh calendar standard add 2026-11-20T17:30 90m
contains "$tmp/out" "standard（Asia/Shanghai）：从 2026-11-20T17:30:00+08:00 周五 起经过 1h30m 营业时间"
contains "$tmp/out" "结束于 2026-11-21T10:00:00+08:00 周六（2026-11-21T02:00:00Z）"
expect 0 zh calendar standard show --from 2026-10-01 --days 4
contains "$tmp/out" "standard（Asia/Shanghai）：营业时间，本地时间与 UTC"
contains "$tmp/out" "2026-10-01 周四 节假日      休息"
contains "$tmp/out" "2026-10-03 周六             09:00-12:00             = 3h     (UTC 01:00Z-04:00Z)"
expect 0 m calendar standard between 2026-11-20T17:30 2026-11-23T10:00:30
contains "$tmp/out" "270 minutes 30 seconds (4h30m30s)"
contains "$tmp/out" "2026-11-20T17:30:00+08:00 Fri to 2026-11-23T10:00:30+08:00 Mon"
expect 0 m calendar standard show --from 2026-10-01 --days 4
contains "$tmp/out" "2026-10-01 Thu holiday     closed"
same_json calendar standard show --from 2026-10-01 --days 4

# --- action: plan, stage, close with its test, list, show
expect 0 zh action add --department support --title "Call back within the SLA" --problem "late" \
  --owner S001 --due 2026-12-31 --metric first_response_met --baseline 2026Q3
contains "$tmp/out" "改进措施 1 已计划"
expect 0 zh action update 1 --stage do
contains "$tmp/out" "改进措施 1：do"
m --json action show 1 >"$tmp/a.json"
base=$(sqlite3 :memory: "select json_extract(readfile('$tmp/a.json'), '\$.baseline.x') || '/' || json_extract(readfile('$tmp/a.json'), '\$.baseline.n')")
expect 0 zh action show 1
contains "$tmp/out" "1  do     support      Call back within the SLA（负责人 S001）"
contains "$tmp/out" "first_response_met："
contains "$tmp/out" "（$base），期间 2026Q3"
contains "$tmp/out" "      问题：late"
contains "$tmp/out" "      到期 2026-12-31"
expect 0 zh action close 1 --after 2026Q4
if grep -qE '^      变化 [-+][0-9.]+ 个百分点：在 5% 水平上(不)?显著$' "$tmp/out"; then ok; else bad "action close's test in Chinese"; cat "$tmp/out" >&2; fi
contains "$tmp/out" "），期间 2026Q4，p = "
expect 0 m action list
contains "$tmp/out" "1  done   support      Call back within the SLA (owner S001)"
contains "$tmp/out" "($base) in 2026Q3 -> "
same_json action list

# --- stats: the levels and column names come from the data, Chinese here:
# lined up by display width, and cut between characters, never inside one
printf '地区,推荐\n华东,9\n华东,10\n华南地区名字很长很长很长很长,6\n华南地区名字很长很长很长很长,8\n' >"$tmp/zh.csv"
expect 0 "$manyi" stats nps "$tmp/zh.csv" --col 推荐 --by 地区
contains "$tmp/out" "$(printf '  %s%*s %12s' 华东 20 '' 2)"
contains "$tmp/out" "$(printf '  %s %12s' 华南地区名字很长很长很长 2)"
if iconv -f UTF-8 -t UTF-8 "$tmp/out" >/dev/null; then ok; else bad "stats cut a character in two"; fi

# --- the locale chooses Chinese too; English has none of it
expect 0 env LANG=zh_CN.UTF-8 "$manyi" --config "$example/manyi.yaml" --db "$db" kpi --period 2026Q3
contains "$tmp/out" "95% Wilson 区间"
expect 0 m kpi --period 2026Q3
lacks "$tmp/out" "区间"

echo "i18n_analyst: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
