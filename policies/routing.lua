-- routing.lua: the default routing policy.
--
-- route(ticket, params) -> {department, priority, reason}
--
-- The company rule: general questions go to customer service, technical
-- problems to technical support, product-quality problems to quality
-- management. The priority (1 = most urgent .. 4) follows the severity, and
-- tickets of key customers and complaints are handled one step sooner.
--
--   department  params.departments[ticket.category]
--   priority    params.severity_priority[ticket.severity]
--               - 1 if ticket.customer_tier is in params.urgent_tiers
--               - 1 if ticket.kind is "complaint" and params.complaints_sooner
--               (never below 1)
--
-- params (all required; set under policies.routing.params in manyi.yaml):
--   departments         map      category (general, technical, product_quality)
--                                -> department code
--   severity_priority   map      severity (low, medium, high, critical) -> 1..4
--   urgent_tiers        list     tiers whose tickets are one step more urgent
--   complaints_sooner   boolean  complaints one step more urgent
--
-- The engine checks the answer: the department must be a department code of
-- the configuration and the priority an integer 1..4.

local function contains(list, x)
  for _, v in ipairs(list) do
    if v == x then return true end
  end
  return false
end

local function route(t, p)
  -- Reading a category or severity that the params do not list raises an
  -- error naming it: an unknown category is not guessed into a department.
  local department = p.departments[t.category]
  local priority = p.severity_priority[t.severity]
  local why = t.category .. " -> " .. department .. "; severity " .. t.severity ..
      " -> priority " .. priority
  if t.customer_tier and contains(p.urgent_tiers, t.customer_tier) and priority > 1 then
    priority = priority - 1
    why = why .. ", tier " .. t.customer_tier .. " -> " .. priority
  end
  if t.kind == "complaint" and p.complaints_sooner and priority > 1 then
    priority = priority - 1
    why = why .. ", complaint -> " .. priority
  end
  return { department = department, priority = priority, reason = why }
end

return { route = route }
