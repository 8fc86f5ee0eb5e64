-- limits: budget=100000000
-- expect: stack overflow
local src = "return " .. string.rep("(", 100000) .. "1" .. string.rep(")", 100000)
local f, err = load(src)
error(err)
