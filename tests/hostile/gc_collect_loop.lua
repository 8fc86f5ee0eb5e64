-- limits: budget=5m
-- expect: budget exhausted
-- Explicit full collections over a large live heap: each one is charged by the
-- size of what it marks, so the loop meets its budget instead of running for ever.
local t = {}
for i = 1, 100000 do t[i] = {i} end
while true do collectgarbage() end
