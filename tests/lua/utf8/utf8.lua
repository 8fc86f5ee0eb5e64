print(utf8.char(72, 228, 8364, 128512), utf8.char(), #utf8.char(0x7FFFFFFF))
print(utf8.char(0x7F):byte(1, -1))
print(utf8.char(0x80):byte(1, -1))
print(utf8.char(0x7FF):byte(1, -1))
print(utf8.char(0x800):byte(1, -1))
print(utf8.char(0xFFFF):byte(1, -1))
print(utf8.char(0x10000):byte(1, -1))
print(utf8.char(0x10FFFF):byte(1, -1))
print(utf8.char(0x110000):byte(1, -1))
print(pcall(utf8.char, -1))
print(pcall(utf8.char, 0x80000000))
print(utf8.charpattern, utf8.charpattern == "[\0-\x7F\xC2-\xFD][\x80-\xBF]*")
local s = "häll€ 😀"
print(utf8.len(s), #s, utf8.len(""), utf8.len("abc"))
print(utf8.len(s, 3), utf8.len(s, -4), utf8.len(s, 1, 2), utf8.len(s, 2, 2))
print(utf8.len("\xff"), utf8.len("ab\x80cd"), utf8.len("abc\xe2\x82"))
print(pcall(utf8.len, s, 3))
print(pcall(utf8.len, "abc", 5))
print(utf8.len("abc", 4), utf8.len("abc", 0 + 1, -1))
print(utf8.codepoint(s), utf8.codepoint(s, 2), utf8.codepoint(s, 1, 4))
print(utf8.codepoint(s, -4))
print(pcall(utf8.codepoint, s, 3))
print(pcall(utf8.codepoint, "\xff"))
print(pcall(utf8.codepoint, "abc", 4))
print(select('#', utf8.codepoint("abc", 3, 2)))
for p, c in utf8.codes(s) do io.write(p, ":", c, " ") end
print()
print(pcall(function() for p, c in utf8.codes("a\xffb") do end end))
print(utf8.offset(s, 1), utf8.offset(s, 2), utf8.offset(s, 3), utf8.offset(s, 6), utf8.offset(s, 8), utf8.offset(s, 9))
print(utf8.offset(s, -1), utf8.offset(s, -2), utf8.offset(s, 0, 3), utf8.offset(s, 0, 4), utf8.offset(s, 1, 4))
print(pcall(utf8.offset, s, 1, 3))
print(utf8.offset("abc", 5), utf8.offset("abc", -5), utf8.offset("", 1), utf8.offset("", -1))
-- lax mode accepts surrogates and large code points
local sur = "\xed\xa0\x80"
print(utf8.len(sur), utf8.len(sur, 1, -1, true))
print(pcall(utf8.codepoint, sur), utf8.codepoint(sur, 1, 1, true))
local big = utf8.char(0x7FFFFFFF)
print(utf8.len(big), utf8.len(big, 1, -1, true), utf8.codepoint(big, 1, 1, true))
for p, c in utf8.codes(sur, true) do print(p, c) end
print(pcall(function() for p, c in utf8.codes(sur) do end end))
-- overlong encodings are invalid
print(utf8.len("\xc0\x80"), utf8.len("\xe0\x80\x80"))
for _, c in utf8.codes("ascii") do io.write(c, " ") end
print()
local chars = {}
for ch in s:gmatch(utf8.charpattern) do chars[#chars + 1] = ch end
print(#chars, chars[2], chars[5], chars[7])
print(utf8.char(0x48, 0x49) == "HI", utf8.codepoint("\u{10FFFF}"))
