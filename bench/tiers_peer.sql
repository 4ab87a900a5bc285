-- The peer for bench/tiers.sh: the rules of policies/tiers.lua as one SQL
-- statement, run by the sqlite3 shell on a copy of the database manyi
-- evaluates (same schema, same rows, same covering index orders_by_customer
-- on (customer_id, ordered_at, status, amount_minor) of migration 0014, which
-- manyi's streaming pass reads: the peer reads no row of orders itself).
--
-- Parameters, set by tiers.sh with .parameter set before this file is read:
--   :as_of          the as-of instant, Unix seconds (manyi eval tiers --as-of)
--   :since          :as_of - 365 days (the 12-month window is (since, as_of])
--   :a_min_spend    policies.tiers.params of the configuration, in currency
--   :a_min_orders     units and orders, as tiers.lua reads them
--   :b_min_spend
--   :b_min_orders
--   :max_bad_share
--
-- The rules, as in tiers.lua and core/store/customer_facts.c:
--   P  no order with ordered_at <= as_of
--   A  12-month spend >= a_min_spend and 12-month orders >= a_min_orders,
--   B  the same with the b_ thresholds, C everyone else; the 12-month figures
--      leave out cancelled and refunded orders; spend is amount_minor / 100.
--   (refunded + cancelled) / all orders up to as_of > max_bad_share moves A to
--   B and B to C (floating-point division, as in Lua).
--
-- One correlated aggregate over the customer's orders per customer: the
-- shell's floor for the same decision. It writes no tier history, no reasons,
-- no job checkpoints, and does not compute the other figures manyi hands to a
-- policy (tickets, satisfaction, points).

UPDATE customers SET tier = (
  SELECT CASE
    WHEN count(*) = 0 THEN 'P'
    WHEN sum(CASE WHEN o.ordered_at > :since AND o.status NOT IN ('cancelled', 'refunded')
                  THEN o.amount_minor ELSE 0 END) / 100.0 >= :a_min_spend
     AND sum(o.ordered_at > :since AND o.status NOT IN ('cancelled', 'refunded')) >= :a_min_orders
      THEN CASE WHEN CAST(sum(o.status IN ('refunded', 'cancelled')) AS REAL) / count(*) > :max_bad_share
                THEN 'B' ELSE 'A' END
    WHEN sum(CASE WHEN o.ordered_at > :since AND o.status NOT IN ('cancelled', 'refunded')
                  THEN o.amount_minor ELSE 0 END) / 100.0 >= :b_min_spend
     AND sum(o.ordered_at > :since AND o.status NOT IN ('cancelled', 'refunded')) >= :b_min_orders
      THEN CASE WHEN CAST(sum(o.status IN ('refunded', 'cancelled')) AS REAL) / count(*) > :max_bad_share
                THEN 'C' ELSE 'B' END
    ELSE 'C'
  END
  FROM orders o
  WHERE o.customer_id = customers.id AND o.ordered_at <= :as_of
);
