-- Dead temporaries and the registers of returned calls do not keep objects
-- alive: only the live part of each frame is marked. The loops run a fixed
-- number of times (enough garbage for several collections) so that the cost
-- does not depend on when the collector runs.
local done = false
print(type(setmetatable({}, {__gc = function() done = true end})))
local i = 0
repeat local a = {} i = i + 1 until i == 200000
print("finalized", done)

-- closure.lua's idiom: garbage built in a loop whose condition reads a weak table.
local x = setmetatable({[1] = {}}, {__mode = 'kv'})
for A = 1, 100000 do
  if x[1] ~= 1 then local a = A .. A .. A .. A end
end
print("weak entry collected", x[1] == nil)

local y = setmetatable({}, {__mode = 'v'})
local function fill() y[1] = {} return y[1] end
while y[1] == nil do fill() end
for k = 1, 100000 do
  if y[1] ~= 1 then local s = tostring(k) end
end
print("call result register dropped", y[1] == nil)

local big = string.rep("x", 4000000)
local before = collectgarbage("count")
big = nil
collectgarbage()
print("big string freed", before - collectgarbage("count") > 3000)

-- A closure assigned to a local below live ones keeps those alive.
local p, q = {}, {"kept"}
p = function() return q end
collectgarbage()
print(p()[1])
