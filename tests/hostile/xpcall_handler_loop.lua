-- limits: budget=2000000
-- expect: budget exhausted
print(xpcall(function() error("x") end, function(m) while true do end end))
