-- §3.1 short strings and escapes
print("a\tb", 'a\\b', "quote\"s", 'apos\'s')
print(#"\a\b\f\n\r\t\v\\\"\'", string.byte("\a\b\f\n\r\t\v", 1, -1))
print("\65\066\0671", #"\0", #"a\0b", ("a\0b"):byte(2))
print("\x41\x62\x7A", "\x7e")
print("\u{48}\u{49}", #"\u{7FF}", #"\u{FFFF}", #"\u{10FFFF}", #"\u{7FFFFFFF}")
print(string.byte("\u{E9}", 1, -1))
print(string.byte("\u{7FFFFFFF}", 1, -1))
print("line1\
line2")
print("skip \z
       whitespace", "a\z  b")
print("\z

   x")
print('\'', "\"", '"', "'")
print("\255\254" == "\xff\xfe", #"\255")
print(("\r\n"):byte(1, -1))
local s = "\1\2\3\0044"
print(#s, s:byte(1, -1))
print("tab:\9:", "nul-terminated?\0after" == "nul-terminated?\0after")
print(string.format("%q", "\0\1\127\200\n\r\t\"\\"))
