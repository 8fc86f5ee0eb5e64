local cache = setmetatable({}, {__mode = "v"})
local function get(k)
  local v = cache[k]
  if not v then v = {key = k} cache[k] = v end
  return v
end
local held = get("a")
get("b")
collectgarbage()
local present = {}
for k in pairs(cache) do present[#present + 1] = k end
table.sort(present)
print(table.concat(present, ","))
-- weak keys with object keys
local attrs = setmetatable({}, {__mode = "k"})
local obj1, obj2 = {}, {}
attrs[obj1] = "one"; attrs[obj2] = "two"
obj2 = nil
collectgarbage()
local n = 0
for _ in pairs(attrs) do n = n + 1 end
print(n, attrs[obj1])
-- values that are not collectable stay
local w = setmetatable({1, "s", true, 2.5}, {__mode = "kv"})
collectgarbage()
print(w[1], w[2], w[3], w[4])
print(held.key)
