-- coroutines.lua: producer/consumer pipelines with coroutine.wrap / coroutine.yield,
-- plus coroutine.create / resume / status. Needs coroutine support.
local N = tonumber(arg and arg[1]) or 1050000
local MOD = 1000000007

-- producer: yields N numbers
local function producer(n)
  return coroutine.wrap(function()
    local seed = 99
    for i = 1, n do
      seed = (seed * 16807) % 2147483647
      coroutine.yield(seed % 1000)
    end
    coroutine.yield(nil)
  end)
end

-- filter stage: passes values matching a predicate
local function filter(src, pred)
  return coroutine.wrap(function()
    while true do
      local v = src()
      if v == nil then break end
      if pred(v) then coroutine.yield(v) end
    end
    coroutine.yield(nil)
  end)
end

-- map stage
local function map(src, f)
  return coroutine.wrap(function()
    while true do
      local v = src()
      if v == nil then break end
      coroutine.yield(f(v))
    end
    coroutine.yield(nil)
  end)
end

local pipeline = map(filter(producer(N), function(v) return v % 3 ~= 0 end),
                     function(v) return v * 2 + 1 end)
local count, sum = 0, 0
while true do
  local v = pipeline()
  if v == nil then break end
  count = count + 1
  sum = (sum + v) % MOD
end

-- generators via create/resume with values passed in both directions
local function accumulator()
  local total = 0
  while true do
    local x = coroutine.yield(total)
    if x == nil then return total end
    total = total + x
  end
end
local co = coroutine.create(accumulator)
coroutine.resume(co)
local last = 0
for i = 1, N do
  local ok, t = coroutine.resume(co, i % 100)
  last = t
end
local ok, final = coroutine.resume(co, nil)
local status = coroutine.status(co)

-- many short-lived coroutines
local spawned = 0
for i = 1, N / 20 do
  local gen = coroutine.wrap(function(a, b)
    local c = coroutine.yield(a + b)
    return a * b + c
  end)
  spawned = spawned + gen(i, 2) + gen(3)
end

print(string.format("count=%d sum=%d last=%d final=%d status=%s spawned=%d",
  count, sum, last, final, status, spawned))
