-- collectgarbage mode switches return the previous mode; setpause/setstepmul
-- return the previous value (lua5.4 keeps them divided by 4 in a byte).
-- The first answer depends on the host (lua.c starts in generational mode).
collectgarbage("incremental")
print(collectgarbage("generational"))
print(collectgarbage("generational"))
print(collectgarbage("incremental"))
print(collectgarbage("incremental"))

print(collectgarbage("setpause", 101))
print(collectgarbage("setpause", 2000))
print(collectgarbage("setpause"))
print(collectgarbage("setpause", -4))
print(collectgarbage("setpause", 200))
print(collectgarbage("setstepmul", 333))
print(collectgarbage("setstepmul", 100))
print(collectgarbage("setstepmul"))
print(collectgarbage("setstepmul", 100))

-- "incremental" sets the pause and step multiplier unless given 0
print(collectgarbage("incremental", 300, 400, 10))
print(collectgarbage("setpause", 200), collectgarbage("setstepmul", 100))
print(collectgarbage("incremental", 0, 0))
print(collectgarbage("setpause", 200), collectgarbage("setstepmul", 100))
print(collectgarbage("generational", 20, 100))
print(collectgarbage("setpause", 200), collectgarbage("setstepmul", 100))
print(collectgarbage("incremental"))

print(collectgarbage("setpause", 1.0))
print(pcall(collectgarbage, "setpause", 1.5))
print(pcall(collectgarbage, "incremental", "x"))
print(pcall(collectgarbage, "generational", 1, {}))
print(collectgarbage("setpause", 1e10), collectgarbage("setpause", 200))
