local Emitter = {}
Emitter.__index = Emitter
function Emitter.new() return setmetatable({handlers = {}}, Emitter) end
function Emitter:on(ev, f) local list = self.handlers[ev] or {} self.handlers[ev] = list list[#list + 1] = f end
function Emitter:emit(ev, ...)
  local results = {}
  for _, f in ipairs(self.handlers[ev] or {}) do results[#results + 1] = f(...) end
  return table.unpack(results)
end
local e = Emitter.new()
local total = 0
e:on("add", function(n) total = total + n return "a" .. n end)
e:on("add", function(n) return "b" .. n * 2 end)
print(e:emit("add", 5))
print(e:emit("add", 7), total)
print(e:emit("none"))
-- memoize
local function memoize(f)
  local cache, calls = {}, 0
  return function(n)
    if cache[n] == nil then calls = calls + 1 cache[n] = f(n) end
    return cache[n], calls
  end
end
local slowsq = memoize(function(n) return n * n end)
print(slowsq(4), slowsq(4), slowsq(5))
local fib
fib = memoize(function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end)
print(fib(90))
-- function composition
local function compose(...)
  local fs = table.pack(...)
  return function(...)
    local r = table.pack(...)
    for i = fs.n, 1, -1 do r = table.pack(fs[i](table.unpack(r, 1, r.n))) end
    return table.unpack(r, 1, r.n)
  end
end
print(compose(tostring, function(x) return x * 2 end, math.abs)(-21))
