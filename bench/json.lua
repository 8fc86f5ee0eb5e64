-- json.lua: a JSON encoder and decoder in plain Lua, the way JSON libraries are
-- written: string.find to jump to the next special character, string.sub for
-- the plain runs, string.byte dispatch, table.concat to assemble the output.
-- Each round builds a nested document (records with escaped and non-ASCII
-- strings, integers, negative integers, floats with exponents, booleans,
-- nulls, empty containers), encodes it compactly with sorted object keys,
-- decodes it, checks deep equality, re-encodes, and also round-trips an
-- indented encoding.
local N = tonumber(arg and arg[1]) or 48  -- rounds
local RECORDS = 40                          -- records per document

local byte, sub, find, char = string.byte, string.sub, string.find, string.char
local format, rep, concat = string.format, string.rep, table.concat
local floor = math.floor

local ARRAY = {}              -- metatable marking arrays (so [] and {} differ)
local NULL = setmetatable({}, { __tostring = function() return "null" end })

local function array(t) return setmetatable(t or {}, ARRAY) end

---------------------------------------------------------------- encoder
local escape_byte = {}
for c = 0, 31 do escape_byte[c] = format("\\u%04x", c) end
escape_byte[8] = "\\b"
escape_byte[9] = "\\t"
escape_byte[10] = "\\n"
escape_byte[12] = "\\f"
escape_byte[13] = "\\r"
escape_byte[34] = "\\\""
escape_byte[92] = "\\\\"

local SPECIAL = "[%c\"\\\128-\255]"

local function encode_string(s, buf, n)
  n = n + 1; buf[n] = '"'
  local pos = 1
  while true do
    local i = find(s, SPECIAL, pos)
    if not i then break end
    if i > pos then n = n + 1; buf[n] = sub(s, pos, i - 1) end
    local c = byte(s, i)
    if c < 128 then
      n = n + 1; buf[n] = escape_byte[c]
      pos = i + 1
    else
      -- a UTF-8 sequence: emit it as \u escapes (surrogate pair above U+FFFF)
      local cp, len
      if c >= 240 then
        local b2, b3, b4 = byte(s, i + 1, i + 3)
        cp = (c - 240) * 262144 + (b2 - 128) * 4096 + (b3 - 128) * 64 + (b4 - 128)
        len = 4
      elseif c >= 224 then
        local b2, b3 = byte(s, i + 1, i + 2)
        cp = (c - 224) * 4096 + (b2 - 128) * 64 + (b3 - 128)
        len = 3
      else
        cp = (c - 192) * 64 + (byte(s, i + 1) - 128)
        len = 2
      end
      if cp >= 65536 then
        cp = cp - 65536
        n = n + 1; buf[n] = format("\\u%04x\\u%04x", 55296 + floor(cp / 1024), 56320 + cp % 1024)
      else
        n = n + 1; buf[n] = format("\\u%04x", cp)
      end
      pos = i + len
    end
  end
  if pos == 1 then
    n = n + 1; buf[n] = s
  elseif pos <= #s then
    n = n + 1; buf[n] = sub(s, pos)
  end
  n = n + 1; buf[n] = '"'
  return n
end

local function encode_number(x)
  if x == floor(x) and x >= -9007199254740992 and x <= 9007199254740992 then
    return format("%d", x)
  end
  return format("%.17g", x)
end

local encode_value

-- indent == nil: compact; otherwise the indent unit, at nesting depth `depth`
function encode_value(v, buf, n, indent, depth)
  local t = type(v)
  if t == "string" then
    return encode_string(v, buf, n)
  elseif t == "number" then
    n = n + 1; buf[n] = encode_number(v)
    return n
  elseif t == "boolean" then
    n = n + 1; buf[n] = v and "true" or "false"
    return n
  elseif v == NULL then
    n = n + 1; buf[n] = "null"
    return n
  elseif t ~= "table" then
    error("cannot encode a " .. t)
  end
  local nl, nl_close
  if indent then
    nl = "\n" .. rep(indent, depth + 1)
    nl_close = "\n" .. rep(indent, depth)
  end
  if getmetatable(v) == ARRAY then
    local len = #v
    if len == 0 then n = n + 1; buf[n] = "[]"; return n end
    n = n + 1; buf[n] = "["
    for i = 1, len do
      if i > 1 then n = n + 1; buf[n] = "," end
      if nl then n = n + 1; buf[n] = nl end
      n = encode_value(v[i], buf, n, indent, depth + 1)
    end
    if nl then n = n + 1; buf[n] = nl_close end
    n = n + 1; buf[n] = "]"
    return n
  end
  -- object: keys in sorted order so the text never depends on hash order
  local keys, k = {}, 0
  for key in pairs(v) do
    if type(key) ~= "string" then error("object key is not a string") end
    k = k + 1; keys[k] = key
  end
  if k == 0 then n = n + 1; buf[n] = "{}"; return n end
  table.sort(keys)
  n = n + 1; buf[n] = "{"
  for i = 1, k do
    local key = keys[i]
    if i > 1 then n = n + 1; buf[n] = "," end
    if nl then n = n + 1; buf[n] = nl end
    n = encode_string(key, buf, n)
    n = n + 1; buf[n] = nl and ": " or ":"
    n = encode_value(v[key], buf, n, indent, depth + 1)
  end
  if nl then n = n + 1; buf[n] = nl_close end
  n = n + 1; buf[n] = "}"
  return n
end

local function encode(v, indent)
  local buf = {}
  local n = encode_value(v, buf, 0, indent, 0)
  return concat(buf, "", 1, n)
end

---------------------------------------------------------------- decoder
local unescape_byte = {
  [34] = "\"", [92] = "\\", [47] = "/", [98] = "\b", [102] = "\f",
  [110] = "\n", [114] = "\r", [116] = "\t",
}

local function utf8_char(cp)
  if cp < 128 then return char(cp) end
  if cp < 2048 then return char(192 + floor(cp / 64), 128 + cp % 64) end
  if cp < 65536 then
    return char(224 + floor(cp / 4096), 128 + floor(cp / 64) % 64, 128 + cp % 64)
  end
  return char(240 + floor(cp / 262144), 128 + floor(cp / 4096) % 64,
              128 + floor(cp / 64) % 64, 128 + cp % 64)
end

local function decode_error(s, pos, what)
  error(format("json: %s at byte %d near '%s'", what, pos, sub(s, pos, pos + 10)))
end

local function skip(s, pos)
  return find(s, "[^ \t\r\n]", pos) or #s + 1
end

-- pos is at the opening quote; returns the string and the position after it
local function decode_string(s, pos)
  local start = pos + 1
  local buf, n
  while true do
    local i = find(s, "[\"\\]", start)
    if not i then decode_error(s, pos, "unterminated string") end
    if byte(s, i) == 34 then
      if not buf then return sub(s, start, i - 1), i + 1 end
      if i > start then n = n + 1; buf[n] = sub(s, start, i - 1) end
      return concat(buf, "", 1, n), i + 1
    end
    if not buf then buf, n = {}, 0 end
    if i > start then n = n + 1; buf[n] = sub(s, start, i - 1) end
    local c = byte(s, i + 1)
    if c == 117 then -- \uXXXX
      local cp = tonumber(sub(s, i + 2, i + 5), 16)
      if not cp then decode_error(s, i, "bad \\u escape") end
      start = i + 6
      if cp >= 55296 and cp < 56320 then
        if sub(s, start, start + 1) ~= "\\u" then decode_error(s, i, "lone surrogate") end
        local lo = tonumber(sub(s, start + 2, start + 5), 16)
        cp = 65536 + (cp - 55296) * 1024 + (lo - 56320)
        start = start + 6
      end
      n = n + 1; buf[n] = utf8_char(cp)
    else
      local e = unescape_byte[c]
      if not e then decode_error(s, i, "bad escape") end
      n = n + 1; buf[n] = e
      start = i + 2
    end
  end
end

local decode_value

local function decode_array(s, pos)
  local arr, n = array(), 0
  pos = skip(s, pos + 1)
  if byte(s, pos) == 93 then return arr, pos + 1 end
  while true do
    local v
    v, pos = decode_value(s, pos)
    n = n + 1; arr[n] = v
    pos = skip(s, pos)
    local c = byte(s, pos)
    if c == 93 then return arr, pos + 1 end
    if c ~= 44 then decode_error(s, pos, "expected ',' or ']'") end
    pos = pos + 1
  end
end

local function decode_object(s, pos)
  local obj = {}
  pos = skip(s, pos + 1)
  if byte(s, pos) == 125 then return obj, pos + 1 end
  while true do
    if byte(s, pos) ~= 34 then decode_error(s, pos, "expected a key") end
    local key, v
    key, pos = decode_string(s, pos)
    pos = skip(s, pos)
    if byte(s, pos) ~= 58 then decode_error(s, pos, "expected ':'") end
    v, pos = decode_value(s, pos + 1)
    obj[key] = v
    pos = skip(s, pos)
    local c = byte(s, pos)
    if c == 125 then return obj, pos + 1 end
    if c ~= 44 then decode_error(s, pos, "expected ',' or '}'") end
    pos = skip(s, pos + 1)
  end
end

function decode_value(s, pos)
  pos = skip(s, pos)
  local c = byte(s, pos)
  if c == 123 then return decode_object(s, pos)
  elseif c == 91 then return decode_array(s, pos)
  elseif c == 34 then return decode_string(s, pos)
  elseif c == 45 or (c and c >= 48 and c <= 57) then
    local i, j = find(s, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    local x = tonumber(sub(s, i, j))
    if not x then decode_error(s, pos, "bad number") end
    return x, j + 1
  elseif c == 116 and sub(s, pos, pos + 3) == "true" then return true, pos + 4
  elseif c == 102 and sub(s, pos, pos + 4) == "false" then return false, pos + 5
  elseif c == 110 and sub(s, pos, pos + 3) == "null" then return NULL, pos + 4
  end
  decode_error(s, pos, "unexpected character")
end

local function decode(s)
  local v, pos = decode_value(s, 1)
  pos = skip(s, pos)
  if pos <= #s then decode_error(s, pos, "trailing garbage") end
  return v
end

---------------------------------------------------------------- equality
local function deep_equal(a, b)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  if a == NULL or b == NULL then return false end
  local am, bm = getmetatable(a) == ARRAY, getmetatable(b) == ARRAY
  if am ~= bm then return false end
  if am then
    if #a ~= #b then return false end
    for i = 1, #a do
      if not deep_equal(a[i], b[i]) then return false end
    end
    return true
  end
  local na = 0
  for k, v in pairs(a) do
    na = na + 1
    if not deep_equal(v, b[k]) then return false end
  end
  for _ in pairs(b) do na = na - 1 end
  return na == 0
end

---------------------------------------------------------------- documents
local seed = 12345
local function rand(m)
  seed = (seed * 16807) % 2147483647
  return seed % m
end

local FIRST = { "Ana", "Bj\195\182rn", "Chlo\195\169", "Dmitri", "Ete", "Fran\195\167ois",
                "G\195\188nther", "Hana", "Ines", "J\195\184rgen", "Kai", "L\195\169a" }
local LAST = { "Smith", "M\195\188ller", "O'Brien", "Garc\195\173a", "Nakamura",
               "Kowalski", "\206\154\207\137\206\189\207\131\207\132\206\177\206\189\207\132\206\175\206\189\206\191\207\133" }
local WORDS = { "alpha", "beta", "gamma", "delta", "caf\195\169", "na\195\175ve",
                "\226\130\172uro", "smile\240\159\152\128", "tab\there", "quote\"d",
                "back\\slash", "slash/ok", "nl\nnl", "bell\7", "\227\129\147\227\130\147" }

local function make_record(id, round)
  local tags = array()
  for t = 1, rand(6) do tags[t] = WORDS[rand(#WORDS) + 1] end
  local history = array()
  for h = 1, rand(9) do history[h] = rand(20001) - 10000 end
  local matrix = array()
  for r = 1, 3 do
    local row = array()
    for c = 1, 3 do row[c] = (rand(2000) - 1000) / 8 end
    matrix[r] = row
  end
  local rec = {
    id = id,
    round = round,
    name = FIRST[rand(#FIRST) + 1] .. " " .. LAST[rand(#LAST) + 1],
    email = "user" .. id .. "@example.com",
    score = (rand(1000000) - 300000) / 977,
    balance = -rand(5000000),
    ratio = rand(100000) / 7e9,
    big = rand(1000000) * 1.5e15 + 0.25,
    active = rand(2) == 0,
    note = "line one\nline two\t\"quoted\" \\ path/to " .. id .. "\r\1end",
    tags = tags,
    history = history,
    pos = { x = rand(100000) / 64 - 500, y = rand(100000) / 3 - 16000, z = rand(100) },
    matrix = matrix,
    parent = (id % 3 == 0) and NULL or (id - 1),
    empty_list = array(),
    empty_map = {},
  }
  return rec
end

local function make_document(round)
  local records = array()
  local index = {}
  for i = 1, RECORDS do
    local id = round * 1000 + i
    records[i] = make_record(id, round)
    index["r" .. id] = i
  end
  return {
    version = 3,
    title = "document \"" .. round .. "\" \226\128\148 r\195\169sum\195\169",
    records = records,
    index = index,
    flags = array({ true, false, NULL, true }),
    nested = { a = { b = { c = { d = array({ array({ 1, 2 }), array({ -3.5, 4e-3 }) }) } } } },
  }
end

---------------------------------------------------------------- main
local total_len, total_pretty, hash = 0, 0, 0
for round = 1, N do
  local doc = make_document(round)
  local s1 = encode(doc)
  local back = decode(s1)
  if not deep_equal(doc, back) then error("round " .. round .. ": decode(encode(doc)) ~= doc") end
  local s2 = encode(back)
  if s2 ~= s1 then error("round " .. round .. ": re-encoding differs") end
  local pretty = encode(back, "  ")
  local again = decode(pretty)
  if encode(again) ~= s1 then error("round " .. round .. ": indented round trip differs") end
  total_len = total_len + #s1
  total_pretty = total_pretty + #pretty
  for i = 1, #s1, 13 do
    hash = (hash * 31 + byte(s1, i)) % 1000000007
  end
end

-- a fixed sample that shows the escaping rules
local sample = encode({ s = "caf\195\169 \240\159\152\128 \"q\" \\ \n\1", n = array({ -7, 0.5, 1e-7, 2.5e20 }) })
print(sample)
print(decode(sample).s == "caf\195\169 \240\159\152\128 \"q\" \\ \n\1" and "sample ok" or "sample BAD")
print(string.format("rounds=%d bytes=%d pretty=%d hash=%d", N, total_len, total_pretty, hash))
