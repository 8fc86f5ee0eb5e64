-- `not` of a constant is folded to a boolean constant, as lua5.4 does: a left
-- operand `not K` of and/or that cannot decide the result is dropped, so errors
-- name the right operand; folded constants also serve as <const> values, keys and
-- comparison operands.
local g = print
local function try(f) print(pcall(f)) end
try(function() return -7.25 // (not 1000000 or g) end)
try(function() return 1 + (not nil and g) end)
try(function() return 1 + (not not nil or g) end)
try(function() return 1 + (not 'x' or g) end)
try(function() return 1 + ((not 1) or g) end)
try(function() return 1 + (not false and g) end)
try(function() return 1 + (not 1 and g) end)      -- decided: false
try(function() return -(not 1) end)
local c <const> = not 1
local d <const> = not nil
print(c, d, type(c))
local t = {[not 1] = "f", [not nil] = "t"}
print(t[false], t[true], t[not 2], t[not not 2])
local x = false
print(x == not 1, x ~= not nil, not 1 == false)
if not 1 then print("no") else print("else") end
while not true do print("never") end
print(not 1 or "fallback", not nil and "taken")

-- a division or modulo by zero is never folded (even one giving inf), so the
-- and/or around it keeps its code and the error names nothing
try(function() return (-1/0 and '0x10') << 1 end)
try(function() local v = (1 % 0.0 or g) + 1 return v ~= v end)
try(function() return (1 // 0) end)
try(function() return 1 % 0 end)
print(-1/0, 1/0, 0/0 ~= 0/0, 5 // 0.0, -5 % 0.0 ~= -5 % 0.0)
