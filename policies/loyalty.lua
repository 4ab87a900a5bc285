-- loyalty.lua: the default loyalty policy.
--
-- points(event, customer, params) -> nil | {points = N, expires = "...", reason = "..."}
--
-- The company rule: customers earn points per currency unit of every completed
-- order, more in the higher tiers, and a fixed number for every answered
-- survey, every feedback given in a follow-up call and every referral (to the
-- referrer, once, when the referred customer's first order has completed).
-- Points expire by one rule for all of them.
--
--   order     floor(amount x points_per_unit x multipliers[tier])
--             (customers without a tier: no_tier_multiplier); only completed
--             orders are passed in; an order of amount 0 earns nothing (nil)
--   survey    survey_points
--   feedback  feedback_points
--   referral  referral_points (customer is the referrer, event.id the
--             referred customer)
--
-- params (all required; set under policies.loyalty.params in manyi.yaml):
--   points_per_unit     number   points per currency unit of an order
--   multipliers         map      tier code -> factor (A 2.0, B 1.5, C 1.0, P 1.0);
--                                a tier missing here fails the call (it names it)
--   no_tier_multiplier  number   factor for customers without a tier yet
--   survey_points       integer  per answered survey
--   feedback_points     integer  per feedback
--   referral_points     integer  per referral
--   expires             string   "never", "after 365d", "end_of_month",
--                                "end_of_year" (UTC) or a date YYYY-MM-DD,
--                                counted from the event's date
--
-- The reason names the numbers, e.g.
--   "order 2858.00 CNY x 1 per unit x 2.0 (tier A) = 5716"

local tr = manyi.tr -- the reasons in the language of manyi's messages

local function num(x)
  if math.type(x) == "integer" or x == math.floor(x) and math.abs(x) < 2^53 then
    return string.format("%.1f", x)
  end
  return tostring(x)
end

local function order_points(event, customer, p)
  local factor, label
  if customer.tier then
    factor, label = p.multipliers[customer.tier], string.format(tr("tier %s"), customer.tier)
  else
    factor, label = p.no_tier_multiplier, tr("no tier")
  end
  -- Work in minor units (whole cents) so that 2858.00 x 1.5 is exact.
  local minor = math.floor(event.amount * 100 + 0.5)
  local n = math.floor(minor * p.points_per_unit * factor // 100)
  local what = string.format(tr("order %.2f %s x %s per unit x %s (%s)"), minor / 100,
    event.currency or "", tostring(p.points_per_unit), num(factor), label)
  if n <= 0 then
    return nil
  end
  return { points = n, expires = p.expires, reason = what .. " = " .. n }
end

local fixed = {
  survey = { param = "survey_points", what = tr("answered survey") },
  feedback = { param = "feedback_points", what = tr("feedback") },
  referral = { param = "referral_points", what = tr("referral") },
}

local function points(event, customer, params)
  if event.type == "order" then
    return order_points(event, customer, params)
  end
  local rule = fixed[event.type]
  if not rule then
    error("unknown event type '" .. tostring(event.type) .. "'")
  end
  local n = params[rule.param]
  if n <= 0 then
    return nil
  end
  local what = rule.what
  if event.survey then
    what = what .. " (" .. event.survey .. ")"
  end
  return { points = n, expires = params.expires, reason = what .. " " .. event.id .. " = " .. n }
end

return { points = points }
