-- limits: budget=200000000
-- expect: all keys stored
-- Integer keys chosen to collide under an unkeyed multiplicative hash (multiples of
-- the inverse of 0x9E3779B97F4A7C15, shifted into the bits the probe ignores):
-- with such a hash, every insert probes past all earlier keys. Keyed hashing keeps
-- this linear.
local inv = -1018231460777725123
local t = {}
for c = 0, 1 do
  for j = 1, 65535 do
    t[((j << 48) | c) * inv] = true
  end
end
local n = 0
for _ in pairs(t) do n = n + 1 end
assert(n == 131070)
error("all keys stored")
