-- functions with varargs, table.unpack and select
local function sum(...)
  local s = 0
  for i = 1, select('#', ...) do s = s + (select(i, ...)) end
  return s
end
print(sum(), sum(1), sum(1, 2, 3, 4.5))
local function packed(...)
  local t = table.pack(...)
  return t.n, t[3]
end
print(packed(nil, nil, 3))
print(table.unpack({1, 2, 3}))
print(table.unpack({1, 2, 3}, 2))
print(table.unpack({1, 2, 3}, 2, 5))
print(table.unpack({1, 2, 3}, 3, 1))
print(table.unpack({}, 1, 0))
print(select('#', table.unpack({}, 1, 3)))
print(table.unpack({"a", "b"}, -1, 1))
print(pcall(table.unpack, {}, 1, 1e8))
print(pcall(table.unpack, {}, math.mininteger, math.maxinteger))
local function forward(...) return ... end
print(forward(table.unpack({1, nil, 3}, 1, 3)))
local function count(...) return select('#', ...) end
print(count(table.unpack({n = 5}, 1, 5)))
-- varargs in nested closures must be captured through a table
local function outer(...)
  local args = {...}
  return function() return table.unpack(args) end
end
print(outer(7, 8, 9)())
-- many arguments
local big = {}
for i = 1, 200 do big[i] = i end
print(count(table.unpack(big)), sum(table.unpack(big)))
print(math.max(table.unpack(big)), string.char(table.unpack({72, 105})))
-- named parameters plus varargs
local function mixed(a, b, ...) return a, b, select('#', ...), ... end
print(mixed(1))
print(mixed(1, 2, 3, 4))
print(select(-1, mixed(1, 2, 3, 4)))
