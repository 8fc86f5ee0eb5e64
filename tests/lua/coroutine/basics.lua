local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "done", "!"
end)
print(type(co), coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, "x", "y"))
print(coroutine.status(co))
print(coroutine.resume(co))
print(coroutine.resume(co))
-- yield with no values / resume with no values
local co2 = coroutine.create(function(...) print("args", select('#', ...)) print("yield returned", select('#', coroutine.yield())) end)
print(coroutine.resume(co2))
print(coroutine.resume(co2))
-- generator pattern
local function gen(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local acc = {}
for v in gen(5) do acc[#acc + 1] = v end
print(table.concat(acc, ","))
-- wrap passes values both ways
local w = coroutine.wrap(function(x) while true do x = coroutine.yield(x * 2) end end)
print(w(1), w(2), w(3))
-- status values
local main, ismain = coroutine.running()
print(type(main), ismain, coroutine.status(main))
local inner
inner = coroutine.create(function()
  local me, im = coroutine.running()
  print("inside", me == inner, im, coroutine.status(inner), coroutine.isyieldable())
  local sub = coroutine.create(function() print("outer status from sub", coroutine.status(inner)) end)
  coroutine.resume(sub)
end)
coroutine.resume(inner)
print(coroutine.isyieldable(), coroutine.status(inner))
-- many coroutines
local cos = {}
for i = 1, 100 do cos[i] = coroutine.create(function(x) local y = coroutine.yield(x + 1) return y * 2 end) end
local sum = 0
for i = 1, 100 do local _, v = coroutine.resume(cos[i], i) sum = sum + v end
for i = 1, 100 do local _, v = coroutine.resume(cos[i], i) sum = sum + v end
print(sum)
-- yield many values
local many = coroutine.create(function() coroutine.yield(table.unpack({1, 2, 3, 4, 5, 6, 7, 8, 9, 10})) end)
print(coroutine.resume(many))
