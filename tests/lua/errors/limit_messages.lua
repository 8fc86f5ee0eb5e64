-- Compiler limits name the limit and the function, as lua5.4's messages do (the
-- exact line and token may differ: lua5.4 reports the token after the name).
local lim = 127
local s = "local function fooA ()\n  local "
for j = 1, lim do s = s .. "a" .. j .. ", " end
s = s .. "b,c\nlocal function fooB ()\n  local "
for i = 1, lim do s = s .. "b" .. i .. ", " end
s = s .. "b\nfunction fooC () return b+c"
for j = 1, lim do s = s .. "+a" .. j .. "+b" .. j end
s = s .. "\nend  end end"
local f, msg = load(s)
print(f, string.find(msg, "too many upvalues (limit is 255) in function at line 5", 1, true) ~= nil)
s = "\nfunction foo ()\n  local "
for j = 1, 300 do s = s .. "a" .. j .. ", " end
s = s .. "b\n"
f, msg = load(s)
print(f, msg)
