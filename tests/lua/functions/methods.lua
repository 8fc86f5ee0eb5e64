-- method calls a:b()
local Account = {}
Account.__index = Account
function Account.new(balance) return setmetatable({balance = balance}, Account) end
function Account:deposit(v) self.balance = self.balance + v return self end
function Account:get() return self.balance end
local acc = Account.new(100)
print(acc:deposit(50):deposit(25):get())
print(Account.get(acc), acc.get(acc))
-- inheritance
local Special = setmetatable({}, {__index = Account})
Special.__index = Special
function Special:get() return "special " .. Account.get(self) end
local s = setmetatable({balance = 7}, Special)
print(s:get(), s:deposit(3):get())
-- methods on strings
local str = "hello"
print(str:upper(), str:len(), str:sub(2, 3), ("%d-%d"):format(1, 2), ("x"):rep(3))
-- method call evaluates the receiver once
local n = 0
local function obj() n = n + 1 return {m = function(self, a) return a end} end
print(obj():m("arg"), n)
-- self in nested functions
local o = {v = 1}
function o:getter() return function() return self.v end end
print(o:getter()())
-- method call on number via metatable-less value fails
print(pcall(function() local x = 5 return x:foo() end))
print(pcall(function() local t = {} return t:nomethod() end))
-- string method call syntax with literal requires parentheses
print(load("return 'a':upper()"))
print(load("return ('a'):upper()")())
print(#("abc"):rep(2))
-- calling with a string or table literal argument
local function id(x) return x end
print(id"lit", id[[long]], id{1, 2}[2], type(id{}))
print(("%s"):format"x", string.format"%%")
