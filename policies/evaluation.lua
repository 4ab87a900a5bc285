-- evaluation.lua: the default department evaluation policy.
--
-- evaluate(department, figures, params) -> {score, grade, passed, assessed, reasons}
--
-- The company rule: a department is assessed every period on weighted
-- criteria -- satisfaction, response-time attainment, resolution rate,
-- complaints and improvement actions -- and passes when the share of
-- satisfied customers reaches the target (e.g. >= 90 %).
--
-- Each criterion scores 0..1:
--   satisfaction  satisfied_share / targets.satisfaction      (at most 1)
--   response      first_response_met / targets.response       (at most 1)
--   resolution    resolution_rate / targets.resolution        (at most 1)
--   complaints    1 if complaint_rate <= targets.complaint_rate, else
--                 targets.complaint_rate / complaint_rate
--   actions       actions_done / actions_planned (1 when none were planned)
-- score = 100 * sum(weight * criterion) / sum(weight) over the criteria whose
-- figure is known (a nil figure leaves its criterion out, and says so).
-- Satisfaction counts only with at least min_responses answers.
-- grade = the first of params.grades whose min <= score.
-- passed = satisfied_share >= targets.satisfaction; with fewer than
-- min_responses answers the target is not assessed (assessed = false,
-- passed = false): "not assessed" is reported apart from "not passed".
--
-- params (all required; set under policies.evaluation.params in manyi.yaml):
--   weights        map   satisfaction, response, resolution, complaints, actions
--   targets        map   satisfaction, response, resolution (shares 0..1) and
--                        complaint_rate (share of tickets that are complaints)
--   min_responses  integer  survey answers needed to judge satisfaction
--   grades         list of {min = score, grade = text}, highest min first

local tr = manyi.tr -- the reasons in the language of manyi's messages

-- The criteria's and ratings' names as the reasons show them.
local label = {
  satisfaction = tr("satisfaction"), response = tr("response"), resolution = tr("resolution"),
  complaints = tr("complaints"), actions = tr("actions"), first_response = tr("first response"),
  exceeds = tr("exceeds"), meets = tr("meets"), below = tr("below"),
}

local function pct(x)
  return string.format("%.1f%%", x * 100)
end

local function evaluate(d, f, p)
  local w, t = p.weights, p.targets
  local reasons, sum, wsum = {}, 0, 0
  local function add(name, value, text)
    sum = sum + w[name] * value
    wsum = wsum + w[name]
    reasons[#reasons + 1] = string.format(tr("%s: %s -> %.2f x %.2f"), label[name], text, value, w[name])
  end
  local function skip(name, why)
    reasons[#reasons + 1] = string.format(tr("%s: not assessed (%s)"), label[name], why)
  end

  local enough = f.satisfied_share ~= nil and f.responses >= p.min_responses
  if enough then
    add("satisfaction", math.min(1, f.satisfied_share / t.satisfaction),
      string.format(tr("%s satisfied, target %s"), pct(f.satisfied_share), pct(t.satisfaction)))
  else
    skip("satisfaction", string.format(tr("%s answers, %s needed"), f.responses, p.min_responses))
  end
  if f.first_response_met ~= nil then
    add("response", math.min(1, f.first_response_met / t.response),
      string.format(tr("%s first responses in time, target %s"), pct(f.first_response_met), pct(t.response)))
  else
    skip("response", tr("no tickets"))
  end
  if f.resolution_rate ~= nil then
    add("resolution", math.min(1, f.resolution_rate / t.resolution),
      string.format(tr("%s resolved, target %s"), pct(f.resolution_rate), pct(t.resolution)))
  else
    skip("resolution", tr("no tickets"))
  end
  if f.complaint_rate ~= nil then
    local v = 1
    if f.complaint_rate > t.complaint_rate then v = t.complaint_rate / f.complaint_rate end
    add("complaints", v, string.format(tr("%s complaints, limit %s"), pct(f.complaint_rate), pct(t.complaint_rate)))
  else
    skip("complaints", tr("no tickets"))
  end
  if f.actions_planned > 0 then
    add("actions", math.min(1, f.actions_done / f.actions_planned),
      string.format(tr("%s of %s improvement actions done"), f.actions_done, f.actions_planned))
  else
    add("actions", 1, tr("no improvement actions planned"))
  end

  local score = 0
  if wsum > 0 then score = 100 * sum / wsum end
  local grade = "-"
  for _, g in ipairs(p.grades) do
    if score >= g.min then grade = g.grade break end
  end
  local passed = enough and f.satisfied_share >= t.satisfaction
  local verdict = tr("target not met")
  if not enough then verdict = tr("target not assessed") elseif passed then verdict = tr("target met") end
  table.insert(reasons, 1, string.format(tr("%s %s: score %.1f, grade %s, %s"), d.code, f.period,
    score, grade, verdict))
  return { score = score, grade = grade, passed = passed, assessed = enough, reasons = reasons }
end

-- evaluate_staff(staff, figures, params) -> {rating, notes}
--
-- An agent's scorecard (manyi eval staff). params.staff:
--   targets        map   first_response, resolution, satisfaction (shares 0..1)
--   min_tickets    integer  fewer tickets: "not_rated"
--   min_responses  integer  fewer answers: satisfaction is not judged
--   max_complaints integer  complaints against the agent allowed in a period
--   ratings        list  the ratings the engine accepts (checked in C)
-- A criterion whose figure is nil (no clock decided, too few answers) is not
-- judged. Missed: 0 -> "exceeds" when satisfaction was judged and there was
-- no complaint, else "meets"; 1 -> "meets"; 2 or more -> "below".
local function evaluate_staff(s, f, p)
  local q = p.staff
  local t = q.targets
  local notes, missed = {}, 0
  if f.tickets < q.min_tickets then
    notes[1] = string.format(tr("%s %s: %d tickets, %d needed for a rating"), s.code, f.period,
      f.tickets, q.min_tickets)
    return { rating = "not_rated", notes = notes }
  end
  local function judge(name, value, target, text)
    if value == nil then
      notes[#notes + 1] = string.format(tr("%s: not judged (%s)"), label[name], text)
      return
    end
    local ok = value >= target
    if not ok then missed = missed + 1 end
    notes[#notes + 1] = string.format(ok and tr("%s: %s, target %s") or tr("%s: %s, target %s (missed)"),
      label[name], pct(value), pct(target))
  end
  judge("first_response", f.first_response_met, t.first_response, tr("no clock decided"))
  judge("resolution", f.resolution_met, t.resolution, tr("no clock decided"))
  local sat = f.satisfied_share
  if f.responses < q.min_responses then sat = nil end
  judge("satisfaction", sat, t.satisfaction,
    string.format(tr("%s answers, %s needed"), f.responses, q.min_responses))
  local many = f.complaints > q.max_complaints
  if many then missed = missed + 1 end
  notes[#notes + 1] = string.format(many and tr("complaints: %d, at most %d (missed)")
    or tr("complaints: %d, at most %d"), f.complaints, q.max_complaints)
  local rating = "below"
  if missed == 0 and sat ~= nil and f.complaints == 0 then rating = "exceeds"
  elseif missed <= 1 then rating = "meets" end
  table.insert(notes, 1, string.format(tr("%s %s: %s (%d missed)"), s.code, f.period, label[rating], missed))
  return { rating = rating, notes = notes }
end

return { evaluate = evaluate, evaluate_staff = evaluate_staff }
