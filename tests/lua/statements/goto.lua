-- §3.3.4 goto and labels
for i = 1, 5 do
  if i % 2 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()
-- backward goto loop
local i = 1
::top::
if i <= 3 then io.write("i", i, " ") i = i + 1 goto top end
print()
-- break out of nested loops
for a = 1, 3 do
  for b = 1, 3 do
    if a * b == 4 then goto done end
    io.write(a * b, " ")
  end
end
::done::
print("done")
-- goto jumping forward over nothing in a block
do
  goto skip
  print("skipped")
  ::skip::
end
-- closures capture fresh locals per backward goto
local fs = {}
do
  local k = 1
  ::again::
  local v = k
  fs[#fs + 1] = function() return v end
  k = k + 1
  if k <= 3 then goto again end
end
print(fs[1](), fs[2](), fs[3]())
-- label at end of block may follow a local declaration
do
  goto e
  local x = 1
  ::e::
end
print("label at block end ok")
-- errors
print(load("goto nowhere", "=g"))
print(load("do ::l:: end goto l", "=g"))
print(load("::a:: ::a::", "=g"))
print(load("goto f; local x; ::f:: print(x)", "=g"))
print(load("::a:: do ::a:: end", "=g"))
print(load("for i=1,2 do end goto continue", "=g"))
print(load("break", "=g"))
print(load("local function f() goto out end ::out::", "=g"))
print(load("repeat goto cont local x ::cont:: until x", "=g"))
