-- tiers.lua: the telecom operator's tier policy.
--
-- tier(customer, params) -> tier, reason
--
-- The operator's rule: a customer's tier follows what they pay a month on
-- average (ARPU: plan purchases and top-ups of the last 12 months / 12) and
-- how long they have been with us (tenure). Dividing by 12 understates the
-- ARPU of a customer who joined less than a year ago, but both tiers above
-- standard need a year's tenure, so it never changes a decision. Refunded
-- and cancelled orders are not in spend_12m (the engine leaves them out).
--
--   gold      arpu >= gold_min_arpu    and tenure_days >= gold_min_tenure_days
--   silver    arpu >= silver_min_arpu  and tenure_days >= silver_min_tenure_days
--   standard  everyone else (the reason names the first test missed)
--
-- params (all required; set under policies.tiers.params in manyi.yaml):
--   gold_min_arpu           number   CNY a month for gold
--   gold_min_tenure_days    integer  days with us for gold
--   silver_min_arpu         number   CNY a month for silver
--   silver_min_tenure_days  integer  days with us for silver

-- Does the customer reach a level? Returns ok and the test that decided.
local function reaches(arpu, days, min_arpu, min_days)
  if arpu < min_arpu then
    return false, string.format("ARPU %.2f < %d", arpu, min_arpu)
  end
  if days < min_days then
    return false, string.format("ARPU %.2f >= %d but tenure %d days < %d", arpu, min_arpu, days, min_days)
  end
  return true, string.format("ARPU %.2f >= %d and tenure %d days >= %d", arpu, min_arpu, days, min_days)
end

local function tier(c, p)
  local arpu = c.spend_12m / 12
  local ok, why = reaches(arpu, c.tenure_days, p.gold_min_arpu, p.gold_min_tenure_days)
  if ok then return "gold", why end
  ok, why = reaches(arpu, c.tenure_days, p.silver_min_arpu, p.silver_min_tenure_days)
  if ok then return "silver", why end
  return "standard", why
end

return { tier = tier }
