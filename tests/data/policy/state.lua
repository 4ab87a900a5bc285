-- Calls keep no state (issue 16): each trick below decided B, A, B, A for
-- four identical customers before load-time state was frozen.
local n = 0
local box = { n = 0 }
local Class = {}
Class.__index = Class
function Class.get(self) return self.v end
local list = { 10, 20, 30 }
total = 0 -- a global made at load
shared = { n = 0 }

local tricks = {}
function tricks.upvalue() n = n + 1 return n % 2 == 1 and "B" or "A", "count " .. n end
function tricks.table() box.n = box.n + 1 return box.n % 2 == 1 and "B" or "A", "count" end
function tricks.global() total = total + 1 end
function tricks.global_table() shared.n = shared.n + 1 end
function tricks.new_key() box.seen = true end
function tricks.setmeta() setmetatable(box, {}) end
-- reads of frozen tables still work; a metatable made at load still serves
function tricks.reads()
  local obj = setmetatable({ v = "ok" }, Class)
  assert(#list == 3 and list[2] == 20 and select("#", table.unpack(list)) == 3)
  local s = 0
  for _, v in ipairs(list) do s = s + v end
  for k, v in pairs(box) do assert(k == "n" and v == 0) end
  assert(next(box) == "n" and rawget(box, "n") == 0 and rawlen(list) == 3)
  assert(getmetatable(box) == nil and getmetatable(obj) == Class and obj:get() == "ok")
  return "A", "sum " .. s
end

return { tier = function(c) return tricks[c.external_id](c) end }
