-- bitwise metamethods
local B = {}
local function b(x) return setmetatable({x = x}, B) end
local function val(a) return type(a) == "table" and a.x or a end
for _, ev in ipairs({"band", "bor", "bxor", "shl", "shr", "bnot"}) do
  B["__" .. ev] = function(p, q) return ev .. "(" .. tostring(val(p)) .. "," .. tostring(val(q)) .. ")" end
end
local x, y = b(12), b(10)
print(x & y, x | y, x ~ y, x << y, x >> y, ~x)
print(x & 1, 1 | x, 1.5 ~ x, "s" << x, x >> 2.5)
-- floats without integer representation use the metamethod when present
print(b(1) & 2.5)
print(pcall(function() return 1.5 & 2 end))
print(pcall(function() return {} | 1 end))
print(pcall(function() return 1 | {} end))
print(pcall(function() return ~{} end))
print(pcall(function() local s = "x" return ~s end))
print(pcall(function() return "1.5" >> 1 end))
-- __bnot gets the operand twice
local C = setmetatable({}, {__bnot = function(p, q) return rawequal(p, q) end})
print(~C)
