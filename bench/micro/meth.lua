-- micro benchmark (bench/micro.sh): instructions per iteration of a 2e6 loop
local o = {m = function(self) end}
for n = 1, 2000000 do o:m() end
