-- limits: steps=1000000
-- expect: '__call' chain too long
-- A value whose __call is itself: each hop shifts the arguments up one slot, so
-- following the chain to the stack limit would take quadratic time and charge nothing.
local t = setmetatable({}, {})
getmetatable(t).__call = t
local ok, e = pcall(t)
print(ok, e)
-- Ordinary chains of a few hops still work.
local inner = setmetatable({}, {__call = function(self, o, a, b) return a + b end})
local outer = setmetatable({}, {__call = inner})
print(outer(1, 2))
t()
