-- A hook set inside a __close handler sees the closing function's own return.
local function func2close (f) return setmetatable({}, {__close = f}) end
local trace = {}
local function hook (event)
  trace[#trace + 1] = event .. " " .. tostring(debug.getinfo(2).name)
end
local function foo (...)
  local x <close> = func2close(function (_,msg)
    trace[#trace + 1] = "x"
  end)
  local y <close> = func2close(function (_,msg)
    debug.sethook(hook, "r")
  end)
  return ...
end
local t = {foo(10,20,30)}
debug.sethook()
print(table.concat(t, ","))
print(table.concat(trace, " | "))
