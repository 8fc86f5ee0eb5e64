print(type(collectgarbage("count")), math.type(collectgarbage("count")))
print(collectgarbage("collect"))
print(collectgarbage())
-- cycles are collected
local weak = setmetatable({}, {__mode = "v"})
do
  local a, b = {}, {}
  a.other = b; b.other = a
  weak[1] = a; weak[2] = b
end
collectgarbage()
print(weak[1], weak[2])
-- self-referencing closure cycle
do
  local t = {}
  t.f = function() return t end
  weak[3] = t
end
collectgarbage()
print(weak[3])
-- a reachable cycle survives
local keep = {}
keep.self = keep
weak[4] = keep
collectgarbage()
print(weak[4] == keep)
-- lots of garbage does not break anything
local last
for i = 1, 100000 do last = {i, tostring(i)} end
collectgarbage()
print(last[1], last[2])
-- strings built in a loop
local parts = {}
for i = 1, 10000 do parts[#parts + 1] = "x" .. i end
print(#table.concat(parts))
-- memory goes down after freeing a big structure
local big = {}
for i = 1, 200000 do big[i] = {i} end
local with = collectgarbage("count")
big = nil
collectgarbage()
collectgarbage()
print(collectgarbage("count") < with)
