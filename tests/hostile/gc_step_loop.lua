-- limits: steps=2m
-- expect: step limit reached
-- collectgarbage("step") in a loop under a step limit alone, inside pcall.
local t = {}
for i = 1, 100000 do t[i] = tostring(i) end
while true do pcall(collectgarbage, "step") end
