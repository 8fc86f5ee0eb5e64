-- limits: memory=16m budget=1000000000
-- expect: not enough memory
local cs = {}
while true do
  local co = coroutine.create(function(a) coroutine.yield(a) end)
  coroutine.resume(co, #cs)
  cs[#cs + 1] = co
end
