-- The message handler of xpcall runs where the error is raised, with every frame
-- still there, even when natives are in between (table.sort, gsub, __index).
print(xpcall(function() string.rep() end, debug.traceback))
print(xpcall(function() table.sort({3,2,1}, function(a, b) error("cmp") end) end, debug.traceback))
print(xpcall(function() local t = setmetatable({}, {__index = function(t, k) error("idx " .. k) end}) return t.x end, debug.traceback))
print(xpcall(function() return ("x"):gsub(".", function(c) error("in gsub") end) end, debug.traceback))
print(xpcall(function() pcall(error) ; error("second") end, function(m) return "handled: " .. m end))

-- A stack overflow leaves the handler room to run (and create a to-be-closed value).
local function func2close(f) return setmetatable({}, {__close = f}) end
local function overflow(n) overflow(n + 1) end
local function errorh(m)
  assert(string.find(m, "stack overflow"), m)
  local x <close> = func2close(function (o) o[1] = 10 end)
  return x
end
local flag, st, obj
local co = coroutine.wrap(function ()
  local y <close> = func2close(function (obj, msg) assert(msg == nil) obj[1] = 100 flag = obj end)
  st, obj = xpcall(overflow, errorh, 0)
end)
co()
print(st, type(obj), obj and obj[1], flag and flag[1])
print(xpcall(overflow, function(m) return m end, 0))
