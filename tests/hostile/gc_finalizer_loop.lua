-- limits: budget=2000000
-- expect: budget exhausted
setmetatable({}, {__gc = function() while true do end end})
collectgarbage()
print("unreachable?")
