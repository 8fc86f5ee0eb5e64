-- hash.lua: hash-part tables: string keys ("k"..i), sparse integer keys,
-- lookups (hits and misses), updates, deletions and pairs() traversal.
-- All results are order-independent sums (hash iteration order is unspecified).
local N = tonumber(arg and arg[1]) or 200000
local MOD = 1000000007

-- 1. string-keyed table
local t = {}
for i = 1, N do t["k" .. i] = i end
local hits, misses = 0, 0
for i = 1, 2 * N, 3 do
  local v = t["k" .. i]
  if v then hits = hits + v else misses = misses + 1 end
end
-- updates through existing keys
for i = 1, N, 2 do
  local key = "k" .. i
  t[key] = t[key] * 2
end
-- delete a third of the keys
for i = 3, N, 3 do t["k" .. i] = nil end
local cnt, psum = 0, 0
for k, v in pairs(t) do
  cnt = cnt + 1
  psum = (psum + v * #k) % MOD
end

-- 2. sparse integer keys (hash part, not array part)
local sp = {}
for i = 1, N do sp[i * 7919 % 1000003 + 1000000] = i end
local sh = 0
for i = 1, N * 2 do
  local v = sp[i * 7919 % 1000003 + 1000000]
  if v then sh = sh + v end
end
local spc, sps = 0, 0
for k, v in pairs(sp) do
  spc = spc + 1
  sps = (sps + (k % 1000) * v) % MOD
end

-- 3. counting / grouping with a cached key table
local keys = {}
for i = 1, 500 do keys[i] = "word" .. (i * 37 % 500) end
local counts = {}
for i = 1, N * 3 do
  local w = keys[(i * 13) % 500 + 1]
  counts[w] = (counts[w] or 0) + 1
end
local ncount, maxc, csum = 0, 0, 0
for w, c in pairs(counts) do
  ncount = ncount + 1
  csum = csum + c
  if c > maxc then maxc = c end
end

-- 4. mixed keys in one table (strings, integers, booleans, floats) and next()
local mixed = {}
for i = 1, N do
  mixed[i] = i
  mixed["s" .. (i % 1000)] = i
  mixed[i + 0.5] = 1
end
mixed[true] = 7
mixed[false] = 11
local ms = 0
local k, v = next(mixed)
while k ~= nil do
  ms = (ms + v) % MOD
  k, v = next(mixed, k)
end

print(string.format("hits=%d misses=%d cnt=%d psum=%d", hits, misses, cnt, psum))
print(string.format("sparse=%d spc=%d sps=%d", sh, spc, sps))
print(string.format("groups=%d max=%d total=%d mixed=%d", ncount, maxc, csum, ms))
