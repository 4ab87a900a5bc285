#!/usr/bin/env bash
# End-to-end: `manyi run` killed with kill -9 again and again while the
# clock jumps forward (days of downtime) and back (a clock set wrong, then
# corrected). Each runner gets its clock from $MANYI_NOW. Checked: every
# queued job with an effect ends done exactly once with one outbox message;
# a recurring job fires once per jump, not once per missed slot; a clock
# that goes back queues no occurrence again and none older than one queued
# already; each job run is audited once (none for a run that was killed);
# the database stays intact.
# Usage: clock.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
tmp=$(mktemp -d)
trap 'kill -9 "${runner:-0}" 2>/dev/null; [ -n "${CLOCK_KEEP:-}" ] || rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
command -v sqlite3 >/dev/null || { echo "clock: needs sqlite3"; exit 77; }
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" "$@"; }
sql() { sqlite3 "$tmp/ex.db" "$1"; }
seed=${CLOCK_SEED:-$RANDOM}
RANDOM=$seed
echo "random seed $seed (CLOCK_SEED=$seed repeats these kill points)"

export MANYI_NOW=2026-11-28T00:00:00Z
expect 0 m init
expect 0 m import customers "$example/data/customers.csv"
cust=$(sql "select external_id from customers order by id limit 1")
for i in $(seq 1 150); do
  printf 'jobs add notify --key c-%s --at 2026-11-28T00:00:00Z --payload {"channel":"sms","recipient":"+86-%s","subject":"call-%s","customer":"%s"}\n' \
    "$i" "$i" "$i" "$cust"
done | while read -r -a args; do m "${args[@]}" >/dev/null || echo "jobs add failed: ${args[*]}"; done
same "$(sql "select count(*) from jobs where key like 'c-%'")" 150 "notify jobs queued"

# One runner first, before the notify jobs are due, so that the schedule has
# started whatever the kills below cut short (a runner killed before its
# first pass, as a slow sanitizer build may be, starts nothing).
MANYI_NOW=2026-11-27T23:59:00Z expect 0 m --quiet run --poll 0.05 --lease 1 --until-idle
same "$(sql "select count(*) from jobs where key like 'c-%' and status = 'queued'")" 150 "notify jobs not due yet"

# Minutes after 2026-11-28T01:00Z: forward 3 h, back 2 h, forward 2 days,
# back a day, forward again past the earlier maximum, ...
clock=(0 180 60 2880 1440 2885 4320 4000 4330 4335 100 4340)
for minutes in "${clock[@]}"; do
  now=$(date -u -d "2026-11-28T01:00:00Z + $minutes minutes" +%Y-%m-%dT%H:%M:%SZ)
  # started directly, so $! is manyi itself and kill -9 hits it
  MANYI_NOW=$now "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" --quiet run \
    --poll 0.05 --lease 1 >/dev/null 2>&1 &
  runner=$!
  sleep "0.$((RANDOM % 4 + 1))"
  kill -9 "$runner" 2>/dev/null
  wait "$runner" 2>/dev/null
done
if pgrep -f -- "--db $tmp/ex.db" >/dev/null; then bad "a killed runner is still running"; else ok; fi

# The last runner: past every clock above (leases of the killed ones are over).
export MANYI_NOW=2026-12-01T02:00:00Z
expect 0 m --quiet run --poll 0.05 --lease 1 --until-idle
same "$(sql "select count(*) from jobs where key like 'c-%' and status = 'done'")" 150 "every notify job done"
same "$(sql "select count(*) from outbox where key like 'job:c-%'")" 150 "one message per notify job"
left=$(sql "select id, key, status, attempts, run_at, lease_until, error from jobs where status <> 'done'")
same "$left" "" "jobs left running, queued or dead"
# followups runs every 30 minutes: 3 days hold 148 slots, the runners above
# made at most one jump each
n=$(sql "select count(*) from jobs where key like 'schedule:followups:%'")
{ [ "$n" -ge 1 ] && [ "$n" -le $((${#clock[@]} + 2)) ]; } && ok ||
  bad "followups queued $n times for ${#clock[@]} runners (expected once per jump)"
same "$(sql "select count(*) from jobs a join jobs b on a.kind = b.kind and a.key like 'schedule:%'
               and b.key like 'schedule:%' and a.id < b.id and a.run_at >= b.run_at")" 0 \
  "a recurring job's occurrences queued in time order (none older after a newer one)"
same "$(sql "select count(*) from jobs where key like 'schedule:%' and run_at > unixepoch('2026-12-01T02:00:00Z')")" 0 \
  "no occurrence after the latest clock"
same "$(sql "select max(run_at) = unixepoch('2026-12-01T02:00:00Z') from jobs where key like 'schedule:escalations:%'")" 1 \
  "the last runner's escalation check is the occurrence at its clock"
same "$(sql "pragma integrity_check")" ok "integrity after kill -9 with clock changes"
# One audit entry per job run: the runs the kills cut short left none, so
# every job done has exactly one "done" entry (its key, kind and occurrence),
# and every entry names a job.
done_jobs=$(sql "select count(*) from jobs where status = 'done' and lease_owner is not null")
[ "$done_jobs" -ge 150 ] && ok || bad "only $done_jobs jobs done by the runners"
same "$(sql "select count(*) from audit_log where action = 'job' and json_extract(detail, '$.outcome') = 'done'")" \
  "$done_jobs" "'done' job entries in the audit log"
same "$(sql "select count(*) from jobs j join audit_log a on a.action = 'job' and a.object = j.key
               where json_extract(a.detail, '$.outcome') = 'done' and j.status = 'done'
               and json_extract(a.detail, '$.kind') = j.kind
               and json_extract(a.detail, '$.occurrence') = strftime('%Y-%m-%dT%H:%M:%SZ', j.run_at, 'unixepoch')")" \
  "$done_jobs" "done jobs with their one entry (kind, occurrence)"
same "$(sql "select count(*) from audit_log where action = 'job' and object not in (select key from jobs)")" 0 \
  "job entries without their job"
expect 0 m audit verify
contains "$tmp/out" "ok, "
echo "$done_jobs jobs done, $(sql "select count(*) from audit_log where action = 'job'") job entries in the audit log"

echo "clock: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
