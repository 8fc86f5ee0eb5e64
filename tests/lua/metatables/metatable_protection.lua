-- __metatable, getmetatable and setmetatable
local t = {}
local mt = {}
print(setmetatable(t, mt) == t, getmetatable(t) == mt)
print(setmetatable(t, nil) == t, getmetatable(t))
local prot = setmetatable({}, {__metatable = "locked"})
print(getmetatable(prot))
print(pcall(setmetatable, prot, {}))
print(pcall(setmetatable, prot, nil))
local prot2 = setmetatable({}, {__metatable = false})
print(getmetatable(prot2))
print(pcall(setmetatable, prot2, {}))
print(pcall(setmetatable, {}, 1))
print(pcall(setmetatable, 1, {}))
print(pcall(setmetatable, {}))
print(getmetatable(1), getmetatable(nil), getmetatable(print))
print(getmetatable("").__index == string, getmetatable("abc") == getmetatable(""))
print(getmetatable("").__name)
-- metatables are per table
local a, b = {}, {}
setmetatable(a, {__index = {x = 1}})
print(a.x, b.x)
-- changing the metatable contents takes effect immediately
local shared = {}
local obj = setmetatable({}, shared)
print(obj.k)
shared.__index = {k = "later"}
print(obj.k)
shared.__index = nil
print(obj.k)
