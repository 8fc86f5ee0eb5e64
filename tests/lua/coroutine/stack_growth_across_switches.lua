-- Registers stay valid when the stack grows (reallocates) under a running frame,
-- in the main thread and in coroutines, and across switches between them: each
-- caller reads its locals after its callee grew the stack.
local function deep(n, acc)
  local a, b, c = n, n * 2, n * 3
  if n == 0 then return acc end
  local r = deep(n - 1, acc + a)
  return r + b - c + a
end

local function grow_then_yield(depth)
  local x, y = depth, -depth
  local r = deep(depth, 0)
  local got = coroutine.yield(r, x, y)
  local r2 = deep(depth * 2, got)
  return r2, x + y, got
end

local co = coroutine.create(grow_then_yield)
local keep1, keep2 = 'main', 42
print(coroutine.resume(co, 300))
print(deep(2000, 1), keep1, keep2)
print(coroutine.resume(co, 7))
print(coroutine.status(co), keep1, keep2)

-- Nested coroutines, each growing its stack before resuming the next.
local function nest(level)
  local mine = level * 10
  deep(500 + level * 100, 0)
  if level < 5 then
    local inner = coroutine.wrap(nest)
    local v = inner(level + 1)
    return mine + v
  end
  return mine
end
print(coroutine.wrap(nest)(1))

-- A callee that grows the stack while its caller holds many live registers.
local function wide()
  local t = {}
  for i = 1, 40 do t[i] = i end
  local s = deep(3000, 0)
  local u = 0
  for i = 1, 40 do u = u + t[i] end
  return s, u
end
print(wide())
