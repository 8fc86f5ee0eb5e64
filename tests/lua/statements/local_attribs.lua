-- §3.3.7 local attributes: <const>
local x <const> = 10
local y <const>, z = 20, 30
print(x, y, z)
z = 31
print(z)
local s <const> = "str"
print(s .. "!")
local function f() return x + y end
print(f())
print(load("local a <const> = 1; a = 2", "=c"))
print(load("local a <const> = 1; local function g() a = 2 end", "=c"))
print(load("local a <foo> = 1", "=c"))
print(load("local a <close>, b <close> = 1, 2", "=c"))
print(type(load("local a <const>", "=c")))
print(load("local a <const> = {}; a.x = 1; return a.x", "=c")())
print(load("local a <const> = 1; for a = 1, 2 do a = 3 end return 'shadowed ok'", "=c")())
local t <const> = {n = 1}
t.n = t.n + 1
print(t.n)
local n <const> = nil
print(n)
