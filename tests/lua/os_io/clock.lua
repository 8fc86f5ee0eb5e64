-- §6.9 os.clock: "an approximation of the amount in seconds of CPU time used
-- by the program". Work advances it; waiting for a child process does not
-- (the child's CPU time is not the program's). The work is a fixed amount, so
-- the script's cost is deterministic.
print(type(os.clock()), math.type(os.clock()))
local t0 = os.clock()
print(t0 >= 0)

local n = 0
for i = 1, 200000 do n = n + i % 7 end
local t1 = os.clock()
print("work advanced os.clock", t1 > t0, n)

-- waiting 0.5 s of wall time in a child process uses (almost) no CPU here
local ok = os.execute("sleep 0.5")
local waited = os.clock() - t1
print(ok, waited >= 0, waited < 0.25)
