-- OOP with metatables and inheritance
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound) local self = setmetatable({}, Animal) self.name = name self.sound = sound return self end
function Animal:speak() return self.name .. " says " .. self.sound end
function Animal:kind() return "animal" end
Animal.__tostring = function(a) return "Animal(" .. a.name .. ")" end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
Dog.__tostring = Animal.__tostring
function Dog.new(name) local self = Animal.new(name, "woof") return setmetatable(self, Dog) end
function Dog:kind() return "dog, a kind of " .. Animal.kind(self) end
function Dog:fetch() return self.name .. " fetches" end
local a = Animal.new("Cat", "meow")
local d = Dog.new("Rex")
print(a:speak(), a:kind(), tostring(a))
print(d:speak(), d:kind(), d:fetch(), tostring(d))
print(getmetatable(d) == Dog, rawget(d, "speak"), d.fetch ~= nil, a.fetch)
-- operator overloading: 2D vectors
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
V.__add = function(p, q) return vec(p.x + q.x, p.y + q.y) end
V.__sub = function(p, q) return vec(p.x - q.x, p.y - q.y) end
V.__mul = function(p, q)
  if type(p) == "number" then return vec(p * q.x, p * q.y) end
  if type(q) == "number" then return vec(p.x * q, p.y * q) end
  return p.x * q.x + p.y * q.y
end
V.__unm = function(p) return vec(-p.x, -p.y) end
V.__eq = function(p, q) return p.x == q.x and p.y == q.y end
V.__lt = function(p, q) return p:len() < q:len() end
V.__le = function(p, q) return p:len() <= q:len() end
V.__len = function(p) return 2 end
V.__tostring = function(p) return "(" .. p.x .. ", " .. p.y .. ")" end
V.__concat = function(p, q) return tostring(p) .. tostring(q) end
V.__call = function(p, k) return p[k] end
function V:len() return math.sqrt(self.x ^ 2 + self.y ^ 2) end
local p, q = vec(1, 2), vec(3, 4)
print(tostring(p + q), tostring(p - q), p * q, tostring(2 * p), tostring(p * 3), tostring(-p))
print(p == vec(1, 2), p ~= q, p < q, q <= p, #p, p .. q, p("x"), q:len())
