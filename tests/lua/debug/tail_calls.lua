-- Tail calls: tracebacks mark them, getinfo says istailcall, hooks see 'tail call'.
local function lvl3() return debug.traceback("msg", 1) end
local function lvl2() return lvl3() end
print(lvl2())
local function t3() local i = debug.getinfo(1, "nt") return i.istailcall, i.name end
local function t2() return t3() end
print(t2())
local function e3() error("boom") end
local function e2() return e3() end
print(select(2, xpcall(e2, debug.traceback)))
local ev = {}
local function h(e) ev[#ev+1] = e end
local function tt() return 1 end
local function tc() return tt() end
debug.sethook(h, "c")
tc()
debug.sethook()
print(table.concat(ev, " "))
