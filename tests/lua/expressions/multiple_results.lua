-- §3.4.12 function calls and multiple results
local function f() return 1, 2, 3 end
local function g() end
print(f())
print(f(), 10)
print(10, f())
print((f()))
print(f(), f())
print(({f()})[3], ({f(), 9})[2])
local a, b, c, d = f()
print(a, b, c, d)
a, b, c, d = f(), 10
print(a, b, c, d)
a, b = (f())
print(a, b)
print(select('#', f()), select('#', (f())), select('#', g()), select('#', (g())))
print(select('#', nil, nil), select('#'), select('#', f(), g()))
print(string.format("%d %d %d", f()))
print(math.max(f()), math.max(f(), 0))
local t = {f(), f()}
print(#t)
local function pass(...) return ... end
print(pass(f()))
print(pass(f(), 4))
print(pass())
print(select('#', pass(nil, nil, nil)))
local function tail() return f() end
print(tail())
local function paren() return (f()) end
print(paren())
print(#{pass(1, nil, 3)} >= 1)
print((g()))
print(pcall(type, g()))
print(pcall(type, (g())))
local s = "x"
print(s:rep(2, ","), ("x"):rep(f()))
print(f() + 10, -f(), #{f()} .. "")
return_value = nil
