-- records.lua: polymorphic record access: tables of several "shapes" (different
-- field sets and construction orders) flowing through the same functions
local N = tonumber(arg and arg[1]) or 520  -- passes over the record set

local seed = 7
local function rnd(n)
  seed = (seed * 16807) % 2147483647
  return seed % n
end

local COUNT = 5000
local recs = {}
for i = 1, COUNT do
  local k = i % 5
  local x, y = rnd(1000), rnd(1000)
  local r
  if k == 0 then
    r = { x = x, y = y }                                   -- point
  elseif k == 1 then
    r = { y = y, x = x, z = rnd(100) }                     -- point3, other order
  elseif k == 2 then
    r = { name = "rect" .. i, x = x, y = y, w = rnd(50) + 1, h = rnd(50) + 1 }
  elseif k == 3 then
    r = { kind = "circle", r = rnd(30) + 1, x = x, y = y, tag = true }
  else
    r = {}                                                 -- built field by field
    r.id = i; r.x = x; r.vx = rnd(10) - 5; r.y = y; r.vy = rnd(10) - 5
  end
  recs[i] = r
end

-- functions that read the common fields of whatever shape they get
local function manhattan(a, b)
  local dx, dy = a.x - b.x, a.y - b.y
  if dx < 0 then dx = -dx end
  if dy < 0 then dy = -dy end
  return dx + dy
end

local function area(r)
  if r.w then return r.w * r.h end
  if r.r then return 3 * r.r * r.r end
  if r.z then return r.z end
  return 1
end

local function move(r)
  local vx = r.vx
  if vx then
    r.x = (r.x + vx) % 1000
    r.y = (r.y + r.vy) % 1000
  else
    r.x = (r.x + 1) % 1000
  end
end

local function centroid(list, n)
  local sx, sy = 0, 0
  for i = 1, n do
    local p = list[i]
    sx = sx + p.x
    sy = sy + p.y
  end
  return sx, sy
end

local dist, areas, cx, cy = 0, 0, 0, 0
for pass = 1, N do
  for i = 2, COUNT do
    local a, b = recs[i - 1], recs[i]
    dist = dist + manhattan(a, b)
    areas = areas + area(b)
    move(a)
  end
  local sx, sy = centroid(recs, COUNT)
  cx = (cx + sx) % 1000000007
  cy = (cy + sy) % 1000000007
end

-- occasional field presence checks and optional fields
local tagged, named = 0, 0
for i = 1, COUNT do
  local r = recs[i]
  if r.tag then tagged = tagged + 1 end
  if r.name then named = named + #r.name end
end

print(string.format("dist=%d areas=%d cx=%d cy=%d", dist, areas, cx, cy))
print(string.format("tagged=%d named=%d", tagged, named))
