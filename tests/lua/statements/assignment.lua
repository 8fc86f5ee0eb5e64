-- §3.3.3 assignment
local a, b, c = 1, 2
print(a, b, c)
a, b = b, a
print(a, b)
local x, y, z = 1, 2, 3, 4, print("extra evaluated")
print(x, y, z)
local t = {1, 2, 3}
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])
t = {10, 20}
t[1], t[2] = t[2], t[1]
print(t[1], t[2])
local log = {}
local mt = {__newindex = function(tt, k, v) log[#log + 1] = k .. "=" .. tostring(v) rawset(tt, k, v) end}
local p = setmetatable({}, mt)
p.a, p.b, p.c = 1, 2, 3
table.sort(log)
print(table.concat(log, " "))
-- globals
g1, g2 = "G1"
print(g1, g2, _G.g1, _ENV.g2)
_G.g3 = 3
print(g3)
local function r() return 1, 2, 3 end
local q1, q2, q3, q4 = 0, r()
print(q1, q2, q3, q4)
q1, q2, q3 = r(), 10
print(q1, q2, q3)
-- chained field assignment
local o = {inner = {}}
o.inner.value = 5
o["inner"]["other"] = 6
print(o.inner.value, o.inner.other)
-- assignment evaluates all expressions before assigning
local m, n = 1, 2
m, n = n + 1, m + 1
print(m, n)
local arr = {}
local k = 1
arr[k], k = "first", 2
print(arr[1], arr[2], k)
-- local shadowing
local s = 1
local s = s + 1
print(s)
do local s = 100 print(s) end
print(s)
