-- A module for attacks.lua: require loads it from the same folder.
local M = {}
function M.double(x) return 2 * x end
return M
