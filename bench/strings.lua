-- strings.lua: string building and formatting: .., table.concat, string.format,
-- tostring, string.rep, #s, string.sub, string.byte / string.char, upper/lower/reverse
local N = tonumber(arg and arg[1]) or 165000
local MOD = 1000000007

local function hash(s, h)
  -- order-dependent checksum of a string's bytes
  for i = 1, #s, 3 do h = (h * 31 + s:byte(i)) % MOD end
  return h
end

-- 1. concatenation with .. in a loop (short strings, rebuilt every round)
local h = 7
local total_len = 0
for r = 1, N / 100 do
  local s = ""
  for i = 1, 100 do s = s .. tostring(i + r) .. "," end
  total_len = total_len + #s
  h = hash(s, h)
end

-- 2. table.concat of many pieces
local parts = {}
for i = 1, N do parts[#parts + 1] = "item" .. i end
local joined = table.concat(parts, ";")
h = hash(joined, h)

-- 3. string.format with several conversions
local fl = 0
local buf = {}
for i = 1, N do
  local line = string.format("%d:%s:%5.2f", i, "name" .. (i % 97), i / 7)
  fl = fl + #line
  buf[(i % 50) + 1] = line
end
h = hash(table.concat(buf), h)
local fmt2 = string.format("%x|%X|%o|%5s|%-5s|%05d|%+d|%q|%g|%e",
  255, 48879, 8, "ab", "cd", 42, 7, "a\"b", 0.5, 12345.678)
h = hash(fmt2, h)

-- 4. string.rep, sub, byte, char, upper, lower, reverse
local base = string.rep("abcXYZ", 50)
local subs = 0
for i = 1, N do
  local a = (i % 200) + 1
  local piece = base:sub(a, a + 20)
  subs = subs + #piece + piece:byte(1) + piece:byte(-1)
end
local chars = {}
for i = 1, N do
  chars[#chars + 1] = string.char(65 + i % 26, 97 + (i * 7) % 26)
end
local cs = table.concat(chars)
h = hash(cs:upper(), h)
h = hash(cs:lower():reverse(), h)
local sep = string.rep("-", 10, "+")

-- 5. number <-> string conversions
local conv = 0
for i = 1, N do
  local s = tostring(i * 3)
  conv = conv + tonumber(s) + #s
  local f = tostring(i + 0.25)
  conv = conv + #f
end

-- 6. byte-level rebuild (caesar shift) using byte/char over a long string
local text = string.rep("The quick brown fox jumps over the lazy dog. ", math.floor(N / 200))
local out = {}
for i = 1, #text do
  local b = text:byte(i)
  if b >= 97 and b <= 122 then b = (b - 97 + 13) % 26 + 97 end
  out[i] = string.char(b)
end
local rot = table.concat(out)
h = hash(rot, h)

print(string.format("len=%d joined=%d fmt=%d subs=%d conv=%d", total_len, #joined, fl, subs, conv))
print(string.format("rot=%d sep=%s hash=%d", #rot, sep, h))
print(fmt2)
