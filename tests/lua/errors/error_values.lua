-- error with various values
print(pcall(error, "msg"))
print(pcall(error, "msg", 0))
print(pcall(function() error("msg") end))
print(pcall(function() error("msg", 1) end))
print(pcall(function() error("msg", 0) end))
local function lvl2() error("level two", 2) end
print(pcall(function()
  lvl2()   -- this line is blamed
end))
local function lvl3() local function inner() error("level three", 3) end inner() end
print(pcall(function()
  lvl3()   -- blamed
end))
print(pcall(error))
print(pcall(error, nil))
print(pcall(error, 42))
print(pcall(error, 42.5))
print(pcall(function() error(42) end))
print(pcall(function() error(true) end))
local t = {code = 1}
local ok, e = pcall(error, t)
print(ok, e == t, e.code)
ok, e = pcall(function() error(t, 2) end)
print(ok, e == t)
-- error with a non-string message does not get position info
ok, e = pcall(function() error({}) end)
print(ok, type(e))
-- error messages that are numbers-as-strings
print(pcall(function() error("10") end))
-- rethrow keeps the original message
ok, e = pcall(function()
  local ok2, e2 = pcall(error, "inner")
  error(e2, 0)
end)
print(ok, e)
ok, e = pcall(function()
  local ok2, e2 = pcall(function() error("deep") end)
  error(e2)  -- adds a second position prefix
end)
print(ok, e)
-- error() with level pointing at a C function or beyond the stack
print(pcall(error, "x", 2))
print(pcall(function() error("far", 50) end))
-- error in a nested function called from a method
local obj = {}
function obj:fail() error("method failed") end
print(pcall(obj.fail, obj))
print(select('#', pcall(error)))
