-- Version 14: customers' facts in one streaming pass (core/store/customer_facts.c).
-- Each table a policy's figures come from is read once in customer order,
-- through an index that holds every column the pass reads, so that no row of
-- the table itself is fetched (orders are stored in import order: fetching
-- them was most of the time of `eval tiers`). Each index starts with the
-- columns of the one it replaces, so every query that used it still can.
DROP INDEX orders_by_customer;
CREATE INDEX orders_by_customer ON orders(customer_id, ordered_at, status, amount_minor);
DROP INDEX tickets_by_customer;
CREATE INDEX tickets_by_customer ON tickets(customer_id, opened_at, kind, status);
DROP INDEX loyalty_ledger_by_customer;
CREATE INDEX loyalty_ledger_by_customer ON loyalty_ledger(customer_id, created_at, points);
-- Responses stay read through responses_by_customer: an index that covered
-- them would copy every response's answers (scale_answers).
