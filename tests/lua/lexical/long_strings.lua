-- §3.1 long brackets
print([[simple]])
print([[
first newline skipped]])
print([==[
contains ]] and ]=] inside]==])
print([=[a
b
c]=])
print(#[[

]])
print([[\n is not an escape \t]])
print([====[level 4]====], [[]], #[[]])
local s = [[
line1
line2
]]
print(#s, s)
print([[a]]..[==[b]==])
print([[
]] == "")
print([[x]=]y]])
