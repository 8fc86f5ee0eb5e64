-- scoping and blocks
local x = 1
do
  local x = x + 1
  print("inner", x)
  do
    local x = x * 10
    print("innermost", x)
  end
  print("inner again", x)
end
print("outer", x)
-- same name declared twice in one local statement: last wins
local a, a = 1, 2
print(a)
-- local function vs local f = function (recursion visibility)
local function fact(n) return n <= 1 and 1 or n * fact(n - 1) end
print(fact(10))
local ok = pcall(function()
  local g = function(n) if n == 0 then return 0 end return g(n - 1) end
  return g(3)
end)
print(ok)
-- many locals in one function
local code = {"local v1 = 1"}
for i = 2, 199 do code[#code + 1] = ("local v%d = v%d + 1"):format(i, i - 1) end
code[#code + 1] = "return v199"
print(load(table.concat(code, "\n"))())
-- too many locals
code = {}
for i = 1, 201 do code[#code + 1] = ("local v%d = %d"):format(i, i) end
local f, err = load(table.concat(code, "\n"), "=many")
print(f, err)
-- while with complex conditions and nested functions
local i, acc = 0, {}
while (function() i = i + 1 return i <= 3 end)() do acc[#acc + 1] = i end
print(table.concat(acc, ","))
-- upvalues of loop locals closed at break
local fns = {}
for k = 1, 10 do
  local captured = k * 2
  fns[#fns + 1] = function() return captured end
  if k == 3 then break end
end
print(#fns, fns[1](), fns[3]())
-- return must be last statement in a block, but `do return end` is fine anywhere
local function early(flag)
  if flag then do return "early" end end
  return "late"
end
print(early(true), early(false))
