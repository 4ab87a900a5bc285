#!/usr/bin/env bash
# End-to-end (issue 16): budgets, signals and full disks on the built binary.
#  - past its time budget a call gets half of it again in CPU time: a call
#    stopped past it in wall time goes on, one stopped past 10 x it is stopped;
#  - the watchdog: an instruction that works long in C (a comparison of two
#    50 MB strings) in the REPL and in a coroutine stops within half a budget
#    of a plain loop's stop (without the watchdog it overran by 2-3 s); a
#    coroutine the budget killed whose __close handler loops, through
#    `policy test`, `eval tiers` and the REPL, stops on its own (it hung);
#  - SIGTERM stops `eval tiers` (a slow policy) and the REPL at once: exit
#    143, a message, the database intact, the lock free (a write right
#    after succeeds), committed chunks carry their audit entry, and a rerun
#    ends as one uninterrupted run on a copy;
#  - disk-full loops (a file size limit, `ulimit -f`, at a random size past
#    the database's) over import, eval tiers, eval points and export: exit 0
#    or 1 with "the disk is full", PRAGMA integrity_check ok, no rows
#    committed without their audit entry, "nothing was changed" only when
#    nothing was, no export file without its entry; then a run without the
#    limit ends as one uninterrupted run on a copy of the starting database;
#    the same for the scheduler (`manyi tick` over 3,000 queued jobs);
#  - kill -9 during exports: the file is whole with its audit entry, or absent,
#    and no temporary file is left.
# Usage: fault_loops.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
. "$(dirname "$0")/lib/setup.sh" "$@"
need_sqlite3
seeded_kills
rounds=${FAULT_ROUNDS:-8}
export MANYI_NOW=2026-11-01T00:00:00Z
chmod 0700 "$tmp"
# The example's configuration with absolute policy paths; tiers.lua replaceable.
example_config
db=$tmp/f.db
m() { "$manyi" --config "$cfg" --db "$db" "$@"; }
sql() { sqlite3 "$1" "$2"; }
integrity() { same "$(sql "$db" 'PRAGMA integrity_check')" ok "integrity after $1"; }
entries() { sql "$db" "SELECT count(*) FROM audit_log WHERE action = '$1'"; }
# covered ACTION ROWS_BEFORE ENTRIES_BEFORE ROWS_SQL WHY
covered() {
  local rows; rows=$(sql "$db" "$4")
  if [ "$rows" -ne "$2" ] && [ "$(entries "$1")" -eq "$3" ]; then
    bad "$5: $((rows - $2)) rows committed without an audit entry ($1)"
  else ok; fi
}
# elapsed_ms CMD...: status, took (wall ms) and cpu (user + system ms of CMD)
elapsed_ms() {
  local t0; t0=$(now_ms)
  { TIMEFORMAT='%3U %3S'; time "$@" >"$tmp/out" 2>"$tmp/err"; } 2>"$tmp/times"; status=$?
  took=$(($(now_ms) - t0))
  cpu=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$tmp/times")
}

"$gen" --out "$tmp/data" --customers 3000 --orders 20000 --interactions 20000 --tickets 10 \
  --responses 500 >/dev/null || { echo "manyi-gen failed" >&2; exit 1; }
expect 0 m init
for e in staff customers responses; do expect 0 m import "$e" "$tmp/data/$e.csv"; done

# --- the watchdog, in the REPL: a plain loop's stop is the baseline (start-up
# and tear-down); the long comparisons stop within half a budget (1 s) of it.
# Past the budget's wall time a call gets CPU time, so CPU time is compared:
# the wall time of each run depends on what else the machine runs.
prep='local a = string.rep("x", 50000000) local b = a:sub(1, -2) .. "y"'
elapsed_ms m repl --time 2 --instructions 1000000000000 -e "$prep while true do end"
base=$cpu
same "$status" 1 "a plain loop stops"
contains "$tmp/err" "time budget exhausted (2000 ms per evaluation"
for body in "while true do local _ = a < b end" \
            "coroutine.wrap(function() while true do local _ = a < b end end)()"; do
  elapsed_ms m repl --time 2 --instructions 1000000000000 -e "$prep $body"
  same "$status" 1 "long comparisons stop: $body"
  contains "$tmp/err" "time budget exhausted (2000 ms per evaluation"
  echo "watchdog: $body stopped after $cpu ms of CPU, $took ms of wall time (a plain loop: $base ms of CPU)"
  [ "$cpu" -le $((base + 1000)) ] && ok || bad "$body stopped after $cpu ms of CPU, a plain loop after $base ms"
done
# Past its time budget in wall time a call may use half as much again of CPU
# time: a call stopped (SIGSTOP, as a thread descheduled on a busy machine)
# past its budget goes on and succeeds (it failed with "time budget
# exhausted"); past 10 x the budget in wall time it is stopped all the same.
# The stop comes once the process has used 0.15 s of CPU (/proc), so inside
# the evaluation.
spin='local t = os.clock() while os.clock() - t < 0.4 do end return "spun"'
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
stopped_run() { # BUDGET STOP_S: runs $spin, stopped for STOP_S seconds
  "$manyi" --config "$cfg" --db "$db" repl --time "$1" -e "$spin" >"$tmp/out" 2>"$tmp/err" &
  local pid=$!
  while [ "$(cpu_ticks "$pid")" -lt 15 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
  kill -STOP "$pid"; sleep "$2"; kill -CONT "$pid"
  wait "$pid"; status=$?
}
stopped_run 1 1.5
same "$status" 0 "a call stopped for 1.5 s with 1 s of CPU time ($(cat "$tmp/err"))"
contains "$tmp/out" "spun"
stopped_run 500ms 5.5
same "$status" 1 "a call stopped past 10 x its budget"
contains "$tmp/err" "time budget exhausted (500 ms per evaluation"

# a killed coroutine's __close handler that loops: it hung for ever
closer='local g <close> = setmetatable({}, { __close = function() while true do end end })'
expect 1 timeout 60 "$manyi" --config "$cfg" --db "$db" repl --time 1 -e \
  "coroutine.wrap(function() $closer while true do end end)()"
contains "$tmp/err" "budget exhausted"
expect 1 timeout 60 "$manyi" --config "$cfg" --db "$db" repl --time 1 -e \
  "local co = coroutine.create(function() $closer while true do end end) coroutine.resume(co) coroutine.close(co)"
contains "$tmp/err" "budget exhausted"

# --- the same through `policy test` and `eval tiers`: a tier policy whose
# coroutine is killed in a loop with such a handler
hcfg=$tmp/hostile.yaml
cat >"$tmp/hostile.lua" <<EOF
return { tier = function(c, p)
  coroutine.wrap(function() $closer while true do end end)()
  return "A", "escaped the budget"
end }
EOF
sed "s#file: $src/policies/tiers.lua#file: $tmp/hostile.lua#" "$cfg" >"$hcfg"
cat >"$tmp/hostile_cases.yaml" <<'EOF'
- name: hostile
  hook: tier
  customer: {orders_total: 60, orders_12m: 30, spend_12m: 150000, refunded_orders: 0, cancelled_orders: 0}
  expect: {tier: A}
EOF
expect 1 timeout 60 "$manyi" --config "$hcfg" --db "$db" policy test "$tmp/hostile_cases.yaml"
contains "$tmp/out" "budget exhausted"
tiers_before=$(sql "$db" "SELECT count(*), count(tier) FROM customers")
elapsed_ms timeout 120 "$manyi" --config "$hcfg" --db "$db" eval tiers --max-failures 5
same "$status" 4 "eval tiers with the hostile policy: the breaker"
contains "$tmp/err" "budget exhausted"
[ "$took" -le $((5 * 2 * 250 + 5000)) ] && ok || bad "5 hostile calls took $took ms"
same "$(sql "$db" "SELECT count(*), count(tier) FROM customers")" "$tiers_before" "no tier stored by the hostile run"
expect 0 m import staff "$tmp/data/staff.csv" # the lock was released

# --- SIGTERM: a slow (legitimate) policy makes eval tiers last
cat >"$tmp/slow.lua" <<'EOF'
return { tier = function(c, p)
  local x = 0
  for i = 1, 60000 do x = x + i end
  if (c.spend_12m or 0) >= 5000 then return "A", "spend " .. x end
  return "C", "little spend"
end }
EOF
scfg=$tmp/slow.yaml
sed "s#file: $src/policies/tiers.lua#file: $tmp/slow.lua#" "$cfg" >"$scfg"
sqlite3 "$db" ".backup '$tmp/ref.db'"
expect 0 "$manyi" --config "$scfg" --db "$tmp/ref.db" eval tiers
tiers_q="SELECT group_concat(external_id || '=' || ifnull(tier, '-'), ' ') FROM (SELECT external_id, tier FROM customers ORDER BY id)"
want=$(sql "$tmp/ref.db" "$tiers_q" | md5sum)
hist0=$(sql "$db" "SELECT count(*) FROM tier_history") ev0=$(entries eval)
"$manyi" --config "$scfg" --db "$db" eval tiers >"$tmp/term.out" 2>"$tmp/term.err" &
pid=$!
sleep 0.8
t0=$(now_ms)
kill -TERM "$pid"
wait "$pid"
status=$?
echo "SIGTERM: eval tiers ended in $(($(now_ms) - t0)) ms with status $status"
same "$status" 143 "exit status of eval tiers after SIGTERM"
contains "$tmp/term.err" "manyi: stopped by a signal: the transaction in hand was not committed"
integrity "SIGTERM of eval tiers"
covered eval "$hist0" "$ev0" "SELECT count(*) FROM tier_history" "SIGTERM of eval tiers"
elapsed_ms m import staff "$tmp/data/staff.csv"
same "$status" 0 "a write right after SIGTERM"
[ "$took" -lt 2000 ] && ok || bad "a write after SIGTERM waited $took ms for the lock"
expect 0 "$manyi" --config "$scfg" --db "$db" eval tiers
same "$(sql "$db" "$tiers_q" | md5sum)" "$want" "tiers after SIGTERM and a rerun as in one run"
# the REPL, busy in a long evaluation
"$manyi" --config "$cfg" --db "$db" repl --time 600 --instructions 1000000000000 -e 'while true do end' \
  >/dev/null 2>"$tmp/term.err" &
pid=$!
sleep 0.5
t0=$(now_ms)
kill -TERM "$pid"
wait "$pid"
status=$?
same "$status" 143 "exit status of the REPL after SIGTERM"
[ $(($(now_ms) - t0)) -lt 2000 ] && ok || bad "the REPL took $(($(now_ms) - t0)) ms to stop"
contains "$tmp/term.err" "stopped by a signal"

# --- disk full: ulimit -f (1 KiB blocks; it binds root too) at a random size
# past the database's. run_full LIMIT_KB CMD...: sets status, out, err.
run_full() {
  local lim=$1; shift
  ( ulimit -f "$lim"; trap '' XFSZ; exec "$manyi" --config "$cfg" --db "$db" "$@" ) >"$tmp/out" 2>"$tmp/err"
  status=$?
}
# The limit binds each file: the database grows at checkpoints, the WAL
# (reused from its start after one) while writing.
db_kb() { local d w; d=$(stat -c %s "$db"); w=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
          echo $(( (d > w ? d : w) / 1024 )); }
# full_loop GROW_KB ACTION ROWS_SQL CMD...: rounds of CMD under a limit
# from 64 KiB to the database's size plus GROW_KB (about what CMD adds):
# small ones stop the first write to the WAL, larger ones a later chunk or
# the checkpoint.
full_loop() {
  local grow=$1 action=$2 rows_sql=$3; shift 3
  local r rows0 ev0 full=0
  sqlite3 "$db" ".backup '$tmp/loop-pre.db'"
  cp "$db-audit-head" "$tmp/loop-pre.head" # the anchor goes back with the log
  for r in $(seq 1 "$rounds"); do
    rows0=$(sql "$db" "$rows_sql") ev0=$(entries "$action")
    run_full $(( 64 + $(random_ms $(( $(db_kb) + grow ))) )) "$@"
    if [ "$status" -eq 1 ]; then
      full=$((full + 1))
      echo "  round $r: $(head -c 300 "$tmp/err")"
      contains "$tmp/err" "the disk is full"
      if [ "$(sql "$db" "$rows_sql")" -ne "$rows0" ]; then lacks "$tmp/err" "nothing was changed"; fi
    elif [ "$status" -ne 0 ]; then bad "$* under a size limit: exit $status"; cat "$tmp/err" >&2; fi
    integrity "a full disk during $* (round $r)"
    covered "$action" "$rows0" "$ev0" "$rows_sql" "a full disk during $* (round $r)"
    # a run that finished leaves nothing to stop: the next round starts over
    if [ "$status" -eq 0 ]; then rm -f "$db-wal" "$db-shm"; cp "$tmp/loop-pre.db" "$db"; cp "$tmp/loop-pre.head" "$db-audit-head"; fi
  done
  echo "$*: $full of $rounds runs found the disk full"
}
# reference runs on a copy of the state before the loops
sqlite3 "$db" ".backup '$tmp/ref.db'"
mr() { "$manyi" --config "$cfg" --db "$tmp/ref.db" "$@" >/dev/null 2>&1 || bad "reference: $*"; }
mr import orders "$tmp/data/orders.csv"
mr import interactions "$tmp/data/interactions.csv"
mr eval tiers
mr eval points
full_loop 1500 import "SELECT count(*) FROM orders" import orders "$tmp/data/orders.csv"
expect 0 m import orders "$tmp/data/orders.csv"
full_loop 1500 import "SELECT count(*) FROM interactions" import interactions "$tmp/data/interactions.csv"
expect 0 m import interactions "$tmp/data/interactions.csv"
full_loop 400 eval "SELECT count(*) FROM tier_history" eval tiers
expect 0 m eval tiers
full_loop 3000 eval "SELECT count(*) FROM loyalty_ledger" eval points
expect 0 m eval points
for q in "SELECT count(*), sum(amount_minor) FROM orders" "SELECT count(*) FROM interactions" \
         "$tiers_q" "SELECT count(*), sum(points), count(DISTINCT idempotency_key) FROM loyalty_ledger" \
         "SELECT count(*) FROM tier_history"; do
  same "$(sql "$db" "$q" | md5sum)" "$(sql "$tmp/ref.db" "$q" | md5sum)" "after the full disks and reruns: $q"
done
# the scheduler: 3,000 notify jobs queued by SQL (as sched_bulk.sh does);
# each job's message and its audit entry commit with its completion
sql "$db" "WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < 3000)
  INSERT INTO jobs(kind, key, run_at, payload, created_at)
  SELECT 'notify', printf('f-%05d', k), unixepoch('2026-10-31T00:00:00Z') + k % 600,
         json_object('channel', 'sms', 'recipient', '+86-' || k, 'subject', 'call ' || k),
         unixepoch('2026-10-30T00:00:00Z') FROM i"
sqlite3 "$db" ".backup '$tmp/ref-jobs.db'"
expect 0 "$manyi" --config "$cfg" --db "$tmp/ref-jobs.db" --quiet run --until-idle --poll 0.05
jobs_q="SELECT count(*), sum(status = 'done'), sum(attempts) FROM jobs WHERE key LIKE 'f-%'"
out_q="SELECT count(*), count(DISTINCT key) FROM outbox WHERE key LIKE 'job:f-%'"
full_loop 1500 job "SELECT count(*) FROM outbox WHERE key LIKE 'job:f-%'" --quiet tick
expect 0 m --quiet run --until-idle --poll 0.05
same "$(sql "$db" "$jobs_q")" "$(sql "$tmp/ref-jobs.db" "$jobs_q")" "jobs after the full disks and a rerun"
same "$(sql "$db" "$out_q")" "$(sql "$tmp/ref-jobs.db" "$out_q")" "messages after the full disks and a rerun"
same "$(sql "$db" "SELECT count(*) FROM outbox o LEFT JOIN audit_log a ON a.action = 'job' AND a.object = substr(o.key, 5) WHERE o.key LIKE 'job:f-%' AND a.id IS NULL")" 0 \
  "every message's job has its audit entry"

# exports: no file without its audit entry, no half file
for r in $(seq 1 "$rounds"); do
  ev0=$(entries export)
  rm -f "$tmp/x.csv"
  run_full $(( $(db_kb) + $(random_ms 600) )) export customers "$tmp/x.csv"
  if [ "$status" -eq 1 ]; then contains "$tmp/err" "the disk is full"
  elif [ "$status" -ne 0 ]; then bad "export under a size limit: exit $status"; cat "$tmp/err" >&2; fi
  if [ -e "$tmp/x.csv" ] && [ "$(entries export)" -eq "$ev0" ]; then bad "an export file without its audit entry"; else ok; fi
  if [ "$status" -ne 0 ] && [ -e "$tmp/x.csv" ]; then bad "a failed export left $tmp/x.csv"; else ok; fi
  ls "$tmp"/x.csv.* >/dev/null 2>&1 && bad "a temporary export file was left: $(ls "$tmp"/x.csv.*)" || ok
  integrity "a full disk during export (round $r)"
done
# kill -9 during exports: the file is whole and has its entry, or is absent
expect 0 m export interactions "$tmp/ref-x.csv"
for r in $(seq 1 "$rounds"); do
  ev0=$(entries export)
  rm -f "$tmp/x.csv"
  kill_after "$(random_ms 400)" "$manyi" --config "$cfg" --db "$db" export interactions "$tmp/x.csv"
  if [ -e "$tmp/x.csv" ]; then
    [ "$(entries export)" -gt "$ev0" ] && ok || bad "kill -9: an export file without its audit entry"
    cmp -s "$tmp/x.csv" "$tmp/ref-x.csv" && ok || bad "kill -9: a half export file"
  fi
  integrity "kill -9 during export (round $r)"
done
# the data has no name until it is whole (O_TMPFILE): nothing is left behind
# (tests/e2e/export_litter.sh: the named fallback and its sweep)
same "$(ls "$tmp" | grep -c '^x\.csv.' || true)" 0 "temporary files left by kill -9 of export"
expect 0 m export interactions "$tmp/x.csv"
cmp -s "$tmp/x.csv" "$tmp/ref-x.csv" && ok || bad "the export after the kills differs"
expect 0 m audit verify
contains "$tmp/out" "ok, "

echo "fault_loops: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
