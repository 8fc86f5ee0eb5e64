-- __lt and __le
local mt = {}
mt.__lt = function(a, b) return a.v < b.v end
mt.__le = function(a, b) return a.v <= b.v end
local function o(v) return setmetatable({v = v}, mt) end
local a, b = o(1), o(2)
print(a < b, a > b, a <= b, a >= b, b <= b, b >= a)
-- results converted to booleans
local weird = setmetatable({}, {__lt = function() return 1 end, __le = function() return nil end})
print(weird < weird, weird <= weird, weird > weird, weird >= weird)
-- mixed operand types use the metamethod of either
local num = setmetatable({}, {__lt = function(x, y) return type(x) .. "<" .. type(y) end})
print(num < 1, 1 < num, pcall(function() return num <= 1 end))
-- no __le: Lua 5.4 does not fall back to not __lt
local onlylt = setmetatable({}, {__lt = function() return true end})
print(pcall(function() return onlylt <= onlylt end))
print(pcall(function() return {} < {} end))
print(pcall(function() return {} <= 1 end))
print(pcall(function() return "a" < setmetatable({}, {}) end))
-- sorting with __lt
local list = {o(3), o(1), o(2)}
table.sort(list)
print(list[1].v, list[2].v, list[3].v)
-- strings have no __lt: compared natively
print("a" < "b")
