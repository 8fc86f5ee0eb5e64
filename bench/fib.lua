-- fib.lua: recursive function calls (call/return overhead, small integer arithmetic)
local N = tonumber(arg and arg[1]) or 34

local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

-- a second, global (non-local) recursive function: calls through a global lookup
function tak(x, y, z)
  if y >= x then return z end
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
end

local r = fib(N)
print("fib(" .. N .. ") = " .. r)
local t = 0
for i = 1, 60 do t = t + tak(18 + (i % 2), 12, 6) end
print("tak sum = " .. t)
