-- limits: budget=2000000
-- expect: budget exhausted
table.sort({3, 2, 1, 5, 4}, function(a, b) while true do end end)
