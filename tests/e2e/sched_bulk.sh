#!/usr/bin/env bash
# End-to-end: `manyi run` firing in batches, killed with kill -9 again and
# again over thousands of trivial notify jobs (batches of random sizes), with
# failing jobs among them: a customer that does not exist (refused before
# the effect) and a channel the outbox's CHECK refuses (a failed INSERT in the
# middle of a batch). Checked by SQL: every good job done once with one
# outbox message and one audit entry, every failing one dead with no message
# and one entry; no job counted a second attempt (a killed batch counts none);
# messages written in the jobs' order (due time, then id); the database
# intact; and the same jobs, messages and errors as one uninterrupted run on
# a copy of the starting database. SIGTERM during a pass ends the runner with
# status 143 and nothing of the batch in hand committed.
# Usage: sched_bulk.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
tmp=$(mktemp -d)
trap 'kill -9 "${runner:-0}" 2>/dev/null; [ -n "${SCHED_KEEP:-}" ] || rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
command -v sqlite3 >/dev/null || { echo "sched_bulk: needs sqlite3"; exit 77; }
seed=${SCHED_SEED:-$RANDOM}
RANDOM=$seed
echo "random seed $seed (SCHED_SEED=$seed repeats these kill points and batch sizes)"

# No schedule: only the queued jobs below run.
cat >"$tmp/manyi.yaml" <<'EOF'
version: 1
database: b.db
calendars:
  office:
    hours:
      mon: [09:00-17:00]
departments:
  - code: support
    name: Support
    calendar: office
EOF
m() { "$manyi" --config "$tmp/manyi.yaml" --db "$tmp/b.db" "$@"; }
sql() { sqlite3 "$tmp/b.db" "$1"; }
rsql() { sqlite3 "$tmp/ref.db" "$1"; }

n=20000
export MANYI_NOW=2026-11-28T00:00:00Z
expect 0 m init
# Queued by SQL (`manyi jobs add` is a process per job). Due times spread over
# ten minutes and not in id order, so the order of firing is tested. Job i
# fails when i is a multiple of 97 (customer NOPE) or of 89 (channel pigeon).
sql "WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < $n)
     INSERT INTO jobs(kind, key, run_at, payload, created_at)
     SELECT 'notify', printf('b-%05d', k), unixepoch('2026-11-27T23:50:00Z') + (k * 7919) % 600,
            CASE WHEN k % 97 = 0
                 THEN json_object('channel', 'sms', 'recipient', '+86-' || k, 'subject', 'call ' || k,
                                  'customer', 'NOPE')
                 ELSE json_object('channel', CASE WHEN k % 89 = 0 THEN 'pigeon' ELSE 'sms' END,
                                  'recipient', '+86-' || k, 'subject', 'call ' || k) END,
            unixepoch('2026-11-27T00:00:00Z') FROM i"
# multiples of 97 or of 89, those of both (8633) counted once
bad_jobs=$((n / 97 + n / 89 - n / (97 * 89)))
good_jobs=$((n - bad_jobs))
same "$(sql "select count(*) from jobs where status = 'queued'")" "$n" "jobs queued"
sqlite3 "$tmp/b.db" ".backup '$tmp/ref.db'"
sqlite3 "$tmp/b.db" ".backup '$tmp/term.db'"

# The kill -9 loop: each runner started directly, so $! is manyi itself.
progress=""
for round in $(seq 1 10); do
  "$manyi" --config "$tmp/manyi.yaml" --db "$tmp/b.db" --quiet run --poll 0.05 --lease 1 \
    --max-attempts 1 --batch $((RANDOM % 400 + 1)) >/dev/null 2>&1 &
  runner=$!
  sleep "0.$((RANDOM % 4 + 1))"
  kill -9 "$runner" 2>/dev/null
  wait "$runner" 2>/dev/null
  progress="$progress $(sql "select count(*) from jobs where status <> 'queued'")"
done
echo "jobs finished after each kill:$progress (of $n)"
if pgrep -f -- "--db $tmp/b.db" >/dev/null; then bad "a killed runner is still running"; else ok; fi
same "$(sql "select count(*) from jobs where status = 'running' or lease_until is not null")" 0 \
  "no job left running or leased by a killed batch"
expect 0 m --quiet run --poll 0.05 --max-attempts 1 --until-idle

# The uninterrupted run on the copy.
expect 0 "$manyi" --config "$tmp/manyi.yaml" --db "$tmp/ref.db" --quiet run --poll 0.05 \
  --max-attempts 1 --until-idle

same "$(sql "select count(*) from jobs where status = 'done'")" "$good_jobs" "good jobs done"
same "$(sql "select count(*) from jobs where status = 'failed'")" "$bad_jobs" "failing jobs dead"
same "$(sql "select count(*) from jobs where attempts <> 1")" 0 \
  "every job completed in one committed run (a killed batch counts no attempt)"
same "$(sql "select count(*) from outbox")" "$good_jobs" "one message per good job"
same "$(sql "select count(*) from outbox o join jobs j on j.id = o.job_id
             where o.key = 'job:' || j.key and j.status = 'done'
               and o.recipient = '+86-' || cast(substr(j.key, 3) as integer)")" "$good_jobs" \
  "each message names its job"
same "$(sql "select count(*) from jobs j where status = 'failed' and
               (cast(substr(key, 3) as integer) % 97 <> 0 or error not like '%NOPE%') and
               (cast(substr(key, 3) as integer) % 89 <> 0 or error not like '%CHECK constraint%')")" 0 \
  "each failing job dead with its reason"
same "$(sql "select count(*) from (select object from audit_log where action = 'job'
             group by object having count(*) = 1)") $(sql "select count(*) from audit_log where action = 'job'")" \
  "$n $n" "one audit entry per job"
same "$(sql "select count(*) from audit_log a join jobs j on j.key = a.object where a.action = 'job'
             and json_extract(a.detail, '$.outcome') = case j.status when 'done' then 'done' else 'dead' end")" \
  "$n" "each entry with the job's outcome"
same "$(sql "select count(*) from (select j.run_at, j.id, lag(j.run_at) over w pr, lag(j.id) over w pi
             from outbox o join jobs j on j.id = o.job_id window w as (order by o.id))
             where (run_at, id) < (pr, pi)")" 0 "messages written in the jobs' order (due time, then id)"
same "$(sql "pragma integrity_check")" ok "integrity after kill -9"
expect 0 m audit verify
contains "$tmp/out" "ok, "

# The same as the uninterrupted run (the columns that do not name the runner).
q_jobs="select key, status, attempts, run_at, coalesce(error, '') from jobs order by id"
q_out="select key, channel, recipient, subject, job_id from outbox order by id"
same "$(sql "$q_jobs" | md5sum)" "$(rsql "$q_jobs" | md5sum)" "jobs as in one uninterrupted run"
same "$(sql "$q_out" | md5sum)" "$(rsql "$q_out" | md5sum)" "messages as in one uninterrupted run"
same "$(rsql "select count(*) from outbox")" "$good_jobs" "the uninterrupted run's messages"

# SIGTERM once the runner has done some jobs: it is in a pass (or has done
# them all), so it ends at once with 143, leaving whole batches only.
tsql() { sqlite3 "$tmp/term.db" "$1"; }
"$manyi" --config "$tmp/manyi.yaml" --db "$tmp/term.db" --quiet run --poll 0.05 --max-attempts 1 \
  >/dev/null 2>&1 &
runner=$!
for _ in $(seq 1 600); do
  [ "$(tsql "select count(*) from jobs where status <> 'queued'")" -gt 0 ] && break
  sleep 0.05
done
kill -TERM "$runner"
wait "$runner"
status=$?
finished=$(tsql "select count(*) from jobs where status <> 'queued'")
if [ "$status" -eq 143 ] || { [ "$status" -eq 0 ] && [ "$finished" -eq "$n" ]; }; then ok; else
  bad "SIGTERM during a pass: exit $status with $finished of $n jobs finished (want 143)"; fi
echo "SIGTERM after $finished of $n jobs: exit $status"
same "$(tsql "select count(*) from outbox") $(tsql "select count(*) from jobs where status = 'running' or attempts > 1")" \
  "$(tsql "select count(*) from jobs where status = 'done'") 0" "after SIGTERM: one message per job done, none half-done"
expect 0 "$manyi" --config "$tmp/manyi.yaml" --db "$tmp/term.db" --quiet run --poll 0.05 \
  --max-attempts 1 --until-idle
same "$(tsql "$q_jobs" | md5sum)" "$(rsql "$q_jobs" | md5sum)" "jobs after SIGTERM and a restart as in one run"
same "$(tsql "$q_out" | md5sum)" "$(rsql "$q_out" | md5sum)" "messages after SIGTERM and a restart as in one run"

echo "sched_bulk: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
