print("start")
local function fail() error("boom") end
fail()
