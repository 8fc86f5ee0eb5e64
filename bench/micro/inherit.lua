-- micro benchmark (bench/micro.sh): instructions per iteration of a 2e6 loop
local Base = {} Base.__index = Base
function Base.get(self) return self.v end
local C = setmetatable({}, {__index = Base}) C.__index = C
local o = setmetatable({v = 1}, C) local x
for n = 1, 2000000 do x = o:get() end
