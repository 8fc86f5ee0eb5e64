-- limits: memory=32m
-- expect: not enough memory
-- Compiling a huge generated source: the syntax tree and code count toward the
-- memory quota (lua5.4-sized programs still load), and load cannot catch the limit.
local ok = load(string.rep("x = 1\n", 20000))
assert(ok, "a 20,000-statement chunk loads under the quota")
print(pcall(load, string.rep("x = 1\n", 300000)))
print("escaped")
