-- limits: memory=16m
-- expect: not enough memory
local t = {}
local i = 0
while true do i = i + 1 t["k" .. i] = true end
