-- __newindex
local log = {}
local t = setmetatable({}, {__newindex = function(tbl, k, v) log[#log + 1] = k .. "=" .. tostring(v) rawset(tbl, k, v and v * 2) end})
t.x = 1
t.x = 5        -- existing key: no metamethod
t.y = 3
print(t.x, t.y, table.concat(log, " "))
-- __newindex as a table redirects the assignment
local store = {}
local p = setmetatable({}, {__newindex = store})
p.a = 10
print(rawget(p, "a"), store.a, p.a)
-- chain of __newindex tables
local final = {}
local mid = setmetatable({}, {__newindex = final})
local top = setmetatable({}, {__newindex = mid})
top.k = "v"
print(rawget(top, "k"), rawget(mid, "k"), final.k)
-- read-only table
local ro = setmetatable({}, {__index = {const = 1}, __newindex = function(_, k) error("attempt to update a read-only table (" .. k .. ")", 2) end})
print(ro.const, pcall(function() ro.const = 2 end))
-- assigning nil to absent key calls __newindex too
local nilcalls = 0
local nn = setmetatable({}, {__newindex = function() nilcalls = nilcalls + 1 end})
nn.a = nil
print(nilcalls)
-- rawset bypasses
rawset(nn, "b", 2)
print(nn.b, nilcalls)
-- __newindex with integer keys (array part)
local arr = setmetatable({}, {__newindex = function(tb, k, v) rawset(tb, k, v .. "!") end})
for i = 1, 3 do arr[i] = tostring(i) end
print(arr[1], arr[2], arr[3], #arr)
-- __newindex on a key that exists with nil value after removal
local r = setmetatable({k = 1}, {__newindex = function(tb, k, v) rawset(tb, k, "via mm") end})
r.k = nil
r.k = 2
print(r.k)
-- errors
print(pcall(rawset, {}, nil, 1))
print(pcall(function() local z = setmetatable({}, {__newindex = 5}) z.a = 1 end))
