-- Stores and loads with integer keys in the array part, where the interpreter takes
-- its shortest path: borders after storing nil, and metamethods on holes.
local t = {1, 2, 3, 4}
t[4] = nil
print(#t, t[4])
t[2] = nil
print(t[2], t[3])
t[4] = "four"
print(t[4], t[3])

local log = {}
local mt = {
  __index = function(_, k) log[#log + 1] = "index " .. k; return "dflt" end,
  __newindex = function(tt, k, v) log[#log + 1] = "newindex " .. k; rawset(tt, k, v) end,
}
local p = setmetatable({10, 20, 30}, mt)
local i = 2
print(p[i], p[i + 1])
p[i] = 21           -- present: stored directly
p[i] = nil          -- present, now nil
print(p[i])         -- a hole: __index
p[i] = 22           -- a hole: __newindex
print(p[i], p[4], #log)
for _, l in ipairs(log) do print(l) end

-- float keys with integer values name the same slots
local f = {1, 2, 3}
local k = 2.0
f[k] = "two"
print(f[2], f[k], f[3.0])
-- out of range and non-integer keys
local j = 0
f[j] = "zero"
f[1.5] = "x"
print(f[0], f[1.5], #f)
-- a loop that fills and empties the array
local a = {}
for n = 1, 100 do a[n] = n end
for n = 100, 1, -1 do a[n] = nil end
print(#a, next(a))
