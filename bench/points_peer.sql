-- The peer for B2 of bench/tiers.sh: the ledger rows `manyi eval points`
-- writes for completed orders, as one INSERT ... SELECT run by the sqlite3
-- shell on a copy of the same database (same schema and indexes, the same
-- tiers), with the rules of policies/loyalty.lua and the loyalty params of
-- examples/after-sales/manyi.yaml (tiers.sh checks the config says them):
--   points  floor(amount_minor x points_per_unit x multiplier(tier) / 100),
--           points_per_unit 1, multipliers A 2.0, B 1.5, C 1.0, P 1.0, no tier 1.0;
--           an order worth 0 points gets no entry
--   expires end_of_year: the first instant of the year after the order's (UTC)
--   key     order:<external id>:earn, written once (an order already credited
--           is left out)
-- Parameters (.parameter set): :as_of, :now (the entries' created_at).
-- It writes no reasons with the policy's wording, no job checkpoints, and
-- computes none of the customer figures manyi hands to the policy.

INSERT INTO loyalty_ledger(customer_id, kind, points, reason, source, policy, idempotency_key,
                           expires_at, created_at)
SELECT customer_id, 'earn', n, 'order ' || external_id || ' = ' || n, 'order:' || external_id,
       'bench/points_peer.sql', 'order:' || external_id || ':earn',
       unixepoch((CAST(strftime('%Y', ordered_at, 'unixepoch') AS INTEGER) + 1) || '-01-01'), :now
FROM (SELECT o.customer_id, o.external_id, o.ordered_at,
             CAST(o.amount_minor * 1 * (CASE c.tier WHEN 'A' THEN 2.0 WHEN 'B' THEN 1.5
                                                    ELSE 1.0 END) / 100 AS INTEGER) AS n
      FROM orders o JOIN customers c ON c.id = o.customer_id
      WHERE o.status = 'completed' AND o.ordered_at <= :as_of
        AND NOT EXISTS (SELECT 1 FROM loyalty_ledger l
                        WHERE l.idempotency_key = 'order:' || o.external_id || ':earn')
      ORDER BY o.id)
WHERE n > 0;
