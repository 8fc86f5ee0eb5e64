-- micro benchmark (bench/micro.sh): instructions per iteration of a 2e6 loop
local x local s = 'ab'
for n = 1, 2000000 do x = s .. 'c' end
