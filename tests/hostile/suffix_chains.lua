-- limits: budget=20000000 memory=1024m
-- expect: budget exhausted
-- Million-long postfix chains compile without overflowing the native stack
-- (they used to abort the process); then the script spins into its budget.
for _, piece in ipairs({"()", ":m()", ".b", "[1]"}) do
  local f, err = load("return a" .. piece:rep(1000000))
  print(piece, type(f), err)
end
print(type(load("f" .. ("()"):rep(1000000))))
while true do end
