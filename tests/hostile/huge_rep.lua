-- limits: memory=16m
-- expect: not enough memory
local s = string.rep("x", 50000000)
print(#s)
