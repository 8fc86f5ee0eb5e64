-- limits: steps=1000000
-- expect: step limit reached
-- An exponential pattern under a step limit and no budget: the matcher's work
-- counts toward the step limit, so it stops.
print(pcall(string.find, ("a"):rep(40), ("a*"):rep(40) .. "b"))
print("escaped")
