-- Errors that unwind through native calls (sort comparators, gsub functions,
-- coroutine.wrap) close the to-be-closed variables of the frames they leave.
local function mk(n) return setmetatable({}, {__close=function(_, e) print("closed", n, e) end}) end
print(pcall(table.sort, {3,2,1}, function(a,b) local x <close> = mk("cmp") error("x") end))
print(pcall(function() local y <close> = mk("outer") string.gsub("ab", ".", function() local z <close> = mk("inner") error(setmetatable({}, {__tostring = function() return "E" end})) end) end))
local co = coroutine.wrap(function() local q <close> = mk("co") error("in co") end)
print(pcall(co))
