-- coding.lua: the default coding of open answers and complaint texts.
--
-- code(text, params) -> list of category codes
--
-- text.text is the answer or the complaint's description (UTF-8), text.source
-- "survey" or "complaint", text.question the question code (nil for
-- complaints). A category applies when the text contains one of its keywords
-- (plain substrings; ASCII letters compared without case, Chinese and other
-- UTF-8 text as written) or matches one of its Lua patterns (byte patterns:
-- `.` is one byte, so match Chinese words literally). Categories come back
-- in the order params lists them, each at most once.
--
-- params (set under policies.coding.params in manyi.yaml):
--   categories  list of {code, keywords = {...}, patterns = {...}}; both lists
--               are required (write [] for none)

local function code(t, p)
  local text = string.lower(t.text)
  local out = {}
  for _, c in ipairs(p.categories) do
    local hit = false
    for _, k in ipairs(c.keywords) do
      if string.find(text, string.lower(k), 1, true) then hit = true break end
    end
    if not hit then
      for _, pat in ipairs(c.patterns) do
        if string.find(text, pat) then hit = true break end
      end
    end
    if hit then out[#out + 1] = c.code end
  end
  return out
end

return { code = code }
