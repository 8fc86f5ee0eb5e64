-- §3.4.5 logical operators and short-circuit
print(10 or 20, 10 or error(), nil or "a", nil and 10, false and error(), false or nil, 10 and 20)
print(nil or false, false or nil, false and nil, nil and false)
print(not nil, not false, not 0, not "", not not nil, not {} )
local calls = {}
local function f(x, r) calls[#calls + 1] = x return r end
print(f("a", false) and f("b", true), f("c", nil) or f("d", 1))
print(table.concat(calls, ","))
calls = {}
print(f(1, 1) or f(2, 2), f(3, false) and f(4, 4), f(5, true) and f(6, false) or f(7, "z"))
print(#calls, calls[1], calls[2], calls[3], calls[4], calls[5])
local x = nil
local y = x and x.field or "default"
print(y)
print(1 and 2 or 3, nil and 2 or 3, false == false or error("no"))
print((nil or 0) + 1, (false and 1) == false)
local v = 0
if v then print("0 is true") end
if "" then print("empty string is true") end
print(1 == 1 and "yes" or "no", 1 == 2 and "yes" or "no")
