-- pcall and xpcall
print(pcall(function(...) return ... end, 1, 2, 3))
print(pcall(function() end))
print(select('#', pcall(function() end)))
print(pcall(pcall))
print(pcall(pcall, error, "e"))
print(pcall(print == nil))
print(pcall(nil))
print(pcall({}))
print(pcall(5))
-- xpcall with a handler
print(xpcall(function() error("oops") end, function(m) return "handled: " .. m end))
print(xpcall(function() error({1, 2}) end, function(m) return type(m), #m end))
print(xpcall(function() return "no error", 2 end, print))
print(xpcall(function(a, b) return a + b end, print, 3, 4))
print(xpcall(function() local x = nil; return x.y end, function(m) return "H:" .. m end))
-- the handler runs at the point of the error (the stack is not unwound yet)
local where = "unset"
local function failing() local marker <close> = setmetatable({}, {__close = function() where = where .. ",closed" end}) error("e") end
xpcall(failing, function(m) where = "handler" return m end)
print(where)
-- error in the handler
print(xpcall(function() error("first") end, function(m) error("in handler") end))
-- handler returning nothing / multiple values
print(xpcall(function() error("x") end, function() end))
print(xpcall(function() error("x") end, function() return 1, 2, 3 end))
-- missing handler
print(pcall(xpcall, function() end))
print(pcall(xpcall, function() return "ok" end, nil))
print(pcall(xpcall, function() error("boom") end, nil))
-- nested pcall
print(pcall(pcall, pcall, error, "deep"))
local ok, a, b = pcall(function()
  local ok2, e2 = pcall(error, "inner", 0)
  return ok2, e2
end)
print(ok, a, b)
-- pcall returns false plus the error object even if it is nil
print(pcall(error, nil))
-- pcall inside loops does not leak
local count = 0
for i = 1, 1000 do if not pcall(error, i) then count = count + 1 end end
print(count)
-- error objects pass through xpcall handler unchanged when identity handler
local obj = {}
local ok3, e3 = xpcall(error, function(m) return m end, obj)
print(ok3, e3 == obj)
-- runtime errors in the handler's handler
print(xpcall(function() error("a") end, function(m) return m:upper() end))
print(xpcall(function() error({}) end, function(m) return m:upper() end))
