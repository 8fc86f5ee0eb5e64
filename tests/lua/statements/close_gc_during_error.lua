-- A __close handler that collects garbage while an error unwinds: the error value
-- stays alive for the next handlers and for pcall (was a use-after-free).
local function func2close(f) return setmetatable({}, {__close = f}) end
local function foo()
  local x <close> = func2close(function(self, msg) print("x got", msg, debug.getinfo(2).name) end)
  local x1 <close> = func2close(function(self, msg) print("x1 got", msg) error("@x1") end)
  local gc <close> = func2close(function() collectgarbage() end)
  local y <close> = func2close(function(self, msg) print("y got", msg) error("@y") end)
  local z <close> = func2close(function(self, msg) print("z got", msg) error("@z") end)
  error(4)
end
print(pcall(foo, true))
local function bar()
  local gc <close> = func2close(function() collectgarbage() end)
  local z <close> = func2close(function(self, msg) print("z got", msg) error("@z") end)
  error(4)
end
print(pcall(bar, true))
print(pcall(bar, true))
