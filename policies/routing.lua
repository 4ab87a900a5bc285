-- routing.lua: the default routing policy.
--
-- route(ticket, params) -> {department, priority, reason, agent?}
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
-- optional params:
--   urgent_channels     list     channels whose complaints are priority 1
--                                (a complaint passed on by the regulator, 12315)
--   assign_agents       boolean  also pick an agent of the department:
--                                the agent who last served the customer when
--                                they are on duty there and below max_open_load,
--                                else the on-duty agent with the fewest open
--                                tickets (then the first by code); nobody on
--                                duty or all at the limit: the department's
--                                queue (no agent)
--   max_open_load       integer  open tickets an agent may hold (default 10)
--   skills              map      category -> skill an agent must have, if any
--
-- The engine checks the answer: the department must be a department code of
-- the configuration and the priority an integer 1..4.

local function contains(list, x)
  for _, v in ipairs(list) do
    if v == x then return true end
  end
  return false
end

-- A params or view field that may be absent (reading an absent one raises).
local function opt(tbl, key)
  for k, v in pairs(tbl) do
    if k == key then return v end
  end
  return nil
end

local function has_skill(agent, skill)
  if not skill then return true end
  for s in string.gmatch(agent.skills, "[^;]+") do
    if s == skill then return true end
  end
  return false
end

local tr = manyi.tr -- the reasons in the language of manyi's messages

-- The agent for a ticket of `department`, or nil (see assign_agents above).
local function pick_agent(t, p, department)
  local agents = opt(t, "agents")
  if not agents or not opt(p, "assign_agents") then return nil end
  local limit = opt(p, "max_open_load") or 10
  local skills = opt(p, "skills")
  local skill = skills and opt(skills, t.category) or nil
  local best
  for _, a in ipairs(agents) do
    if a.department == department and a.on_duty and a.open_load < limit and has_skill(a, skill) then
      if a.code == opt(t, "last_agent") then return a, tr("served the customer before") end
      if not best or a.open_load < best.open_load then best = a end
    end
  end
  if best then return best, string.format(tr("fewest open tickets (%d)"), best.open_load) end
  return nil
end

local function route(t, p)
  -- Reading a category or severity that the params do not list raises an
  -- error naming it: an unknown category is not guessed into a department.
  local department = p.departments[t.category]
  local priority = p.severity_priority[t.severity]
  local why = string.format(tr("%s -> %s; severity %s -> priority %s"), t.category, department,
    t.severity, priority)
  if t.customer_tier and contains(p.urgent_tiers, t.customer_tier) and priority > 1 then
    priority = priority - 1
    why = why .. string.format(tr(", tier %s -> %s"), t.customer_tier, priority)
  end
  if t.kind == "complaint" and p.complaints_sooner and priority > 1 then
    priority = priority - 1
    why = why .. string.format(tr(", complaint -> %s"), priority)
  end
  local urgent = opt(p, "urgent_channels")
  if t.kind == "complaint" and urgent and contains(urgent, opt(t, "channel")) and priority > 1 then
    priority = 1
    why = why .. string.format(tr(", via %s -> 1"), t.channel)
  end
  local agent, because = pick_agent(t, p, department)
  if agent then
    why = why .. string.format(tr("; agent %s: %s"), agent.code, because)
    return { department = department, priority = priority, reason = why, agent = agent.code }
  end
  return { department = department, priority = priority, reason = why }
end

return { route = route }
