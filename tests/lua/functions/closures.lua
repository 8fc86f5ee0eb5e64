-- §3.5 closures and upvalues
local function counter()
  local n = 0
  return function() n = n + 1 return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
print(get(), inc(), get())
local inc2 = counter()
print(inc2(), get())
-- shared upvalue between sibling closures after the scope ends
local setters = {}
do
  local shared = "init"
  setters.set = function(v) shared = v end
  setters.get = function() return shared end
end
setters.set("changed")
print(setters.get())
-- fresh upvalue per loop iteration
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())
fs = {}
local j = 1
while j <= 3 do local k = j fs[j] = function() k = k + 10 return k end j = j + 1 end
print(fs[1](), fs[1](), fs[2](), fs[3]())
-- upvalue of upvalue
local function outer()
  local x = 1
  return function()
    return function() x = x + 1 return x end
  end
end
local mid = outer()
local a, b = mid(), mid()
print(a(), b(), a())
-- closure captures variable, not value
local v = 1
local function getv() return v end
v = 2
print(getv())
-- recursive local function
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(20), fact(21))
local fib
fib = function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(20))
-- mutual recursion through locals declared ahead
local isodd
local function iseven(n) if n == 0 then return true end return isodd(n - 1) end
function isodd(n) if n == 0 then return false end return iseven(n - 1) end
print(iseven(10), isodd(7), iseven(7))
-- function statements
local M = {sub = {}}
function M.f(x) return x * 2 end
function M.sub.g(x) return x + 1 end
function M:method(x) return self == M, x end
print(M.f(4), M.sub.g(4), M:method(9))
print(M.method(M, 1), M.method({}, 2))
-- global function statement
function globalfn() return "global" end
print(globalfn(), type(_G.globalfn))
-- parameters are locals
local function adj(p) p = p + 1 return p end
local p = 5
print(adj(p), p)
-- extra args are dropped, missing ones are nil
local function two(a, b) return a, b end
print(two(1), two(1, 2, 3))
-- closures over loop variables of numeric for with step
local acc = {}
for i = 10, 1, -4 do acc[#acc + 1] = function() return i end end
print(acc[1](), acc[2](), acc[3]())
