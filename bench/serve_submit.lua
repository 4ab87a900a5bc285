-- wrk script of bench/serve.sh: each request answers the questionnaire of
-- the next unused personal link (the links of $TOKENS, shared out between
-- wrk's threads), as the page's form would send it.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  tokens, next_token = {}, 1
  local i = 0
  for line in io.lines(os.getenv("TOKENS")) do
    if i % 2 == id then tokens[#tokens + 1] = line end
    i = i + 1
  end
end

function request()
  local t = tokens[next_token] or tokens[#tokens] -- past the end: answered already (409)
  next_token = next_token + 1
  return wrk.format("POST", "/s/" .. t,
    {["Content-Type"] = "application/x-www-form-urlencoded"},
    "_opened=1795395500&q_overall=" .. (next_token % 5 + 1) .. "&q_nps=" .. (next_token % 11)
      .. "&q_comment=%E8%BF%98%E4%B8%8D%E9%94%99")
end
