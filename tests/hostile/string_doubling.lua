-- limits: memory=16m
-- expect: not enough memory
local s = "x"
while true do s = s .. s end
