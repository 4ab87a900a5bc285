-- escalation.lua: the default escalation policy.
--
-- escalate(ticket, clock, params) -> nil | {level, notify, reason}
--
-- The company rule: a ticket whose SLA deadline nears or passes climbs a
-- ladder -- team lead (level 1), department head (level 2), satisfaction
-- committee (level 3) -- by the share of the SLA target already used
-- (clock.used: 0.5 = half the business time allowed is gone, 1.0 = the
-- deadline has passed). Complaints from key customers climb faster: every
-- threshold is multiplied by fast_factor.
--
--   level  the highest step of params.ladder whose `at` (times fast_factor
--          for a complaint from a tier in fast_tiers) is <= clock.used
--   nil    no step reached, or the ticket is already at that level or higher
--          (ticket.escalation_level), so a ticket is escalated once per level
--
-- params (all required; set under policies.escalation.params in manyi.yaml):
--   ladder       list of {level = 1..3, at = share of the SLA target used,
--                notify = list of roles}, in rising order of `at`
--   fast_tiers   list     tiers whose complaints climb faster
--   fast_factor  number   0 < f <= 1: thresholds for those complaints
--
-- The engine checks the answer: level an integer 1..3, notify a list of at
-- most 10 roles, a reason.

local function contains(list, x)
  for _, v in ipairs(list) do
    if v == x then return true end
  end
  return false
end

local tr = manyi.tr -- the reasons in the language of manyi's messages

local function pct(x)
  return string.format("%.0f%%", x * 100)
end

local function escalate(t, clock, p)
  local factor, fast = 1, ""
  if t.kind == "complaint" and t.customer_tier and contains(p.fast_tiers, t.customer_tier) then
    factor = p.fast_factor
    fast = string.format(tr(" (tier %s complaint: thresholds x%s)"), t.customer_tier, p.fast_factor)
  end
  local step
  for _, s in ipairs(p.ladder) do
    if clock.used >= s.at * factor then step = s end
  end
  if step == nil or step.level <= t.escalation_level then
    return nil
  end
  return {
    level = step.level,
    notify = step.notify,
    reason = string.format(tr("%s of the %s target used >= %s%s"), pct(clock.used), clock.target,
      pct(step.at * factor), fast),
  }
end

return { escalate = escalate }
