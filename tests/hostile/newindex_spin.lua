-- limits: budget=2000000
-- expect: budget exhausted
local t = setmetatable({}, {__newindex = function(t, k, v) while true do end end})
t.x = 1
