-- Line events follow lua5.4's line numbers: the test of an 'if' is on its 'then',
-- a closure is made on its function's 'end', the main chunk returns on its last
-- token's line, and a variable read as a left operand is read on the operator's line.
local cases = {
[[if
math.sin(1)
then
  a=1
else
  a=2
end
]],
[[
local function foo()
end
foo()
A = 1
A = 2
A = 3
]],
[[--
if nil then
  a=1
else
  a=2
end
]],
[[a=1
repeat
  a=a+1
until a==3
]],
[[ do
  return
end
]],
[[local a
a=1
while a<=3 do
  a=a+1
end
]],
[[while math.sin(1) do
  if math.sin(1)
  then break
  end
end
a=1]],
[[for i=1,3 do
  a=i
end
]],
[[for i,v in pairs{'a','b'} do
  a=tostring(i) .. v
end
]],
[[for i=1,4 do a=1 end]],
}
for n, s in ipairs(cases) do
  local t = {}
  local f = load(s)
  debug.sethook(function(e, l) t[#t+1] = l end, "l"); f()
  debug.sethook()
  while t[#t] and t[#t] > 20 do t[#t] = nil end
  print(n, table.concat(t, ","))
end

local s2 = "local b = {10}\na = b[1] \n\n + \n\n b[1]\nb = 4\n"
local t2 = {}
local f = load(s2)
debug.sethook(function(e, l) t2[#t2+1] = l end, "l"); f()
debug.sethook()
while t2[#t2] and t2[#t2] > 7 do t2[#t2] = nil end
print(table.concat(t2, ","))

-- A hook set with call and return events switches the running loop too.
local glob2 = 1
debug.sethook(function (e,l) io.write(e, ":", tostring(l), " glob2=", glob2, "\n") end, "crl")
function foo()
  glob2 = glob2+1
  local x = 1
end; foo()
debug.sethook()

-- A hook function is named 'hook'.
debug.sethook(function() local i = debug.getinfo(1, "n") print(i.namewhat, i.name) debug.sethook() end, "l")
local _ = 1

-- A line hook set by a call hook applies from the callee's first instruction.
local function collectlocals2 (level)
  local tab = {}
  for i = 1, math.huge do
    local n, v = debug.getlocal(level + 1, i)
    if not (n and string.find(n, "^[a-zA-Z0-9_]+$")) then break end
    tab[n] = v
  end
  return tab
end
X = nil
a = {}
function a:f (a, b, ...) local arg = {...}; local c = 13 end
debug.sethook(function (e)
  assert(e == "call")
  debug.sethook(function (e, l)
    assert(debug.getinfo(2, "l").currentline == l)
    debug.sethook(nil)
    X = collectlocals2(2)
    print(e, l)
  end, "l")
end, "c")
a:f(1,2,3,4,5)
print(X.a, X.b)
print(X.self == a, X.c)
