-- limits: budget=20000000
-- expect: budget exhausted
while true do pcall(string.rep, "x", 100000, ",") end
