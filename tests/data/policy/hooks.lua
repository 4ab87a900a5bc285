-- hooks.lua: fixture of tests/test_policy_hooks.c. Each hook returns what the
-- id of its first input names: a good decision, or nonsense the engine must
-- refuse. Keep the markers (-- @name) in step with the test.
local big = string.rep("x", 501)

-- Hostile inputs every hook answers alike (issue 16): loops only the budgets
-- stop, also in an xpcall whose message handler loops and in __close
-- handlers of coroutines.
local hostile = {
  forever = function() while true do end end,
  xpcall_forever = function()
    return xpcall(function() while true do end end, function() while true do end end)
  end,
  xpcall_error = function()
    return xpcall(function() error("x") end, function() while true do end end)
  end,
  -- a __close handler of a coroutine the budget killed ran with hooks off
  close_wrap = function()
    coroutine.wrap(function()
      local guard <close> = setmetatable({}, { __close = function() while true do end end })
      while true do end
    end)()
  end,
  close_resume = function()
    local co = coroutine.create(function()
      local guard <close> = setmetatable({}, { __close = function() while true do end end })
      while true do end
    end)
    coroutine.resume(co)
    coroutine.close(co)
  end,
}

local function eleven()
  local t = {}
  for i = 1, 11 do t[i] = "role" .. i end
  return t
end

local route_returns = {
  good = function(t) return { department = "support", priority = 2, reason = "ok " .. t.kind } end, -- @route_good
  float_priority = function() return { department = "quality", priority = 3.0, reason = "3.0 is 3" } end,
  unknown_department = function() return { department = "sales", priority = 1, reason = "r" } end,
  department_number = function() return { department = 7, priority = 1, reason = "r" } end,
  department_control = function() return { department = "sup\nport", priority = 1, reason = "r" } end,
  priority_0 = function() return { department = "support", priority = 0, reason = "r" } end,
  priority_5 = function() return { department = "support", priority = 5, reason = "r" } end,
  priority_half = function() return { department = "support", priority = 2.5, reason = "r" } end,
  priority_string = function() return { department = "support", priority = "2", reason = "r" } end,
  priority_nan = function() return { department = "support", priority = 0 / 0, reason = "r" } end,
  no_reason = function() return { department = "support", priority = 1 } end,
  empty_reason = function() return { department = "support", priority = 1, reason = "" } end,
  long_reason = function() return { department = "support", priority = 1, reason = big } end,
  nul_reason = function() return { department = "support", priority = 1, reason = "a\0b" } end,
  bad_utf8 = function() return { department = "support", priority = 1, reason = "\xff\xfe" } end,
  misspelt = function() return { departmnet = "support", priority = 1, reason = "r" } end,
  not_table = function() return "support" end,
  nothing = function() return nil end,
  list = function() return { "support", 1, "r" } end,
  raise = function() error("boom") end, -- @route_raise
  raise_table = function() error({ code = 1 }) end,
  loop = function() while true do end end,
  index_loop = function()
    return setmetatable({}, { __index = function() while true do end end })
  end,
  via_index = function()
    return setmetatable({}, { __index = { department = "technical", priority = 4, reason = "inherited" } })
  end,
}

local function route(t, p)
  return (hostile[t.external_id] or route_returns[t.external_id])(t, p)
end

local escalate_returns = {
  good = function() return { level = 2, notify = { "team_lead", "department_head" }, reason = "80% used" } end,
  none = function() return nil end,
  params_list = function(_, _, p) return { level = 3, notify = p.roles, reason = "from params" } end,
  empty_notify = function() return { level = 1, notify = {}, reason = "nobody" } end,
  level_0 = function() return { level = 0, notify = {}, reason = "r" } end,
  level_4 = function() return { level = 4, notify = {}, reason = "r" } end,
  level_string = function() return { level = "1", notify = {}, reason = "r" } end,
  notify_11 = function() return { level = 1, notify = eleven(), reason = "r" } end,
  notify_map = function() return { level = 1, notify = { lead = "x" }, reason = "r" } end,
  notify_hole = function() return { level = 1, notify = { "a", nil, "c" }, reason = "r" } end,
  notify_number = function() return { level = 1, notify = { 1 }, reason = "r" } end,
  notify_long = function() return { level = 1, notify = { string.rep("r", 33) }, reason = "r" } end,
  notify_string = function() return { level = 1, notify = "team_lead", reason = "r" } end,
  no_reason = function() return { level = 1, notify = {} } end,
  boolean = function() return false end,
  cyclic = function()
    local t = { level = 1, reason = "r" }
    t.notify = t
    return t
  end,
}

local function escalate(t, clock, p)
  assert(clock.used ~= nil)
  return (hostile[t.external_id] or escalate_returns[t.external_id])(t, clock, p)
end

local function reasons(n)
  local t = {}
  for i = 1, n do t[i] = "reason " .. i end
  return t
end

local evaluate_returns = {
  good = function(_, f) return { score = 87.5, grade = "B", passed = true, reasons = { "sat " .. f.satisfied_share, "ok" } } end,
  integer_score = function() return { score = 100, grade = "A", passed = false, reasons = {} } end,
  score_nan = function() return { score = 0 / 0, grade = "A", passed = true, reasons = {} } end,
  score_inf = function() return { score = math.huge, grade = "A", passed = true, reasons = {} } end,
  score_negative = function() return { score = -0.5, grade = "A", passed = true, reasons = {} } end,
  score_101 = function() return { score = 100.5, grade = "A", passed = true, reasons = {} } end,
  score_string = function() return { score = "90", grade = "A", passed = true, reasons = {} } end,
  grade_long = function() return { score = 1, grade = "ABCDEFGHI", passed = true, reasons = {} } end,
  grade_empty = function() return { score = 1, grade = "", passed = true, reasons = {} } end,
  passed_missing = function() return { score = 1, grade = "A", reasons = {} } end,
  passed_number = function() return { score = 1, grade = "A", passed = 1, reasons = {} } end,
  reasons_text = function() return { score = 1, grade = "A", passed = true, reasons = "fine" } end,
  reasons_21 = function() return { score = 1, grade = "A", passed = true, reasons = reasons(21) } end,
  reasons_20 = function() return { score = 1, grade = "A", passed = true, reasons = reasons(20) } end,
  reason_table = function() return { score = 1, grade = "A", passed = true, reasons = { {} } } end,
  extra = function() return { score = 1, grade = "A", passed = true, reasons = {}, bonus = 5 } end,
  not_assessed = function() return { score = 80, grade = "B", passed = false, assessed = false, reasons = {} } end,
  assessed_text = function() return { score = 1, grade = "A", passed = false, assessed = "no", reasons = {} } end,
  assessed_passed = function() return { score = 1, grade = "A", passed = true, assessed = false, reasons = {} } end,
}

local function evaluate(d, f, p)
  return (hostile[d.code] or evaluate_returns[d.code])(d, f, p)
end

local function items(n)
  local t = {}
  for i = 1, n do t[i] = { kind = "k" .. i, channel = "email", template = "t" } end
  return t
end

local care_returns = {
  good = function(c, date)
    return {
      { kind = "birthday", channel = "sms", template = "birthday_" .. date.year },
      { kind = "visit", channel = "visit", template = "quarterly_visit" },
    }
  end,
  empty = function() return {} end,
  twenty = function() return items(20) end,
  twenty_one = function() return items(21) end,
  fax = function() return { { kind = "k", channel = "fax", template = "t" } } end,
  no_channel = function() return { { kind = "k", template = "t" } } end,
  empty_kind = function() return { { kind = "", channel = "sms", template = "t" } } end,
  long_template = function() return { { kind = "k", channel = "sms", template = string.rep("t", 129) } } end,
  item_text = function() return { "birthday" } end,
  item_extra = function() return { { kind = "k", channel = "sms", template = "t", when = "now" } } end,
  map = function() return { kind = "k", channel = "sms", template = "t" } end,
  nothing = function() return nil end,
}

local function care(c, date, p)
  return (hostile[c.external_id] or care_returns[c.external_id])(c, date, p)
end

-- code(text): the text names the fixture's return.
local code_returns = {
  good = function() return { "delivery", "price" } end,
  none = function() return {} end,
  eleven = function()
    local out = {}
    for i = 1, 11 do out[i] = "c" .. i end
    return out
  end,
  twice = function() return { "price", "price" } end,
  not_code = function() return { "送货" } end,
  number = function() return { 42 } end,
  map = function() return { code = "price" } end,
  nothing = function() return nil end,
}

local function code(t, p)
  return (hostile[t.text] or code_returns[t.text])(t, p)
end

-- eligible(customer): the external id names the fixture's return.
local eligible_returns = {
  yes = function() return true end,
  no = function() return false end,
  why = function() return { eligible = false, reason = "too_recent" } end,
  sms = function() return { eligible = true, channel = "sms" } end,
  text = function() return "yes" end,
  nothing = function() return nil end,
  no_flag = function() return { reason = "x" } end,
  flag_text = function() return { eligible = "no" } end,
  fax = function() return { eligible = true, channel = "fax" } end,
  no_address = function() return { eligible = true, channel = "email" } end,
  no_with_channel = function() return { eligible = false, channel = "sms" } end,
  long_reason = function() return { eligible = false, reason = ("r"):rep(65) } end,
  extra = function() return { eligible = true, chanel = "sms" } end,
  loop = function() while true do end end,
  boom = function() error("boom") end,
}

local function eligible(c, p)
  return (hostile[c.external_id] or eligible_returns[c.external_id])(c, p)
end


local staff_returns = {
  good = function() return { rating = "meets", notes = { "fine", "on time" } } end,
  no_notes = function() return { rating = "exceeds", notes = {} } end,
  rating_number = function() return { rating = 3, notes = {} } end,
  rating_long = function() return { rating = string.rep("r", 17), notes = {} } end,
  rating_control = function() return { rating = "me\nets", notes = {} } end,
  notes_text = function() return { rating = "meets", notes = "fine" } end,
  notes_21 = function() return { rating = "meets", notes = reasons(21) } end,
  note_long = function() return { rating = "meets", notes = { big } } end,
  extra = function() return { rating = "meets", notes = {}, bonus = 1 } end,
  nothing = function() return nil end,
}
local function evaluate_staff(s, f, p)
  return (hostile[s.code] or staff_returns[s.code])(s, f, p)
end

-- alert: the response's id picks the return; "seen" reports what the views held
local alert_returns = {
  good = function() return { department = "technical", kind = "complaint", priority = 1, reason = "low score" } end,
  full = function() return { department = "quality", kind = "inquiry", priority = 4, reason = "r",
                             category = "technical", severity = "high" } end,
  none = function() return nil end,
  seen = function(r, c, t)
    return { department = "support", kind = "inquiry", priority = 2,
             reason = string.format("%s %s %s %s %s", r.answers.q1, r.answers.q2, tostring(r.answers.q3),
                                    c.external_id, tostring(t)) }
  end,
  fields = function(r)
    local out = {}
    for k, v in pairs(r.answers) do out[#out + 1] = k .. "=" .. tostring(v) end
    return { department = "support", kind = "inquiry", priority = 2,
             reason = table.concat(out, " ") .. " #" .. #r.answers }
  end,
  unknown_department = function() return { department = "sales", kind = "inquiry", priority = 2, reason = "r" } end,
  unknown_kind = function() return { department = "support", kind = "callbak", priority = 2, reason = "r" } end,
  unknown_category = function() return { department = "support", kind = "inquiry", priority = 2, reason = "r", category = "x" } end,
  bad_severity = function() return { department = "support", kind = "inquiry", priority = 2, reason = "r", severity = "urgent" } end,
  priority_9 = function() return { department = "support", kind = "inquiry", priority = 9, reason = "r" } end,
  no_reason = function() return { department = "support", kind = "inquiry", priority = 2 } end,
  misspelt = function() return { department = "support", kind = "inquiry", priority = 2, reason = "r", severty = "low" } end,
  not_table = function() return "yes" end,
  unknown_answer = function(r) return r.answers.q99 end,
  write_view = function(r) r.answers.q1 = 5 end,
  boom = function() error("boom") end,
  loop = function() while true do end end,
}
local function alert(r, c, t, p)
  return alert_returns[r.external_id](r, c, t, p)
end

return { route = route, escalate = escalate, evaluate = evaluate, care = care, code = code,
         evaluate_staff = evaluate_staff, eligible = eligible, alert = alert }
