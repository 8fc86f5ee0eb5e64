-- package.searchpath, package.searchers and require's messages.
print(type(package.searchers), #package.searchers, type(package.searchpath))
print(package.searchpath("a.b", "./?.lua;/nonexistent/?/x.lua"))
print(package.searchpath("a.b", "./?.lua", "", ""))
print(package.searchpath("a_b", "./?.lua;;", "_", "-"))
print(package.searchpath("x", ""))

local name = os.tmpname()
local f = assert(io.open(name .. ".lua", "w"))
f:write("return {loaded_from = ...}")
f:close()
local dir, base = name:match("^(.*)/([^/]*)$")
package.path = dir .. "/?.lua"
package.cpath = "/nonexistent/?.so"
local m, where = require(base)
print(type(m), m.loaded_from == base, where == name .. ".lua")
print(package.loaded[base] == m, require(base) == m)
os.remove(name .. ".lua")
os.remove(name)

-- A failing require lists every searcher's reason.
print(select(2, pcall(require, "no.such.mod")))

-- Libraries add their own searchers.
table.insert(package.searchers, 2, function(n)
  if n == "virtual" then
    return function(modname, extra) return {name = modname, extra = extra} end, "virtual:data"
  end
  return "no virtual module '" .. n .. "'"
end)
local v = require("virtual")
print(v.name, v.extra)
print(select(2, pcall(require, "still.missing")))
package.preload.pre = function(n, extra) return "preloaded " .. n .. " " .. extra end
print(require("pre"))
package.searchers = nil
print(pcall(require, "other"))
