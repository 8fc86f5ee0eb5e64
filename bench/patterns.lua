-- patterns.lua: Lua pattern matching: find (plain and pattern), match with captures,
-- gmatch word counting over generated text, gsub with string/function/table replacements
local N = tonumber(arg and arg[1]) or 38000   -- number of generated lines
local MOD = 1000000007

local seed = 42
local function rnd(n)
  seed = (seed * 16807) % 2147483647
  return seed % n + 1
end

local words = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
  "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma" }

-- generate a log-like text
local lines = {}
for i = 1, N do
  local w1, w2, w3 = words[rnd(#words)], words[rnd(#words)], words[rnd(#words)]
  lines[i] = string.format("%04d-%02d-%02d [%s] user=%s id=%d msg=\"%s %s, %s!\"",
    2000 + rnd(24), rnd(12), rnd(28), (i % 5 == 0) and "ERROR" or "INFO",
    w1, rnd(100000), w2, w3, w1)
end
local text = table.concat(lines, "\n")

-- 1. match with captures on every line
local ysum, errs, idsum = 0, 0, 0
for i = 1, N do
  local y, m, d, level, user, id = lines[i]:match("^(%d+)%-(%d+)%-(%d+) %[(%u+)%] user=(%a+) id=(%d+)")
  ysum = ysum + tonumber(y) * 10000 + tonumber(m) * 100 + tonumber(d)
  if level == "ERROR" then errs = errs + 1 end
  idsum = (idsum + tonumber(id) * #user) % MOD
end

-- 2. find: plain, pattern, with init position
local found = 0
for i = 1, N do
  local s = lines[i]
  if s:find("ERROR", 1, true) then found = found + 1 end
  local a, b = s:find("msg=\"%a+")
  if a then found = found + (b - a) end
  local p = s:find("a", 20, true)
  if p then found = found + p end
end

-- 3. gmatch word counting (counts summed, never iterated by key order)
local counts, nwords = {}, 0
for w in text:gmatch("%a+") do
  counts[w] = (counts[w] or 0) + 1
  nwords = nwords + 1
end
local wsum = 0
for i = 1, #words do wsum = wsum + (counts[words[i]] or 0) * i end
local kv = 0
for k, v in text:gmatch("(%w+)=(%w+)") do kv = kv + #k + #v end

-- 4. gsub with string, function and table replacements
local r1, n1 = text:gsub("ERROR", "WARN")
local r2, n2 = text:gsub("id=(%d+)", function(d) return "id=" .. (tonumber(d) % 97) end)
local map = { alpha = "A", beta = "B", gamma = "G" }
local r3, n3 = text:gsub("%a+", map)
local r4, n4 = text:gsub("(%d+)%-(%d+)", "%2/%1")
local r5 = text:gsub("%s+", " ")

-- 5. anchored / frontier / balanced patterns on short strings
local misc = 0
for i = 1, N / 4 do
  local s = "(" .. i .. " (nested " .. (i * 3) .. ")) tail" .. i
  local bal = s:match("%b()")
  misc = misc + #bal
  if s:find("%f[%a]tail") then misc = misc + 1 end
  local num = s:match("tail(%d+)$")
  misc = misc + tonumber(num) % 10
end

print(string.format("ysum=%d errs=%d idsum=%d found=%d", ysum, errs, idsum, found))
print(string.format("words=%d wsum=%d kv=%d", nwords, wsum, kv))
print(string.format("n1=%d n2=%d n3=%d n4=%d len=%d,%d,%d,%d,%d misc=%d",
  n1, n2, n3, n4, #r1, #r2, #r3, #r4, #r5, misc))
