-- closures.lua: closure creation in loops, upvalue reads/writes, higher-order functions
local N = tonumber(arg and arg[1]) or 380000
local MOD = 1000000007

-- higher-order helpers
local function map(f, t)
  local r = {}
  for i = 1, #t do r[i] = f(t[i]) end
  return r
end
local function filter(p, t)
  local r = {}
  for i = 1, #t do
    local v = t[i]
    if p(v) then r[#r + 1] = v end
  end
  return r
end
local function reduce(f, acc, t)
  for i = 1, #t do acc = f(acc, t[i]) end
  return acc
end
local function compose(f, g) return function(x) return f(g(x)) end end

-- counters: each closure owns a private upvalue, shared upvalue between two closures
local function make_counter(start, step)
  local n = start
  local function inc() n = n + step; return n end
  local function get() return n end
  return inc, get
end

local data = {}
for i = 1, 200 do data[i] = i end

local total = 0
for round = 1, N / 100 do
  -- closures created per iteration, capturing loop locals
  local k = round % 7 + 1
  local scaled = map(function(x) return x * k end, data)
  local odd = filter(function(x) return x % 2 == 1 end, scaled)
  local sum = reduce(function(a, b) return (a + b) % MOD end, 0, odd)
  local f = compose(function(x) return x + 1 end, function(x) return x * 2 end)
  total = (total + sum + f(round)) % MOD
end

-- many small closures with upvalue writes
local cs = 0
for i = 1, N do
  local inc, get = make_counter(i, 3)
  inc(); inc(); inc()
  cs = (cs + get()) % MOD
end

-- an accumulator closure called very often (upvalue read+write hot loop)
local acc = 0
local function add(v) acc = acc + v end
for i = 1, N * 20 do add(i % 10) end

-- closures capturing a fresh loop variable per iteration
local fns = {}
for i = 1, 1000 do fns[i] = function() return i * i end end
local fs = 0
for r = 1, N / 100 do
  for i = 1, #fns do fs = fs + fns[i]() end
  fs = fs % MOD
end

-- recursion through an upvalue (memo via closure)
local function memoize(f)
  local cache = {}
  return function(n)
    local v = cache[n]
    if v == nil then v = f(n); cache[n] = v end
    return v
  end
end
local calls = 0
local slow
slow = memoize(function(n)
  calls = calls + 1
  if n < 2 then return n end
  return (slow(n - 1) + slow(n - 2)) % MOD
end)
local ms = 0
for i = 1, 300 do ms = (ms + slow(i)) % MOD end

print(string.format("total=%d counters=%d acc=%d fs=%d", total, cs, acc, fs))
print(string.format("memo=%d calls=%d", ms, calls))
