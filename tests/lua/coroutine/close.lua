local co = coroutine.create(function() coroutine.yield() end)
print(coroutine.close(co), coroutine.status(co))
coroutine.resume(co)
print(coroutine.status(co))
print(coroutine.close(co), coroutine.status(co))
print(coroutine.resume(co))
-- closing a coroutine with pending to-be-closed variables
local log = {}
local co2 = coroutine.create(function()
  local a <close> = setmetatable({}, {__close = function(_, e) log[#log + 1] = "a:" .. tostring(e) end})
  local b <close> = setmetatable({}, {__close = function(_, e) log[#log + 1] = "b:" .. tostring(e) end})
  coroutine.yield("suspended")
end)
print(coroutine.resume(co2))
print(coroutine.close(co2), table.concat(log, " "), coroutine.status(co2))
-- closing a coroutine that died with an error returns false and the error
local co3 = coroutine.create(function() error("died", 0) end)
print(coroutine.resume(co3))
print(coroutine.close(co3))
-- error in __close during close
local co4 = coroutine.create(function()
  local x <close> = setmetatable({}, {__close = function() error("close err", 0) end})
  coroutine.yield()
end)
coroutine.resume(co4)
print(coroutine.close(co4))
-- cannot close a running coroutine
local co5
co5 = coroutine.create(function() return pcall(coroutine.close, co5) end)
print(coroutine.resume(co5))
print(pcall(coroutine.close, coroutine.running()))
-- closing a fresh coroutine
print(coroutine.close(coroutine.create(print)))
