-- limits: budget=5000000
-- expect: budget exhausted
local t = {}
for i = 1, 200 do t[i] = i end
while true do select("#", table.unpack(t)) end
