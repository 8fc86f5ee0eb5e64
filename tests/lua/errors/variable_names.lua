-- Variable names in runtime errors, for cases found by the differential fuzzer
-- (fuzz/src/bin/differential.rs).

-- _ENV indexed by a non-constant key is a global named '?'.
print(pcall(function() return _ENV[{}] + 1 end))
print(pcall(function() local k = "nope" return _ENV[k] + 1 end))
print(pcall(function() local e = _ENV return e[{}] + 1 end))
print(pcall(function() local t = {} return t[{}] + 1 end))

-- A constant's name ends at its first zero byte, as lua5.4 prints it.
print(pcall(function() return "a\0b" | 1 end))
print(pcall(function() local t = {} return t["k\0ey"].x end))

-- A constant left operand of 'and'/'or' is decided when compiling: the result is
-- the right operand itself, and errors name it.
local f = print
print(pcall(function() return ~("s" and f) end))
print(pcall(function() return ('x' and '%d') << 1 end))
print(pcall(function() return (nil or f) + 1 end))
print(pcall(function() return -(false or t) end))
print(true and 1, nil and 1, false or 2, 3 or error("never"), "a" and nil)
local n = 5
n = true and n + 1
print(n, (1 and n) == 6)
-- A constant that decides the result keeps its code (and errors name nothing).
print(pcall(function() return ~((1 * 1e308) << ('10' or 3)) end))
print(pcall(function() return 1 << (nil and 3) end))
