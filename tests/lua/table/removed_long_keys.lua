-- Removed entries keep their (untraced) keys; once such a long-string key is
-- collected, a fresh string with equal contents may be allocated at its address.
-- Lookups and stores with it must still find the live entry with those contents,
-- and re-adding removed keys must not create duplicate entries. Each round frees
-- and reallocates many long strings, so address reuse happens in practice.
local bad = 0
for round = 1, 30 do
  local t = {}
  local N = 100 + round * 37
  local function key(i) return string.rep("k", 45 + round % 7) .. i end
  for i = 1, N do t[key(i)] = i end
  for i = 1, N, 2 do t[key(i)] = nil end
  collectgarbage() collectgarbage()
  local found, n = 0, 0
  for i = 1, N do if t[key(i)] then found = found + 1 end end
  for i = 1, N, 2 do t[key(i)] = -i end
  for k, v in pairs(t) do n = n + 1 end
  if found ~= N // 2 or n ~= N or t[key(3)] ~= -3 then bad = bad + 1 end
end
print("rounds with a wrong lookup or a duplicate key:", bad)

-- next() still accepts a long key removed during the traversal.
local t = {}
for i = 1, 50 do t[string.rep("x", 60) .. i] = i end
local seen = 0
for k in pairs(t) do
  t[k] = nil
  seen = seen + 1
end
print("traversal with removals saw", seen, "next(t) is", next(t))
