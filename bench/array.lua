-- array.lua: array-part tables: fill, read, sums, in-place updates, 2-D arrays of arrays
local N = tonumber(arg and arg[1]) or 200000   -- 1-D array length
local REPS = 14                                 -- passes over the 1-D part
local MOD = 1000000007

local a, pre, comp, primes = {}, {}, {}, {}
local s1, s2 = 0, 0
for rep = 1, REPS do
  -- 1. fill and sum a 1-D array, several passes with in-place updates
  for i = 1, N do a[i] = (i * 31 + rep) % 1000 end
  for pass = 1, 3 do
    for i = 1, #a do s1 = s1 + a[i] end
    for i = 1, N do a[i] = (a[i] * 3 + pass) % 1000 end
  end

  -- 2. prefix sums and in-place reversal by swapping
  local run = 0
  for i = 1, N do run = (run + a[i]) % MOD; pre[i] = run end
  local lo, hi = 1, N
  while lo < hi do
    pre[lo], pre[hi] = pre[hi], pre[lo]
    lo = lo + 1; hi = hi - 1
  end
  for i = 1, N, 7 do s2 = (s2 + pre[i]) % MOD end

  -- 3. sieve over a boolean array, appending primes with t[#t+1]
  for i = 1, N do comp[i] = false end
  for i = #primes, 1, -1 do primes[i] = nil end
  for i = 2, N do
    if not comp[i] then
      primes[#primes + 1] = i
      for j = i * i, N, i do comp[j] = true end
    end
  end
end

-- 4. 2-D grid (array of arrays): stencil smoothing iterations
local W = 300
local g, h = {}, {}
for y = 1, W do
  local row, row2 = {}, {}
  for x = 1, W do row[x] = (x * y) % 17; row2[x] = 0 end
  g[y] = row; h[y] = row2
end
for it = 1, 10 do
  for y = 2, W - 1 do
    local up, mid, dn, out = g[y - 1], g[y], g[y + 1], h[y]
    for x = 2, W - 1 do
      out[x] = (up[x] + dn[x] + mid[x - 1] + mid[x + 1] + 4 * mid[x]) % 1009
    end
  end
  g, h = h, g
end
local s3 = 0
for y = 1, W do
  local row = g[y]
  for x = 1, W do s3 = s3 + row[x] * ((x + y) % 5) end
end

-- 5. integer matrix multiply (array of arrays)
local M = 110
local A, B, C = {}, {}, {}
for i = 1, M do
  A[i], B[i], C[i] = {}, {}, {}
  for j = 1, M do A[i][j] = (i + j) % 10; B[i][j] = (i * j) % 10; C[i][j] = 0 end
end
for i = 1, M do
  local Ai, Ci = A[i], C[i]
  for j = 1, M do
    local sum = 0
    for k = 1, M do sum = sum + Ai[k] * B[k][j] end
    Ci[j] = sum
  end
end
local s4 = 0
for i = 1, M do for j = 1, M do s4 = s4 + C[i][j] * (i - j) end end

print(string.format("s1=%d s2=%d primes=%d last=%d", s1, s2, #primes, primes[#primes]))
print(string.format("grid=%d matmul=%d", s3, s4))
