#!/usr/bin/env bash
# End-to-end: manyi repl on the bundled example (built as examples/after-sales/demo.sh
# builds it), through -e, scripts on stdin and in files, and a pseudo-terminal
# driven by tmux for editing, completion, history and Ctrl-C. The analyst's
# question of issue 7 is answered in the REPL and its numbers are checked
# against `manyi stats nps` on the same rows, exported by the REPL and,
# independently, by the sqlite3 shell.
# Usage: repl.sh MANYI SOURCE_DIR [MANYI_GEN]. Only the terminal part is
# skipped (with a note) when tmux is missing; .ci/packages installs it.
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
tmp=$(mktemp -d)
sock=manyi-repl-test-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
export MANYI_NOW=2026-11-01T00:00:00Z
export MANYI_HISTORY=$tmp/history
export LC_ALL=C.UTF-8
. "$(dirname "$0")/lib/assert.sh"
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" "$@"; }
script() { cat >"$tmp/in"; }

echo "== building the example database (demo.sh)"
bash "$example/demo.sh" "$manyi" "$tmp/ex.db" >"$tmp/demo.log" 2>&1 || { cat "$tmp/demo.log" >&2; exit 1; }
customers=$(sqlite3 "$tmp/ex.db" 'SELECT count(*) FROM customers')

# --- help
expect 0 "$manyi" --help;                 contains "$tmp/out" "repl"
expect 0 "$manyi" repl --help;            contains "$tmp/out" "Usage: manyi"
contains "$tmp/out" "--instructions N"
expect 2 m repl --memory lots;            contains "$tmp/err" "--memory takes a size"

# --- -e: expressions print, state persists, errors name the chunk and fail
expect 0 m repl -e '1 + 1';               same "$(cat "$tmp/out")" "2" "-e value"
expect 0 m repl -e 'x = 20' -e 'x * 2, "ok", nil, 2.5'
same "$(cat "$tmp/out")" "$(printf '40\tok\tnil\t2.5')" "values on one line"
expect 1 m repl -e 'error("boom")';       contains "$tmp/err" "manyi: (command line):1: boom"
expect 1 m repl -e 'for i = 1, 2 do';     contains "$tmp/err" "the input ends inside the chunk"
expect 1 m repl -e 'io.open("/etc/passwd")'; contains "$tmp/err" "'io' is blocked"
expect 0 m repl -e "#manyi.sql[[select * from customers]]"
same "$(cat "$tmp/out")" "$customers" "count of customers"

# --- scripts: line numbers in the whole input, the first error stops, exit 1
script <<'EOF'
print("one")
t = {
  1, 2,
}
print("four", #t)
x = nil + 1
print("not reached")
EOF
expect 1 m repl
contains "$tmp/out" "one"
contains "$tmp/out" "$(printf 'four\t2')"
lacks "$tmp/out" "not reached"
contains "$tmp/err" "manyi: stdin:6: attempt to perform arithmetic on a nil value"
printf 'print(1)\n\nprint(2)\nerror("here")\n' >"$tmp/script.lua"
expect 1 m repl "$tmp/script.lua";        contains "$tmp/err" "script.lua:4: here"
script <<EOF
.read $tmp/script.lua
print("after")
EOF
expect 1 m repl;                          contains "$tmp/err" "script.lua:4: here"
lacks "$tmp/out" "after"

# --- read-only SQL: rows, NULL as nil, parameters, and nothing but reading
script <<'EOF'
rows = manyi.sql([[select external_id, industry from customers where external_id = ?]], "C0000008")
rows[1].industry == nil, rows[1].external_id
#manyi.sql("select * from customers where region = ? and kind = ?", "South", "company")
.sql select count(*) as n from orders
_[1].n
EOF
expect 0 m repl
contains "$tmp/out" "$(printf 'true\tC0000008')"
contains "$tmp/out" "$(sqlite3 "$tmp/ex.db" "SELECT count(*) FROM customers WHERE region = 'South' AND kind = 'company'")"
contains "$tmp/out" "$(sqlite3 "$tmp/ex.db" 'SELECT count(*) FROM orders')"
for sql in "delete from customers" "update customers set name = 'x'" "drop table orders" \
           "insert into staff(external_id, name) values ('x', 'y')" "attach '$tmp/x.db' as x" \
           "pragma query_only = 0" "create table t(a)" "begin"; do
  expect 1 m repl -e ".sql $sql";         contains "$tmp/err" "SQL here only reads:"
done
expect 1 m repl -e 'manyi.sql[[delete from customers]]'
contains "$tmp/err" "(command line):1: manyi.sql: SQL here only reads: DELETE from customers is refused"
same "$(sqlite3 "$tmp/ex.db" 'SELECT count(*) FROM customers')" "$customers" "customers after refusals"
[ ! -e "$tmp/x.db" ] && ok || bad "attach created a file"
expect 1 m repl -e 'manyi.sql[[select regoin from customers]]'
contains "$tmp/err" "no such column: regoin"
expect 1 m repl -e 'manyi.sql[[select region from customers]][1].regoin'
contains "$tmp/err" "the row has no column 'regoin' (did you mean 'region'?)"

# --- dot-commands
expect 0 m repl -e '.help';               contains "$tmp/out" ".explain tier ID"
expect 0 m repl -e '.tables';             contains "$tmp/out" "customers"
expect 0 m repl -e '.schema customers';   contains "$tmp/out" "CREATE TABLE customers"
expect 1 m repl -e '.schema custmers';    contains "$tmp/err" "no table 'custmers' (did you mean 'customers'?)"
expect 1 m repl -e '.mdoe csv';           contains "$tmp/err" "unknown command .mdoe (did you mean .mode?)"
expect 1 m repl -e '.mode xml';           contains "$tmp/err" "unknown mode 'xml'"
expect 1 m repl -e '.timer';              contains "$tmp/err" "Usage: .timer on|off"
expect 0 m repl -e '.timer on' -e '1';    contains "$tmp/out" "Run Time: real"
expect 0 m repl -e '.explain tier C0000008'
contains "$tmp/out" "reason"
contains "$tmp/out" "policies/tiers.lua:"
contains "$tmp/out" "$(m explain tier C0000008 | awk '/decision:/ { print $3 }')"
expect 0 m repl -e '.policy reload';      contains "$tmp/out" "tiers"
expect 0 m repl -e '.show';               contains "$tmp/out" "1000000000 instructions"
expect 0 m repl --mode csv -e 'manyi.sql[[select external_id, name from customers order by id limit 2]]'
same "$(cat "$tmp/out")" "$(printf 'external_id,name\nC0000001,李春玉\nC0000002,"Hangzhou Golden Sun Manufacturing Co., Ltd."')" "csv mode"
expect 0 m --json repl -e 'manyi.sql[[select external_id, region from customers order by id limit 1]]'
same "$(tr -d ' \n' <"$tmp/out")" '[{"external_id":"C0000001","region":"West"}]' "json mode"
expect 0 m repl --mode markdown -e '{{a = 1}}'
contains "$tmp/out" "|----:|"
# .output: a file of mode 0600, audited, and back to the screen
script <<EOF
.mode csv
.output $tmp/o.csv
manyi.sql[[select external_id from customers]]
.output
print("back")
EOF
expect 0 m repl
same "$(wc -l <"$tmp/o.csv")" "$((customers + 1))" "rows in .output file"
same "$(stat -c %a "$tmp/o.csv")" "600" ".output file mode"
contains "$tmp/out" "back"
same "$(sqlite3 "$tmp/ex.db" "SELECT count(*) FROM audit_log WHERE action = 'repl-output' AND object = '$tmp/o.csv'")" "1" "audit of .output"

# --- long results are cut in table mode, with a note; csv writes all
expect 0 m repl -e 'manyi.sql[[select external_id from customers]]'
same "$(grep -c '│ C0' "$tmp/out")" "50" "rows shown by default"
contains "$tmp/out" "($customers rows, the first 50 shown"
expect 0 m repl -e '.limit 0' -e 'manyi.sql[[select external_id from customers]]'
same "$(grep -c '│ C0' "$tmp/out")" "$customers" "rows shown with .limit 0"

# --- wide characters: every line of a table has the same display width
expect 0 m repl -e "manyi.sql[[select external_id, name, region from customers where external_id in ('C0000001', 'C0000002', 'C0000003', 'C0000008')]]"
contains "$tmp/out" "李春玉"
widths=$(grep -E '^[┌│├└]' "$tmp/out" | while IFS= read -r line; do printf '%s' "$line" | wc -L; done | sort -u | wc -l)
same "$widths" "1" "display widths of the table's lines"

# --- budgets: the same sandbox, larger defaults, configurable
expect 1 m repl --instructions 100000 -e 'while true do end'
contains "$tmp/err" "instruction budget exhausted (100000 instructions per evaluation"
expect 1 m repl --time 1 -e 'manyi.sql[[with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) from n]]'
contains "$tmp/err" "time budget exhausted (1000 ms per evaluation"
expect 1 m repl --memory 16MiB -e 't = {} for i = 1, 1e7 do t[i] = {i} end'
contains "$tmp/err" "memory budget exhausted"

# --- the analyst's question: NPS of tier-A customers in the South since July 2026,
# compared with July-October 2025 (the example's data end on 2026-10-31; times are
# Asia/Shanghai, +08:00; tiers are the ones stored by `eval tiers` in demo.sh).
cat >"$tmp/question.sql" <<'EOF'
select c.external_id as customer, a.value as nps,
       case when r.submitted_at >= unixepoch('2026-07-01', '-8 hours') then 'since July 2026'
            else 'July-Oct 2025' end as period
from responses r
join customers c on c.id = r.customer_id
join answers a on a.response_id = r.id
join questions q on q.id = a.question_id and q.code = 'q_nps'
where c.tier = 'A' and c.region = 'South'
  and (r.submitted_at >= unixepoch('2026-07-01', '-8 hours')
       or (r.submitted_at >= unixepoch('2025-07-01', '-8 hours')
           and r.submitted_at < unixepoch('2025-11-01', '-8 hours')))
order by r.id
EOF
{
  printf 'rows = manyi.sql[[\n'
  cat "$tmp/question.sql"
  printf ']]\n'
  cat <<EOF
nps = manyi.stats.nps(rows, {col = "nps", by = "period"})
nps.groups
.mode csv
.output $tmp/rows.csv
rows
.output $tmp/repl.json
.mode json
nps
EOF
} >"$tmp/in"
cp "$tmp/in" "$tmp/question.lua"
expect 0 m repl
contains "$tmp/out" "since July 2026"
contains "$tmp/out" "July-Oct 2025"
contains "$tmp/out" "┌"
# The same rows, exported by the sqlite3 shell, through `manyi stats nps`.
sqlite3 -csv -header "$tmp/ex.db" <"$tmp/question.sql" | tr -d '\r' >"$tmp/shell.csv"
same "$(wc -l <"$tmp/rows.csv")" "$(wc -l <"$tmp/shell.csv")" "rows exported by the REPL and the shell"
[ "$(wc -l <"$tmp/rows.csv")" -gt 20 ] && ok || bad "the question selects too few rows"
numbers() { grep -oE '"[a-z_]+": ?-?[0-9][0-9.eE+-]*' "$1" | tr -d ' ' | sort; }
"$manyi" --json stats nps "$tmp/shell.csv" --col nps --by period >"$tmp/shell.json" || bad "stats on shell.csv"
"$manyi" --json stats nps "$tmp/rows.csv" --col nps --by period >"$tmp/rows.json" || bad "stats on rows.csv"
[ -n "$(numbers "$tmp/repl.json")" ] && ok || bad "no numbers in the REPL's JSON"
same "$(numbers "$tmp/repl.json")" "$(numbers "$tmp/shell.json")" "REPL vs manyi stats on the shell's rows"
same "$(numbers "$tmp/rows.json")" "$(numbers "$tmp/shell.json")" "REPL's CSV vs the shell's CSV"

# --- the terminal, through tmux
if ! command -v tmux >/dev/null; then
  echo "tmux not found: skipping the terminal tests (.ci/packages installs tmux)" >&2
else
  t() { TERM=${TERM:-xterm} tmux -L "$sock" "$@"; }
  pane() { t capture-pane -t repl -p -S -200; }
  # wait_for TEXT: until the pane shows TEXT (5 s at most; the pane drops trailing blanks)
  wait_for() {
    for _ in $(seq 50); do pane | grep -qF -- "$1" && return 0; sleep 0.1; done
    bad "the terminal never showed '$1'"; pane >&2; return 1
  }
  start() {
    printf '#!/bin/sh\nexec "%s" --config "%s" --db "%s" repl\n' "$manyi" "$example/manyi.yaml" "$tmp/ex.db" >"$tmp/start.sh"
    chmod +x "$tmp/start.sh"
    # A loaded machine has seen tmux's first server die at birth ("server exited
    # unexpectedly"): that is tmux, not manyi, so start it again, three times at most.
    for try in 1 2 3; do
      t new-session -d -s repl -x 150 -y 50 "env MANYI_HISTORY='$1' MANYI_NOW=$MANYI_NOW LC_ALL=C.UTF-8 $tmp/start.sh; sleep 30" && break
      echo "tmux did not start (try $try of 3)" >&2; t kill-server 2>/dev/null; sleep 1
    done
    wait_for "manyi>"
  }
  keys() { t send-keys -t repl "$@"; }
  type_text() { t send-keys -t repl -l "$1"; }
  rm -f "$tmp/history"
  start "$tmp/history"
  # editing: type, go back, insert
  type_text 'print(1 + 1)'; keys Left Left Left Left Left Left; type_text '40 + '; keys Enter
  wait_for "42"
  # completion: a manyi function, a view field, a table in SQL, a dot-command
  type_text 'manyi.st'; keys Tab; type_text '.np'; keys Tab; type_text '(manyi.sql[[select 10 as x]], {col = "x"}).nps'; keys Enter
  wait_for "100.0"
  type_text 'c = manyi.customer("C0000008")'; keys Enter
  type_text 'c.spen'; keys Tab; keys Enter
  wait_for "$(m explain tier C0000008 | awk '$1 == "spend_12m" { print $2 }')"
  type_text '.sql select count(*) as n from responses where chann'; keys Tab; type_text "= 'sms'"; keys Enter
  wait_for "$(sqlite3 "$tmp/ex.db" "SELECT count(*) FROM responses WHERE channel = 'sms'")"
  type_text '.ti'; keys Tab; type_text 'of'; keys Tab; keys Enter
  type_text 'print("after timer")'; keys Enter
  wait_for "after timer"
  # a multi-line chunk
  type_text 'for i = 1, 2 do'; keys Enter; wait_for "...>"
  type_text 'print("line " .. i)'; keys Enter; type_text 'end'; keys Enter
  wait_for "line 2"
  # Ctrl-C stops Lua and SQL and the prompt comes back
  type_text 'while true do pcall(function() while true do end end) end'; keys Enter
  sleep 0.5; keys C-c
  wait_for "stdin:1: interrupted"
  type_text 'manyi.sql[[with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) from n]]'; keys Enter
  sleep 0.5; keys C-c
  [ "$(pane | grep -c 'interrupted')" -ge 2 ] && ok || { bad "SQL was not interrupted"; pane >&2; }
  type_text 'print("still " .. "here")'; keys Enter
  wait_for "still here"
  # Ctrl-C at the prompt drops an unfinished chunk
  type_text 'if true then'; keys Enter; keys C-c; type_text 'print("fresh")'; keys Enter
  wait_for "fresh"
  # Ctrl-R finds an earlier line
  keys C-r; type_text 'print(40'; keys Enter
  [ "$(pane | grep -c '^42$')" -ge 2 ] && ok || { bad "Ctrl-R did not find print(40 + 1 + 1)"; pane >&2; }
  # Ctrl-D leaves; the history is kept for the next session
  keys C-d
  sleep 0.5
  grep -q 'still' "$tmp/history" && ok || bad "history not saved in $tmp/history"
  [ "$(stat -c %a "$tmp/history")" = 600 ] && ok || bad "history file mode"
  t kill-server 2>/dev/null
  start "$tmp/history"
  keys Up; keys Enter
  wait_for "42"
  t kill-server 2>/dev/null
  # a history that cannot be written is a warning, and the REPL works
  start "$tmp/no/such/dir/history"
  type_text '6 * 7'; keys Enter
  wait_for "warning: cannot save the history"
  wait_for "42"
  t kill-server 2>/dev/null
fi

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
