-- limits: memory=16m budget=1000000000
-- expect: not enough memory
local keep = {}
local mt = {}
mt.__gc = function(o) keep[#keep + 1] = o setmetatable({}, mt) keep[#keep + 1] = ("y"):rep(200000) .. #keep end
setmetatable({}, mt)
while true do local t = {} collectgarbage() end
