-- __eq
local calls = 0
local mt = {__eq = function(a, b) calls = calls + 1 return a.v == b.v end}
local a = setmetatable({v = 1}, mt)
local b = setmetatable({v = 1}, mt)
local c = setmetatable({v = 2}, mt)
print(a == b, a == c, a ~= b, a ~= c, calls)
-- same object: no call
calls = 0
print(a == a, calls)
-- only for two tables: no call for table vs number/string
print(a == 1, a == "x", 1 == a, calls)
-- result converted to boolean
local truthy = setmetatable({}, {__eq = function() return "yes" end})
local other = setmetatable({}, {})
print(truthy == other, other == truthy, truthy ~= other)
local falsy = setmetatable({}, {__eq = function() return nil end})
print(falsy == {}, {} == falsy)
-- only one operand needs the metamethod; first operand is tried first
local left = setmetatable({}, {__eq = function() return "L" end})
local right = setmetatable({}, {__eq = function() return false end})
print(left == right, right == left)
-- __eq is not used by rawequal or table keys
print(rawequal(a, b))
local t = {}
t[a] = "a"
print(t[b])
-- __eq for different metatables
local x = setmetatable({}, {__eq = function() return true end})
local y = setmetatable({}, {__eq = function() return false end})
print(x == y, y == x)
