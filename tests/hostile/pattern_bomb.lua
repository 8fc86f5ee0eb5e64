-- limits: budget=10000000
-- expect: budget exhausted
local s = string.rep("a", 200000)
print(string.find(s, string.rep("a*", 30) .. "b"))
