-- §3.4.9 table constructors
local function f() return 1, 2, 3 end
local function none() end
local t = {f()}
print(#t, t[1], t[2], t[3])
t = {f(), f()}
print(#t, t[1], t[2], t[3], t[4])
t = {f(), 10}
print(#t, t[1], t[2], t[3])
t = {(f())}
print(#t, t[1])
t = {none()}
print(#t)
t = {none(), 1}
print(#t, t[1], t[2])
t = {1, 2, 3,}
print(#t)
t = {1; 2; 3;}
print(#t)
t = {1, 2; x = 3, [4] = 4; 5}
print(#t, t[1], t[2], t[3], t[4], t.x)
t = {[1] = "a", "b"}
print(t[1])
t = {"b", [1] = "a"}
print(t[1])
t = {x = 1, x = 2}
print(t.x)
t = {[1.0] = "one", [2] = "two", [2^53] = "big"}
print(t[1], t[2.0], math.type(next({[3.0] = 1})), t[2^53])
t = {["a b"] = 1, [true] = 2, [false] = 3}
print(t["a b"], t[true], t[false])
local i = 0
local function nexti() i = i + 1 return i end
t = {nexti(), nexti(), [nexti()] = nexti(), nexti()}
print(t[1], t[2], t[3], t[4], t[5])
t = {{}, {{}}, {x = {y = {z = "deep"}}}}
print(#t, #t[2], t[3].x.y.z)
t = {f(), nil}
print(#t)
t = {f(), f(), nil}
print(t[1], t[2], t[3], t[4])
local function many(n) local r = {} for j = 1, n do r[j] = j end return table.unpack(r) end
t = {many(300)}
print(#t, t[300])
t = {"x", many(5)}
print(#t, t[6])
t = {select(2, "a", "b", "c")}
print(#t, t[1], t[2])
print(load("return {,}"))
print(load("return {1,,2}"))
print(load("return {x=}"))
print(#{...}, select('#', ...))
