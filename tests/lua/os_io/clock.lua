-- §6.9 os.clock: "an approximation of the amount in seconds of CPU time used
-- by the program". A busy loop advances it; waiting for a child process does
-- not (the child's CPU time is not the program's).
print(type(os.clock()), math.type(os.clock()))
local t0 = os.clock()
print(t0 >= 0)

-- busy loop until at least 0.05 s of CPU time have been used
local n = 0
repeat
  for i = 1, 1000 do n = n + i end
until os.clock() - t0 >= 0.05
print("busy loop advanced os.clock", n > 0)

-- waiting 0.5 s of wall time in a child process uses (almost) no CPU here
local before = os.clock()
local ok = os.execute("sleep 0.5")
local waited = os.clock() - before
print(ok, waited >= 0, waited < 0.25)
