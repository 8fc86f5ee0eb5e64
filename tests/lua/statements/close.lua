-- §3.3.8 to-be-closed variables
local function closer(name, log)
  return setmetatable({}, {__close = function(self, err)
    log[#log + 1] = name .. "(" .. tostring(err) .. ")"
  end})
end
local log = {}
do
  local a <close> = closer("a", log)
  local b <close> = closer("b", log)
  local c <close> = nil   -- nil and false are allowed
  local d <close> = false
  log[#log + 1] = "body"
end
print(table.concat(log, " "))
-- closing on break and on return
log = {}
for i = 1, 3 do
  local x <close> = closer("x" .. i, log)
  if i == 2 then break end
end
print(table.concat(log, " "))
log = {}
local function ret()
  local r <close> = closer("r", log)
  return "returned"
end
print(ret(), table.concat(log, " "))
-- closing on error receives the error object
log = {}
local ok, err = pcall(function()
  local e1 <close> = closer("e1", log)
  local e2 <close> = closer("e2", log)
  error("boom", 0)
end)
print(ok, err, table.concat(log, " "))
log = {}
ok, err = pcall(function()
  local e <close> = closer("e", log)
  error({code = 42})
end)
print(ok, type(err), err.code, log[1]:sub(1, 8))
-- error inside __close replaces the error
ok, err = pcall(function()
  local bad <close> = setmetatable({}, {__close = function() error("in close", 0) end})
  error("original", 0)
end)
print(ok, err)
ok, err = pcall(function()
  local bad <close> = setmetatable({}, {__close = function() error("close only", 0) end})
  return 1
end)
print(ok, err)
-- non-closable value
print(pcall(function() local x <close> = {} end))
print(pcall(function() local x <close> = 42 end))
-- return values are kept while closing
local function multi()
  local c <close> = closer("m", log)
  return 1, 2, 3
end
print(multi())
-- goto out of a block closes
log = {}
do
  local g <close> = closer("g", log)
  goto out
end
::out::
print(table.concat(log, " "))
-- closing order across nested blocks and functions
log = {}
do
  local o1 <close> = closer("outer", log)
  do
    local i1 <close> = closer("inner", log)
  end
  log[#log + 1] = "between"
end
print(table.concat(log, " "))
-- const-ness of close variables
print(load("local x <close> = nil; x = 1", "=t"))
-- __close that is added after declaration still needs to exist at declaration
local mt = {}
local obj = setmetatable({}, mt)
print(pcall(function() local z <close> = obj end))
