-- limits: budget=2000000
-- expect: budget exhausted
print(setmetatable({}, {__tostring = function() while true do end end}))
