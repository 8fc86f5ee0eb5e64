-- yields and pauses inside __close handlers on normal exits
local function func2close(f) return setmetatable({}, {__close = f}) end
local trace = {}
local co = coroutine.wrap(function()
  local x <close> = func2close(function() trace[#trace+1] = "x1"; coroutine.yield("x"); trace[#trace+1] = "x2" end)
  return pcall(function()
    do
      local z <close> = func2close(function(_, msg) trace[#trace+1] = "z1"; coroutine.yield("z"); trace[#trace+1] = "z2" end)
    end
    trace[#trace+1] = "nowY"
    local y <close> = func2close(function() trace[#trace+1] = "y1"; coroutine.yield("y"); trace[#trace+1] = "y2" end)
    return 10, 20, 30
  end)
end)
print(co()) print(co()) print(co()) print(co())
print(table.concat(trace, " "))
-- coroutine.yield itself as the handler; multiple results counted from top
local extrares
local co2 = coroutine.wrap(function()
  local x <close> = func2close(coroutine.yield)
  local extra <close> = func2close(function(self) extrares = self; coroutine.yield(100) end)
  return table.unpack({10, 20, 30, 40})
end)
print(co2()) print(select("#", co2())) print(co2())
-- a generic for whose closing value yields when the loop breaks
local co3 = coroutine.wrap(function()
  for i in function(s, c) if c < 3 then return c + 1 end end, nil, 0,
      func2close(function() coroutine.yield("closing loop") end) do
    if i == 2 then break end
  end
  return "after loop"
end)
print(co3()) print(co3())
