-- limits: memory=16m
-- expect: not enough memory
local t = {}
for i = 1, 1e7 do t[i] = "xxxxxxxxxxxxxxxx" end
print(#table.concat(t))
