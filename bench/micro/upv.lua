-- micro benchmark (bench/micro.sh): instructions per iteration of a 2e6 loop
local u = 0 local function f() u = u + 1 end
for n = 1, 2000000 do f() end
