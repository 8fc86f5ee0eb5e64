local function show(t, n) local r = {} for i = 1, n do r[i] = tostring(t[i]) end return table.concat(r, ",") end
local a = {1, 2, 3, 4, 5}
print(show(table.move(a, 2, 4, 1), 5))
a = {1, 2, 3, 4, 5}
print(show(table.move(a, 1, 3, 3), 5))
a = {1, 2, 3}
local b = {}
print(table.move(a, 1, 3, 1, b) == b, show(b, 3))
print(show(table.move({1, 2, 3}, 1, 0, 1, {"x"}), 1))
print(show(table.move({1, 2, 3}, 2, 3, 5), 6))
print(pcall(table.move, {}, 1, math.maxinteger, 2))
print(pcall(table.move, {}, -1, math.maxinteger, 2))
local okm, rm = pcall(table.move, {1}, 1, 1, math.maxinteger)
print(okm, type(rm), rm[math.maxinteger])
print(pcall(table.move, 1, 1, 1, 1))
print(pcall(table.move, {}, 1, 2))
local log = {}
local src = setmetatable({}, {__index = function(_, k) return k * 10 end})
local dst = setmetatable({}, {__newindex = function(_, k, v) log[#log + 1] = k .. ":" .. v end})
table.move(src, 1, 3, 5, dst)
print(table.concat(log, " "))
local t = {[0] = "z", "a", "b"}
table.move(t, 0, 2, 1)
print(t[0], t[1], t[2], t[3])
