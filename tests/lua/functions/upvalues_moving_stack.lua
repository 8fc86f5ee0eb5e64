-- Open upvalues read and write their variable in the stack through a pointer:
-- these move the stack under them (deep recursion grows it, many times over)
-- in the main thread and in coroutines, and read them from other threads.

-- main thread: a counter captured while open, the stack grown by recursion
local count = 0
local function bump() count = count + 1 end
local function deep(n, k)
  if n == 0 then bump() return count end
  local a, b, c, d, e, f, g, h = n, n, n, n, n, n, n, n
  local r = deep(n - 1, k)
  bump()
  return r + a - b + c - d + e - f + g - h
end
print(deep(5000), count)

-- an upvalue created deep in the stack, the stack grown again above it
local getters = {}
local function nest(n)
  local v = n * 2
  getters[#getters + 1] = function(x) if x then v = x end return v end
  if n > 0 then
    local r = nest(n - 1)
    v = v + 1
    return r
  end
  -- the innermost frame grows the stack much further while every v is open
  local function grow(m) if m == 0 then return 0 end return 1 + grow(m - 1) end
  grow(20000)
  local s = 0
  for i = 1, #getters do s = s + getters[i]() end
  return s
end
print(nest(300))
local s = 0
for i = 1, #getters do s = s + getters[i]() end
print(s, getters[1](7), getters[1]())

-- a coroutine's local captured by a closure that the main thread calls while the
-- coroutine is suspended; the coroutine then grows its own stack and goes on
local peek
local co = coroutine.wrap(function()
  local x = 10
  peek = function(y) if y then x = y end return x end
  coroutine.yield(x)
  local function grow(m) if m == 0 then return x end return grow(m - 1) end
  local r = grow(30000)
  x = x + 1
  coroutine.yield(r, x)
  return x
end)
print(co())
print(peek(), peek(20), peek())
print(co())
print(peek())
print(co(), peek())

-- the main thread's local captured by a coroutine that grows its stack
local shared = 0
local co2 = coroutine.create(function(n)
  local function rec(m) if m == 0 then return 0 end shared = shared + 1 return rec(m - 1) end
  for i = 1, n do rec(5000) coroutine.yield(shared) end
  return "done", shared
end)
for i = 1, 4 do print(coroutine.resume(co2, 3)) end

-- many coroutines, each with an open upvalue, interleaved
local cos, seen = {}, {}
for i = 1, 50 do
  cos[i] = coroutine.wrap(function()
    local mine = i
    seen[i] = function() return mine end
    while true do
      local function grow(m) if m == 0 then return mine end return grow(m - 1) end
      mine = grow(100 * i) + 1
      coroutine.yield(mine)
    end
  end)
end
local total = 0
for round = 1, 3 do
  for i = 1, 50 do total = total + cos[i]() + seen[i]() end
end
print(total)
collectgarbage()
print(seen[50](), count)
