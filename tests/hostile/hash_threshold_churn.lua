-- limits: budget=200000000
-- expect: churn done
-- A table held at its grow threshold: each step removes one key and adds another.
-- Rebuilding the index at the same size on every insert made each step cost the
-- whole table.
local t = {}
for i = 1, 131072 do t["k" .. i] = i end
for j = 1, 20000 do
  t["k" .. j] = nil
  t["x" .. j] = j
end
local n = 0
for _ in pairs(t) do n = n + 1 end
assert(n == 131072)
error("churn done")
