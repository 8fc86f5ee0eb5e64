-- Light userdata (made by debug.upvalueid): type, equality, keys, per-type
-- metatable, and how argument errors and tostring name them (__name of any type).
local a = 1
local function f() return a end
local function g() return a end
local x, y = debug.upvalueid(f, 1), debug.upvalueid(g, 1)
print(type(x), x == y, rawequal(x, y), math.type(x))
local t = {}
t[x] = "v"
print(t[y])
print(pcall(debug.setuservalue, x, {}))
print(pcall(setmetatable, x, {}))
print(pcall(string.rep, x))
print(getmetatable(x))
debug.setmetatable(x, {__index = function(_, k) return k .. "!" end, __name = "LUD"})
print(x.foo, getmetatable(y) ~= nil, getmetatable(print))
print(pcall(string.rep, x))
debug.setmetatable(x, nil)
print(pcall(function() return x + 1 end))
print(pcall(function() return #x end))
print(pcall(function() return x.field end))
print(x ~= debug.upvalueid(print, 1), debug.upvalueid(string.gmatch("a", "a"), 1) ~= nil)
debug.setmetatable(10, {__name = "NUM"})
print(pcall(string.rep, 1, {}))
print(pcall(string.rep, {}, 1))
print(pcall(math.floor, "x"))
print(pcall(string.rep, 5))
print(tostring(print):match("^builtin") or tostring(print):match("^function"))
debug.setmetatable(print, {__name = "FN"})
print((tostring(print):gsub("0x%x+", "ADDR")))
print(pcall(string.rep, print))
