-- §6.1 next: "The behavior of next is undefined if, during the traversal, you
-- assign any value to a non-existent field in the table. You may however
-- modify existing fields. In particular, you may clear existing fields."
-- Only order-independent facts are printed (lua5.4's hash order differs).

local function count(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n
end

-- clearing the last array item, then continuing from it
local t = {1, 2, 3}
t[3] = nil
print(next(t, 3))
print(next(t, 2))
t = {1, 2, 3, 4}
t[4] = nil
t[3] = nil
print(next(t, 4), next(t, 3))

-- the idiom from the manual: clear every key inside pairs
t = {10, 20, 30, 40, 50}
for k in pairs(t) do t[k] = nil end
print(count(t), #t, next(t))

-- a large mixed table: array part, float keys, string keys, holes, booleans
local big = {}
for i = 1, 1000 do big[i] = i end
for i = 1, 300 do big["s" .. i] = i end
for i = 1, 200 do big[i + 0.5] = i end
for i = 2000, 2100 do big[i] = i end
big[true] = 1
big[false] = 0
local visited, sum = 0, 0
for k, v in pairs(big) do
  visited = visited + 1
  sum = sum + v
  big[k] = nil
end
print(visited, sum, count(big), next(big))

-- clearing keys other than the current one (each still visited at most once)
local m = {}
for i = 1, 50 do m[i] = i end
for i = 1, 50 do m["k" .. i] = i end
local seen = {}
local dup = false
for k in pairs(m) do
  if seen[k] then dup = true end
  seen[k] = true
  if type(k) == "number" and k < 50 then
    m[50 - k + 1] = nil -- clears from the end of the array part
  end
  if k == "k1" then
    for i = 2, 50 do m["k" .. i] = nil end
  end
end
print(dup, count(m))

-- clearing from the end of the array part while traversing it forwards
local r = {}
for i = 1, 10 do r[i] = i end
r.x = "x"
local order = {}
local last = 10
for k, v in pairs(r) do
  order[#order + 1] = tostring(k)
  if last > 5 then r[last] = nil; last = last - 1 end
end
table.sort(order)
print(table.concat(order, " "), count(r))

-- assigning existing keys during the traversal
local a = {}
for i = 1, 100 do a[i] = i end
for i = 1, 100 do a["n" .. i] = i end
a[1.5] = 0
local n = 0
for k, v in pairs(a) do
  a[k] = v * 2
  n = n + 1
end
local total = 0
for _, v in pairs(a) do total = total + v end
print(n, total, a[1], a[100], a.n1, a.n100, a[1.5])

-- mixing: double some, clear others
local mix = {}
for i = 1, 60 do mix[i] = i; mix["h" .. i] = i end
local visits = 0
for k, v in pairs(mix) do
  visits = visits + 1
  if v % 2 == 0 then mix[k] = nil else mix[k] = -v end
end
local neg, rest = 0, 0
for _, v in pairs(mix) do if v < 0 then neg = neg + 1 else rest = rest + 1 end end
print(visits, neg, rest, mix[1], mix[2], mix[59], mix.h59, mix.h60)

-- next with keys that were never in the table still fails
print(pcall(next, {}, 1))
print(pcall(next, {1, 2, 3}, 5))
print(pcall(next, {1, 2, 3}, 2.5))
print(pcall(next, {x = 1}, "y"))
