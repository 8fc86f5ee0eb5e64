local s = "añ€𝄞z"
local cps = {}
for _, c in utf8.codes(s) do cps[#cps + 1] = c end
print(#cps, table.concat(cps, " "))
print(utf8.char(table.unpack(cps)) == s)
local positions = {}
for p in utf8.codes(s) do positions[#positions + 1] = p end
print(table.concat(positions, " "))
for i = 1, utf8.len(s) do io.write(utf8.offset(s, i), " ") end
print(utf8.offset(s, utf8.len(s) + 1))
local rev = {}
for _, c in utf8.codes(s) do table.insert(rev, 1, utf8.char(c)) end
print(table.concat(rev))
print(utf8.codepoint(s, 1, -1))
print(s:len(), utf8.len(s), #utf8.char(0x1D11E))
local count = 0
for ch in s:gmatch(utf8.charpattern) do count = count + 1 end
print(count)
print(utf8.len("\xF4\x90\x80\x80"), utf8.len("\xF4\x90\x80\x80", 1, -1, true))
print(pcall(utf8.codepoint, "\xF4\x90\x80\x80"))
print(utf8.codepoint("\xF4\x90\x80\x80", 1, 1, true))
