local function all(s, p) local r = {} for m in s:gmatch(p) do r[#r + 1] = m end return table.concat(r, "|") end
local sample = "Hello, World! 123 _x\t\n\0\127~"
for _, class in ipairs({"%a", "%c", "%d", "%g", "%l", "%p", "%s", "%u", "%w", "%x", "%A", "%D", "%S", "%W", "."}) do
  local n = select(2, sample:gsub(class, ""))
  print(class, n)
end
print(all("abc123DEF", "[%a]+"), all("abc123DEF", "[^%a]+"), all("a-b-c", "[a-c]"), all("a-]b", "[]-]"))
print(all("abc-def", "[%w-]+"), all("x]y", "[]]"), all("^a^", "[%^a]+"), all("a^b", "[b^]"))
print(all("hello", "[aeiou]"), all("hello", "[^aeiou]"), all("HeLLo", "%u+"))
print(all("f(a)(b)", "%b()"), all("[[x]][y]", "%b[]"), all("<<a>b>", "%b<>"))
print(all("THE (quick) fox", "%f[%a]%a+"), all("hello world", "%f[%w]%w"), all("x", "%f[%z]"))
print(all("key = val; k2 = v2", "(%w+) = %w+"))
print(all("aaa", "a?"), all("ab", "a?b?"), all("aaa", "a-a"))
print(all("1.5 -2 3e4 .5", "%-?%d*%.?%d+"))
print(string.find("a+b", "a%+b"), string.find("a.b", "a%.b"), string.find("a%b", "a%%b"))
print(string.match("[test]", "^%[(.*)%]$"), string.match("(x)", "%((.)%)"))
print(string.rep("a", 3):match("^(a+)$"), ("x"):match("^$"), (""):match("^$"))
print(string.match("2+2=4", "%d%+%d=%d"))
print(string.find("abc", "[a-]"), string.find("-", "[a-]"))
print(string.match("\n\t ", "^%s+$") ~= nil, string.match("é", "%a"))
print(pcall(string.rep, "x", -1), string.rep("ab", 3, ""))
print(string.match("aXb", "%u"), pcall(string.match, "x", "[%]"))
