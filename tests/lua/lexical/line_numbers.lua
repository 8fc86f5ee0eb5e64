-- line numbers in error messages after multi-line tokens
local function at(f) local ok, e = pcall(f) return e end
print(at(function() local s = [[
line a
line b]] error("after long string") end))
--[[ a long
comment
spanning lines ]]
print(at(function() error("after long comment") end))
print(at(function() local s = "a\
b\
c" error("after escaped newlines") end))
print(at(function()
  local t = {
    1,
    2,
    nil .. "x",
  }
end))
print(at(function()
  local a = 1
  local b = a
    +
    nil
end))
print(at(function()
  local f = nil
  f(
    1,
    2
  )
end))
print(at(function()
  local t = {}
  return t
    .field
    .sub
end))
print(pcall(load("\n\n\nerror('line four')", "=chunk")))
print(load("x = 1\r\ny = \r\n\r\n+", "=crlf"))
print(load("x = 1\ry = \r\r+", "=cr"))
print(load("x = 1\n\ry = \n\r\n\r+", "=lfcr"))
