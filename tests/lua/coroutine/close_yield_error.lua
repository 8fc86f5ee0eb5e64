-- __close handlers that yield while an error unwinds to a pcall inside a coroutine:
-- each handler gets the error (or the error a previous handler raised), and the
-- pcall returns false and the final error after the last one.
local function closer(name, f)
  return setmetatable({}, {__close = function(_, err)
    print("close", name, err)
    return f and f(err)
  end})
end

local co = coroutine.wrap(function()
  local function body(mode)
    local a <close> = closer("a", function() coroutine.yield("in a") end)
    local b <close> = closer("b", function(e)
      coroutine.yield("in b")
      if mode == "replace" then error("from b", 0) end
    end)
    local c <close> = closer("c", function() coroutine.yield("in c") end)
    if mode then error("body " .. mode, 0) end
    return "normal"
  end
  print("r1", pcall(body, nil))
  print("r2", pcall(body, "error"))
  print("r3", pcall(body, "replace"))
  print("r4", xpcall(body, function(m) return "handled: " .. tostring(m) end, "error"))
  -- nested protected calls: the inner one closes, the outer sees its result
  print("r5", pcall(pcall, body, "error"))
  -- a handler that is coroutine.yield itself
  local function direct()
    local y <close> = setmetatable({}, {__close = coroutine.yield})
    error("direct", 0)
  end
  print("r6", pcall(direct))
  return "done"
end)

while true do
  local v = co()
  print("yielded", type(v) == "table" and "the closed object" or v)
  if v == "done" then break end
end

-- outside coroutines, handlers still run (they cannot yield there)
local function plain()
  local x <close> = closer("x")
  local y <close> = closer("y", function() error("y fails", 0) end)
  error("plain", 0)
end
print("p1", pcall(plain))
print("p2", pcall(function()
  local z <close> = closer("z", function() coroutine.yield() end)
  error("outside", 0)
end))

-- a native __close handler during unwinding
local function native()
  local n <close> = setmetatable({}, {__close = string.len})
  error("native", 0)
end
print("n1", pcall(native))
local function native_fails()
  local n <close> = setmetatable({}, {__close = string.rep})
  error("native", 0)
end
print("n2", pcall(native_fails))
