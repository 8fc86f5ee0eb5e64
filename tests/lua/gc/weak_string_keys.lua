-- In a table weak in keys and values, an entry whose value dies frees its string
-- key in the same collection; a string key with a live value stays.
collectgarbage(); collectgarbage()
local m = collectgarbage("count")
local a = setmetatable({}, {__mode = "kv"})
a[string.rep("a", 2^20)] = 25
a[string.rep("b", 2^20)] = {}
a[{}] = 14
print("both strings counted:", collectgarbage("count") > m + 2^11)
collectgarbage()
local now = collectgarbage("count")
print("one string freed:", now >= m + 2^10 and now < m + 2^11)
local k, v = next(a)
print(k == string.rep("a", 2^20), v, next(a, k))
print(a[string.rep("b", 2^20)])

-- a weak-value table keeps its string keys for a collection (lua5.4 marks them)
local w = setmetatable({}, {__mode = "v"})
w[string.rep("c", 100)] = {}
collectgarbage()
print(next(w))

-- the collector is not reentrant: inside a finalizer, collectgarbage answers fail
local res = true
setmetatable({}, {__gc = function() res = collectgarbage() end})
collectgarbage()
print("inside __gc:", res)
local step = true
setmetatable({}, {__gc = function() step = collectgarbage("step") end})
collectgarbage()
print("step inside __gc:", step)
print("outside:", collectgarbage())
