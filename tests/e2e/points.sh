#!/usr/bin/env bash
# End-to-end: loyalty points on the bundled example. Every number is checked
# against an independent computation with the sqlite3 shell over the CSV files
# (integer arithmetic in minor units, tier multipliers A 2, B 3/2, else 1;
# 200 points to the referrer of a customer with a completed order, in the
# year of that customer's first completed order).
# Usage: points.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
data=$example/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping" >&2; exit 77; }
export MANYI_NOW=2026-11-01T00:00:00Z
. "$(dirname "$0")/lib/assert.sh"
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" "$@"; }
# q SQL: over the CSVs (tables o, r) with the database attached as db.
q() {
  sqlite3 :memory: ".import --csv $tmp/orders.csv o" ".import --csv $data/responses.csv r" \
    ".import --csv $data/customers.csv c" \
    "ATTACH '$tmp/ex.db' AS db" "$1"
}

# --- a database of the example, with tiers (they set the multipliers)
cp "$data/orders.csv" "$tmp/orders.csv"
expect 0 m init
for e in customers staff orders interactions tickets responses; do
  expect 0 m import "$e" "$data/$e.csv"
done
expect 0 m eval tiers

# The expected points of every event: completed orders, responses and
# referrals (the referred customer has a completed order) up to now.
# y is the event's year in UTC (the example's points expire at the end of it).
events="
  WITH tier AS (SELECT external_id AS id, tier FROM db.customers),
  ev AS (
    SELECT o.customer_id AS cid, strftime('%Y', o.ordered_at) AS y,
           CASE t.tier WHEN 'A' THEN o.m * 2 / 100 WHEN 'B' THEN o.m * 3 / 200 ELSE o.m / 100 END AS pts
    FROM (SELECT customer_id, ordered_at, CAST(round(amount * 100) AS INTEGER) AS m FROM o
          WHERE status = 'completed' AND unixepoch(ordered_at) <= unixepoch('$MANYI_NOW')) o
    JOIN tier t ON t.id = o.customer_id
    UNION ALL
    SELECT customer_id, strftime('%Y', submitted_at), 50 FROM r
    WHERE unixepoch(submitted_at) <= unixepoch('$MANYI_NOW')
    UNION ALL
    SELECT c.referred_by, strftime('%Y', f.first, 'unixepoch'), 200
    FROM c JOIN (SELECT customer_id, min(unixepoch(ordered_at)) AS first FROM o
                 WHERE status = 'completed' AND unixepoch(ordered_at) <= unixepoch('$MANYI_NOW')
                 GROUP BY customer_id) f ON f.customer_id = c.external_id
    WHERE c.referred_by <> '')"
want_events=$(q "$events SELECT count(*) FROM ev")
want_credited=$(q "$events SELECT count(*) FROM ev WHERE pts > 0")
want_points=$(q "$events SELECT sum(pts) FROM ev")
want_skipped=$((want_events - want_credited))

# --- dry run: the summary, nothing written
expect 0 m eval points --dry-run
contains "$tmp/out" "dry run of"
contains "$tmp/out" "$want_events events, $want_credited credited ($want_points points), $want_skipped skipped, 0 failed"
same "$(sqlite3 "$tmp/ex.db" 'SELECT count(*) FROM loyalty_ledger')" 0 "dry run wrote entries"
# --chunk: the same events in chunks of 7 (customers' orders across chunk ends)
expect 0 m eval points --dry-run --chunk 7
contains "$tmp/out" "$want_events events, $want_credited credited ($want_points points), $want_skipped skipped, 0 failed"
for bad_chunk in 0 -5 abc 1000001 '+3' '' 2.5; do
  expect 2 m eval points --dry-run --chunk "$bad_chunk"
  contains "$tmp/err" "--chunk takes a whole number from 1 to 1000000, not '$bad_chunk'"
done

# --- a candidate policy that fails on one event: named, counted, the rest goes on
printf 'return { points = function(ev, c, p)\n  if ev.id == "R000000001" then error("boom") end\n  return nil\nend }\n' >"$tmp/bad.lua"
expect 3 m eval points --dry-run --policy "$tmp/bad.lua"
contains "$tmp/err" "bad.lua:2: boom (event R000000001)"
contains "$tmp/out" "$want_events events, 0 credited (0 points), $((want_events - 1)) skipped, 1 failed"

# --- a run killed half-way, then finished: every event credited exactly once
"$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" eval points >/dev/null 2>&1 &
pid=$!
sleep 1
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
same "$(sqlite3 "$tmp/ex.db" 'PRAGMA integrity_check')" ok "integrity after kill"
expect 0 m eval points
contains "$tmp/out" "0 failed"
expect 0 m eval points
contains "$tmp/out" "$want_skipped events, 0 credited (0 points), $want_skipped skipped, 0 failed"
contains "$tmp/out" "refunds: 0 reversed (0 points)"
same "$(sqlite3 "$tmp/ex.db" "SELECT count(*), sum(points) FROM loyalty_ledger WHERE kind = 'earn'")" \
  "$want_credited|$want_points" "earn entries"
same "$(sqlite3 "$tmp/ex.db" "SELECT count(*) FROM (SELECT source FROM loyalty_ledger GROUP BY source
  HAVING count(*) > 1)")" 0 "events credited twice"

# Every customer's balance against the independent sums.
compare="$events,
  want AS (SELECT cid, sum(pts) AS p, sum(CASE WHEN y = '2026' THEN pts ELSE 0 END) AS a
           FROM ev WHERE pts > 0 GROUP BY cid),
  got AS (SELECT c.external_id AS cid, sum(l.points) AS p FROM db.loyalty_ledger l
          JOIN db.customers c ON c.id = l.customer_id GROUP BY 1)"
same "$(q "$compare SELECT count(*) FROM want FULL JOIN got USING (cid) WHERE want.p IS NOT got.p")" 0 \
  "customers whose balance differs"
same "$(q "$compare SELECT count(*) FROM got")" "$(q "$compare SELECT count(*) FROM want")" "customers with points"

# --- one customer in detail: balance, and what is still good (events of 2026)
id=C0000008
bal=$(q "$compare SELECT p FROM want WHERE cid = '$id'")
avail=$(q "$compare SELECT a FROM want WHERE cid = '$id'")
expect 0 m points show "$id"
contains "$tmp/out" "$id: balance $bal, available $avail (as of $MANYI_NOW)"
contains "$tmp/out" "$((bal - avail)) points have expired and are not yet written off"
contains "$tmp/out" "2025-12-31"
expect 0 m --json points show "$id" --last 3
contains "$tmp/out" "\"balance\": $bal,"
contains "$tmp/out" "\"available\": $avail,"

# --- expire: lots of 2025 go, once
want_lots=$(q "$events SELECT count(*) FROM ev WHERE pts > 0 AND y < '2026'")
want_gone=$(q "$events SELECT sum(pts) FROM ev WHERE pts > 0 AND y < '2026'")
expect 0 m points expire --dry-run
contains "$tmp/out" "would have expired $want_lots lots"
expect 0 m points expire
contains "$tmp/out" "expired $want_lots lots"
contains "$tmp/out" "(-$want_gone points)"
expect 0 m points expire
contains "$tmp/out" "expired 0 lots of 0 customers (0 points)"
expect 1 m points expire --as-of 2026-11-02
contains "$tmp/err" "later than now"
same "$(q "$compare SELECT count(*) FROM want FULL JOIN got USING (cid) WHERE want.a IS NOT got.p")" 0 \
  "customers whose balance after expiry differs"

# --- redeem: once per key, never below zero
expect 0 m points redeem "$id" 1000 --key e2e-1
contains "$tmp/out" "redeemed 1000 points from $id"
contains "$tmp/out" "$((avail - 1000)) available now"
expect 0 m points redeem "$id" 1000 --key e2e-1
contains "$tmp/out" "already redeemed with key e2e-1"
contains "$tmp/out" "$((avail - 1000)) available"
expect 1 m points redeem "$id" 999 --key e2e-1
contains "$tmp/err" "was used for another redemption"
expect 1 m points redeem "$id" $((avail - 999)) --key e2e-2
contains "$tmp/err" "$id has $((avail - 1000)) points available; cannot redeem $((avail - 999))"
expect 2 m points redeem "$id" 10
contains "$tmp/err" "--key"
expect 2 m points redeem "$id" -5 --key x
expect 1 m points redeem NOBODY 5 --key x
contains "$tmp/err" "unknown customer 'NOBODY'"
same "$(sqlite3 "$tmp/ex.db" "SELECT count(*), sum(points) FROM loyalty_ledger WHERE kind = 'redeem'")" \
  "1|-1000" "redeem entries"

# --- a refund: the order's points are taken back, once
# The customer's first completed order of 2026 (still in a lot that has points).
order=$(q "SELECT external_id FROM o WHERE customer_id = '$id' AND status = 'completed'
  AND strftime('%Y', ordered_at) = '2026' AND unixepoch(ordered_at) <= unixepoch('$MANYI_NOW')
  ORDER BY rowid LIMIT 1")
pts=$(q "SELECT CAST(round(amount * 100) AS INTEGER) * 2 / 100 FROM o WHERE external_id = '$order'")
same "$(sqlite3 "$tmp/ex.db" "SELECT tier FROM customers WHERE external_id = '$id'")" A "tier of $id"
awk -F, -v OFS=, -v id="$order" '$1 == id { $6 = "refunded" } { print }' "$data/orders.csv" >"$tmp/orders.csv"
expect 0 m import orders "$tmp/orders.csv"
contains "$tmp/out" "1 updated"
expect 0 m eval points
contains "$tmp/out" "refunds: 1 reversed (-$pts points)"
expect 0 m eval points
contains "$tmp/out" "refunds: 0 reversed (0 points)"
same "$(sqlite3 "$tmp/ex.db" "SELECT points, reverses_id = (SELECT id FROM loyalty_ledger
  WHERE idempotency_key = 'order:$order:earn') FROM loyalty_ledger WHERE idempotency_key = 'order:$order:reverse'")" \
  "-$pts|1" "reverse entry"
expect 0 m points show "$id"
contains "$tmp/out" "balance $((avail - 1000 - pts)), available $((avail - 1000 - pts))"
# The ledger's sum is the sum of the balances the engine reports.
same "$(sqlite3 "$tmp/ex.db" 'SELECT sum(points) FROM loyalty_ledger')" \
  "$(sqlite3 "$tmp/ex.db" 'SELECT sum(balance) FROM customer_points')" "ledger sum"

# --- referrals: the example's, credited once to the referrer
want_ref=$(q "SELECT count(*) FROM c WHERE referred_by <> '' AND referred_by IN (SELECT external_id FROM c)
  AND external_id IN (SELECT customer_id FROM o WHERE status = 'completed'
                      AND unixepoch(ordered_at) <= unixepoch('$MANYI_NOW'))")
same "$(sqlite3 "$tmp/ex.db" "SELECT count(*) FROM referrals")" \
  "$(q "SELECT count(*) FROM c WHERE referred_by <> ''")" "referrals imported"
same "$(sqlite3 "$tmp/ex.db" "SELECT count(*), sum(points) FROM loyalty_ledger WHERE idempotency_key LIKE 'referral:%:earn'")" \
  "$want_ref|$((want_ref * 200))" "referral entries"

# A new customer referred by $id (import column), who refers another; the
# credit appears once the first order has completed, once however often the
# batch runs, and goes back when that order is refunded.
printf '%s\n' 'external_id,name,kind,created_at,referred_by' \
  "N0000001,New One,person,2026-10-01,$id" 'N0000002,New Two,person,2026-10-02,N0000001' >"$tmp/new.csv"
expect 0 m import customers "$tmp/new.csv"
contains "$tmp/out" "2 added"
expect 0 m import customers "$tmp/new.csv"
contains "$tmp/out" "2 unchanged"
expect 0 m --json customer show N0000001
contains "$tmp/out" "\"referred_by\": \"$id\""
contains "$tmp/out" '"referrals": 1'
bal0=$(sqlite3 "$tmp/ex.db" "SELECT sum(l.points) FROM loyalty_ledger l JOIN customers c ON c.id = l.customer_id WHERE c.external_id = '$id'")
printf '%s\n' 'external_id,customer_id,amount,currency,ordered_at,status' \
  'ON000001,N0000001,88.00,CNY,2026-10-20T10:00:00+08:00,paid' >"$tmp/new-orders.csv"
expect 0 m import orders "$tmp/new-orders.csv"
expect 0 m eval points
contains "$tmp/out" "0 credited (0 points)"   # paid, not completed: nothing yet
sed -i 's/,paid$/,completed/' "$tmp/new-orders.csv"
expect 0 m import orders "$tmp/new-orders.csv"
# N0000001 has no tier (P multiplier 1): 88 points; $id earns 200 for the referral
expect 0 m eval points
contains "$tmp/out" "2 credited (288 points)"
expect 0 m eval points
contains "$tmp/out" "0 credited (0 points)"
same "$(sqlite3 "$tmp/ex.db" "SELECT c.external_id || ' ' || l.points || ' ' || l.reason FROM loyalty_ledger l
  JOIN customers c ON c.id = l.customer_id WHERE l.idempotency_key = 'referral:N0000001:earn'")" \
  "$id 200 referral N0000001 = 200" "the referral entry"
same "$(sqlite3 "$tmp/ex.db" "SELECT sum(l.points) FROM loyalty_ledger l JOIN customers c ON c.id = l.customer_id WHERE c.external_id = '$id'")" \
  "$((bal0 + 200))" "$id's balance after the referral"
same "$(sqlite3 "$tmp/ex.db" "SELECT count(*) FROM loyalty_ledger WHERE idempotency_key = 'referral:N0000002:earn'")" 0 \
  "no order, no referral points"
sed -i 's/,completed$/,refunded/' "$tmp/new-orders.csv"
expect 0 m import orders "$tmp/new-orders.csv"
expect 0 m eval points
contains "$tmp/out" "refunds: 2 reversed (-288 points)"
expect 0 m eval points
contains "$tmp/out" "refunds: 0 reversed (0 points)"

# Hostile referrals: each refused with the reason, nothing stored.
printf '%s\n' 'external_id,name,kind,created_at,referred_by' 'N0000003,Three,person,2026-10-03,N0000003' >"$tmp/self.csv"
expect 1 m import customers "$tmp/self.csv"
contains "$tmp/err" "self.csv:2: field 'referred_by': customer N0000003 cannot refer themselves"
printf '%s\n' 'external_id,name,kind,created_at,referred_by' 'N0000003,Three,person,2026-10-03,N0000004' \
  'N0000004,Four,person,2026-10-03,' >"$tmp/later.csv"
expect 1 m import customers "$tmp/later.csv"
contains "$tmp/err" "unknown customer 'N0000004' (the referrer must be imported first"
printf '%s\n' 'external_id,name,kind,created_at,referred_by' 'N0000001,New One,person,2026-10-01,C0000009' >"$tmp/change.csv"
expect 1 m import customers "$tmp/change.csv"
contains "$tmp/err" "N0000001 was referred by $id"
expect 1 m customer refer N0000002 "$id"
contains "$tmp/err" "referrals may not go round in a circle"
expect 1 m customer refer "$id" "$id";  contains "$tmp/err" "cannot refer themselves"
expect 1 m customer refer NOBODY N0000002; contains "$tmp/err" "unknown customer 'NOBODY'"
expect 2 m customer refer N0000001;     contains "$tmp/err" "customer refer REFERRER REFERRED"
same "$(sqlite3 "$tmp/ex.db" "SELECT count(*) FROM customers WHERE external_id IN ('N0000003', 'N0000004')")" 0 \
  "refused imports stored nothing"
# The command, audited; the same referral again changes nothing.
expect 1 m customer refer C0000009 N0000004
contains "$tmp/err" "unknown customer 'N0000004'"
expect 3 m import customers "$tmp/later.csv" --rejects "$tmp/rej.csv"   # N0000003 rejected, N0000004 stored
expect 0 m customer refer N0000002 N0000004
contains "$tmp/out" "N0000004 referred by N0000002"
expect 0 m customer refer N0000002 N0000004
contains "$tmp/out" "recorded before; nothing changed"
same "$(sqlite3 "$tmp/ex.db" "SELECT group_concat(json_extract(detail, '$.status'), ' ') FROM audit_log
  WHERE action = 'customer-refer' AND json_extract(detail, '$.argv[2]') = 'N0000002'")" "1 0 0" "refer audited"
expect 0 m customer --help;             contains "$tmp/out" "refer REFERRER REFERRED"

# --- help and usage
expect 0 m points --help;            contains "$tmp/out" "show CUSTOMER"
expect 0 m points redeem --help;     contains "$tmp/out" "Usage: manyi points redeem"
expect 0 m points expire --help;     contains "$tmp/out" "Usage: manyi points expire"
expect 2 m points frobnicate;        contains "$tmp/err" "unknown subcommand 'frobnicate'"
expect 2 m eval points --diff x.csv; contains "$tmp/err" "--diff is for tiers only"

# --- customer show's policy inputs are explain's, and the SQL's ------------
# The streaming pass (store/customer_facts.c) is the one source of both; the
# figures are checked against SQL over the database here.
now_s=$(date -u -d "$MANYI_NOW" +%s)
pick=".spend_12m, .orders_12m, .orders_total, .refunded_orders, .cancelled_orders, .last_order_days, .open_complaints, .tickets_12m, .avg_satisfaction, .nps_answer, .points"
nobuy=$(sqlite3 "$tmp/ex.db" "SELECT external_id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders WHERE customer_id = c.id) ORDER BY id LIMIT 1")
for c in C0000008 C0000003 "$nobuy"; do
  shown=$(m --json customer show "$c" | jq -c "[.policy_inputs | $pick]")
  explained=$(m --json explain tier "$c" | jq -c "[.inputs | $pick]")
  same "$shown" "$explained" "customer show and explain tier of $c"
  want=$(sqlite3 "$tmp/ex.db" "SELECT json_array(
      (SELECT count(*) FROM orders o JOIN customers k ON k.id = o.customer_id WHERE k.external_id = '$c'
        AND o.ordered_at > $now_s - 365 * 86400 AND o.ordered_at <= $now_s AND o.status NOT IN ('cancelled', 'refunded')),
      (SELECT count(*) FROM orders o JOIN customers k ON k.id = o.customer_id WHERE k.external_id = '$c'
        AND o.ordered_at <= $now_s AND o.status = 'cancelled'),
      (SELECT coalesce(sum(points), 0) FROM loyalty_ledger l JOIN customers k ON k.id = l.customer_id
        WHERE k.external_id = '$c' AND l.created_at <= $now_s))")
  same "$(jq -c '[.[1], .[4], .[10]]' <<<"$shown")" "$want" "orders_12m, cancelled_orders, points of $c against SQL"
done
same "$(m --json customer show "$nobuy" | jq -c '.policy_inputs | [.orders_total, .last_order_days]')" "[0,null]" "a customer without orders"

echo "points.sh: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
