-- deep (non-tail) recursion must work
local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end
print(f(150000))
local function sum(t, i) if i > #t then return 0 end return t[i] + sum(t, i + 1) end
local t = {}
for i = 1, 10000 do t[i] = i end
print(sum(t, 1))
-- deep recursion through pcall
local function g(n) if n == 0 then return "bottom" end local ok, r = pcall(g, n - 1) return r end
print(g(150))
-- deep recursion through metamethods
local depth = 0
local mt = {}
mt.__index = function(t, k) depth = depth + 1 if k == 0 then return "found" end return t[k - 1] end
local obj = setmetatable({}, mt)
print(obj[150], depth)
-- ackermann
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print(ack(2, 3), ack(3, 3))
