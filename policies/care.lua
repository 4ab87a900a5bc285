-- care.lua: the default care policy.
--
-- care(customer, date, params) -> list of {kind, channel, template}
--
-- The company rule: customers are cared for on their birthday, on holidays,
-- regularly when they have special needs, and key customers get a visit
-- every quarter. The engine calls care() for each customer and day, then
-- schedules what comes back within business hours and the per-customer cap.
--
--   birthday       date is the customer's birthday (29 February: on 28
--                  February in other years); a greeting on the first
--                  greeting channel the customer consented to
--   holiday        date is one of params.holidays ("MM-DD" every year, or
--                  "YYYY-MM-DD" for moving holidays); a greeting likewise
--   special_needs  customer.special_needs is set and date.day is
--                  params.special_needs.day: a call marked service = true
--                  (consent not needed: this is service, not marketing; the
--                  engine sends nothing else by email, SMS or phone to a
--                  customer who did not consent to that channel)
--   visit          customer.tier is in params.visit.tiers and
--                  date.day_of_quarter is params.visit.day_of_quarter
--
-- params (all required; set under policies.care.params in manyi.yaml):
--   greeting_channels  list  channels to try for greetings, in order
--                            (email, sms or phone; each needs consent)
--   birthday_template  text
--   holidays           list of {date = "MM-DD" or "YYYY-MM-DD", template}
--   special_needs      {day = day of month, channel, template}
--   visit              {tiers = list, day_of_quarter, template}

local function contains(list, x)
  for _, v in ipairs(list) do
    if v == x then return true end
  end
  return false
end

local consent_field = { email = "consent_email", sms = "consent_sms", phone = "consent_phone" }

-- The first greeting channel the customer agreed to, or nil.
local function greeting_channel(c, p)
  for _, ch in ipairs(p.greeting_channels) do
    if c[consent_field[ch]] then return ch end
  end
  return nil
end

local function is_leap(y)
  return y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)
end

local function care(c, date, p)
  local out = {}
  local md = date.date:sub(6)
  local greet = greeting_channel(c, p)

  if c.birthday and greet then
    local bmd = c.birthday:sub(6)
    if bmd == "02-29" and not is_leap(date.year) then bmd = "02-28" end
    if bmd == md then
      out[#out + 1] = { kind = "birthday", channel = greet, template = p.birthday_template }
    end
  end

  if greet then
    for _, h in ipairs(p.holidays) do
      if h.date == md or h.date == date.date then
        out[#out + 1] = { kind = "holiday", channel = greet, template = h.template }
      end
    end
  end

  if c.special_needs and date.day == p.special_needs.day then
    out[#out + 1] = { kind = "special_needs", channel = p.special_needs.channel,
                      template = p.special_needs.template, service = true }
  end

  if c.tier and contains(p.visit.tiers, c.tier) and date.day_of_quarter == p.visit.day_of_quarter then
    out[#out + 1] = { kind = "visit", channel = "visit", template = p.visit.template }
  end
  return out
end

return { care = care }
