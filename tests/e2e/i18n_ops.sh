#!/usr/bin/env bash
# End-to-end (issue 19, item 3): the REPL's and the operator's commands in
# Chinese. With --lang zh_CN the REPL's dot-commands (.help, .tables, .show,
# .policy, .explain, .timer, the rows' notes, the errors and usage lines) and
# the banner, and the result lines of jobs, tick, run, cron, audit, role,
# policy test and export are Chinese, with numbers read independently from
# the database by sqlite3; the English default is unchanged, and so are JSON
# output and the keys .explain gives in csv and json mode.
# Usage: i18n_ops.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL= LANGUAGE= LC_MESSAGES= LANG=C.UTF-8
export MANYI_NOW=2026-11-01T00:00:00Z MANYI_HISTORY=$tmp/history
. "$(dirname "$0")/lib/assert.sh"
command -v sqlite3 >/dev/null || { echo "i18n_ops: no sqlite3: skipped"; exit 77; }
data=$src/examples/after-sales/data
cfg=$tmp/manyi.yaml
sed "s#\.\./\.\./policies/#$src/policies/#" "$src/examples/after-sales/manyi.yaml" >"$cfg"
db=$tmp/ops.db
m() { "$manyi" --config "$cfg" --db "$db" "$@"; }
zh() { "$manyi" --lang zh_CN --config "$cfg" --db "$db" "$@"; }
q() { sqlite3 "$db" "$1"; }
script() { cat >"$tmp/in"; }
expect 0 m init
expect 0 m import customers "$data/customers.csv"
expect 0 m import orders "$data/orders.csv"
customers=$(q 'SELECT count(*) FROM customers')
cust=$(q 'SELECT external_id FROM customers ORDER BY external_id LIMIT 1')
order=$(q 'SELECT external_id FROM orders ORDER BY external_id LIMIT 1')
expect 0 m eval tiers # tiers for .explain and the rows by tier
tiers=$(q 'SELECT count(*) FROM (SELECT 1 FROM customers GROUP BY tier)')
a_view=$(q "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name LIMIT 1")
a_table=$(q "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 1")
[ "$customers" -gt 2 ] && [ -n "$cust" ] && [ -n "$order" ] && [ -n "$a_view" ] && ok || bad "no example data"

# ===== the REPL ==========================================================
# --- .help: the help column and the closing note
expect 0 zh repl -e '.help'
contains "$tmp/out" ".help [COMMAND]                        本帮助，或某个命令的帮助"
contains "$tmp/out" ".explain tier ID|points ORDER [AS_OF]  策略看到了什么、作出了什么决定（manyi explain）"
contains "$tmp/out" "其余输入都是 Lua：表达式显示其值，代码块跨行继续，直到完整为止。"
lacks "$tmp/out" "this help"
expect 0 zh repl -e '.help .timer'
same "$(tr -s ' ' <"$tmp/out")" ".timer on|off 显示每次求值所用的时间" ".help .timer"
expect 0 m repl -e '.help .timer'
same "$(tr -s ' ' <"$tmp/out")" ".timer on|off show the time each evaluation takes" ".help .timer in English"
expect 0 m repl -e '.help'
contains "$tmp/out" "Anything else is Lua: an expression shows its value, a chunk goes on over lines"

# --- .tables: a view is marked in the language chosen; .show's labels
expect 0 zh repl -e '.tables'
contains "$tmp/out" "$a_view  （视图）"
grep -qx "$a_table" "$tmp/out" && ok || bad ".tables lacks the table $a_table"
expect 0 m repl -e '.tables'
contains "$tmp/out" "$a_view  (view)"
expect 0 zh repl -e '.show'
contains "$tmp/out" "数据库        $db"
contains "$tmp/out" "显示模式      table"
contains "$tmp/out" "行数上限      50"
contains "$tmp/out" "输出          stdout"
contains "$tmp/out" "预算          每次求值 1000000000 条指令、60000 毫秒，内存 1073741824 字节"
expect 0 m repl -e '.show'
contains "$tmp/out" "database      $db"
contains "$tmp/out" "budget        1000000000 instructions and 60000 ms per evaluation, 1073741824 bytes of memory"

# --- values: the rows' notes, the made-up headers, the timer
cat >"$tmp/values.in" <<EOF
manyi.sql[[select tier, count(*) n from customers group by tier]]
.limit 2
manyi.sql[[select external_id from customers]]
{1, 2, 3, 4, 5}
{a = 1}
.timer on
1
EOF
cp "$tmp/values.in" "$tmp/in"
expect 0 zh repl
contains "$tmp/out" "（$tiers 行）"
contains "$tmp/out" "（共 $customers 行，显示前 2 行：.limit N 显示更多，.limit 0 显示全部；.mode csv 或 json 写出全部行）"
contains "$tmp/out" "{1, 2, …}  （共 5 项，显示前 2 项：.limit N）"
contains "$tmp/out" "│ 键 │ 值 │"
contains "$tmp/out" "运行时间：实际 "
cp "$tmp/values.in" "$tmp/in"
expect 0 m repl
contains "$tmp/out" "($tiers rows)"
contains "$tmp/out" "($customers rows, the first 2 shown: .limit N shows more, .limit 0 all; .mode csv or json writes every row)"
contains "$tmp/out" "{1, 2, …}  (5 items, the first 2 shown: .limit N)"
contains "$tmp/out" "│ key │ value │"
contains "$tmp/out" "Run Time: real "
# a record's own column named key stays as it is; csv keeps "key,value"
expect 0 zh repl -e '{{key = 1}}' -e '.mode csv' -e '{a = 1}'
contains "$tmp/out" "│ key │"
contains "$tmp/out" "key,value"

# --- .policy and .explain: labels for people; csv and json keep the keys
expect 0 zh repl -e '.policy' -e '.policy reload'
contains "$tmp/out" "tiers    已加载    $src/policies/tiers.lua（"
contains "$tmp/out" "tiers    未变化    $src/policies/tiers.lua（"
expect 0 m repl -e '.policy'
contains "$tmp/out" "tiers    loaded    $src/policies/tiers.lua ("
expect 0 zh repl -e ".explain tier $cust"
contains "$tmp/out" "│ 客户 "
contains "$tmp/out" "│ $cust"
contains "$tmp/out" "│ 输入 spend_12m "
contains "$tmp/out" "│ 决定 "
contains "$tmp/out" "│ 返回位置 "
lacks "$tmp/out" "decision"
expect 0 zh repl -e ".explain points $order"
contains "$tmp/out" "│ 订单 "
contains "$tmp/out" "│ 事件 amount "
contains "$tmp/out" "│ 客户 spend_12m "
contains "$tmp/out" "│ 积分 "
expect 0 zh repl --mode json -e ".explain tier $cust"
contains "$tmp/out" "\"customer\":\"$cust\""
contains "$tmp/out" '"decision":'
contains "$tmp/out" '"input spend_12m":'
lacks "$tmp/out" "决定"
expect 0 zh repl --mode csv -e ".explain tier $cust"
contains "$tmp/out" "returned by,"
expect 0 m repl -e ".explain tier $cust"
contains "$tmp/out" "│ decision "
contains "$tmp/out" "│ input spend_12m "

# --- the dot-commands' errors and usage lines (a script stops at the first)
dot_error() { # LINE ZH EN: the message in each language
  expect 1 zh repl -e "$1"; contains "$tmp/err" "$2"
  expect 1 m repl -e "$1"; contains "$tmp/err" "$3"
}
dot_error '.mode tabel' ".mode：未知模式 'tabel'（您是不是要用 'table'？）（table、markdown、csv、json）" \
  ".mode: unknown mode 'tabel' (did you mean 'table'?) (table, markdown, csv, json)"
dot_error '.mode zzz' ".mode：未知模式 'zzz'（table、markdown、csv、json）" ".mode: unknown mode 'zzz' (table, markdown, csv, json)"
dot_error '.tabels' "未知命令 .tabels（您是不是要用 .tables？）；.help 会列出所有命令" \
  "unknown command .tabels (did you mean .tables?); .help lists them"
dot_error '.frobnicate' "未知命令 .frobnicate；.help 会列出所有命令" "unknown command .frobnicate; .help lists them"
dot_error '.limit lots' ".limit：'lots' 不是行数（0 显示全部）" ".limit: 'lots' is not a number of rows (0 shows all)"
dot_error '.timer maybe' ".timer：请给出 on 或 off" ".timer: give on or off"
dot_error '.policy again' ".policy：请给出 reload，或不给参数" ".policy: give reload, or nothing"
dot_error '.explain nothing 1' ".explain：请给出 tier ID 或 points ORDER" ".explain: give tier ID or points ORDER"
dot_error '.explain tier' "用法：.explain tier ID|points ORDER [AS_OF]" "Usage: .explain tier ID|points ORDER [AS_OF]"
dot_error '.quit now' "用法：.quit" "Usage: .quit"
dot_error '.sql' ".sql：请给出查询：.sql select count(*) from customers" ".sql: give a query: .sql select count(*) from customers"
dot_error '.help .nope' ".help：没有命令 .nope" ".help: no command .nope"
dot_error ".read $tmp/none.lua" ".read：无法读取 $tmp/none.lua：没有那个文件或目录" ".read: cannot read $tmp/none.lua: No such file or directory"
dot_error ".output $tmp/no/such/x.csv" ".output：未打开：无法写入 $tmp/no/such/x.csv：没有那个文件或目录" \
  ".output: not opened: cannot write $tmp/no/such/x.csv: No such file or directory"
dot_error ".explain tier NOPE" ".explain：未知客户 'NOPE'" ".explain: unknown customer 'NOPE'"
expect 1 zh repl "$tmp/none.lua"
contains "$tmp/err" "manyi: 无法读取 $tmp/none.lua：没有那个文件或目录"
expect 1 m repl "$tmp/none.lua"
contains "$tmp/err" "manyi: cannot read $tmp/none.lua: No such file or directory"

# --- the banner, on a terminal (util-linux's script gives one)
if command -v script >/dev/null && command -v timeout >/dev/null; then
  printf '.quit\n' | timeout 20 script -qec "'$manyi' --lang zh_CN --config '$cfg' --db '$db' repl" /dev/null >"$tmp/tty" 2>&1
  contains "$tmp/tty" "manyi REPL，数据库 $db：绑定了 manyi.sql、manyi.stats 和 manyi.customer 的 Lua。"
  contains "$tmp/tty" "输入 \".help\" 查看点命令，按 Ctrl-D 或输入 \".quit\" 退出。"
  printf '.quit\n' | timeout 20 script -qec "'$manyi' --config '$cfg' --db '$db' repl" /dev/null >"$tmp/tty" 2>&1
  contains "$tmp/tty" "manyi REPL on $db: Lua with manyi.sql, manyi.stats and manyi.customer."
else
  echo "i18n_ops: no script(1): the banner is not checked"
fi

# ===== the operator's commands ===========================================
# --- jobs: counts, kinds, add, show, retry; tick and its log line
expect 0 zh jobs kinds
contains "$tmp/out" "  eval-tiers     对每位客户运行等级策略（可续跑的批处理）"
expect 0 m jobs kinds
contains "$tmp/out" "  eval-tiers     the tier policy over every customer (a resumable batch)"
expect 0 zh --json jobs kinds
contains "$tmp/out" '"the tier policy over every customer (a resumable batch)"'
lacks "$tmp/out" "等级策略"
payload='{"channel":"email","recipient":"a@example.com","subject":"hi"}'
expect 0 zh jobs add notify --key K1 --at 2026-11-01T00:00:00Z --payload "$payload"
same "$(cat "$tmp/out")" "已将 K1 排入队列，运行时间 2026-11-01T00:00:00Z" "jobs add"
expect 0 zh jobs add notify --key K1 --at 2026-11-01T00:00:00Z --payload "$payload"
same "$(cat "$tmp/out")" "K1 已在队列中（2026-11-01T00:00:00Z）：未添加任何任务" "jobs add again"
expect 0 m jobs add notify --key K1 --at 2026-11-01T00:00:00Z --payload "$payload"
same "$(cat "$tmp/out")" "K1 is already queued (2026-11-01T00:00:00Z): nothing added" "jobs add again in English"
expect 0 zh jobs show K1
contains "$tmp/out" "键           K1"
contains "$tmp/out" "状态         queued"
contains "$tmp/out" "尝试次数     0"
expect 0 m jobs show K1
contains "$tmp/out" "status       queued"
contains "$tmp/out" "attempts     0"
queued=$(q "SELECT count(*) FROM jobs WHERE status = 'queued'")
done_=$(q "SELECT count(*) FROM jobs WHERE status = 'done'")
expect 0 zh jobs list
contains "$tmp/out" "排队 $queued 个（已到期 "
contains "$tmp/out" "已完成 $done_ 个，已失败 0 个，已取消 0 个"
expect 0 m jobs list
contains "$tmp/out" "queued $queued (due "
expect 0 zh tick --now 2026-11-01T00:00:00Z
contains "$tmp/err" "2026-11-01T00:00:00Z info  任务 K1（notify）完成，用时 "
grep -qE '^[0-9]+ 个周期任务已排队；运行了 [0-9]+ 个任务：[0-9]+ 个完成，0 个待重试，0 个已失效$' "$tmp/out" && ok ||
  bad "tick's summary: $(cat "$tmp/out")"
same "$(q "SELECT status FROM jobs WHERE key = 'K1'")" "done" "K1 ran"
expect 0 zh jobs show K1
contains "$tmp/out" "完成时间     2026-11-01T00:00:00Z"
expect 0 m tick --now 2026-11-01T00:00:00Z
grep -qE '^[0-9]+ recurring queued; [0-9]+ jobs ran: [0-9]+ done, 0 to retry, 0 dead$' "$tmp/out" && ok ||
  bad "tick's summary in English: $(cat "$tmp/out")"
expect 0 zh --json tick --now 2026-11-01T00:00:00Z
contains "$tmp/out" '"recurring_queued"'
# run: its start and stop lines keep "TIME LEVEL " and translate the rest
expect 0 zh run --until-idle --poll 0.05
grep -qE '^2026-11-01T00:00:00Z info  manyi run: .*，每 0.05 秒轮询一次；SIGTERM 或 Ctrl-C 停止$' "$tmp/err" && ok ||
  bad "run's start line: $(head -1 "$tmp/err")"
contains "$tmp/err" "2026-11-01T00:00:00Z info  manyi run: 已停止"
expect 0 m run --until-idle --poll 0.05
contains "$tmp/err" "info  manyi run: stopped"

# --- cron: the weekday in the language chosen (JSON keeps the name); fewer
# firings than asked before 2200
expect 0 zh cron '30 9 * * mon-fri' --tz Asia/Shanghai --count 2 --after 2026-11-01T00:00:00Z
same "$(cat "$tmp/out")" "$(printf '2026-11-02T09:30:00+08:00 周一  2026-11-02T01:30:00Z\n2026-11-03T09:30:00+08:00 周二  2026-11-03T01:30:00Z')" "cron's lines"
expect 0 m cron '30 9 * * mon-fri' --tz Asia/Shanghai --count 1 --after 2026-11-01T00:00:00Z
same "$(cat "$tmp/out")" "2026-11-02T09:30:00+08:00 Mon  2026-11-02T01:30:00Z" "cron's line in English"
expect 0 zh --json cron '30 9 * * mon-fri' --count 1 --after 2026-11-01T00:00:00Z
grep -qE '"weekday": ?"Mon"' "$tmp/out" && ok || bad "cron --json: $(cat "$tmp/out")"
expect 0 zh cron '0 0 29 2 *' --count 5 --after 2190-01-01T00:00:00Z
contains "$tmp/err" "manyi: 2200 年之前只触发 2 次"
same "$(wc -l <"$tmp/out" | tr -d ' ')" "2" "two firings (2192, 2196)"
expect 0 m cron '0 0 29 2 *' --count 5 --after 2190-01-01T00:00:00Z
contains "$tmp/err" "manyi: only 2 firing times before the year 2200"

# --- role: grant, list, revoke
dept=$(q 'SELECT code FROM departments ORDER BY code LIMIT 1')
expect 0 zh role grant ops_alice agent --department "$dept"
same "$(cat "$tmp/out")" "ops_alice 现在是 $dept 的 agent" "role grant with a department"
expect 0 zh role grant ops_bob analyst
same "$(cat "$tmp/out")" "ops_bob 现在是 analyst" "role grant"
expect 0 m role grant ops_bob auditor
same "$(cat "$tmp/out")" "ops_bob is now auditor" "role grant in English"
expect 0 zh role list
granted_by=$(q "SELECT granted_by FROM roles WHERE user = 'ops_bob'")
contains "$tmp/out" "由 $granted_by 于 2026-11-01T00:00:00Z 授予"
expect 0 m role list
contains "$tmp/out" "granted by $granted_by at 2026-11-01T00:00:00Z"
expect 0 zh role revoke ops_bob
same "$(cat "$tmp/out")" "ops_bob 现在没有角色" "role revoke"

# --- audit: verify's line (the head hash last), no entries, JSON unchanged
entries=$(q 'SELECT count(*) FROM audit_log')
head=$(q 'SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1')
expect 0 zh audit verify
same "$(cat "$tmp/out")" "正常，共 $entries 条记录，链头 $head" "audit verify"
expect 0 m audit verify
same "$(cat "$tmp/out")" "ok, $entries entries, head $head" "audit verify in English"
expect 0 zh --json audit verify
grep -qE "\"entries\": ?$entries," "$tmp/out" && ok || bad "audit verify --json: $(cat "$tmp/out")"
expect 0 zh audit list --action no-such-action
contains "$tmp/err" "没有审计记录"

# --- policy test: the summary (the cases counted in the test files)
cases=$(cat "$src"/policies/tests/*.yaml | grep -cE '^ *- name:')
expect 0 zh policy test "$src/policies/tests"
contains "$tmp/out" "$cases 个通过，0 个失败"
expect 0 m policy test "$src/policies/tests"
contains "$tmp/out" "$cases passed, 0 failed"

# --- export: the line on stderr; the file itself is the same in both languages
expect 0 zh export customers "$tmp/c-zh.csv"
contains "$tmp/err" "$tmp/c-zh.csv：已写入 $customers 行 customers"
expect 0 m export customers "$tmp/c-en.csv"
contains "$tmp/err" "$tmp/c-en.csv: $customers rows of customers written"
cmp -s "$tmp/c-zh.csv" "$tmp/c-en.csv" && ok || bad "the export differs by language"

echo "i18n_ops: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
