local t = {}
print(getmetatable(t))
local mt = {}
setmetatable(t, mt)
print(getmetatable(t) == mt)
mt.__metatable = "protected"
print(getmetatable(t))
print(pcall(setmetatable, t, {}))
print(getmetatable("x").__index == string)
print(getmetatable(nil), getmetatable(1), getmetatable(true), getmetatable(print))
print(pcall(getmetatable))
print(select('#', getmetatable({})))
print(setmetatable({}, nil) ~= nil)
local mt2 = {__index = function(_, k) return k * 2 end}
local u = setmetatable({}, mt2)
print(u[21])
