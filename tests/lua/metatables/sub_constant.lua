-- §2.4: `a - b` calls `__sub`, also when `b` is a small integer constant
-- (which an implementation may compile like an addition of -b).

local log = {}
local mt = {
  __sub = function(a, b) return "sub(" .. tostring(type(a) == "table" and "t" or a) .. "," .. tostring(type(b) == "table" and "t" or b) .. ")" end,
  __add = function(a, b) return "add(" .. tostring(type(a) == "table" and "t" or a) .. "," .. tostring(type(b) == "table" and "t" or b) .. ")" end,
}
local x = setmetatable({}, mt)
print(x - 3, x + 3)
print(x - (-3), x + -3, x - -3)
print(x - 0, x - 127, x - 128, x - 1.5, x - 2^53)
print(3 - x, -3 - x, x - x)
print(x - math.maxinteger, x - math.mininteger)

-- only __sub
local only_sub = setmetatable({}, {__sub = function(a, b) return b end})
print(only_sub - 3, only_sub - 1, only_sub - -1)
for i = 1, 3 do log[#log + 1] = only_sub - i end
print(table.concat(log, " "))
print(pcall(function() return only_sub + 3 end))

-- only __add: subtraction must fail
local only_add = setmetatable({}, {__add = function() return "add" end})
print(only_add + 3)
print(pcall(function() return only_add - 3 end))

-- a field and an upvalue as the left operand
local holder = {v = x}
print(holder.v - 5)
local function f() return x - 7 end
print(f())

-- numbers and strings are unaffected
local n, s = 10, "10"
print(n - 3, n - -3, s - 3, 2.5 - 1, math.mininteger - 1 == math.maxinteger)
print(pcall(function() local z; return z - 1 end))
print(pcall(function() return ("x") - 1 end))
