-- rawget, rawset, rawequal, rawlen bypass metamethods
local mt = {
  __index = function() return "mm" end,
  __newindex = function() error("no writes") end,
  __eq = function() return true end,
  __len = function() return 99 end,
}
local t = setmetatable({1, 2}, mt)
local u = setmetatable({}, mt)
print(t.x, rawget(t, "x"), rawget(t, 1))
print(pcall(function() t.y = 1 end))
print(rawset(t, "y", 5) == t, rawget(t, "y"), t.y)
print(t == u, rawequal(t, u), rawequal(t, t), rawequal(1, 1.0), rawequal("a", "a"))
print(#t, rawlen(t), rawlen("abcd"))
print(pcall(rawlen, 5))
print(pcall(rawget, "str", 1))
print(pcall(rawset, {}, 0/0, 1))
print(pcall(rawequal, 1))
print(rawget({10, 20}, 2), rawget({}, nil), rawget({[1.0] = "f"}, 1))
print(pcall(rawget, {}))
