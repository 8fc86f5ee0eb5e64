-- __tostring and __name
local p = setmetatable({}, {__tostring = function(self) return "Point(1,2)" end})
print(p, tostring(p))
print(string.format("%s|%s", p, "x"))
local bad = setmetatable({}, {__tostring = function() return 42 end})
print(pcall(tostring, bad))
local named = setmetatable({}, {__name = "MyType"})
print((tostring(named):gsub("0x%x+", "ADDR"):gsub(": [%x]+$", ": ADDR")))
print(pcall(function() return named + 1 end))
print(pcall(function() return #named .. "" end))
print(pcall(string.rep, named))
print(pcall(function() return named < named end))
print(pcall(function() return named .. "" end))
-- __name must be a string to be used
local badname = setmetatable({}, {__name = 123})
print(pcall(string.rep, badname))
-- __tostring is used by print
local cnt = setmetatable({}, {__tostring = function() return "counted" end})
print(cnt, cnt)
-- __tostring returning a non-string errors
print(pcall(print, bad))
local worse = setmetatable({}, {__tostring = function() return {} end})
print(pcall(tostring, worse))
print(pcall(print, worse))
-- error objects with __tostring are still tables for pcall
local eobj = setmetatable({}, {__tostring = function() return "E!" end})
local ok, e = pcall(error, eobj)
print(ok, e == eobj, tostring(e))
