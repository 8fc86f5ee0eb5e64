-- infinite recursion is caught as an error
local function inf(n) return 1 + inf(n + 1) end
local ok, err = pcall(inf, 1)
print(ok, type(err), string.find(err, "stack overflow", 1, true) ~= nil)
-- the interpreter is still usable afterwards
local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end
print(f(1000))
local function inf2() local t = {} return inf2() + 1 end
ok, err = pcall(inf2)
print(ok, string.find(err, "stack overflow", 1, true) ~= nil)
-- overflow inside metamethods
local mt = {}
mt.__index = function(t, k) return t[k + 1] end
local obj = setmetatable({}, mt)
ok, err = pcall(function() return obj[1] end)
print(ok, string.find(err, "stack overflow", 1, true) ~= nil)
-- overflow in error handler of xpcall
ok = xpcall(inf, function(m) return "handled" end, 1)
print(ok)
-- overflow building a string via recursion of concatenation
local function cat(n) return "x" .. cat(n + 1) end
ok, err = pcall(cat, 1)
print(ok, string.find(err, "stack overflow", 1, true) ~= nil)
print("still alive")
