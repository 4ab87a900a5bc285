-- Version 2: what policies and analysts ask about a customer's value, in one place.
-- Points balance: the ledger's sum (expired and reversed entries are their own rows).
CREATE VIEW customer_points AS
  SELECT customer_id, sum(points) AS balance, count(*) AS entries
  FROM loyalty_ledger GROUP BY customer_id;

-- 12-month figures are relative to the moment of the query; refunded and
-- cancelled orders do not count as spend.
CREATE VIEW customer_value AS
  SELECT c.id AS customer_id,
         coalesce(sum(CASE WHEN o.status NOT IN ('cancelled', 'refunded')
                            AND o.ordered_at >= unixepoch('now', '-12 months')
                           THEN o.amount_minor END), 0) AS spend_12m_minor,
         count(CASE WHEN o.status NOT IN ('cancelled', 'refunded')
                     AND o.ordered_at >= unixepoch('now', '-12 months') THEN 1 END) AS orders_12m,
         coalesce(sum(CASE WHEN o.status NOT IN ('cancelled', 'refunded')
                           THEN o.amount_minor END), 0) AS lifetime_minor,
         max(o.ordered_at) AS last_order_at
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
  GROUP BY c.id;
