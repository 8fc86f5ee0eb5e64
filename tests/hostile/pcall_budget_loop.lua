-- limits: budget=2000000
-- expect: budget exhausted
while true do
  pcall(function() while true do end end)
end
