-- micro benchmark (bench/micro.sh): instructions per iteration of a 2e6 loop
g = 0
for n = 1, 2000000 do g = g + 1 end
