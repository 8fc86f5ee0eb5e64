-- arithmetic metamethods
local V = {}
V.__index = V
local function v(x) return setmetatable({x = x}, V) end
local function val(a) return type(a) == "table" and a.x or a end
for _, ev in ipairs({"add", "sub", "mul", "div", "mod", "pow", "unm", "idiv"}) do
  V["__" .. ev] = function(a, b) return ev .. "(" .. tostring(val(a)) .. "," .. tostring(val(b)) .. ")" end
end
local a, b = v(1), v(2)
print(a + b, a - b, a * b, a / b, a % b, a ^ b, -a, a // b)
print(a + 1, 1 + a, a - "s", "s" - a, 2.5 * a)
-- __unm receives the operand twice
print(-v(7))
-- the first operand with the metamethod is used
local L = setmetatable({}, {__add = function() return "left" end})
local R = setmetatable({}, {__add = function() return "right" end})
print(L + R, R + L, 1 + R, L + 1)
-- numeric strings still use string arithmetic, not table metamethods
print("10" + 5, "3" * "4")
-- string arithmetic metamethods (strings have __add etc.)
local smt = getmetatable("")
print(type(smt.__add), type(smt.__unm), type(smt.__idiv), smt.__band)
print(pcall(function() return "a" + 1 end))
print(pcall(function() return {} + 1 end))
print(pcall(function() local t = {} return t * 2 end))
print(pcall(function() local t = {} return 2 ^ t.x end))
print(pcall(function() return -{} end))
-- metamethod result is not adjusted
local multi = setmetatable({}, {__add = function() return 1, 2, 3 end})
print(multi + 1)
local nilr = setmetatable({}, {__add = function() end})
print(nilr + 1)
-- mixed with numbers on the right
local N = setmetatable({}, {__div = function(x, y) return type(x) .. "/" .. type(y) end})
print(N / 1, 1 / N, N / N)
