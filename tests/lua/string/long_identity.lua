-- Long strings (over 40 bytes) are distinct objects when made separately, yet equal
-- by contents everywhere: in comparisons, as table keys and in library functions.
local function addr(s) return string.format("%p", s) end

-- literals of one chunk are one object, even across functions
local s1 = "01234567890123456789012345678901234567890123456789"
local function lit() return "01234567890123456789012345678901234567890123456789" end
print(addr(s1) == addr(lit()))

-- strings built at run time are new objects, equal to the literal
local built = "0123456789" .. "0123456789012345678901234567890123456789"
print(built == s1, addr(built) == addr(s1), rawequal(built, s1))
local r1, r2 = string.rep("a", 300), string.rep("a", 300)
print(r1 == r2, addr(r1) ~= addr(r2), #r1)

-- short strings are still one object
local a, b = string.rep("ab", 5), "ababababab"
print(addr(a) == addr(b))

-- the boundary: 40 bytes interned, 41 bytes not
print(addr(string.rep("x", 40)) == addr(string.rep("x", 40)))
print(addr(string.rep("x", 41)) == addr(string.rep("x", 41)))

-- as table keys: any equal long string finds the entry
local t = {}
t[r1] = "first"
print(t[r2], t[string.rep("a", 299) .. "a"], rawget(t, r2))
t[r2] = "second"
local n = 0
for k, v in pairs(t) do n = n + 1; print(#k, v) end
print(n)
t[string.rep("a", 300)] = nil
print(next(t))

-- keys that differ only in their last byte, or in length
local keys = {}
for i = 1, 50 do keys[#keys + 1] = string.rep("k", 60) .. i end
local u = {}
for i, k in ipairs(keys) do u[k] = i end
local ok = true
for i = 1, 50 do
  if u[string.rep("k", 60) .. i] ~= i then ok = false end
end
print(ok, u[string.rep("k", 61)])

-- comparisons, library functions and metamethods
print(r1 < r1 .. "b", r1 <= r2, r1 >= r2, r1 > r2)
print(string.find(r1 .. "needle" .. r2, "needle", 1, true))
local mt = {__index = function(_, k) return #k end}
local p = setmetatable({[s1] = "present"}, mt)
print(p[built], p[string.rep("z", 45)])
local s = string.rep("b", 100)
local copy = string.gsub(s, ".", function(x) return x end)
print(copy == s, addr(copy) ~= addr(s))

-- constants compared in the same function as a built value
local function eqk(x) return x == "this is a long string constant, longer than forty bytes" end
print(eqk("this is a long string constant, " .. "longer than forty bytes"), eqk("short"))

-- a long-string key through the field path of a table constructor and of methods
local obj = {["this method name is long enough not to be interned at all"] = function() return "called" end}
local name = "this method name is long enough " .. "not to be interned at all"
print(obj[name]())
