-- eligibility.lua: the default eligibility policy for survey waves.
--
-- eligible(customer, params) -> true | false | {eligible = false, reason = "..."}
--
-- The company rule: a customer may be invited to a survey wave when we may
-- contact them, they have not been asked too recently, and they are not in
-- the middle of a complaint. `manyi survey sample` (and the survey-wave job)
-- calls eligible() for every customer and counts those left out by reason.
-- With the params of the example this is the engine's built-in rule, so the
-- same seed draws the same wave with or without this file.
--
--   no_consent       params.require_consent and no channel the customer
--                    consented to has an address (customer.channel is nil);
--                    without require_consent: no email address or phone at all
--   region_excluded  customer.region is in params.exclude_regions
--   quiet_period     invited to any survey less than params.quiet_days days
--                    ago (customer.last_invited_days)
--   open_complaint   params.exclude_open_complaints and a complaint is open
--
-- params (all required; set under policies.eligibility.params in manyi.yaml):
--   quiet_days               integer  days between two invitations
--                                     (`survey sample --quiet-days` replaces it)
--   require_consent          boolean  invite only on a consented channel
--   exclude_open_complaints  boolean
--   exclude_regions          list     regions never surveyed ([] for none)

local function eligible(c, p)
  local channel = c.channel
  if not p.require_consent and not channel then
    -- service contact without marketing consent: any address we have
    channel = (c.has_email and "email") or (c.has_phone and "sms") or nil
  end
  if not channel then
    return { eligible = false, reason = "no_consent" }
  end
  for _, region in ipairs(p.exclude_regions) do
    if c.region == region then return { eligible = false, reason = "region_excluded" } end
  end
  if c.last_invited_days and c.last_invited_days < p.quiet_days then
    return { eligible = false, reason = "quiet_period" }
  end
  if p.exclude_open_complaints and c.open_complaints > 0 then
    return { eligible = false, reason = "open_complaint" }
  end
  return { eligible = true, channel = channel }
end

return { eligible = eligible }
