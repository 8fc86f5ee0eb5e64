-- debug.sethook/gethook: call, return, line and count events, per coroutine.
local trace = {}
local function hook(ev, line) trace[#trace + 1] = ev .. (line and (":" .. line) or "") end
local function f(x)
  local y = x + 1
  return y
end
debug.sethook(hook, "crl")
local a = f(1)
for i = 1, 2 do
  a = a + i
end
debug.sethook()
print(table.concat(trace, " "))
print(debug.gethook())

-- The hook of a coroutine is its own; C functions have call and return events.
local co = coroutine.create(function()
  coroutine.yield(10)
  return 20
end)
local t2 = {}
debug.sethook(co, function(e) t2[#t2 + 1] = e end, "clr")
repeat until not coroutine.resume(co)
print(table.concat(t2, " "))
print(debug.gethook(co) ~= nil, debug.gethook() == nil)

-- Count events: one per that many instructions.
local n = 0
debug.sethook(function(e) n = n + 1 end, "", 10)
for i = 1, 100 do local z = i * 2 end
debug.sethook()
print("count events", n > 10, n < 200)

-- A hook sees the hooked function's locals and line; hooks do not nest.
local seen = {}
local function probe(ev, line)
  local info = debug.getinfo(2, "Sl")
  seen[#seen + 1] = info.short_src .. ":" .. info.currentline
  local name, v = debug.getlocal(2, 1)
  if name == "x" then seen[#seen + 1] = "x=" .. tostring(v) end
end
local function g(x)
  return x * 2
end
debug.sethook(probe, "l")
local r = g(21)
debug.sethook()
print(r, table.concat(seen, " "))

-- An error in a hook is an error of the hooked code.
print(pcall(function()
  debug.sethook(function() debug.sethook() error("from hook") end, "l")
  local z = 1
end))
debug.sethook()
print(debug.gethook())
