-- tiers.lua: the default tier policy.
--
-- tier(customer, params) -> tier, reason
--
-- The company rule: customers are classified by their contribution (spend in
-- the last 12 months), their dependency on us (orders in the last 12 months)
-- and their payment record (the share of their orders that were refunded or
-- cancelled). Customers without any order yet are potential customers and are
-- kept apart from A/B/C.
--
--   P  no order at all yet (orders_total == 0)
--   A  spend_12m >= a_min_spend  and  orders_12m >= a_min_orders
--   B  spend_12m >= b_min_spend  and  orders_12m >= b_min_orders
--   C  everyone else
--   A poor payment record -- (refunded_orders + cancelled_orders) / orders_total
--   above max_bad_share -- moves a customer down one tier (A -> B, B -> C).
--
-- params (all required; set under policies.tiers.params in manyi.yaml):
--   a_min_spend     number   12-month spend (currency units) for A
--   a_min_orders    integer  12-month orders for A
--   b_min_spend     number   12-month spend for B
--   b_min_orders    integer  12-month orders for B
--   max_bad_share   number   0..1, largest refunded+cancelled share that keeps a tier
--
-- The reason names the numbers that decided, e.g.
--   "spend 12m 283696 >= 100000 and 51 orders >= 24"

local tr = manyi.tr -- the reasons in the language of manyi's messages

local function num(x)
  if math.type(x) == "integer" or x == math.floor(x) and math.abs(x) < 2^53 then
    return string.format("%d", x)
  end
  return string.format("%.2f", x)
end

-- Does the customer reach the spend and order thresholds of a level?
-- Returns ok and the text of the test that decided.
local function reaches(c, min_spend, min_orders)
  if c.spend_12m < min_spend then
    return false, string.format(tr("spend 12m %s < %s"), num(c.spend_12m), num(min_spend))
  end
  if c.orders_12m < min_orders then
    return false, string.format(tr("%d orders < %s"), c.orders_12m, num(min_orders))
  end
  return true, string.format(tr("spend 12m %s >= %s and %d orders >= %s"), num(c.spend_12m),
    num(min_spend), c.orders_12m, num(min_orders))
end

local lower = { A = "B", B = "C", C = "C" }

local function tier(c, p)
  if c.orders_total == 0 then
    return "P", tr("no orders yet")
  end
  local level, why
  local ok_a, why_a = reaches(c, p.a_min_spend, p.a_min_orders)
  if ok_a then
    level, why = "A", why_a
  else
    local ok_b, why_b = reaches(c, p.b_min_spend, p.b_min_orders)
    if ok_b then
      level, why = "B", why_b
    else
      level, why = "C", why_b
    end
  end
  local bad = c.refunded_orders + c.cancelled_orders
  local share = bad / c.orders_total
  if share > p.max_bad_share and level ~= "C" then
    return lower[level], string.format(tr("%s but %d of %d orders refunded or cancelled (%.0f%% > %.0f%%)"),
      why, bad, c.orders_total, share * 100, p.max_bad_share * 100)
  end
  return level, why
end

return { tier = tier }
