-- __index
local base = {a = 1, b = 2}
local t = setmetatable({b = 20}, {__index = base})
print(t.a, t.b, t.c, rawget(t, "a"))
-- function __index receives table and key
local seen = {}
local f = setmetatable({}, {__index = function(tbl, k) seen[#seen + 1] = tostring(k) return k .. "!" end})
print(f.x, f[1], f.y, table.concat(seen, ","))
print(rawget(f, "x"))
-- chains
local c1 = {deep = "from c1"}
local c2 = setmetatable({}, {__index = c1})
local c3 = setmetatable({}, {__index = c2})
local c4 = setmetatable({}, {__index = c3})
print(c4.deep, c4.none)
-- __index on a missing key only
local calls = 0
local m = setmetatable({present = false}, {__index = function() calls = calls + 1 return "mm" end})
print(m.present, m.absent, calls)
-- __index with nil value stored
local n = setmetatable({}, {__index = {k = "v"}})
n.k = nil
print(n.k)
n.k = "own"
print(n.k)
-- strings use __index = string
print(("abc"):len(), ("x").upper == string.upper, #string.format("%5s", "a"))
-- __index table that is itself a proxy with function
local proxy = setmetatable({}, {__index = setmetatable({}, {__index = function(_, k) return "p_" .. k end})})
print(proxy.zz)
-- indexing a non-table with __index through debug-free means: numbers have no metatable
print(pcall(function() return (5).x end))
print(pcall(function() local b = true return b.x end))
-- __index on integer keys and float normalization
local arr = setmetatable({}, {__index = function(_, k) return math.type(k) end})
print(arr[1], arr[1.0], arr[1.5], arr[2^53])
-- long __index chain
local long = {final = "end of chain"}
for i = 1, 50 do long = setmetatable({}, {__index = long}) end
print(long.final)
-- rawget bypasses
print(rawget(c4, "deep"), rawequal(c4, c4))
