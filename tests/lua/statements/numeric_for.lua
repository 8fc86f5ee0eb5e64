-- §3.3.5 numeric for
local function run(a, b, c)
  local r = {}
  if c then for i = a, b, c do r[#r + 1] = tostring(i) end
  else for i = a, b do r[#r + 1] = tostring(i) end end
  return #r .. ":" .. table.concat(r, ",")
end
print(run(1, 5))
print(run(5, 1))
print(run(5, 1, -1))
print(run(1, 10, 3))
print(run(1, 2, 0.5))
print(run(1.0, 3))
print(run(1, 3.5))
print(run(0.1, 0.35, 0.1))
print(run(10, 1, -3.5))
print(run(3, 3))
print(run(-3, -1))
print(run(math.maxinteger - 2, math.maxinteger))
print(run(math.mininteger, math.mininteger + 2))
print(run(math.mininteger + 2, math.mininteger, -1))
print(run(math.maxinteger, math.maxinteger - 1, -1))
print(run(1, math.huge, 1 << 62), run(-1, -math.huge, -(1 << 62)))
print(run(0, 0, math.maxinteger), run(0, 10, math.maxinteger))
print(run(math.maxinteger - 1, math.huge), run(1, 0.5))
print(run(-1, -math.huge, math.mininteger))
print(run(1, 3, 1.0))
-- the loop variable is a copy
for i = 1, 3 do
  local before = i
  i = i * 10
  io.write(before, "->", i, " ")
end
print()
-- limits are evaluated once
local lim = 3
local n = 0
for i = 1, lim do lim = 10 n = n + 1 end
print(n)
-- errors
print(pcall(function() for i = 1, 10, 0 do end end))
print(pcall(function() for i = 1.0, 10, 0.0 do end end))
print(pcall(function() for i = "a", 10 do end end))
print(pcall(function() for i = 1, {} do end end))
print(pcall(function() for i = 1, 2, nil do end end))
print(pcall(function() for i = "1", 2 do end end))
-- types of the control variable
for i = 1, 2 do io.write(math.type(i), " ") end
for i = 1.0, 2 do io.write(math.type(i), " ") end
for i = 1, 2.0 do io.write(math.type(i), " ") end
for i = 1, 2, 1.0 do io.write(math.type(i), " ") end
print()
local cnt = 0
for i = 1, 3 do local f = function() return i end cnt = cnt + f() end
print(cnt)
