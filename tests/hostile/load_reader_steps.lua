-- limits: steps=200000
-- expect: step limit reached
-- A reader function that loops until the step limit: the limit passes `load`.
local r = load(function() while true do end end)
print("escaped", r)
while true do end
