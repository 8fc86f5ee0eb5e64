-- §3.4.6 concatenation
print("a" .. "b", "a" .. 1, 1 .. "a", 1 .. 2, 1.0 .. "", -0.0 .. "", 2^63 .. "")
print(1e100 .. "", 1e15 .. "", 0.1 .. "", 10 // 3 .. "", 10 / 2 .. "")
print(math.maxinteger .. "", math.mininteger .. "", math.huge .. "", -math.huge .. "")
print("x" .. "y" .. "z" .. 1 .. 2.5)
print(pcall(function() return "a" .. nil end))
print(pcall(function() return "a" .. {} end))
print(pcall(function() return true .. "" end))
print(pcall(function() local t = {} return t .. "x" end))
print(pcall(function() local t = {x = {}} return "a" .. t.x end))
local s = ""
for i = 1, 10 do s = s .. i end
print(s, #s)
print(("a"):rep(3) .. "b", #("" .. ""))
print(1 .. 2 == "12", "1" .. "2" + 0)
local big = string.rep("ab", 1000)
print(#(big .. big .. big))
