-- micro benchmark (bench/micro.sh): instructions per iteration of a 2e6 loop
local t = {1,2,3} local x
for n = 1, 2000000 do x = t[2] end
