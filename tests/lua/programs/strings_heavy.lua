local text = [[
The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs!
A second line, with punctuation: commas, colons; and "quotes".
]]
local freq = {}
for w in text:lower():gmatch("%a+") do freq[w] = (freq[w] or 0) + 1 end
local words = {}
for w, n in pairs(freq) do words[#words + 1] = w end
table.sort(words, function(a, b) if freq[a] ~= freq[b] then return freq[a] > freq[b] end return a < b end)
for i = 1, 6 do io.write(words[i], "=", freq[words[i]], " ") end
print()
-- caesar cipher
local function caesar(s, k)
  return (s:gsub("%a", function(c)
    local base = c:match("%l") and 97 or 65
    return string.char((c:byte() - base + k) % 26 + base)
  end))
end
local enc = caesar("Hello, World!", 3)
print(enc, caesar(enc, -3))
-- string building and reversal
local parts = {}
for i = 1, 20 do parts[#parts + 1] = string.format("%02d", i) end
local joined = table.concat(parts, "-")
print(joined, joined:reverse():sub(1, 11), #joined)
-- split and trim
local function split(s, sep)
  local out = {}
  for piece in (s .. sep):gmatch("(.-)" .. sep:gsub("%p", "%%%0")) do out[#out + 1] = piece end
  return out
end
local fields = split(" a , b,c ,, d ", ",")
for i, f in ipairs(fields) do fields[i] = "[" .. f:match("^%s*(.-)%s*$") .. "]" end
print(#fields, table.concat(fields))
-- hex dump
local bin = "Lua\0\1\2\255"
print((bin:gsub(".", function(c) return string.format("%02X ", c:byte()) end)))
-- formatting a table of numbers
for _, row in ipairs({{1, 2.5, "x"}, {100, -0.125, "yy"}, {-7, 1e10, "zzz"}}) do
  print(string.format("|%5d|%10.3f|%-4s|%8.2e|", row[1], row[2], row[3], row[2]))
end
