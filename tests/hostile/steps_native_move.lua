-- limits: steps=1000000
-- expect: step limit reached
-- A huge table.move under a step limit alone.
local t = {}
print(pcall(table.move, t, 1, 1e15, 2))
print("escaped")
