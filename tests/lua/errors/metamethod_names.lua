-- Calls of non-callable metamethods name the event; metamethod frames are named by it.
local a = setmetatable({}, {__add = 34, __lt = {}, __index = 1, __concat = true, __len = "x"})
print(pcall(function() return a + 1 end))
print(pcall(function() return a < a end))
print(pcall(function() return #a end))
print(pcall(function() return a .. "x" end))
print(pcall(function() return 1 - a end))
local b = setmetatable({}, {__add = function(x, y) local i = debug.getinfo(1, "n") return i.name .. "/" .. i.namewhat end,
  __index = function(t, k) return debug.traceback("tb", 1):match("in [^\n]*") end})
print(b + 1)
print(b.zzz)
