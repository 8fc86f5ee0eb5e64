for w in string.gmatch("one two three", "%a+") do io.write(w, ";") end
print()
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do io.write(k, "->", v, " ") end
print()
for pos in string.gmatch("abc", "()") do io.write(pos, " ") end
print()
for m in string.gmatch("abc", "") do io.write("[", m, "]") end
print()
for m in string.gmatch("hello", "l*") do io.write("<", m, ">") end
print()
local it = string.gmatch("1 2 3", "%d")
print(it(), it(), it(), it())
-- anchor in gmatch matches only at the start position (5.4)
for m in string.gmatch("aaa", "^a") do io.write(m, ",") end
print()
-- init argument (5.4)
for m in string.gmatch("abcdef", "%a", 4) do io.write(m) end
print()
for m in string.gmatch("abcdef", "%a", -2) do io.write(m) end
print()
local words = {}
for w in ("The quick brown fox"):gmatch("%a+") do words[#words + 1] = w:lower() end
print(table.concat(words, ","))
local n = 0
for a, b in string.gmatch("x1y2z3", "(%a)(%d)") do n = n + tonumber(b) end
print(n)
print(pcall(string.gmatch("x", "(")))
