-- micro benchmark (bench/micro.sh): instructions per iteration of a 2e6 loop
local abs = math.abs local x
for n = 1, 2000000 do x = abs(n) end
