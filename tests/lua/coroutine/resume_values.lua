-- Values passed into and out of coroutines (resume and wrap), many of them, and
-- argument errors: they are copied straight between the two stacks.
local co = coroutine.create(function(...) return ... end)
print(coroutine.resume(co, 1, 2, 3))
local t = {} for i = 1, 200 do t[i] = i end
local co2 = coroutine.wrap(function(...) local s = 0 for _, v in ipairs({...}) do s = s + v end coroutine.yield(s, select('#', ...)) return table.unpack(t) end)
print(co2(table.unpack(t)))
print(select('#', co2()))
print(coroutine.resume(coroutine.create(function() return table.unpack(t, 1, 999000) end)))
local co3 = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
print(co3(10), co3(21))
print(pcall(coroutine.resume))
print(coroutine.resume(coroutine.running()))
