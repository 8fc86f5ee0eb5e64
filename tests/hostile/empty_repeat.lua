-- limits: budget=1000000
-- expect: budget exhausted
repeat local x = 1 until false
