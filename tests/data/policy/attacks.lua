-- Adversarial cases for tests/test_policy.c: the customer's external_id
-- picks the attack; "good" is a normal decision that also checks that the
-- sandbox was not changed by an earlier attack. Lines marked "-- @name" are
-- looked up by the test to check reported line numbers.
local helper = require("helper")

local attacks = {}

function attacks.good(c, p)
  assert(("abc"):upper() == "ABC" and string.upper("x") == "X", "string library was changed")
  assert(type(collectgarbage("count")) == "number")
  assert(helper.double(p.factor) == 4, "params were changed")
  assert(p.nested.level == "deep" and #p.list == 3 and p.list[2] == 20)
  assert(c.region == nil and c.spend == 150000.5)
  assert(string.rep("ab", 3, ",") == "ab,ab,ab" and table.move({1, 2}, 1, 2, 2)[3] == 2)
  return "A", "good " .. c.orders
end

-- budgets -------------------------------------------------------------
function attacks.loop() while true do end end
function attacks.loop_pcall()
  while true do pcall(function() while true do end end) end
end
function attacks.loop_coroutine()
  local co = coroutine.create(function() while true do end end)
  coroutine.resume(co)
  return "A", "escaped the budget through a coroutine"
end
function attacks.loop_wrap()
  pcall(coroutine.wrap(function() while true do end end))
  return "A", "escaped the budget through coroutine.wrap"
end
function attacks.loop_gsub()
  string.gsub(string.rep("a", 100), "a", function() while true do end end)
end
function attacks.mem_rep() local s = string.rep("x", 1 << 30) return "A", s end
function attacks.mem_rep_pcall()
  pcall(string.rep, "x", 1 << 30)
  return "A", "escaped the memory budget through pcall"
end
function attacks.mem_table()
  local t, s = {}, string.rep("x", 16384)
  for i = 1, 1e9 do t[i] = s .. i end
end
function attacks.mem_concat()
  local s = "x"
  while true do s = s .. s end -- mem_concat: runs out here, within one hook step
end
function attacks.mem_concat_co()
  local s = "x"
  coroutine.wrap(function() while true do s = s .. s end end)() -- mem_concat_co: here
end
function attacks.rep_empty() return "A", string.rep("", 1 << 62) .. "x" .. ("x"):rep(0) end
function attacks.move_loop() table.move({}, 1, 1 << 50, 1) end
function attacks.recursion()
  local function f(n) return 1 + f(n + 1) end
  return f(1)
end
function attacks.recursion_pcall()
  local function f() local ok, err = pcall(f) if not ok then error(err, 0) end end
  f()
end
function attacks.pattern_time()
  local s = string.rep("a", 100)
  while true do s:find(".-.-x") end
end
-- issue 16: a handler that loops ran inside the count hook, where hooks are
-- off, and hung the process; C searches that the old bound missed.
function attacks.xpcall_loop()
  xpcall(function() while true do end end, function() while true do end end)
  return "A", "escaped the budget through an xpcall handler"
end
function attacks.xpcall_nested()
  while true do
    xpcall(function() xpcall(function() while true do end end, function() while true do end end) end,
           function() while true do end end)
  end
end
-- issue 16, the watchdog: a __close handler run after a budget hit in a
-- coroutine ran with hooks off (the hit was raised in the count hook); an
-- instruction that works long in C (a comparison of two long strings) ran a
-- thousand times between two stops of the count hook.
local function closer() return setmetatable({}, { __close = function() while true do end end }) end
function attacks.close_wrap()
  coroutine.wrap(function() local guard <close> = closer() while true do end end)()
end
function attacks.close_resume()
  local co = coroutine.create(function() local guard <close> = closer() while true do end end)
  coroutine.resume(co)
  coroutine.close(co)
  return "A", "escaped the budget through a __close handler"
end
function attacks.close_main()
  local guard <close> = closer()
  while true do end
end
function attacks.close_pcall()
  pcall(function() local guard <close> = closer() while true do end end)
  return "A", "escaped the budget through a __close handler under pcall"
end
local function long_pair()
  local a = string.rep("x", 1500000)
  return a, a:sub(1, -2) .. "y"
end
function attacks.compare_long()
  local a, b = long_pair()
  local n = 0
  while true do if a < b then n = n + 1 end end
end
function attacks.compare_long_co()
  local a, b = long_pair()
  coroutine.wrap(function() while true do local _ = a < b end end)()
end
function attacks.find_plain()
  local s = string.rep("a", 1 << 20)
  return "A", tostring(s:find(string.rep("a", 1 << 19) .. "b", 1, true))
end
function attacks.find_literal()
  local s = string.rep("a", 1 << 20)
  return "A", tostring(s:find(string.rep("a", 1 << 19) .. "b"))
end
function attacks.balance()
  return "A", tostring(string.rep("(", 1000000):find("%b()"))
end
function attacks.backref()
  local s = string.rep("a", 1000000)
  return "A", tostring(s:find("(" .. string.rep("a", 100000) .. ")%1b"))
end
function attacks.gsub_long()
  local s = string.rep("a", 1 << 20)
  return "A", tostring(select(2, s:gsub(string.rep("a", 5000) .. "b", "")))
end
function attacks.pattern_exp()
  return string.find(string.rep("a", 30), string.rep("a?", 30) .. string.rep("a", 30))
end
function attacks.busy()
  local x = 0
  for i = 1, 30000 do x = x + i end
  return "B", "busy " .. x
end

-- reaching out of the sandbox -------------------------------------------
function attacks.io() return io.open("/etc/passwd") end
function attacks.os_execute() os.execute("true") end
function attacks.os_exit() os.exit(1) end
function attacks.os_getenv() return os.getenv("HOME") end
function attacks.debug() debug.sethook() end
function attacks.package() return package.loadlib("libc.so.6", "system") end
function attacks.dofile() dofile("/etc/passwd") end
function attacks.print() print("hello") end
function attacks.dump() return string.dump(attacks.good) end
function attacks.dump_method() return ("").dump(attacks.good) end
function attacks.load_binary() return load("\27Lua\84\0", "x", "b") end
function attacks.load_binary_text() return assert(load("\27Lua\84\0")) end
function attacks.load_env() local v = assert(load("return io"))() return v end
function attacks.collect() collectgarbage("collect") end
function attacks.string_mt() getmetatable("").__index.upper = function() return "pwned" end end
function attacks.string_write() string.upper = function() return "pwned" end end
function attacks.string_rawset() rawset(string, "upper", function() return "pwned" end) end
function attacks.gc() setmetatable({}, { __gc = function() while true do end end }) end
function attacks.env_mt() setmetatable(_ENV, nil) end
function attacks.global_write() counter = 1 end
function attacks.g_write() _G.string = nil end
function attacks.undefined() return undefined_thing end
function attacks.require_path() return require("../../../etc/passwd") end
function attacks.require_missing() return require("nothere") end
function attacks.view_write(c) c.tier = "A" end
function attacks.view_rawset(c) rawset(c, "tier", "A") end
function attacks.view_unknown(c) return c.spendd end
function attacks.params_write(c, p) p.factor = 100 end
function attacks.params_nested(c, p) p.nested.level = "shallow" end
function attacks.params_list(c, p) table.insert(p.list, 40) end

-- nonsense results ------------------------------------------------------
function attacks.ret_bad_tier() return "Z", "not a tier" end
function attacks.ret_number() return 3, "a number" end
function attacks.ret_nil() return nil end
function attacks.ret_table() return {}, "a table" end
function attacks.ret_nan() return 0 / 0, "nan" end
function attacks.ret_no_reason() return "A" end
function attacks.ret_empty_reason() return "A", "" end
function attacks.ret_long_reason() return "A", string.rep("x", 10240) end
function attacks.ret_cyclic() local t = {} t.t = t return "A", t end
function attacks.ret_bad_utf8() return "A", "caf\xe9" end

-- errors ----------------------------------------------------------------
function attacks.raise() error("boom") end -- @raise
function attacks.raise_table() error({ code = 1 }) end -- @raise_table
function attacks.raise_nil() error() end

local function tier(c, p)
  local f = attacks[c.external_id]
  if not f then error("no attack " .. c.external_id) end
  return f(c, p)
end

return { tier = tier }
