-- sort.lua: table.sort with a Lua comparator on records, plus default-comparator
-- sorts of numbers and strings. Comparators are total orders (ties broken by id),
-- so the result does not depend on the sort algorithm.
local N = tonumber(arg and arg[1]) or 150000
local MOD = 1000000007

local seed = 2024
local function rnd(n)
  seed = (seed * 16807) % 2147483647
  return seed % n
end

-- 1. records sorted by a comparator (primary: group, secondary: score desc, then id)
local recs = {}
for i = 1, N do
  recs[i] = { id = i, group = rnd(100), score = rnd(1000000) / 1000 }
end
table.sort(recs, function(a, b)
  if a.group ~= b.group then return a.group < b.group end
  if a.score ~= b.score then return a.score > b.score end
  return a.id < b.id
end)
local h = 0
for i = 1, N, 1 do h = (h * 31 + recs[i].id) % MOD end
local ok = true
for i = 2, N do
  local a, b = recs[i - 1], recs[i]
  if a.group > b.group or (a.group == b.group and a.score < b.score) then ok = false end
end

-- 2. default sort of numbers (integers and floats mixed)
local nums = {}
local NN = math.floor(N / 2)
for i = 1, NN do
  if i % 2 == 0 then nums[i] = rnd(1000000) else nums[i] = rnd(1000000) + 0.5 end
end
table.sort(nums)
local nh = 0
for i = 1, NN, 17 do nh = (nh + math.floor(nums[i]) * (i % 13)) % MOD end

-- 3. default sort of strings
local strs = {}
for i = 1, math.floor(N / 4) do strs[i] = "s" .. rnd(1000000) .. "_" .. (i % 10) end
table.sort(strs)
local sh = 0
for i = 1, #strs, 11 do sh = (sh * 7 + #strs[i] + tonumber(strs[i]:sub(2, 3))) % MOD end

-- 4. reverse comparator on already-sorted input (a different branch pattern)
table.sort(nums, function(a, b) return a > b end)

print(string.format("records=%d hash=%d ordered=%s", N, h, tostring(ok)))
print(string.format("nums hash=%d min=%.1f max=%.1f", nh, nums[NN], nums[1]))
print(string.format("strs hash=%d first=%s last=%s", sh, strs[1], strs[#strs]))
