-- limits: memory=16m
-- expect: not enough memory
local parts = {}
local i = 0
while true do i = i + 1 parts[i] = ("x"):rep(1000) .. i end
