-- At the nesting limit, the handler's results must not land in outer frames'
-- registers (locals, loop counters, callee slots).
local a, b, c = 1, 2, 3
local depth = 0
local function f() depth = depth + 1; xpcall(f, function(m) return m end) end
f()
print(a, b, c, depth > 100)
for i = 1, 3 do
  local x, y = i * 10, i * 100
  local ok = pcall(function() local function g() xpcall(g, print) end g() end)
  print(i, x, y, ok)
end
local t = {}
local function h() t[#t + 1] = select('#', xpcall(h, function(e) return e, 1, 2 end)) end
h()
print(#t > 100, t[1])
