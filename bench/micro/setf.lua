-- micro benchmark (bench/micro.sh): instructions per iteration of a 2e6 loop
local t = {y=1} local x
for n = 1, 2000000 do t.y = n end
