-- strings are immutable byte sequences
local s = "hello"
local t = s
s = s .. " world"
print(s, t)
print(#"", #"a\0b\0", "a\0b" == "a\0b", "a\0b" < "a\0c")
print("a" < "b", "a" < "ab", "" < "a", "Z" < "a", "abc" < "abd", "b" > "abc")
print("10" < "9", "a" <= "a", "a" >= "b")
print(("x"):rep(3), ("%d"):format(5), #("abc"):upper())
local u = "\xff\x00\x80"
print(#u, u:byte(1, -1))
print(("abc"):sub(2), ("abc").len == string.len, type(("abc").len))
local mt = getmetatable("")
print(type(mt), mt.__index == string)
