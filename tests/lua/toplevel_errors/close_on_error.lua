-- An error that ends the script still closes its pending to-be-closed variables,
-- innermost first, with the error object.
local function closer(name)
  return setmetatable({}, {__close = function(_, e)
    print("closed", name, type(e), (tostring(e):match("^[^\n]*")))
  end})
end
local a <close> = closer("a")
local function f()
  local b <close> = closer("b")
  error("boom")
end
f()
