-- alert.lua: the default closed loop on feedback.
--
-- alert(response, customer, ticket, params) -> nil | {department, kind,
--   priority, reason, category?, severity?}
--
-- Asked about every survey response as it is imported (one with open answers
-- is not coded yet: coded false, and this policy waits), again once `manyi
-- survey code` has coded its open answers, and by `manyi eval alerts` for
-- responses imported with --no-alerts. A response gets at most one
-- follow-up. A detractor answer
-- opens a follow-up ticket: an answer of 1 or 2 on the overall question of
-- its survey, or an open answer coded to one of the complaint categories
-- (e.g. "要投诉"). The follow-up goes to the department that served the
-- ticket the response followed, else to params.department; its kind (a
-- ticket kind of manyi.yaml with SLA rules of its own) is params.kind.
-- nil: no follow-up. response.answers has each answer by question code: a
-- number, an open text, or a choice question's codes joined by ';'.
--
-- params (policies.alert.params in manyi.yaml):
--   overall       survey code -> the code of its overall question
--                 ({csat = "q_overall"}); a survey not listed is judged by
--                 its comments only
--   detractor_max the highest overall answer that is a detractor (2)
--   complaint_categories  coding categories that count as a complaint
--   department    where follow-ups of responses without a ticket go
--   kind          the follow-up's ticket kind ("callback")
--   priority      {complaint = 1, detractor = 2}: 1 = most urgent

local tr = manyi.tr -- the reasons in the language of manyi's messages

local function has_category(list, code)
  return string.find(";" .. list .. ";", ";" .. code .. ";", 1, true) ~= nil
end

local function alert(response, customer, ticket, params)
  -- its comments are not coded yet: survey code asks again with their categories
  if not response.coded then return nil end
  local why, priority
  local categories = response.categories
  if categories ~= "" then -- most responses have no coded comment
    for _, c in ipairs(params.complaint_categories) do
      if has_category(categories, c) then
        why = string.format(tr("comment coded as %s"), c)
        priority = params.priority.complaint
        break
      end
    end
  end
  local q -- params.overall[survey] would raise for a survey it does not list
  local survey = response.survey
  for s, code in pairs(params.overall) do
    if s == survey then
      q = code
      break
    end
  end
  local score = q and response.answers[q]
  if type(score) == "number" and score <= params.detractor_max then
    local s = string.format(tr("overall answer %d (<= %d)"), score, params.detractor_max)
    why = why and string.format(tr("%s and %s"), s, why) or s
    priority = priority or params.priority.detractor
  end
  if not why then return nil end
  local dept = ticket and ticket.department or params.department
  return {
    department = dept,
    kind = params.kind,
    priority = priority,
    reason = string.format(tr("call back %s: %s"), customer.external_id, why),
  }
end

return { alert = alert }
