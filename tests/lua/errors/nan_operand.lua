-- A NaN indexed or called is named like any other value (the error path must not
-- compare it with itself by value: NaN ~= NaN).
local t = 0/0
print(pcall(function() return t.x end))
print(pcall(function() t.y = 1 end))
local n = 0/0
print(pcall(function() return n[1] end))
print(pcall(function() return n() end))
print(pcall(function() return #n end))
print(pcall(function() return n .. {} end))
local inf = 1/0
print(pcall(function() return inf.x end))
