print(select(1, "a", "b", "c"))
print(select(2, "a", "b", "c"))
print(select(3, "a", "b", "c"))
print(select(4, "a", "b", "c"))
print(select(-1, "a", "b", "c"))
print(select(-3, "a", "b", "c"))
print(select("#"), select("#", nil), select("#", 1, nil, nil))
print(pcall(select, -4, "a", "b", "c"))
print(pcall(select, 0, "a"))
print(pcall(select, "x"))
print(pcall(select))
print(select(2^31, 1))
print(select("2", "a", "b"))
print(pcall(select, "#x"))
print(type(nil), type(1), type("s"), type({}), type(print), type(true), type(coroutine.running()))
print(pcall(type))
print(type(type(nil)))
print(_VERSION, type(_G), _G._G == _G, _G.print == print)
_G.newglobal = "via _G"
print(newglobal)
local count = 0
for k, v in pairs(_G) do if type(v) == "table" and k ~= "_G" then count = count + 1 end end
local libs = {}
for _, name in ipairs({"string", "table", "math", "coroutine", "utf8", "os", "io"}) do libs[#libs + 1] = name .. ":" .. type(_G[name]) end
print(table.concat(libs, " "))
local basics = {}
for _, name in ipairs({"assert", "error", "getmetatable", "ipairs", "load", "next", "pairs", "pcall", "print", "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "xpcall", "collectgarbage"}) do
  basics[#basics + 1] = type(_G[name]) == "function" and "y" or name
end
print(table.concat(basics))
print(unpack, setfenv, getfenv, module, loadstring, table.getn, string.gfind)
