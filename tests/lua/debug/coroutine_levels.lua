-- A suspended coroutine's level 0 is its coroutine.yield call (a C function);
-- its Lua frames start at level 1.
local co = coroutine.create(function (x)
  local a = 1
  coroutine.yield(1)
end)
coroutine.resume(co, 10)
for l = 0, 2 do local i = debug.getinfo(co, l, "Sl") print(l, i and i.what, i and i.currentline) end
print(debug.traceback(co))
local co2 = coroutine.create(function (x)
  local a = 1
  coroutine.yield(1)
end)
debug.sethook(co2, function() end, "lcr")
coroutine.resume(co2, 10)
for l = 0, 2 do local i = debug.getinfo(co2, l, "Sl") print(l, i and i.what, i and i.currentline) end
print(debug.traceback(co2))

-- Call and return hooks see the transferred values through ftransfer/ntransfer.
local on, inp, out = false
local function hook(event)
  if not on then return end
  local ar = debug.getinfo(2, "r")
  local t = {}
  for i = ar.ftransfer, ar.ftransfer + ar.ntransfer - 1 do
    local _, v = debug.getlocal(2, i)
    t[#t + 1] = v
  end
  if event == "return" then out = t else inp = t end
end
debug.sethook(hook, "cr")
on = true; math.sin(3); on = false
print(table.concat(inp, ","), table.concat(out, ","))
on = true; select(2, 10, 20, 30, 40); on = false
print(table.concat(inp, ","), table.concat(out, ","))
local function foo(a, ...) return ... end
local function foo1() on = not on; return foo(20, 10, 0) end
foo1(); on = false
print(table.concat(inp, ","), table.concat(out, ","))
debug.sethook()
print(debug.getinfo(1, "r").ftransfer, debug.getinfo(1, "r").ntransfer)

-- A coroutine dead by an error keeps its frames for debug.traceback.
function f(i)
  if i == 0 then error(i)
  else coroutine.yield(); f(i-1)
  end
end
co = coroutine.create(function (x) f(x) end)
a, b = coroutine.resume(co, 1)
print(coroutine.resume(co))
print(debug.traceback(co))
print(debug.traceback("main"))

-- A finalizer's frame is metamethod '__gc'.
setmetatable({}, {__gc = function() local t = debug.getinfo(1, "n") print(t.namewhat, t.name) print(debug.traceback()) end}) collectgarbage()
