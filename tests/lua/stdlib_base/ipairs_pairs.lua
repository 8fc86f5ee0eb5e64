-- ipairs
local t = {"a", "b", "c", nil, "e"}
for i, v in ipairs(t) do io.write(i, v, " ") end
print()
for i, v in ipairs({}) do print("never") end
local f, s, init = ipairs(t)
print(type(f), s == t, init)
print(f(t, 0), f(t, 2), f(t, 3))
print(pcall(ipairs))
print(pcall(function() for _ in ipairs(nil) do end end))
-- ipairs on strings via __index? strings have no integer keys
for i, v in ipairs(setmetatable({}, {__index = {10, 20}})) do io.write(i, "=", v, " ") end
print()
-- ipairs stops at the first nil even with later elements
local holes = {1, 2, nil, 4}
local n = 0
for _ in ipairs(holes) do n = n + 1 end
print(n)
-- pairs
local p, ps, pinit = pairs(t)
print(p == next, ps == t, pinit)
local keys = {}
for k, v in pairs({x = 1, y = 2, z = 3, 10, 20}) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
table.sort(keys)
print(table.concat(keys, " "))
-- pairs with __pairs returns the metamethod's three values
local mp = setmetatable({}, {__pairs = function(tt) return function(_, k) if not k then return 1, "one" end end, tt, nil end})
for k, v in pairs(mp) do print(k, v) end
print(pcall(pairs))
local okp, np, sp, ip = pcall(pairs, 1)
print(okp, np == next, sp, ip)
-- next
print(next({}), next({5}), next({5}, 1))
local nk = {}
local sortk = {}
local tt = {a = 1, b = 2, c = 3}
local k, v = next(tt)
while k do sortk[#sortk + 1] = k k, v = next(tt, k) end
table.sort(sortk)
print(table.concat(sortk))
-- array-part traversal through pairs is in index order
local arr = {}
for i = 1, 20 do arr[i] = i end
local seq = {}
for k in pairs(arr) do seq[#seq + 1] = k end
print(table.concat(seq, ","))
