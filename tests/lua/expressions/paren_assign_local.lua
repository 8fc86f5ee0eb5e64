-- §3.3.3 / §3.4.8: an assignment evaluates the whole expression before it
-- writes the variable, also for parenthesised `and`/`or` and table
-- constructors assigned to a local that they read.

local function f(n)
  n = ((n == 0) or f(n - 1))
  return n
end
print(f(3), f(0))

local function g(n) return n * 10 end
local function h(n)
  n = (n == 0 or g(n))
  return n
end
print(h(2), h(0))

local function h2(n)
  n = ((n ~= 0) and g(n))
  return n
end
print(h2(2), h2(0))

local function a(x)
  x = (x and x + 1)
  return x
end
print(a(4), a(nil), a(false))

local function o(x)
  x = (((x or 7))) + x
  return x
end
print(o(1))

local function k(t)
  t = ({t[1]})
  return t[1]
end
print(k({5}))

local function k2(t)
  t = ((({t[2], t[1], n = #t})))
  return t[1], t[2], t.n
end
print(k2({5, 6}))

local function k3(t)
  t = {t[1] + 1, {t[1]}, (t[1] > 0 and t or nil) ~= nil}
  return t[1], t[2][1], t[3]
end
print(k3({1}))

-- the target is the last active local, with nothing above it
do
  local s = "x"
  s = (s == "x" and s .. "y" or s .. "z")
  print(s)
  s = (s == "x" and s .. "y" or s .. "z")
  print(s)
  local u = 3
  u = (u > 2 and {u, u * 2} or {u})
  print(#u, u[1], u[2])
end

-- loop control variable copies and upvalues
for i = 1, 3 do
  local j = i
  j = (j == 2 or j)
  io.write(tostring(j), " ")
end
print()
local up = 1
local function bump()
  up = (up < 5 and up + 1 or up)
  return up
end
print(bump(), bump())

-- several targets
local p, q = 1, 2
p, q = (q or p), (p and {p})
print(p, type(q), q[1])
