-- yield across pcall
local co = coroutine.create(function()
  local ok, v = pcall(function()
    local x = coroutine.yield("from inside pcall")
    error("err " .. x, 0)
  end)
  coroutine.yield(ok, v)
  return "end"
end)
print(coroutine.resume(co))
print(coroutine.resume(co, "X"))
print(coroutine.resume(co))
-- yield across xpcall with handler
local co2 = coroutine.create(function()
  return xpcall(function() coroutine.yield(1) error("e", 0) end, function(m) return "handled " .. m end)
end)
print(coroutine.resume(co2))
print(coroutine.resume(co2))
-- yield from inside a metamethod
local mt = {__index = function(t, k) return coroutine.yield("index " .. k) end,
            __add = function(a, b) return coroutine.yield("add") end,
            __lt = function(a, b) return coroutine.yield("lt") end,
            __concat = function(a, b) return coroutine.yield("concat") end,
            __eq = function(a, b) return coroutine.yield("eq") end,
            __len = function(a) return coroutine.yield("len") end,
            __newindex = function(t, k, v) coroutine.yield("newindex " .. k) end,
            __call = function(self, x) return coroutine.yield("call " .. x) end}
local obj = setmetatable({}, mt)
local obj2 = setmetatable({}, mt)
local co3 = coroutine.wrap(function()
  local a = obj.foo
  local b = obj + 1
  local c = obj < obj2
  local d = obj .. "s"
  local e = obj == obj2
  local f = #obj
  obj.bar = 1
  local g = obj("arg")
  return a, b, c, d, e, f, g
end)
print(co3())
print(co3("A"))
print(co3("B"))
print(co3(false))
print(co3("D"))
print(co3(1))
print(co3(7))
print(co3())
print(co3("G"))
-- yield from a generic-for iterator
local co4 = coroutine.wrap(function()
  local function iter(_, i) if i < 3 then coroutine.yield("iter " .. i) return i + 1 end end
  local s = 0
  for i in iter, nil, 0 do s = s + i end
  return "sum " .. s
end)
print(co4(), co4(), co4(), co4())
-- yield across table.sort comparator is not allowed
local co5 = coroutine.create(function() table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end) end)
print(coroutine.resume(co5))
-- yield across string.gsub callback is not allowed
local co6 = coroutine.create(function() return string.gsub("a", "a", function() coroutine.yield() end) end)
print(coroutine.resume(co6))
-- isyieldable inside pcall inside coroutine
print(coroutine.wrap(function() return pcall(coroutine.isyieldable) end)())
