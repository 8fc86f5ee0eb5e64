-- limits: budget=1000000
-- expect: budget exhausted
local s = string.rep("ab", 100000)
for i = 1, 1000 do s = s:gsub("a", "aa") end
