-- string.dump and binary chunks: round trips, upvalues, stripping, modes, bad input
local function show(...) print(select("#", ...), ...) end

-- a round trip keeps behaviour; constants of every kind survive
local f = function(a, b) return a + b, "x\0y", 2^53, 1.5, true, nil end
local g = assert(load(string.dump(f)))
show(g(1, 2))

-- nested functions and closures made after loading
local mk = assert(load(string.dump(function(x)
  return function(y) return function(z) return x + y + z end end
end)))
print(mk(2)(3)(10))

-- upvalues are fresh: the first is _ENV's place, the others nil
local a, b = 20, 30
local h = load(string.dump(function(x)
  if x == "set" then a = 10 + b; b = b + 1 else return a end
end), "", "b", nil)
print(h(), debug.getupvalue(h, 1), debug.getupvalue(h, 2))
print(debug.setupvalue(h, 1, "hi"), h(), debug.setupvalue(h, 2, 13), debug.setupvalue(h, 3, 0))
h("set"); print(h())

local XX_ = 7
XX = 123
local x_
local function k() local y = x_; return XX end
local kk = load(string.dump(k), "", "b")
print(debug.getupvalue(kk, 1), debug.getupvalue(kk, 2))
debug.setupvalue(kk, 2, _G)
print(kk())

-- the first upvalue gets load's env
local e = load(string.dump(function() return Y end), "", "b", {Y = "from env"})
print(e())

-- a dumped main chunk
local m = string.dump(load("x = 1; return x, ..."))
local mm = assert(load(m, nil, "b"))
print(mm("arg"), x)

-- dumps are deterministic
print(string.dump(f) == string.dump(f), #string.dump(f, true) <= #string.dump(f))

-- stripped: no line numbers, names or source
local s = assert(load(string.dump(function(t) return t + 1 end, true)))
print(s(3), pcall(s, {}))
local s2 = assert(load(string.dump(function() local v; v = {}; return v + 2 end, true)))
print(pcall(s2))
local info = assert(load(string.dump(load("return debug.getinfo(1, 'Sl')"), true)))()
print(info.source, info.short_src, info.currentline, info.what)
local named = assert(load("return function() end", "=named"))
print(debug.getinfo(assert(load(string.dump(named)))).source,
      debug.getinfo(assert(load(string.dump(named, true)))).source)

-- modes
local c = string.dump(function() return 1 end)
print(load(c, "c", "t"))
print(load("return 1", "c", "b"))
print(assert(load(c, "c", "bt"))())

-- any prefix is a truncated chunk; native functions cannot be dumped
local bad = 0
for i = 1, #c - 1 do
  local ok, msg = load(c:sub(1, i))
  if ok or not msg:find("truncated") then bad = bad + 1 end
end
print("truncated prefixes not reported:", bad)
print(pcall(string.dump, print))
print(pcall(string.dump, 1))
print(c:sub(1, 4) == "\27Lua", c:byte(5))

-- a reader function may deliver a binary chunk piece by piece
local pos = 0
local r = assert(load(function()
  pos = pos + 1
  return c:sub(pos, pos) ~= "" and c:sub(pos, pos) or nil
end))
print(r())

-- files: loadfile and dofile read binary chunks, after a '#' line too
local name = os.tmpname()
local fh = assert(io.open(name, "wb"))
fh:write("#!/usr/bin/env lua\n", string.dump(function() return 20, "\0\0\0" end))
fh:close()
print(assert(loadfile(name))())
print(dofile(name))
print(loadfile(name, "t"))
fh = assert(io.open(name, "wb"))
fh:write("\xEF\xBB\xBFreturn 239")
fh:close()
print(assert(loadfile(name))())
print(assert(loadfile(name, "t", {}))())
os.remove(name)
