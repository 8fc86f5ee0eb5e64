-- xoshiro256** with a fixed seed is reproducible
math.randomseed(42)
local r = {}
for i = 1, 5 do r[i] = math.random(1, 100) end
print(table.concat(r, " "))
for i = 1, 5 do r[i] = math.random(10) end
print(table.concat(r, " "))
for i = 1, 3 do r[i] = string.format("%.17g", math.random()) end
print(r[1], r[2], r[3])
print(math.random(0), math.random(0))
print(math.random(math.mininteger, math.maxinteger))
print(math.random(-5, -1), math.random(3, 3))
math.randomseed(42)
print(math.random(1, 100))
math.randomseed(1, 2)
print(math.random(1000000), math.random(1000000))
math.randomseed(0)
print(math.random(1 << 40))
math.randomseed(42.0)
print(math.random(1, 100))
math.randomseed(-7)
print(math.random(1, 1000), math.random())
print(pcall(math.random, 0, -1))
print(pcall(math.random, 1, 2, 3))
print(pcall(math.random, 1.5))
local ok = true
math.randomseed(123)
for i = 1, 10000 do local v = math.random(5, 10) if v < 5 or v > 10 or math.type(v) ~= "integer" then ok = false end end
for i = 1, 10000 do local v = math.random() if v < 0 or v >= 1 then ok = false end end
print(ok)
print(math.type(math.random(5)), math.type(math.random()))
-- randomseed returns nothing in 5.4.4; do not print it
