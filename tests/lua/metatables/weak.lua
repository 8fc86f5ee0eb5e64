-- __mode: weak tables
local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
-- weak keys
local wk = setmetatable({}, {__mode = "k"})
do
  local k1, k2 = {}, {}
  wk[k1] = "one"; wk[k2] = "two"
  wk.strkey = "strings are not collectable keys"
  KEEP = k2
end
collectgarbage()
collectgarbage()
print("weak keys", count(wk), wk[KEEP], wk.strkey)
-- weak values
local wv = setmetatable({}, {__mode = "v"})
wv[1] = {}
wv[2] = "string value stays"
wv[3] = 42
wv[4] = KEEP
wv.f = function() end
collectgarbage()
collectgarbage()
print("weak values", wv[1], wv[2], wv[3], wv[4] == KEEP, wv.f)
-- fully weak
local wkv = setmetatable({}, {__mode = "kv"})
wkv[{}] = 1
wkv[1] = {}
wkv.x = "y"
collectgarbage()
print("kv", count(wkv), wkv.x)
-- strong table keeps values alive
local strong = {}
strong[1] = {}
collectgarbage()
print("strong", type(strong[1]))
-- an object referenced from a weak table and a strong local survives
local survivor = {name = "survivor"}
local w = setmetatable({survivor}, {__mode = "v"})
collectgarbage()
print(w[1] and w[1].name)
survivor = nil
collectgarbage()
print(w[1])
-- ephemeron: value refers to its own key
local eph = setmetatable({}, {__mode = "k"})
do
  local key = {}
  eph[key] = {ref = key}
end
collectgarbage()
print("ephemeron", count(eph))
print(getmetatable(wk).__mode, getmetatable(wv).__mode)
