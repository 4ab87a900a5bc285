#!/usr/bin/env bash
# End-to-end: crash safety and concurrency on a generated data set.
#  - kill -9 at random points of `manyi import`, `manyi eval tiers` and
#    `manyi eval points` (CRASH_ROUNDS each, default 8; the kill points are
#    drawn from the printed seed, CRASH_SEED repeats them): after every kill
#    the database passes PRAGMA integrity_check, an import is all or nothing
#    and the ledger has no entry twice; re-running the command finishes and
#    gives exactly what one uninterrupted run gives on a copy of the same
#    database (nothing doubled, nothing lost); a killed run that committed
#    anything left its audit entry (it commits with the first chunk);
#  - a full disk (simulated with a file size limit, `ulimit -f`, which also
#    binds root) and a read-only database file (as an unprivileged user; as
#    root through setpriv, else skipped with a message) are reported
#    clearly and leave the data as it was;
#  - a REPL reading while a batch writes answers at once (WAL: readers take
#    no lock) and sees all of an import or none of it, never "busy"; its
#    audit entry is written when the write lock frees, and the chain stays
#    valid; two batches at once both finish (the second waits for the
#    first) or one refuses clearly, and nothing is corrupted.
# Usage: crash.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
. "$(dirname "$0")/lib/setup.sh" "$@"
need_sqlite3
seeded_kills
rounds=${CRASH_ROUNDS:-8}
export MANYI_NOW=2026-11-01T00:00:00Z
cfg=$example/manyi.yaml
db=$tmp/c.db
m() { "$manyi" --config "$cfg" --db "$db" "$@"; }
sql() { sqlite3 "$1" "$2"; }
integrity() { same "$(sql "$db" 'PRAGMA integrity_check')" ok "integrity after $1"; }

"$gen" --out "$tmp/data" --customers 3000 --orders 20000 --interactions 60000 --tickets 10 \
  --responses 2000 >/dev/null || { echo "manyi-gen failed" >&2; exit 1; }
expect 0 m init
expect 0 m import staff "$tmp/data/staff.csv"
expect 0 m import customers "$tmp/data/customers.csv"
# (--no-alerts here and below: the generated tickets file numbers its tickets
# as manyi numbers the follow-ups the alert hook would open; tests/e2e/alerts.sh
# kills imports with the hook)
expect 0 m import responses "$tmp/data/responses.csv" --no-alerts

# What a database holds, in one line per aspect (compared with the reference).
orders_state() { sql "$1" "SELECT count(*), sum(amount_minor) FROM orders"; }
tiers_state() {
  sql "$1" "SELECT count(*), sum(tier IS NOT NULL), group_concat(external_id || '=' || ifnull(tier, '-'), ' ')
            FROM (SELECT external_id, tier FROM customers ORDER BY id)" | md5sum
}
history_state() { sql "$1" "SELECT count(*), count(DISTINCT customer_id) FROM tier_history"; }
ledger_state() { sql "$1" "SELECT count(*), sum(points), count(DISTINCT idempotency_key) FROM loyalty_ledger"; }

# reference NAME CMD...: runs CMD (manyi arguments) uninterrupted on a copy
# of the database as it is now; sets ref (the copy), pre (a copy of the
# state before) and ref_ms (the run's time).
reference() {
  ref=$tmp/ref-$1.db
  pre=$tmp/pre-$1.db
  sqlite3 "$db" ".backup '$ref'"
  sqlite3 "$db" ".backup '$pre'"
  shift
  local t0; t0=$(now_ms)
  if "$manyi" --config "$cfg" --db "$ref" "$@" >/dev/null 2>"$tmp/ref.err"; then ok; else bad "reference run: $*"; cat "$tmp/ref.err" >&2; fi
  ref_ms=$(($(now_ms) - t0))
  echo "reference run of $*: ${ref_ms} ms"
}

# covered ACTION ROWS_SQL BEFORE_ROWS BEFORE_ENTRIES WHY: a run that
# committed rows (ROWS_SQL counts them) left an audit entry of ACTION that
# commits with them (issue 16: an import's rows once lost their entry).
covered() {
  local rows entries
  rows=$(sql "$db" "$2")
  entries=$(sql "$db" "SELECT count(*) FROM audit_log WHERE action = '$1'")
  if [ "$rows" -ne "$3" ] && [ "$entries" -eq "$4" ]; then
    bad "$5: $(($rows - $3)) rows committed without an audit entry ($1)"
  else ok; fi
}

# kill_loop WINDOW_MS CHECK CMD...: CRASH_ROUNDS runs of manyi CMD, each
# killed at a random point within WINDOW_MS (unless it finished before);
# CHECK (a function) runs after each. With cover_action and cover_sql set,
# rows committed by a killed run must have their audit entry (covered).
kill_loop() {
  local window=$1 check=$2; shift 2
  local killed=0 r rows0 entries0
  for r in $(seq 1 "$rounds"); do
    if [ -n "${cover_action:-}" ]; then
      rows0=$(sql "$db" "$cover_sql")
      entries0=$(sql "$db" "SELECT count(*) FROM audit_log WHERE action = '$cover_action'")
    fi
    kill_after "$(random_ms "$window")" "$manyi" --config "$cfg" --db "$db" "$@"
    [ "$status" -eq 137 ] && killed=$((killed + 1))
    if [ "$status" -ne 137 ] && [ "$status" -ne 0 ]; then bad "round $r of $*: exit $status"; cat "$tmp/killed.err" >&2; fi
    integrity "kill -9 of $* (round $r)"
    [ -n "${cover_action:-}" ] && covered "$cover_action" "$cover_sql" "$rows0" "$entries0" "kill -9 of $* (round $r)"
    "$check"
  done
  echo "$*: $killed of $rounds runs killed"
}

# --- import: one transaction, so after a kill the orders are all there or none
reference orders import orders "$tmp/data/orders.csv"
want_orders=$(orders_state "$ref")
import_check() {
  local n; n=$(sql "$db" "SELECT count(*) FROM orders")
  if [ "$n" -eq 0 ] || [ "$n" -eq 20000 ]; then ok; else bad "a killed import left $n orders (not 0 or 20000)"; fi
}
cover_action=import cover_sql="SELECT count(*) FROM orders"
kill_loop "$ref_ms" import_check import orders "$tmp/data/orders.csv"
expect 0 m import orders "$tmp/data/orders.csv"
same "$(orders_state "$db")" "$want_orders" "orders after the kills and a re-run"
expect 0 m import orders "$tmp/data/orders.csv"
contains "$tmp/out" "20000 rows read, 0 added, 0 updated, 20000 unchanged"

# --- responses (checked by one thread, stored by another): all or nothing too
sed '1!s/^R/S/' "$tmp/data/responses.csv" >"$tmp/responses2.csv"
responses_state() {
  sql "$1" "SELECT count(*), sum(length(scale_answers)), (SELECT count(*) FROM answer_texts),
            (SELECT count(*) FROM invitations WHERE answered) FROM responses"
}
reference responses import responses "$tmp/responses2.csv" --no-alerts
want_responses=$(responses_state "$ref")
responses_check() {
  local n; n=$(sql "$db" "SELECT count(*) FROM responses")
  if [ "$n" -eq 2000 ] || [ "$n" -eq 4000 ]; then ok; else bad "a killed import left $n responses (not 2000 or 4000)"; fi
}
kill_loop "$ref_ms" responses_check import responses "$tmp/responses2.csv" --no-alerts
expect 0 m import responses "$tmp/responses2.csv" --no-alerts
same "$(responses_state "$db")" "$want_responses" "responses after the kills and a re-run"
expect 0 m --json survey score csat
cp "$tmp/out" "$tmp/score-after-kills.json"
"$manyi" --config "$cfg" --db "$ref" --json survey score csat >"$tmp/score-ref.json" 2>/dev/null
same "$(cat "$tmp/score-after-kills.json")" "$(cat "$tmp/score-ref.json")" "the score after the kills"

# --- tiers: every customer ends with the tier of an uninterrupted run
reference tiers eval tiers
want_tiers=$(tiers_state "$ref")
want_history=$(history_state "$ref")
# the run goes in committed chunks: after a kill every customer has the tier
# from before or the one of the finished run, and no change is logged twice
tiers_check() {
  same "$(sql "$db" "ATTACH '$ref' AS r; ATTACH '$pre' AS p;
    SELECT count(*) FROM customers c JOIN r.customers rc USING (external_id)
    JOIN p.customers pc USING (external_id) WHERE c.tier IS NOT rc.tier AND c.tier IS NOT pc.tier")" \
    0 "customers with a tier of neither state after a kill"
  local n; n=$(sql "$db" "SELECT count(*) FROM tier_history")
  if [ "$n" -le "${want_history%%|*}" ]; then ok; else bad "$n tier history rows after a kill (a full run makes ${want_history%%|*})"; fi
}
cover_action=eval cover_sql="SELECT count(*) FROM tier_history"
kill_loop "$ref_ms" tiers_check eval tiers
expect 0 m eval tiers
same "$(tiers_state "$db")" "$want_tiers" "tiers after the kills and a re-run"
same "$(history_state "$db")" "$want_history" "tier history after the kills and a re-run"

# --- points: every event credited exactly once
reference points eval points
want_ledger=$(ledger_state "$ref")
points_check() {
  same "$(sql "$db" "SELECT count(*) - count(DISTINCT idempotency_key) FROM loyalty_ledger")" 0 \
    "ledger entries twice after a kill"
  same "$(sql "$db" "SELECT ifnull(sum(points), 0) FROM loyalty_ledger")" \
    "$(sql "$db" "SELECT ifnull(sum(balance), 0) FROM customer_points")" "ledger sum and balances"
}
# a run resumes where the killed one stopped: short windows, so that most
# rounds are killed before the work is done; chunks of 500 (the default holds
# the whole example), so that kills fall between many checkpoints, and
# inside customers whose orders span two chunks
cover_action=eval cover_sql="SELECT count(*) FROM loyalty_ledger"
kill_loop $((ref_ms * 2 / rounds)) points_check eval points --chunk 500
cover_action=
expect 0 m eval points --chunk 500
same "$(ledger_state "$db")" "$want_ledger" "ledger after the kills and a re-run"
points_check
# one customer's balance as manyi shows it equals the ledger's sum
cust=$(sql "$db" "SELECT c.external_id FROM customers c JOIN loyalty_ledger l ON l.customer_id = c.id ORDER BY c.id LIMIT 1")
bal=$(sql "$db" "SELECT sum(l.points) FROM loyalty_ledger l JOIN customers c ON c.id = l.customer_id WHERE c.external_id = '$cust'")
expect 0 m points show "$cust"
contains "$tmp/out" "$cust: balance $bal,"

# --- disk full: a file size limit stops the write; a clear message, nothing changed
before=$(sql "$db" "SELECT count(*) FROM interactions")
( ulimit -f 256; trap '' XFSZ; exec "$manyi" --config "$cfg" --db "$db" import interactions "$tmp/data/interactions.csv" ) \
  >"$tmp/out" 2>"$tmp/err"
same "$?" 1 "exit status when the disk is full"
contains "$tmp/err" "the disk is full"
lacks "$tmp/err" "malformed"
integrity "a full disk"
same "$(sql "$db" "SELECT count(*) FROM interactions")" "$before" "interactions after a full disk"
same "$(ledger_state "$db")" "$want_ledger" "ledger after a full disk"

# --- read-only database file
mkdir -m 0755 "$tmp/ro"
# As root, nobody runs it; else this user, the file's owner: the database's
# roles make nobody admin (roles: README).
ro_cfg=$tmp/ro/manyi.yaml
sed "s#\.\./\.\./policies/#$src/policies/#" "$cfg" >"$ro_cfg"
chmod 0755 "$tmp"
sqlite3 "$db" ".backup '$tmp/ro/ro.db'"
sqlite3 "$tmp/ro/ro.db" "INSERT OR REPLACE INTO roles VALUES ('nobody', 'admin', NULL, 'test', 0)"
cp "$tmp/data/interactions.csv" "$tmp/ro/"
chmod 0444 "$tmp/ro/ro.db" "$tmp/ro/interactions.csv"
sum_before=$(md5sum <"$tmp/ro/ro.db")
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  # root writes through chmod; an unprivileged user does not
  if setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'test -x "$1" && test -r "$2"' sh \
       "$manyi" "$ro_cfg" 2>/dev/null; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  else
    echo "SKIP read-only database: running as root and cannot run manyi as nobody (setpriv)"
  fi
fi
if [ "$(id -u)" -ne 0 ] || [ "${#as_user[@]}" -gt 0 ]; then
  expect 1 "${as_user[@]}" "$manyi" --config "$ro_cfg" --db "$tmp/ro/ro.db" import interactions "$tmp/ro/interactions.csv"
  contains "$tmp/err" "is read-only; nothing was changed"
  same "$(md5sum <"$tmp/ro/ro.db")" "$sum_before" "read-only database unchanged"
fi

# --- a REPL reading while a batch writes. The database is in WAL mode, so a
# reader needs no lock: a REPL answers at once beside a writer and sees the
# last commit (all of an import or none of it), never "busy". Only its audit
# entry needs the write lock; it is written as soon as the lock is free, at
# the latest when the session ends (which waits for the writer).
chmod 0700 "$tmp"
count_lua='manyi.sql("SELECT count(*) AS n FROM interactions")[1].n'
repl_entries() { sql "$db" "SELECT count(*) FROM audit_log WHERE action = 'repl'"; }
audit_ok() { expect 0 m audit verify; contains "$tmp/out" "ok, "; }
# 1. a write transaction held open (sqlite3, an uncommitted delete) for as
# long as it takes the REPL to answer: the answer comes while the lock is
# held, without the uncommitted change; the session's entry lands once the
# lock is released.
entries=$(repl_entries)
mkfifo "$tmp/lock"
sqlite3 "$db" <"$tmp/lock" >"$tmp/lock.out" 2>&1 &
holder=$!
exec 3>"$tmp/lock"
printf "BEGIN IMMEDIATE;\nDELETE FROM interactions WHERE id = (SELECT max(id) FROM interactions);\n.shell touch '%s'\n" \
  "$tmp/locked" >&3
for _ in $(seq 1 300); do [ -e "$tmp/locked" ] && break; sleep 0.1; done
[ -e "$tmp/locked" ] && ok || bad "sqlite3 did not take the write lock: $(cat "$tmp/lock.out")"
t0=$(now_ms)
m repl -e "$count_lua" >"$tmp/repl.out" 2>"$tmp/repl.err" &
repl=$!
for _ in $(seq 1 600); do [ -s "$tmp/repl.out" ] && break; kill -0 "$repl" 2>/dev/null || break; sleep 0.05; done
echo "repl -e beside a held write lock answered in $(($(now_ms) - t0)) ms"
same "$(cat "$tmp/repl.out")" "$before" "repl answer while a write transaction is open"
if kill -0 "$repl" 2>/dev/null; then ok; else bad "repl left before the write lock was free: $(cat "$tmp/repl.err")"; fi
same "$(repl_entries)" "$entries" "repl entries while the lock is held"
# .output writes what the session reads to a file: that must be recorded
# first, so with the lock held past the busy timeout it is refused
m repl -e ".output $tmp/leak.csv" -e "$count_lua" >"$tmp/out.out" 2>"$tmp/out.err" &
out_repl=$!
for _ in $(seq 1 600); do grep -q "not opened" "$tmp/out.err" && break; kill -0 "$out_repl" 2>/dev/null || break; sleep 0.05; done
contains "$tmp/out.err" ".output: not opened, as it could not be recorded in the audit log"
contains "$tmp/out.err" "is busy (another manyi is writing)"
[ -e "$tmp/leak.csv" ] && bad ".output opened $tmp/leak.csv without an audit entry" || ok
printf "ROLLBACK;\n" >&3
exec 3>&-
wait "$holder"
wait "$repl"
same "$?" 0 "repl exit after the lock was released"
lacks "$tmp/repl.err" "busy"
wait "$out_repl"
same "$?" 1 "exit of the repl whose .output was refused"
same "$(repl_entries)" $((entries + 2)) "repl entries after the lock was released"
same "$(sql "$db" "SELECT count(*) FROM audit_log WHERE action = 'repl-output'")" 0 "repl-output entries"
audit_ok
# 2. REPLs started one after another during a real import: each answers all
# of it or none, none is refused, and each session is in the audit log.
entries=$(repl_entries)
"$manyi" --config "$cfg" --db "$db" import interactions "$tmp/data/interactions.csv" >"$tmp/imp.out" 2>"$tmp/imp.err" &
imp=$!
pids=() k=0
while kill -0 "$imp" 2>/dev/null && [ "$k" -lt 40 ]; do
  k=$((k + 1))
  # the time the answer arrived (ms after the start) and the answer
  ( s=$(now_ms); m repl -e "$count_lua" 2>"$tmp/repl$k.err" |
    while read -r n; do echo "$(($(now_ms) - s)) $n"; done >"$tmp/repl$k.out" ) &
  pids+=($!)
  sleep 0.1
done
wait "$imp"
same "$?" 0 "import beside reading repls"
seen="" slow=0
for i in "${!pids[@]}"; do
  n=$((i + 1))
  wait "${pids[$i]}" || bad "repl $n during an import: exit $?"
  # the only thing on stderr may be the note that the audit entry waits
  if grep -vqF "waiting for another manyi to finish writing" "$tmp/repl$n.err"; then
    bad "repl $n during an import: $(cat "$tmp/repl$n.err")"
  fi
  read -r ms count <"$tmp/repl$n.out" || { bad "repl $n during an import gave no answer"; continue; }
  seen="$seen $count"
  [ "$ms" -gt "$slow" ] && slow=$ms
done
same "$(repl_entries)" $((entries + ${#pids[@]})) "repl entries after ${#pids[@]} sessions during an import"
bad_reads=$(for n in $seen; do [ "$n" -eq "$before" ] || [ "$n" -eq $((before + 60000)) ] || echo "$n"; done)
same "$bad_reads" "" "repl reads saw a half import (reads:$seen)"
echo "${#pids[@]} repl reads during the import:$seen; slowest answer ${slow} ms"
same "$(sql "$db" "SELECT count(*) FROM interactions")" $((before + 60000)) "interactions after the import"
audit_ok

# --- two batches at once: each finishes or refuses with a clear message
"$manyi" --config "$cfg" --db "$db" import tickets "$tmp/data/tickets.csv" >"$tmp/a.out" 2>"$tmp/a.err" &
a=$!
"$manyi" --config "$cfg" --db "$db" eval tiers >"$tmp/b.out" 2>"$tmp/b.err" &
b=$!
wait "$a"; sa=$?
wait "$b"; sb=$?
for x in "a:$sa" "b:$sb"; do
  name=${x%%:*}; st=${x#*:}
  if [ "$st" -eq 0 ]; then ok
  elif grep -qF "is busy (another manyi is writing)" "$tmp/$name.err"; then ok
  else bad "concurrent batch $name: exit $st"; cat "$tmp/$name.err" >&2; fi
done
integrity "two batches at once"
[ "$sa" -eq 0 ] || expect 0 m import tickets "$tmp/data/tickets.csv"
[ "$sb" -eq 0 ] || expect 0 m eval tiers
same "$(sql "$db" "SELECT count(*) FROM tickets")" 10 "tickets after two batches at once"
same "$(orders_state "$db")" "$want_orders" "orders after everything"

echo "crash: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
