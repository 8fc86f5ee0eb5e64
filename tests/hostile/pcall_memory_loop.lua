-- limits: memory=16m budget=1000000000
-- expect: not enough memory
while true do
  print(pcall(function() local t = {} for i = 1, 1e9 do t[i] = {} end end))
end
