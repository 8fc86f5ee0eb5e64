-- __close metamethod details
local order = {}
local function mk(name)
  return setmetatable({}, {__close = function(o, e) order[#order + 1] = name .. ":" .. tostring(e) end})
end
local function f()
  local a <close> = mk("a")
  local b <close> = mk("b")
  local c <close> = mk("c")
  return "r"
end
print(f(), table.concat(order, " "))
-- __close is looked up when the variable goes out of scope
order = {}
do
  local mt = {__close = function() order[#order + 1] = "first" end}
  local x <close> = setmetatable({}, mt)
  mt.__close = function() order[#order + 1] = "replaced" end
end
print(table.concat(order, " "))
-- error in one __close does not prevent the others; last error wins
order = {}
local ok, err = pcall(function()
  local a <close> = mk("a")
  local b <close> = setmetatable({}, {__close = function(_, e) error("b failed", 0) end})
  local c <close> = mk("c")
  error("body", 0)
end)
print(ok, err, table.concat(order, " "))
-- __close in coroutines closed by coroutine.close
order = {}
local co = coroutine.create(function()
  local v <close> = mk("co")
  coroutine.yield(1)
end)
print(coroutine.resume(co))
print(coroutine.close(co), coroutine.status(co), table.concat(order, " "))
