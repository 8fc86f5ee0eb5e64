-- limits: budget=100000000
-- expect: C stack overflow
local function nest() coroutine.wrap(nest)() end
nest()
