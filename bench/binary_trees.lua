-- binary_trees.lua: allocation and GC churn: build, check and discard many binary trees
local N = tonumber(arg and arg[1]) or 14   -- max depth

local function make(depth)
  if depth == 0 then return { false, false } end
  depth = depth - 1
  return { make(depth), make(depth) }
end

local function check(node)
  local l = node[1]
  if not l then return 1 end
  return 1 + check(l) + check(node[2])
end

-- record-style nodes as a second shape of allocation
local function make_rec(depth, v)
  if depth == 0 then return { value = v } end
  return { value = v, left = make_rec(depth - 1, 2 * v), right = make_rec(depth - 1, 2 * v + 1) }
end
local function sum_rec(n)
  if n.left == nil then return n.value % 1000 end
  return n.value % 1000 + sum_rec(n.left) + sum_rec(n.right)
end

local mindepth = 4
local maxdepth = N
if maxdepth < mindepth + 2 then maxdepth = mindepth + 2 end

local stretch = maxdepth + 1
print(string.format("stretch tree of depth %d check: %d", stretch, check(make(stretch))))

local longlived = make(maxdepth)

for depth = mindepth, maxdepth, 2 do
  local iters = 2 ^ (maxdepth - depth + mindepth)
  local c = 0
  for i = 1, iters do c = c + check(make(depth)) end
  print(string.format("%d trees of depth %d check: %d", iters, depth, c))
end

local rs = 0
for i = 1, 2 do rs = rs + sum_rec(make_rec(maxdepth - 3, i)) end
print(string.format("record trees sum: %d", rs))
print(string.format("long lived tree of depth %d check: %d", maxdepth, check(longlived)))
