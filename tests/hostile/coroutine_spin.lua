-- limits: budget=2000000
-- expect: budget exhausted
local co = coroutine.wrap(function() while true do coroutine.yield() end end)
while true do co() end
