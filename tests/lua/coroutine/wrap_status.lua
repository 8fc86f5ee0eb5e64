local w = coroutine.wrap(function() coroutine.yield(1) return 2 end)
print(w(), w())
print(pcall(w))
local w2 = coroutine.wrap(function(...) return select('#', ...), ... end)
print(w2(nil, nil))
-- wrap inside wrap
local outer = coroutine.wrap(function()
  local inner = coroutine.wrap(function() coroutine.yield("inner1") coroutine.yield("inner2") end)
  coroutine.yield(inner())
  coroutine.yield(inner())
  return "outer done"
end)
print(outer(), outer(), outer())
-- status transitions
local co
co = coroutine.create(function()
  print("running:", coroutine.status(co))
  coroutine.yield()
end)
print(coroutine.status(co))
coroutine.resume(co)
print(coroutine.status(co))
coroutine.resume(co)
print(coroutine.status(co))
-- producer/consumer
local producer = coroutine.create(function()
  for _, item in ipairs({"a", "b", "c"}) do coroutine.yield(item) end
  return nil
end)
local items = {}
while true do
  local ok, item = coroutine.resume(producer)
  if not item then break end
  items[#items + 1] = item
end
print(table.concat(items), coroutine.status(producer))
-- recursion inside coroutine
local rec = coroutine.wrap(function()
  local function f(n) if n == 0 then coroutine.yield("bottom") return 0 end return 1 + f(n - 1) end
  return f(1000)
end)
print(rec(), rec())
-- coroutine.running inside wrap
local ww = coroutine.wrap(function() local co2, main = coroutine.running() return type(co2), main end)
print(ww())
-- yield through nested Lua calls
local deep = coroutine.wrap(function()
  local function a() coroutine.yield("a") return "ra" end
  local function b() return a() .. "b" end
  return b()
end)
print(deep(), deep())
