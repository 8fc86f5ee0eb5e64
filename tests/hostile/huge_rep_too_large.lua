-- limits: budget=1000000
-- expect: resulting string too large
local s = string.rep("x", 1 << 40)
