-- os.exit with close=true closes the state (runs finalizers)
setmetatable({}, {__gc = function() print("finalizer ran") end})
print("exiting")
os.exit(5, true)
