-- oop.lua: metatable-based classes, method calls, field updates, 2-level inheritance
local N = tonumber(arg and arg[1]) or 2400  -- simulation steps

-- base class
local Body = {}
Body.__index = Body

function Body.new(x, y, vx, vy)
  local self = setmetatable({}, Body)
  self.x, self.y, self.vx, self.vy = x, y, vx, vy
  self.age = 0
  return self
end

function Body:update(dt)
  self.x = self.x + self.vx * dt
  self.y = self.y + self.vy * dt
  self.age = self.age + 1
end

function Body:energy()
  return 0.5 * (self.vx * self.vx + self.vy * self.vy)
end

function Body:bounce(w, h)
  if self.x < 0 then self.x = -self.x; self.vx = -self.vx end
  if self.x > w then self.x = 2 * w - self.x; self.vx = -self.vx end
  if self.y < 0 then self.y = -self.y; self.vy = -self.vy end
  if self.y > h then self.y = 2 * h - self.y; self.vy = -self.vy end
end

-- first level of inheritance: adds gravity, overrides update and calls super
local Falling = setmetatable({}, { __index = Body })
Falling.__index = Falling

function Falling.new(x, y, vx, vy, g)
  local self = Body.new(x, y, vx, vy)
  setmetatable(self, Falling)
  self.g = g
  return self
end

function Falling:update(dt)
  self.vy = self.vy - self.g * dt
  Body.update(self, dt)
end

-- second level: adds drag, overrides energy; inherits bounce from Body
local Dragged = setmetatable({}, { __index = Falling })
Dragged.__index = Dragged

function Dragged.new(x, y, vx, vy, g, drag)
  local self = Falling.new(x, y, vx, vy, g)
  setmetatable(self, Dragged)
  self.drag = drag
  return self
end

function Dragged:update(dt)
  local k = 1.0 - self.drag * dt
  self.vx = self.vx * k
  self.vy = self.vy * k
  Falling.update(self, dt)
end

function Dragged:energy()
  return Body.energy(self) * (1.0 - self.drag)
end

-- a small counter class using __call-free plain methods and a class-level field
local Stats = { instances = 0 }
Stats.__index = Stats
function Stats.new()
  Stats.instances = Stats.instances + 1
  return setmetatable({ n = 0, sum = 0.0, max = 0.0 }, Stats)
end
function Stats:add(v)
  self.n = self.n + 1
  self.sum = self.sum + v
  if v > self.max then self.max = v end
end

-- deterministic pseudo-random numbers
local seed = 12345
local function rnd()
  seed = (seed * 16807) % 2147483647
  return seed / 2147483647
end

local objs = {}
for i = 1, 1000 do
  local x, y, vx, vy = rnd() * 100, rnd() * 100, rnd() * 10 - 5, rnd() * 10 - 5
  local kind = i % 3
  if kind == 0 then
    objs[i] = Body.new(x, y, vx, vy)
  elseif kind == 1 then
    objs[i] = Falling.new(x, y, vx, vy, 9.81)
  else
    objs[i] = Dragged.new(x, y, vx, vy, 9.81, 0.05)
  end
end

local dt = 0.01
local stats = Stats.new()
for step = 1, N do
  for i = 1, #objs do
    local o = objs[i]
    o:update(dt)
    o:bounce(100, 100)
  end
  if step % 10 == 0 then
    local e = 0.0
    for i = 1, #objs do e = e + objs[i]:energy() end
    stats:add(e)
  end
end

local sx, sy, ages = 0.0, 0.0, 0
for i = 1, #objs do
  local o = objs[i]
  sx = sx + o.x
  sy = sy + o.y
  ages = ages + o.age
end
print(string.format("sx=%.6f sy=%.6f ages=%d", sx, sy, ages))
print(string.format("samples=%d esum=%.6f emax=%.6f inst=%d", stats.n, stats.sum, stats.max, Stats.instances))
