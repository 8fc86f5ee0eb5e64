local function s(t) return table.concat(t, " ") end
local t = {5, 2, 8, 1, 9, 3}
table.sort(t)
print(s(t))
table.sort(t, function(a, b) return a > b end)
print(s(t))
local words = {"banana", "apple", "Cherry", "date"}
table.sort(words)
print(s(words))
table.sort(words, function(a, b) return a:lower() < b:lower() end)
print(s(words))
local e = {}
table.sort(e)
print(#e)
local one = {1}
table.sort(one)
print(s(one))
local mixed = {3.5, 1, 2.25, -1, 0}
table.sort(mixed)
print(s(mixed))
local oks, es = pcall(table.sort, {1, "x", 2})
print(oks, (es:gsub("string with number", "number with string")))
print(pcall(table.sort, {{}, {}}))
print(pcall(table.sort, {1, 2}, 3))
print(pcall(table.sort, nil))
-- invalid order function: only the status is deterministic enough to print
local bad = {}
for i = 1, 100 do bad[i] = i % 7 end
print((pcall(table.sort, bad, function(a, b) return true end)))
-- stability is not guaranteed; sort records by unique key
local recs = {}
for i = 1, 50 do recs[i] = {k = (i * 37) % 50, v = i} end
table.sort(recs, function(a, b) return a.k < b.k end)
local ok = true
for i = 2, 50 do if recs[i - 1].k > recs[i].k then ok = false end end
print(ok, recs[1].k, recs[50].k)
-- large sort
local big = {}
local x = 12345
for i = 1, 1000 do x = (x * 1103515245 + 12345) % 2147483648 big[i] = x end
table.sort(big)
local sorted = true
for i = 2, #big do if big[i - 1] > big[i] then sorted = false end end
print(sorted, #big)
-- sort with __lt metamethod objects
local mt = {__lt = function(a, b) return a.v < b.v end}
local objs = {}
for i, v in ipairs({4, 2, 3, 1}) do objs[i] = setmetatable({v = v}, mt) end
table.sort(objs)
print(objs[1].v, objs[2].v, objs[3].v, objs[4].v)
-- sort uses __len/__index/__newindex
local backing = {3, 1, 2}
local proxy = setmetatable({}, {__len = function() return #backing end, __index = backing, __newindex = backing})
table.sort(proxy)
print(s(backing))
local strs = {"b", "a", "c", "aa", "", "B"}
table.sort(strs)
print(s(strs))
