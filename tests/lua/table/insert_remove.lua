local t = {}
table.insert(t, "a")
table.insert(t, "b")
table.insert(t, 1, "c")
table.insert(t, 2, "d")
table.insert(t, #t + 1, "e")
print(#t, table.concat(t, ","))
print(pcall(table.insert, t, 0, "x"))
print(pcall(table.insert, t, 7, "x"))
print(pcall(table.insert, t, -1, "x"))
print(pcall(table.insert, t))
print(pcall(table.insert, t, 1, 2, 3))
print(pcall(table.insert, nil, 1))
print(pcall(table.insert, t, "2", "y"), t[2])
print(pcall(table.insert, t, 1.5, "z"))
print(table.concat(t, ","))
-- remove
local r = {1, 2, 3, 4, 5}
print(table.remove(r), #r, table.concat(r, ","))
print(table.remove(r, 1), #r, table.concat(r, ","))
print(table.remove(r, 2), #r, table.concat(r, ","))
print(table.remove(r, #r + 1), #r)
print(pcall(table.remove, r, 5))
print(pcall(table.remove, r, -1))
local e = {}
print(table.remove(e), table.remove(e, 0), table.remove(e, 1), #e)
print(pcall(table.remove, e, 2))
local z = {[0] = "zero"}
print(table.remove(z, 0), z[0])
local one = {"only"}
print(table.remove(one, 1), #one, one[1])
print(select('#', table.remove({})))
-- insert/remove honor metamethods
local log = {}
local proxy = setmetatable({}, {
  __len = function() return 2 end,
  __index = function(_, k) return "idx" .. k end,
  __newindex = function(tt, k, v) log[#log + 1] = k .. "=" .. tostring(v) end,
})
table.insert(proxy, "new")
table.insert(proxy, 1, "first")
print(table.concat(log, " "))
log = {}
print(table.remove(proxy, 1), table.concat(log, " "))
