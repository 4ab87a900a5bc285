#!/usr/bin/env bash
# End-to-end: the upgrade to the front desk (schema version 16) of a database
# of the version before it, built here with the sqlite3 shell from schemas/
# (base.sql and the migrations below 0016) and filled with planted rows:
#  - tickets, interactions and roles are copied into tables without the fixed
#    lists: every row the same (compared as the sqlite3 shell prints them),
#    every child row (ticket events, messages, appointments, invitations,
#    coded complaints) still finds its ticket, foreign_key_check empty;
#  - codes outside the old lists (praise, wechat, supervisor) are accepted
#    afterwards; the phone keys and name bigrams of the planted customers are
#    what the rules give by hand;
#  - kill -9 at random points of the upgrade: integrity_check ok, and the
#    database is the old version whole or the new one complete; the rerun
#    ends as an uninterrupted upgrade does.
# Usage: upgrade_desk.sh MANYI SOURCE_DIR [MANYI_GEN]
set -uo pipefail
. "$(dirname "$0")/lib/setup.sh" "$@"
need_sqlite3
seeded_kills
sql() { sqlite3 -bail "$1" "$2"; }
N=${UPGRADE_TICKETS:-30000}

prev=$(ls "$src/schemas/migrations" | sed 's/_.*//; s/^0*//' | awk '$1 < 16' | sort -n | tail -1)
echo "== a version-$prev database with $N planted tickets"
old=$tmp/old.db
{
  cat "$src/schemas/base.sql"
  for f in "$src"/schemas/migrations/*.sql; do
    n=$(basename "$f" | sed 's/_.*//; s/^0*//')
    [ "$n" -lt 16 ] && cat "$f"
  done
  echo "PRAGMA application_id = $((0x4D4E5949)); PRAGMA user_version = $prev;"
} | sqlite3 -bail "$old" >/dev/null || { echo "could not build the version-$prev schema" >&2; exit 1; }
sql "$old" "
PRAGMA foreign_keys = ON;
BEGIN;
INSERT INTO departments VALUES (1, 'support', 'Support', NULL), (2, 'quality', 'Quality', NULL);
INSERT INTO staff (id, external_id, name, department_id) VALUES (1, 'S1', 'a', 1), (2, 'S2', 'b', 2);
INSERT INTO customers (id, external_id, name, kind, phone, email, created_at) VALUES
  (1, 'C1', '张刚海', 'person', '+86 138 0013 8000', 'A@x.cn', 0),
  (2, 'C2', 'Golden Sun Co.', 'company', '+86 21 7300 6156', NULL, 0),
  (3, 'C3', '李娜', 'person', '0086-139-1234-5678', NULL, 0),
  (4, 'C4', 'x', 'person', '8613800138001', NULL, 0),
  (5, 'C5', 'y', 'person', '021-7300-6157', NULL, 0),
  (6, 'C6', 'z', 'person', NULL, NULL, 0);
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $N)
INSERT INTO tickets (id, external_id, customer_id, kind, category, severity, channel, priority,
                     department_id, status, opened_at, first_response_at, resolved_at, assignee_id, subject, stage)
  SELECT i, 'T' || i, 1 + i % 6, CASE i % 4 WHEN 0 THEN 'inquiry' WHEN 1 THEN 'complaint' WHEN 2 THEN 'after_sales' ELSE 'business_request' END,
         CASE i % 3 WHEN 0 THEN 'general' WHEN 1 THEN 'technical' ELSE 'product_quality' END, 'low',
         CASE i % 6 WHEN 0 THEN 'phone' WHEN 1 THEN 'email' WHEN 2 THEN 'social' WHEN 3 THEN 'chat' WHEN 4 THEN 'visit' ELSE 'web' END,
         1 + i % 4, 1 + i % 2, CASE WHEN i % 5 = 0 THEN 'closed' ELSE 'open' END, 1700000000 + i,
         CASE WHEN i % 2 = 0 THEN 1700000100 + i END, CASE WHEN i % 5 = 0 THEN 1700000200 + i END,
         CASE WHEN i % 3 = 0 THEN 1 + i % 2 END, 'subject ' || i, CASE WHEN i % 7 = 0 THEN 'received' END FROM k;
INSERT INTO ticket_events (ticket_id, at, kind, actor, to_status) SELECT id, opened_at, 'opened', 'me', 'new' FROM tickets;
INSERT INTO outbox (key, kind, channel, recipient, customer_id, ticket_id, subject, created_at)
  SELECT 'k' || id, 'escalation', 'internal', 'support', customer_id, id, 's', 0 FROM tickets WHERE id % 10 = 0;
INSERT INTO appointments (ticket_id, staff_id, skill, starts_at, ends_at, booked_at, booked_by)
  SELECT id, 1, 'aircon', 1800000000 + id * 7200, 1800000000 + id * 7200 + 3600, 0, 'me' FROM tickets WHERE id % 100 = 0;
INSERT INTO text_codes (source, ticket_id, category, coded_at) SELECT 'complaint', id, 'delivery', 0 FROM tickets WHERE id % 50 = 1;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1000)
INSERT INTO interactions (id, external_id, customer_id, channel, direction, occurred_at, staff_id, summary)
  SELECT i, 'I' || i, 1 + i % 6, CASE i % 5 WHEN 0 THEN 'phone' WHEN 1 THEN 'email' WHEN 2 THEN 'social' WHEN 3 THEN 'chat' ELSE 'visit' END,
         CASE WHEN i % 2 THEN 'inbound' ELSE 'outbound' END, 1700000000 + i, CASE WHEN i % 4 = 0 THEN 1 END, 'summary ' || i FROM k;
INSERT INTO roles VALUES ('ann', 'agent', 'support', 'me', 0), ('bob', 'analyst', NULL, 'me', 0), ('eve', 'admin', NULL, 'me', 0);
COMMIT;" || { echo "could not plant the data" >&2; exit 1; }
dumps() { # what must survive, as the shell prints it
  for t in tickets ticket_events interactions roles outbox appointments text_codes customers; do
    cols=$(sql "$old" "SELECT group_concat(name) FROM pragma_table_info('$t') WHERE name NOT IN ('phone_digits', 'phone_key')")
    sql "$1" "SELECT $cols FROM $t ORDER BY 1" | md5sum
  done
}
old_rows=$(dumps "$old")
m() { "$manyi" --config "$src/examples/after-sales/manyi.yaml" --db "$1" status; }

echo "== an uninterrupted upgrade"
cp "$old" "$tmp/ref.db"
t0=$(now_ms)
expect 0 m "$tmp/ref.db"
ref_ms=$(($(now_ms) - t0))
echo "upgrade of $N tickets: $ref_ms ms"
latest=$(ls "$src/schemas/migrations" | sort | tail -1 | sed 's/^0*//; s/_.*//')
db=$tmp/ref.db
same "$(sql "$db" "PRAGMA user_version")" "$latest" "version after the upgrade"
same "$(dumps "$db")" "$old_rows" "every row kept"
same "$(sql "$db" "PRAGMA integrity_check")" ok "integrity"
same "$(sql "$db" "PRAGMA foreign_key_check")" "" "every child row finds its parent"
same "$(sql "$db" "SELECT count(*) FROM sqlite_schema WHERE name IN ('tickets_by_customer', 'tickets_by_department', 'tickets_by_status', 'response_block_ticket', 'interactions_by_customer', 'tickets_by_assignee', 'customers_by_phone', 'customers_by_email')")" 8 "indexes and triggers made again"
# by hand: digits, then 86 off after '+' or as 0086 or before 11 digits, then leading zeros
same "$(sql "$db" "SELECT group_concat(external_id || '=' || coalesce(phone_key, '-'), ' ') FROM customers ORDER BY id")" \
  "C1=13800138000 C2=2173006156 C3=13912345678 C4=13800138001 C5=2173006157 C6=-" "phone keys"
# bigrams of '张刚海': 张刚 刚海 海 (the last character alone); 'golden sun co.' has 14
# characters, so 14 bigrams, of which 'n ' twice: 13 rows
same "$(sql "$db" "SELECT group_concat(gram, '|') FROM (SELECT gram FROM customer_name_grams WHERE customer_id = 1 ORDER BY gram)")" "刚海|张刚|海" "bigrams of 张刚海"
same "$(sql "$db" "SELECT count(*) FROM customer_name_grams WHERE customer_id = 2")" 13 "bigrams of 'golden sun co.'"
# the lists are the configuration's now
sql "$db" "PRAGMA foreign_keys = ON; INSERT INTO tickets (external_id, customer_id, kind, category, severity, channel, priority, department_id, status, opened_at, subject)
           VALUES ('TP', 1, 'praise', 'service_attitude', 'low', 'wechat', 4, 1, 'new', 0, 'thanks');
           INSERT INTO interactions (external_id, customer_id, channel, direction, occurred_at) VALUES ('IW', 1, 'wechat', 'inbound', 0);
           INSERT INTO roles VALUES ('sue', 'supervisor', 'quality', 'me', 0)" && ok || bad "new codes refused"
expect_fail_sql() { sqlite3 "$db" "$1" >/dev/null 2>&1 && bad "accepted: $1" || ok; }
expect_fail_sql "INSERT INTO roles VALUES ('tom', 'supervisor', NULL, 'me', 0)"
expect_fail_sql "INSERT INTO roles VALUES ('tom', 'analyst', 'quality', 'me', 0)"
expect_fail_sql "INSERT INTO tickets (external_id, customer_id, kind, category, severity, channel, priority, department_id, status, opened_at, subject) VALUES ('TX', 1, '', 'x', 'low', 'x', 4, 1, 'new', 0, 's')"
expect_fail_sql "PRAGMA foreign_keys = ON; INSERT INTO ticket_events (ticket_id, at, kind, actor) VALUES ($((N + 100)), 0, 'note', 'me')"
# the shell keeps the derived columns right
sql "$db" "UPDATE customers SET phone = '+86 (0)139 0000 1111', name = '王小明' WHERE id = 6"
same "$(sql "$db" "SELECT phone_key FROM customers WHERE id = 6")" 13900001111 "a phone changed by SQL"
same "$(sql "$db" "SELECT group_concat(gram, '|') FROM (SELECT gram FROM customer_name_grams WHERE customer_id = 6 ORDER BY gram)")" "小明|明|王小" "a name changed by SQL"
ref_rows=$(dumps "$tmp/ref.db")

echo "== kill -9 during the upgrade"
rounds=${CRASH_ROUNDS:-8}
killed=0
cp "$old" "$tmp/fresh.db"
expect 0 m "$tmp/fresh.db"
fresh_rows=$(dumps "$tmp/fresh.db")
for round in $(seq "$rounds"); do
  cp "$old" "$tmp/k.db"
  rm -f "$tmp/k.db-wal" "$tmp/k.db-shm"
  kill_after "$(random_ms $((ref_ms + ref_ms / 4)))" "$manyi" --config "$src/examples/after-sales/manyi.yaml" --db "$tmp/k.db" status
  [ "$status" -eq 137 ] && killed=$((killed + 1))
  same "$(sql "$tmp/k.db" "PRAGMA integrity_check")" ok "round $round: integrity after kill -9"
  v=$(sql "$tmp/k.db" "PRAGMA user_version")
  if [ "$v" = "$prev" ]; then
    same "$(dumps "$tmp/k.db")" "$old_rows" "round $round: version $prev whole"
  else
    same "$v" "$latest" "round $round: version $prev or the latest"
  fi
  expect 0 m "$tmp/k.db"
  same "$(dumps "$tmp/k.db")" "$fresh_rows" "round $round: the rerun ends as an uninterrupted upgrade"
  same "$(sql "$tmp/k.db" "PRAGMA foreign_key_check")" "" "round $round: foreign keys"
done
echo "upgrade_desk: $killed of $rounds runs killed"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
