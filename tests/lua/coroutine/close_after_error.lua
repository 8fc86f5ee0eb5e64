-- A coroutine that dies by an error keeps its pending to-be-closed variables
-- for coroutine.close, which runs them with the error.
local log = {}
local function closer(name)
  return setmetatable({}, {__close = function(_, e) log[#log + 1] = name .. ":" .. tostring(e) end})
end
local co = coroutine.create(function()
  local a <close> = closer("a")
  local b <close> = closer("b")
  error("boom", 0)
end)
print(coroutine.resume(co))
print(#log, coroutine.status(co))
print(coroutine.close(co))
print(table.concat(log, " "))
print(coroutine.close(co))

-- a __close that raises replaces the error
local co2 = coroutine.create(function()
  local a <close> = setmetatable({}, {__close = function() error("from close", 0) end})
  error("first", 0)
end)
print(coroutine.resume(co2))
print(coroutine.close(co2))

-- coroutine.wrap closes them itself when the body fails
log = {}
local w = coroutine.wrap(function()
  local c <close> = closer("c")
  error("wrapped", 0)
end)
print(pcall(w))
print(table.concat(log, " "))

-- an error after the coroutine failed reports the main chunk's traceback only
local ok = pcall(coroutine.wrap(function() error("inner", 0) end))
print(ok)
