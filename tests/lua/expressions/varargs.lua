-- §3.4.11 vararg expressions
local function count(...) return select('#', ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
local function first(...) local a = ... return a end
print(first(), first(5), first(5, 6))
local function pack(...) return {...}, select('#', ...) end
local t, n = pack(1, nil, 3)
print(n, t[1], t[2], t[3])
local function sel(...)
  return select(2, ...), select(-1, ...), select(-2, ...)
end
print(sel(1, 2, 3))
print(select(4, 1, 2, 3), select(3, 1, 2, 3))
print(pcall(select, 0, 1))
print(pcall(select, -4, 1, 2, 3))
print(select(-3, 1, 2, 3))
print(select(2.0, "a", "b"))
print(pcall(select, 1.5, "a"))
print(pcall(select, "x"))
local function va(...)
  local a, b = ...
  local t = {..., "end"}
  local u = {"start", ...}
  return a, b, #t, #u, (...)
end
print(va(10, 20, 30))
print(va())
local function rec(n, ...)
  if n == 0 then return select('#', ...), ... end
  return rec(n - 1, n, ...)
end
print(rec(5))
local function tbl(...) return table.pack(...) end
local p = tbl(nil, 2, nil)
print(p.n, p[1], p[2], p[3])
print(load("return ...", "=v")(7, 8, 9))
print(load("local a, b = ... return b, a")(1, 2))
print(load("function f() return ... end"))
print((function(...) return select('#', ...) end)(table.unpack({1, 2, nil, 4}, 1, 4)))
local function mid(...) return ..., "last" end
print(mid(1, 2, 3))
print(select('#', ...), ... == nil)
