#!/usr/bin/env bash
# End-to-end (issue 17): care and follow-ups run through the batch engine.
#  - kill -9 at random points of `manyi care run` (the new-year greetings of
#    3,000 customers, chunks of 100) and of the `followups` job fired by
#    `manyi tick` (2,000 resolved tickets: callback tasks, invitations and
#    events), CRASH_ROUNDS each (default 8; CRASH_SEED repeats the kill
#    points): after every kill PRAGMA integrity_check is ok, no message is
#    there twice, and rows a killed run committed carry its audit entry; a
#    last run ends with exactly the rows of one uninterrupted run on a copy
#    of the same database;
#  - a second batch while one holds the batch lock is refused after 5 s
#    with a message that says so, and writes nothing.
# Usage: batch_kills.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
gen=$3
example=$src/examples/after-sales
tmp=$(mktemp -d)
trap 'release; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping" >&2; exit 77; }
command -v flock >/dev/null || { echo "flock not found: skipping" >&2; exit 77; }
. "$(dirname "$0")/lib/assert.sh"
. "$(dirname "$0")/lib/kill.sh"
seed_random
rounds=${CRASH_ROUNDS:-8}
# New year's day in Asia/Shanghai: every customer with a consented channel is
# greeted (policies/care.lua), so care writes many messages.
base=2027-01-01T02:00:00Z
export MANYI_NOW=$base
# The example with absolute policy paths and no recurring jobs: `tick` fires
# only the jobs queued here.
cfg=$tmp/manyi.yaml
sed -e "s#\.\./\.\./policies/#$src/policies/#" \
    -e '/^schedule:/,/^# What the reports/{/^# What the reports/!d}' "$example/manyi.yaml" >"$cfg"
db=$tmp/k.db
m() { "$manyi" --config "$cfg" --db "$db" "$@"; }
sql() { sqlite3 "$1" "$2"; }
# hold FILE: takes the batch lock of another manyi (an flock on DB-batch) in
# the background; release drops it (-o: the sleep does not hold it too).
hold() { flock -o "$1" sleep 60 & holder=$!; sleep 0.3; }
release() {
  [ -n "${holder:-}" ] || return 0
  kill $(pgrep -P "$holder") "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; holder=
}
integrity() { same "$(sql "$db" 'PRAGMA integrity_check')" ok "integrity after $1"; }
entries() { sql "$db" "SELECT count(*) FROM audit_log WHERE action = '$1'"; }
# covered ACTION ROWS_BEFORE ENTRIES_BEFORE ROWS_SQL WHY
covered() {
  local rows; rows=$(sql "$db" "$4")
  if [ "$rows" -ne "$2" ] && [ "$(entries "$1")" -eq "$3" ]; then
    bad "$5: $((rows - $2)) rows committed without an audit entry ($1)"
  else ok; fi
}

"$gen" --out "$tmp/data" --customers 3000 --orders 3000 --interactions 10 --tickets 2000 \
  --responses 10 >/dev/null || { echo "manyi-gen failed" >&2; exit 1; }
# most generated tickets are closed: resolved ones are what follow-ups are for
sed -i '1!s/,closed,/,resolved,/' "$tmp/data/tickets.csv"
expect 0 m init
for e in staff customers tickets; do expect 0 m import "$e" "$tmp/data/$e.csv"; done
resolved=$(sql "$db" "SELECT count(*) FROM tickets WHERE status = 'resolved'")
[ "$resolved" -gt 1500 ] && ok || bad "only $resolved resolved tickets"

# reference NAME CMD...: CMD uninterrupted on a copy of the database as it is now.
reference() {
  ref=$tmp/ref-$1.db
  sqlite3 "$db" ".backup '$ref'"
  shift
  local t0; t0=$(now_ms)
  if "$manyi" --config "$cfg" --db "$ref" "$@" >"$tmp/ref.out" 2>"$tmp/ref.err"; then ok; else bad "reference run: $*"; cat "$tmp/ref.err" >&2; fi
  ref_ms=$(($(now_ms) - t0))
  echo "reference run of $*: ${ref_ms} ms"
}

# --- care -------------------------------------------------------------------
care_state() {
  sql "$1" "SELECT key, kind, channel, recipient, customer_id, subject, payload,
                   (SELECT key FROM jobs WHERE id = job_id)
            FROM outbox WHERE kind LIKE 'care:%' ORDER BY key" | md5sum
}
care_sql="SELECT count(*) FROM outbox WHERE kind LIKE 'care:%'"
reference care care run --chunk 100
want_care=$(care_state "$ref")
ref_msgs=$(sql "$ref" "$care_sql")
[ "$ref_msgs" -gt 1000 ] && ok || bad "the reference care run wrote only $ref_msgs messages"
# a run resumes where the killed one stopped: short windows, so that most
# rounds are killed before the work is done
window=$((ref_ms * 3 / rounds)) killed=0 midway=0
for r in $(seq 1 "$rounds"); do
  rows0=$(sql "$db" "$care_sql") entries0=$(entries care)
  kill_after "$(random_ms "$window")" "$manyi" --config "$cfg" --db "$db" care run --chunk 100
  [ "$status" -eq 137 ] && killed=$((killed + 1))
  n=$(sql "$db" "$care_sql")
  [ "$status" -eq 137 ] && [ "$n" -gt "$rows0" ] && [ "$n" -lt "$ref_msgs" ] && midway=$((midway + 1))
  if [ "$status" -ne 137 ] && [ "$status" -ne 0 ]; then bad "care round $r: exit $status"; cat "$tmp/killed.err" >&2; fi
  integrity "kill -9 of care run (round $r)"
  covered care "$rows0" "$entries0" "$care_sql" "kill -9 of care run (round $r)"
  same "$(sql "$db" "SELECT count(*) - count(DISTINCT customer_id || kind) FROM outbox WHERE kind LIKE 'care:%'")" 0 \
    "no customer greeted twice (care round $r)"
done
echo "care run: $killed of $rounds runs killed, $midway of them after committing chunks"
expect 0 m care run --chunk 100
same "$(care_state "$db")" "$want_care" "care messages after the kills and a last run = one uninterrupted run"
same "$(sql "$db" "SELECT status FROM jobs WHERE key = 'care:2027-01-01'")" done "the care batch's job"
expect 0 m care run
contains "$tmp/out" " 0 new messages, $ref_msgs already sent"

# a second batch while one holds the lock: refused after 5 s, nothing written
hold "$db-batch"
MANYI_NOW=2027-01-02T02:00:00Z expect 1 m care run
contains "$tmp/err" "care: $db is busy"
contains "$tmp/err" "batches run one at a time"
same "$(sql "$db" "SELECT count(*) FROM jobs WHERE key = 'care:2027-01-02'")" 0 "a refused care run starts no job"
release

# --- follow-ups (the `followups` job through `manyi tick`) ------------------
fu_state() {
  sql "$1" "SELECT key, kind, channel, recipient, customer_id, ticket_id, subject, payload
            FROM outbox WHERE kind IN ('callback', 'survey_invitation') ORDER BY key;
            SELECT ticket_id, kind, detail FROM ticket_events
            WHERE kind IN ('followup_due', 'survey_invited') ORDER BY ticket_id, kind;
            SELECT external_id, customer_id, ticket_id, channel FROM invitations ORDER BY external_id" | md5sum
}
fu_sql="SELECT count(*) FROM outbox WHERE kind = 'callback'"
expect 0 m jobs add followups --key fu-1
reference followups tick
want_fu=$(fu_state "$ref")
ref_fu=$(sql "$ref" "$fu_sql")
[ "$ref_fu" -eq "$resolved" ] && ok || bad "the reference run called back $ref_fu of $resolved tickets"
# Each round starts 10 minutes after the one before: the lease (5 min) of a
# killed runner has run out, so the job fires again and resumes its batch.
window=$((ref_ms * 3 / rounds)) killed=0 midway=0 t=$(date -u -d "$base" +%s)
for r in $(seq 1 "$rounds"); do
  t=$((t + 600))
  export MANYI_NOW; MANYI_NOW=$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ)
  rows0=$(sql "$db" "$fu_sql") entries0=$(entries job)
  kill_after "$(random_ms "$window")" "$manyi" --config "$cfg" --db "$db" tick
  [ "$status" -eq 137 ] && killed=$((killed + 1))
  n=$(sql "$db" "$fu_sql")
  [ "$status" -eq 137 ] && [ "$n" -gt "$rows0" ] && [ "$n" -lt "$ref_fu" ] && midway=$((midway + 1))
  if [ "$status" -ne 137 ] && [ "$status" -ne 0 ]; then bad "tick round $r: exit $status"; cat "$tmp/killed.err" >&2; fi
  integrity "kill -9 of the followups job (round $r)"
  covered job "$rows0" "$entries0" "$fu_sql" "kill -9 of the followups job (round $r)"
  same "$(sql "$db" "SELECT count(*) - count(DISTINCT ticket_id) FROM ticket_events WHERE kind = 'followup_due'")" 0 \
    "no ticket followed up twice (round $r)"
done
echo "followups job: $killed of $rounds runs killed, $midway of them after committing chunks"
export MANYI_NOW; MANYI_NOW=$(date -u -d "@$((t + 600))" +%Y-%m-%dT%H:%M:%SZ)
expect 0 m tick
same "$(sql "$db" "SELECT status FROM jobs WHERE key = 'fu-1'")" done "the followups job after the kills"
same "$(fu_state "$db")" "$want_fu" "follow-ups after the kills and a last run = one uninterrupted run"

# the job while another batch holds the lock: it fails with the reason and is retried
MANYI_NOW=$base
lk=$tmp/lk.db
sqlite3 "$ref" ".backup '$lk'"
"$manyi" --config "$cfg" --db "$lk" jobs add followups --key fu-2 >/dev/null
hold "$lk-batch"
"$manyi" --config "$cfg" --db "$lk" tick >"$tmp/out" 2>"$tmp/err"
release
same "$(sql "$lk" "SELECT status FROM jobs WHERE key = 'fu-2'")" queued "a refused followups job waits for its retry"
contains_sql=$(sql "$lk" "SELECT error FROM jobs WHERE key = 'fu-2'")
case $contains_sql in *"follow-ups: $lk is busy"*"batches run one at a time"*) ok ;;
  *) bad "the refused job's error: $contains_sql" ;; esac

echo "batch_kills: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
