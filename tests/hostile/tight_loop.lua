-- limits: budget=1000000
-- expect: budget exhausted
while true do end
