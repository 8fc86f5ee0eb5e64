-- call syntax and argument adjustment
local function show(...) local t = table.pack(...) local r = {} for i = 1, t.n do r[i] = type(t[i]) == "table" and "tbl" or tostring(t[i]) end return t.n .. ":" .. table.concat(r, ",") end
print(show())
print(show(nil))
print(show(1, nil))
print(show(nil, nil, 3))
print(show"str", show{1}, show[[long]])
local obj = {show = function(self, ...) return show(...) end}
print(obj:show(1, 2), obj:show"x", obj:show{})
-- many arguments
local args = {}
for i = 1, 250 do args[i] = i end
print(show(table.unpack(args)):sub(1, 20))
print(select('#', table.unpack(args)))
-- calling through table fields and expressions
local t = {f = {g = function() return "fg" end}}
print(t.f.g(), t["f"]["g"](), (t.f.g)())
print((function(...) return ... end)(1, 2, 3))
-- function values as arguments
local function apply(f, ...) return f(...) end
print(apply(math.max, 3, 9, 2), apply(string.rep, "ab", 2), apply(apply, show, 1))
-- returns from nested calls adjusted
local function two() return 1, 2 end
print(two(), two())
print((two()))
print(({two(), two()})[3], ({two(), two()})[4])
-- string call on string literal requires parens
print(("%d"):format(7), #("abc"))
-- call a function stored in a local with the same name as a global
local print2 = print
local print = function(...) print2("wrapped:", ...) end
print("hello")
