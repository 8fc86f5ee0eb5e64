-- The debug library against lua5.4: getinfo, locals, upvalues, metatables of
-- any type, tracebacks.
local function f(a, b, ...)
  local x = a + b
  local info = debug.getinfo(1, "nSlu")
  print(info.what, info.short_src, info.source, info.currentline, info.linedefined,
        info.lastlinedefined, info.nups, info.nparams, info.isvararg, info.name, info.namewhat)
  for i = 1, 4 do print("local", i, (debug.getlocal(1, i))) end
  print("vararg", debug.getlocal(1, -1))
  print("vararg", debug.getlocal(1, -2))
  print("vararg", debug.getlocal(1, -3))
  print("setlocal", debug.setlocal(1, 3, 100), x)
  return x
end
print(f(1, 2, "v1", "v2"))
print(debug.getlocal(f, 1), debug.getlocal(f, 2), debug.getlocal(f, 3))
local main = debug.getinfo(1, "S")
print(main.what, main.linedefined, main.lastlinedefined, main.source)
local c = debug.getinfo(print)
print(c.what, c.short_src, c.source, c.currentline, c.linedefined, c.nups, c.isvararg, c.func == print)
print(debug.getinfo(100))
print(pcall(debug.getinfo, 1, ">S"))
print(pcall(debug.getlocal, 100, 1))
local g = load("return 1", "=mychunk")
print(debug.getinfo(g, "S").source, debug.getinfo(g, "S").short_src)
g = load("return 1")
print(debug.getinfo(g, "S").source, debug.getinfo(g, "S").short_src)
local lines = {}
for l in pairs(debug.getinfo(f, "L").activelines) do lines[#lines + 1] = l end
table.sort(lines)
print(table.concat(lines, " "))

-- Upvalues.
local u1, u2 = 10, 20
local function h() return u1 + u2 end
local function k() return u2 end
print(debug.getupvalue(h, 1), debug.getupvalue(h, 2), debug.getupvalue(h, 3))
print(debug.setupvalue(h, 1, 5), u1, h())
print(debug.upvalueid(h, 2) == debug.upvalueid(k, 1), debug.upvalueid(h, 1) == debug.upvalueid(k, 1))
debug.upvaluejoin(h, 1, k, 1)
print(h(), debug.upvalueid(h, 1) == debug.upvalueid(k, 1))
print(pcall(debug.upvaluejoin, h, 5, k, 1))
print(pcall(debug.upvaluejoin, print, 1, k, 1))
print(debug.getupvalue(string.gmatch("x", "x"), 1) ~= nil)

-- Metatables of any type.
debug.setmetatable(10, {__index = {double = function(n) return n * 2 end}})
print((21):double(), (1.5):double())
debug.setmetatable(10, nil)
print(pcall(function() return (1):double() end))
debug.setmetatable(nil, {__index = function() return "from nil" end})
local nothing
print(nothing.field)
debug.setmetatable(nil, nil)
debug.setmetatable(print, {__index = {kind = "function"}})
print(print.kind, f.kind)
debug.setmetatable(print, nil)
local t = setmetatable({}, {__metatable = "locked"})
print(getmetatable(t), type(debug.getmetatable(t)))
print(type(debug.getregistry()))
print(debug.getuservalue(1), debug.getuservalue(io.stdout, 1))
print(pcall(debug.setuservalue, 1, 2))

-- Tracebacks.
local function lvl3() return debug.traceback("msg", 1) end
local function lvl2() local r = lvl3() return r end
print(lvl2())
print(debug.traceback("at 2", 2))
print(debug.traceback({}) ~= nil, type(debug.traceback({})))
print(debug.traceback(42))
local function deep(n) if n == 0 then return debug.traceback() end return (deep(n - 1)) end
print(deep(30))
local co = coroutine.create(function(x) local y = coroutine.yield(x) return y end)
coroutine.resume(co, 1)
print(debug.traceback(co))
print(debug.traceback(co, "co msg"))
print(debug.getinfo(co, 0, "l") ~= nil)
for k, v in pairs(debug) do end

-- Chunk names are cut like lua5.4's (60 bytes).
local function src_of(name) return debug.getinfo(load("return 1", name), "S").short_src end
print(src_of("@" .. string.rep("p", 1000) .. "t"))
print(src_of("=" .. string.rep("x", 500)))
print(src_of("="), src_of("@xuxu"), src_of(""))
print(src_of("local a = 1\nreturn 2"))
print(src_of(string.rep("y", 100)))
