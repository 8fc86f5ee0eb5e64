-- permutations generator (PiL)
local function permgen(a, n)
  n = n or #a
  if n <= 1 then coroutine.yield(a)
  else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local function permutations(a)
  return coroutine.wrap(function() permgen(a) end)
end
local out = {}
for p in permutations({"a", "b", "c"}) do out[#out + 1] = table.concat(p) end
print(#out, table.concat(out, " "))
-- fibonacci generator with state
local fibs = coroutine.wrap(function()
  local a, b = 0, 1
  while true do coroutine.yield(a) a, b = b, a + b end
end)
local f = {}
for i = 1, 15 do f[i] = fibs() end
print(table.concat(f, ","))
-- pipeline: producer -> filter -> consumer
local function producer() return coroutine.wrap(function() for i = 1, 20 do coroutine.yield(i) end end) end
local function filter(src, pred) return coroutine.wrap(function() for v in src do if pred(v) then coroutine.yield(v) end end end) end
local function map(src, fn) return coroutine.wrap(function() for v in src do coroutine.yield(fn(v)) end end) end
local res = {}
for v in map(filter(producer(), function(x) return x % 3 == 0 end), function(x) return x * x end) do res[#res + 1] = v end
print(table.concat(res, " "))
-- tree walk with recursive yields
local tree = {v = 4, l = {v = 2, l = {v = 1}, r = {v = 3}}, r = {v = 6, l = {v = 5}, r = {v = 7}}}
local function walk(t) if t then walk(t.l) coroutine.yield(t.v) walk(t.r) end end
local inorder = {}
for v in coroutine.wrap(function() walk(tree) end) do inorder[#inorder + 1] = v end
print(table.concat(inorder, " "))
-- many live coroutines interleaved
local cs = {}
for i = 1, 5 do cs[i] = coroutine.wrap(function() for k = 1, 3 do coroutine.yield(i * 10 + k) end return "end" .. i end) end
local trace = {}
for round = 1, 4 do for i = 1, 5 do trace[#trace + 1] = tostring(cs[i]()) end end
print(table.concat(trace, " "))
