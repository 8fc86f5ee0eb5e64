-- A coroutine yields from a function called by pcall/xpcall, from __pairs and
-- from a chunk run by dofile: lua5.4 lets each of these yield.
local co = coroutine.wrap(function()
  print("pcall", pcall(coroutine.yield, 5))
  print("xpcall", xpcall(coroutine.yield, print, 6))
  print("nested", pcall(pcall, coroutine.yield, 7))
  print("error after", pcall(function() coroutine.yield(8) error("boom", 0) end))
  return "end"
end)
print(co()); print(co(1)); print(co(2)); print(co(3)); print(co(4))

local t = setmetatable({10, 20, 30}, {__pairs = function(t)
  local inc = coroutine.yield("in __pairs")
  return function(t, i)
    if i > 1 then return i - inc, t[i - inc] end
  end, t, #t + 1
end})
local res = {}
local co2 = coroutine.wrap(function()
  for _, v in pairs(t) do res[#res + 1] = v end
  return "done"
end)
print(co2()); print(co2(1))
print(#res, res[1], res[2], res[3])

-- __pairs results are cut to three, as pairs returns them.
print(select('#', pairs(setmetatable({}, {__pairs = function() return 1, 2, 3, 4, 5 end}))))
local a, b, c, d = pairs(setmetatable({}, {__pairs = function() return 1, 2 end}))
print(a, b, c, d)
print(pcall(pairs, setmetatable({}, {__pairs = pairs})))

local name = os.tmpname()
local f = assert(io.open(name, "w"))
f:write("local x = coroutine.yield('from the chunk') return x, 2")
f:close()
local co3 = coroutine.wrap(dofile)
print(co3(name))
print(co3("back"))
os.remove(name)
print(pcall(dofile, "/nonexistent/file.lua"))

-- Inside a native callback the coroutine cannot yield, and says so.
local co4 = coroutine.wrap(function()
  local inside
  local s = string.gsub("a", ".", function(c) inside = coroutine.isyieldable() return c .. c end)
  return coroutine.isyieldable(), inside, s
end)
print(co4())
print(coroutine.isyieldable())
