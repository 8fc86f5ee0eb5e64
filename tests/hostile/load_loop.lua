-- limits: budget=5000000
-- expect: budget exhausted
while true do load("return " .. string.rep("1 + ", 1000) .. "1")() end
