-- limits: memory=8m budget=50000000
-- expect: not enough memory
-- A reader function that hits the memory quota: `load` must not turn the limit
-- into `nil, message` (the script would go on and print "escaped").
local t = {}
local r = load(function() for i = 1, 1e9 do t[i] = {} end return nil end)
print("escaped", r)
