-- §3.3.5 generic for
local t = {10, 20, 30, nil, 50}
for i, v in ipairs(t) do io.write(i, "=", v, " ") end
print()
local keys = {}
for k in pairs({a = 1, b = 2, c = 3, 1, 2}) do keys[#keys + 1] = tostring(k) end
table.sort(keys)
print(table.concat(keys, " "))
-- array part iteration order is sequential
local arr = {}
for i = 1, 10 do arr[i] = i * i end
local order = {}
for k, v in pairs(arr) do order[#order + 1] = k .. ":" .. v end
print(table.concat(order, " "))
-- custom stateless iterator
local function iter(s, c)
  if c < s then return c + 1, (c + 1) * 2 end
end
for i, d in iter, 4, 0 do io.write(i, ",", d, " ") end
print()
-- closure-based iterator
local function range(n)
  local i = 0
  return function() i = i + 1 if i <= n then return i end end
end
local sum = 0
for i in range(100) do sum = sum + i end
print(sum)
-- string.gmatch as iterator
for w in string.gmatch("one two  three", "%a+") do io.write("[", w, "]") end
print()
-- the 4th value: to-be-closed variable
do
  local closed = false
  local cl = setmetatable({}, {__close = function() closed = true end})
  local function it(_, i) if i < 3 then return i + 1 end end
  for i in it, nil, 0, cl do io.write(i, " ") end
  print("closed:", closed)
  closed = false
  for i in it, nil, 0, cl do if i == 2 then break end end
  print("closed after break:", closed)
end
-- pairs with __pairs
local proxy = setmetatable({}, {__pairs = function(t)
  local i = 0
  return function() i = i + 1 if i <= 3 then return i, -i end end, t, nil
end})
for k, v in pairs(proxy) do io.write(k, v, " ") end
print()
-- ipairs respects __index
local ip = setmetatable({}, {__index = function(_, i) if i <= 4 then return i * 11 end end})
for i, v in ipairs(ip) do io.write(i, ":", v, " ") end
print()
-- modifying existing fields during traversal
local m = {a = 1, b = 2, c = 3}
for k in pairs(m) do m[k] = nil end
print(next(m))
-- loop variables are fresh locals
local fs = {}
for i, v in ipairs({"x", "y"}) do fs[i] = function() return v end end
print(fs[1](), fs[2]())
print(pcall(function() for k in nil do end end))
print(pcall(function() for k in 5 do end end))
print(pcall(function() local t = {} for k in t do end end))
-- next directly
local n = {}
print(next(n), next({}, nil))
print(next({7}))
print(pcall(next, {}, "nokey"))
