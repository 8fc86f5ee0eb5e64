-- limits: memory=16m budget=1000000000
-- expect: not enough memory
local t = {}
while true do t = {t} end
