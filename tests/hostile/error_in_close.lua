-- limits: budget=2000000
-- expect: budget exhausted
do
  local x <close> = setmetatable({}, {__close = function() while true do end end})
end
