-- limits: budget=2000000
-- expect: budget exhausted
print((string.gsub("abc", "%w", function(c) while true do end end)))
