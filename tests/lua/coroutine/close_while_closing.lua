-- Inside a __close run by coroutine.close(co), co is running and its closer is
-- normal; closing co again from there fails instead of tearing down its frames.
local function func2close(f)
  return setmetatable({}, {__close = f})
end
local main = coroutine.running()
local co
co = coroutine.create(function()
  local x <close> = func2close(function()
    print("status inside __close", coroutine.status(co), coroutine.status(main))
    print(pcall(coroutine.close, co))
    coroutine.close(co)
  end)
  coroutine.yield(20)
end)
print(coroutine.resume(co))
print(coroutine.close(co))
print(coroutine.status(co), coroutine.status(main))
print(coroutine.close(co))
