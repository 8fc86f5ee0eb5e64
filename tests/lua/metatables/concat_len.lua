-- __concat and __len
local C = setmetatable({}, {__concat = function(a, b)
  local function s(v) return type(v) == "table" and "C" or tostring(v) end
  return s(a) .. "+" .. s(b)
end})
print(C .. "x", "x" .. C, 1 .. C, C .. C, C .. 2.0)
print("a" .. "b" .. C)   -- right associative: "b" .. C first
print(C .. "a" .. "b")
print(pcall(function() return {} .. "x" end))
print(pcall(function() return "x" .. setmetatable({}, {}) end))
-- __concat with numbers on both sides in a chain
local D = setmetatable({}, {__concat = function(a, b) return "D" end})
print(1 .. 2 .. D, D .. 1 .. 2)
-- __len
local L = setmetatable({1, 2, 3}, {__len = function(t) return 42 end})
print(#L, rawlen(L))
local L2 = setmetatable({}, {__len = function() return "not a number" end})
print(#L2)
local L3 = setmetatable({}, {__len = function(t, t2) return rawequal(t, t2) end})
print(#L3)
-- __len does not affect strings
print(#"abc")
-- table.insert/# use __len
local cnt = setmetatable({}, {__len = function() return 10 end})
table.insert(cnt, "v")
print(rawget(cnt, 11))
print(pcall(function() return #print end))
