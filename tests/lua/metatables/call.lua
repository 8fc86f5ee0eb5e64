-- __call
local obj = setmetatable({name = "obj"}, {__call = function(self, a, b) return self.name, a, b end})
print(obj(1, 2))
print(obj())
print(pcall(obj, "p"))
-- nested __call: the __call value is itself callable via __call
local inner = setmetatable({}, {__call = function(self, x, y) return "inner", type(x), y end})
local outer = setmetatable({}, {__call = inner})
print(outer("arg"))
-- __call in method position
local o = {f = setmetatable({}, {__call = function(self, me, v) return v end})}
print(o:f(99))
-- __call used by iterators
local gen = setmetatable({i = 0}, {__call = function(self) self.i = self.i + 1 if self.i <= 3 then return self.i end end})
for v in gen do io.write(v, " ") end
print()
-- multiple returns
local multi = setmetatable({}, {__call = function(_, ...) return select('#', ...), ... end})
print(multi(nil, nil))
print(select('#', multi()))
-- not callable
print(pcall(function() local t = {} t() end))
print(pcall(function() local t = setmetatable({}, {}) t() end))
print(pcall(function() local t = setmetatable({}, {__call = 1}) t() end))
-- __call and table.sort comparator / string.gsub replacement
local cmp = setmetatable({}, {__call = function(_, a, b) return a > b end})
local arr = {3, 1, 2}
print(pcall(table.sort, arr, cmp))
table.sort(arr, function(a, b) return cmp(a, b) end)
print(table.concat(arr, ","))
print(pcall(string.gsub, "abc", "%w", cmp))
