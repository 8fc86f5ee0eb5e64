-- identifiers and keywords
local _ = 1
local _abc, abc_, a1b2, ABC, aBc = 1, 2, 3, 4, 5
print(_, _abc, abc_, a1b2, ABC, aBc)
local And, Or, Not, End, NIL = "And", "Or", "Not", "End", "NIL"
print(And, Or, Not, End, NIL)
local t = {}
t["end"] = 1; t["while"] = 2; t["goto"] = 3
print(t["end"], t["while"], t["goto"])
print(load("local end = 1"))
print(load("local goto = 1"))
print(load("x.and = 1"))
print(load("return 1 .. 2")())
print(load("return 1..2"))
print(load("return 0x"))
print(load("return 1e"))
print(load("return 3.4.5"))
print(load("return 0xg"))
print(load("return 1x"))
local  spaced    =     42	print(spaced)
print(#"é", ("\u{e9}"):len())
print(load("local é = 1"))
print(load("return @"))
print(load("return $x"))
print(load("x = 1 ! 2"))
