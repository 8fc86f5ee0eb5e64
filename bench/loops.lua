-- loops.lua: numeric for loops with integer and float arithmetic
local N = tonumber(arg and arg[1]) or 2400000
local MOD = 1000000007

-- 1. simple integer accumulation with modulo
local isum = 0
for i = 1, N do
  isum = (isum + i * 7 + i % 13) % MOD
end

-- 2. float accumulation
local fsum = 0.0
for i = 1, N do
  local x = i * 0.5
  fsum = fsum + x * x / (x + 1.0)
end

-- 3. float loop with a fractional step, and a descending integer loop
local fstep = 0.0
for x = 0.0, 400.0, 0.001 do
  fstep = fstep + x * 0.25 - 1.0
end
local down = 0
for i = N, 1, -3 do
  down = down + i % 11
end

-- 4. nested loops with mixed int/float work
local grid = 0
local acc = 0.0
local M = math.floor(math.sqrt(N)) + 1
for i = 1, M do
  local fi = i * 1.5
  for j = 1, M do
    grid = grid + (i * j) % 7
    acc = acc + fi / j
  end
end

-- 5. while / repeat loops (collatz lengths)
local steps = 0
for s = 1, math.floor(N / 30) do
  local n = s
  while n ~= 1 do
    if n % 2 == 0 then n = n / 2 else n = 3 * n + 1 end
    steps = steps + 1
  end
end
local k, r = 0, 0
repeat
  k = k + 1
  r = r + k % 5
until k >= N / 10

print(string.format("isum=%d down=%d grid=%d steps=%d r=%d", isum, down, grid, steps, r))
print(string.format("fsum=%.6f fstep=%.6f acc=%.6f", fsum, fstep, acc))
