-- limits: memory=16m
-- expect: not enough memory
local fs = {}
while true do
  local n = #fs
  fs[n + 1] = function() return n, fs end
end
