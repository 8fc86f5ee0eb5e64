-- limits: budget=1000000
-- expect: chain too long
local a, b = {}, {}
setmetatable(a, {__index = b})
setmetatable(b, {__index = a})
print(a.x)
