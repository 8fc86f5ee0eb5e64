-- A method whose name is constant number 256 or later still reads 'method' in the
-- error (the call is compiled without SELF).
local src = {}
for i = 1, 300 do src[#src + 1] = "a = x" .. i .. ";" end
src[#src + 1] = "local t = {}; t:bbb()"
print(pcall(load(table.concat(src, " "), "=far")))
src[#src] = "local t = {}; local f = t.ccc; f()"
print(pcall(load(table.concat(src, " "), "=far")))
