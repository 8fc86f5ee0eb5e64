-- §3.4.10 proper tail calls
local function loop(n) if n == 0 then return "done" end return loop(n - 1) end
print(loop(10000000))
local function a(n) if n == 0 then return "a" end return (function(m) return a(m) end)(n - 1) end
print(a(100000))
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
print(even(1000001), odd(1000001))
-- tail call with varargs
local function va(n, ...) if n == 0 then return select('#', ...), ... end return va(n - 1, ...) end
print(va(1000000, "x", "y"))
-- tail call through a method
local obj = {n = 0}
function obj:step(k) if k == 0 then return self.n end self.n = self.n + 1 return self:step(k - 1) end
print(obj:step(500000))
-- tail call of a C function
local function tc(s) return string.upper(s) end
print(tc("tail"))
-- tail call to __call metamethod
local callable = setmetatable({}, {__call = function(self, n) return n * 2 end})
local function viacall(n) return callable(n) end
print(viacall(21))
