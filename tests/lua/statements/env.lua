-- _ENV manipulation
x = "global x"
do
  local _ENV = {print = print}
  y = "in custom env"
  print(x, y)
end
print(x, y)
local function sandbox()
  local _ENV = setmetatable({}, {__index = _G})
  z = 1
  return z, _G.z
end
print(sandbox())
local function withenv(env) local _ENV = env return a + b end
print(withenv({a = 1, b = 2}))
print(pcall(withenv, {}))
-- _ENV as upvalue of load
local env = {}
local f = load("v = 42", "=envtest", "t", env)
f()
print(env.v, v)
-- changing _ENV through a function parameter
local function g(_ENV) return w end
print(g({w = "param env"}))
-- global access error names
print(pcall(function() local _ENV = {} return undefined.field end))
print(pcall(function() local _ENV = {} undefinedf() end))
print(pcall(load("return nothing.x", "=c")))
-- _ENV is an ordinary upvalue: changing _G entries is visible
_G.dynamic = "set via _G"
print(dynamic)
-- global function definitions go into _ENV
do
  local _ENV = {}
  function defined_in_env() end
  _G = nil
end
print(defined_in_env)
