-- A small tier policy for tests/test_tiers.c: A from 1000 spent in 12 months,
-- B from one order, C otherwise; customer BAD makes it fail.
return {
  tier = function(c, params)
    if c.external_id == "BAD" then error("no rule for " .. c.external_id) end
    if c.spend_12m >= params.a_spend then
      return "A", string.format("spend %.2f >= %d", c.spend_12m, params.a_spend)
    end
    if c.orders_12m >= 1 then return "B", "ordered in 12 months" end
    return "C", "no order in 12 months"
  end,
}
