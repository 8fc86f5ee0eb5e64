-- §2.1 values and types
print(type(nil), type(true), type(false), type(0), type(0.5), type(""), type({}), type(print), type(type), type(function() end))
print(type(coroutine.create(function() end)), type(io.stdout))
print(pcall(type))
print(select('#', type(nil)))
local t = {}
print(t == t, {} == {}, t ~= {})
print(nil == false, 0 == false, "" == false, not nil, not 0, not "")
local f1 = function() end
local f2 = function() end
print(f1 == f1, f1 == f2)
print(type(type), type(_G), type(_ENV), _G == _ENV)
print(math.type(1), math.type(1.0), math.type("1"), math.type(nil), math.type({}))
print(math.type(2^31), math.type(1//1), math.type(1.0//1), math.type(3 % 1), math.type(3.0 % 1))
print(1 == 1.0, math.type(1) == math.type(1.0))
-- table keys: float keys with integer value are normalized
local k = {}
k[1] = "int"; k[1.0] = "float"
print(k[1], k[1.0], #k)
k[2^53] = "big"
print(k[2^53], k[math.tointeger(2^53)])
k[0.5] = "half"
print(k[0.5], k[1/2])
-- nan and nil keys
print(pcall(function() local x = {} x[nil] = 1 end))
print(pcall(function() local x = {} x[0/0] = 1 end))
print(({})[nil], ({})[0/0])
print(rawequal(0.0, -0.0), 0.0 == -0.0)
local z = {}
z[0.0] = "zero"
print(z[-0.0], z[0])
