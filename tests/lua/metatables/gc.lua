-- __gc finalizers
local log = {}
do
  local obj = setmetatable({}, {__gc = function(o) log[#log + 1] = "collected" end})
end
collectgarbage()
collectgarbage()
print(table.concat(log, ","))
-- finalizers run in reverse order of marking within one cycle
log = {}
do
  for i = 1, 3 do setmetatable({}, {__gc = function() log[#log + 1] = "f" .. i end}) end
end
collectgarbage()
collectgarbage()
print(table.concat(log, ","))
-- __gc must be present when setmetatable is called
log = {}
do
  local mt = {}
  local o = setmetatable({}, mt)
  mt.__gc = function() log[#log + 1] = "late" end
end
collectgarbage()
collectgarbage()
print("late gc field:", #log)
-- resurrection: the finalizer can store the object
SAVED = nil
do
  setmetatable({name = "phoenix"}, {__gc = function(o) SAVED = o end})
end
collectgarbage()
collectgarbage()
print(SAVED and SAVED.name)
-- errors in finalizers generate warnings, not errors (warnings are off)
do setmetatable({}, {__gc = function() error("in gc") end}) end
collectgarbage()
print("after erroring finalizer")
-- finalizer of an object alive at exit runs when the state is closed
local alive = setmetatable({}, {__gc = function() print("local finalized at exit") end})
KEEPALIVE = setmetatable({}, {__gc = function() print("global finalized at exit") end})
print("end of script")
