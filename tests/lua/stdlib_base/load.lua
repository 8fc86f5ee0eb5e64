-- load with strings
local f = load("return 1 + 1")
print(f())
print(load("syntax error here"))
print(load("return ...", "chunk")(1, 2))
-- chunkname forms
print(type(load("error('x')", "=custom")))
print(pcall(load("error('x')", "=custom")))
print(pcall(load("error('x')", "@file.lua")))
print(pcall(load("error('x')", "plain string")))
print(pcall(load("error('x')")))
print(pcall(load("\n\nerror('line 3')")))
print(pcall(load("error('x')", "=")))
-- mode
print(type(load("return 1", "m", "t")))
print(load("return 1", "m", "b"))
print(load("return 1", "m", "bt") ~= nil)
print(load("\27Lua fake binary", "bin", "t"))
print(pcall(load, "return 1", "m", "x"))
-- env parameter
local env = {y = 5}
local g = load("x = 10 return y", "env", "t", env)
print(g(), env.x, x)
print(load("return print", "n", "t", {})())
local h = load("return _ENV", "n", "t", env)
print(h() == env)
print(load("return _ENV")() == _G)
-- nil env
local nilenv = load("return x", "n", "t", nil)
print(pcall(nilenv))
-- reader function
local parts = {"return ", "'from ", "reader'"}
local i = 0
local r = load(function() i = i + 1 return parts[i] end)
print(r())
i = 0
parts = {"ret", "urn 4", "2", ""}
print(load(function() i = i + 1 return parts[i] end)())
print(type(load(function() return nil end)))
print(pcall(load(function() return nil end)))
print(pcall(load, function() error("reader failed") end))
print(pcall(load, function() return {} end))
-- load returns a function with upvalue _ENV set
local counter = load("n = (n or 0) + 1 return n")
print(counter(), counter(), n)
-- load of a function that defines locals and returns a closure
local mk = load("local a = ... return function() a = a + 1 return a end")
local c = mk(10)
print(c(), c())
-- string.dump round trip is optional (not tested); text chunks with shebang lines are not stripped by load
print(load("#!x\nreturn 1"))

-- dofile and loadstring absence
print(type(loadstring), type(dofile), type(loadfile))
