-- routing.lua: the telecom operator's routing policy.
--
-- route(ticket, params) -> {department, priority, reason}
--
-- The operator's rule: some kinds of request always go to the desk that
-- owns them, wherever they came in (complaints to the complaints desk,
-- business requests to the business office); everything else is handled
-- where the customer is (a shop visit by the shop, phone and chat by the
-- hotline). The priority follows the customer's tier, not the severity,
-- except that a critical problem (e.g. an outage) always comes first.
--
--   department  params.by_kind[ticket.kind], else
--               params.by_channel[ticket.channel], else params.default
--   priority    1 if ticket.severity is critical and params.critical_first,
--               else params.tier_priority[ticket.customer_tier]
--               (params.no_tier_priority for a customer without a tier)
--
-- params (all required; set under policies.routing.params in manyi.yaml):
--   by_kind           map      ticket kind -> department code
--   by_channel        map      channel -> department code
--   default           text     department code for everything else
--   tier_priority     map      tier code -> priority 1..4
--   no_tier_priority  integer  priority for customers without a tier
--   critical_first    boolean  critical severity -> priority 1

-- params maps are strict (a missing key raises), so look keys up with a
-- scan instead of indexing: a kind or channel not listed is a normal case.
local function lookup(map, key)
  for k, v in pairs(map) do
    if k == key then return v end
  end
  return nil
end

local function route(t, p)
  local department, why = lookup(p.by_kind, t.kind), nil
  if department then
    why = "kind " .. t.kind .. " -> " .. department
  else
    department = lookup(p.by_channel, t.channel)
    if department then
      why = "channel " .. t.channel .. " -> " .. department
    else
      department = p.default
      why = t.kind .. " by " .. t.channel .. " -> " .. department
    end
  end
  local priority
  if t.severity == "critical" and p.critical_first then
    priority = 1
    why = why .. "; critical -> priority 1"
  elseif t.customer_tier then
    priority = p.tier_priority[t.customer_tier]
    why = why .. "; tier " .. t.customer_tier .. " -> priority " .. priority
  else
    priority = p.no_tier_priority
    why = why .. "; no tier -> priority " .. priority
  end
  return { department = department, priority = priority, reason = why }
end

return { route = route }
