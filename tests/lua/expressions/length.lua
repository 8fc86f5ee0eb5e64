-- §3.4.7 length operator
print(#"", #"abc", #"\0\0", #"\u{10FFFF}")
print(#{}, #{1, 2, 3}, #{1, 2, 3, nil}, #{nil}, #{n = 1})
local t = {}
for i = 1, 100 do t[i] = i end
print(#t)
t[#t] = nil
print(#t)
t[#t + 1] = "x"
print(#t, t[#t])
local s = "hello"
print(#s, -#s, #s + 1, #s .. "")
print(pcall(function() return #nil end))
print(pcall(function() return #5 end))
print(pcall(function() local n = 5 return #n end))
local u = {}
u[1] = 1; u[2] = 2; u[3] = 3
print(#u)
local w = {1, 2, 3, [4] = 4, [5] = 5}
print(#w)
print(#{n = 3, 1, 2})
print(#"a" + #"bb" * #"ccc")
