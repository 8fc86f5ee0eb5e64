-- A library function called by another one (a comparator, a gsub replacement) is
-- named by where it lives, not by the Lua call below; an xpcall handler sees its
-- frame in the traceback.
print(pcall(table.sort, {1, 2, 3}, table.sort))
print(pcall(string.gsub, "s", "s", setmetatable))
print(pcall(table.sort, {3, 1, 2}, function(a, b) return string.rep(a) end))
print(pcall(function() table.sort({1, 2, 3}, table.sort) end))
print(select(2, xpcall(table.sort, debug.traceback, {1, 2, 3}, table.sort)))
print(select(2, xpcall(string.gsub, function(m) return "handled: " .. m end, "x", "x", string.rep)))
-- file metamethods check their argument
print(pcall(getmetatable(io.stdout).__gc))
print(pcall(getmetatable(io.stdout).__close))
