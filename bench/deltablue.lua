-- deltablue.lua: an incremental constraint solver in the style of DeltaBlue.
-- Classes are metatables chained through __index (up to three levels:
-- Constraint -> BinaryConstraint -> ScaleConstraint), so most calls are method
-- lookups that walk the chain. Each round runs a "chain" of equality
-- constraints and a "projection" of scale constraints, re-planning as edit
-- constraints come and go.
local N = tonumber(arg and arg[1]) or 150  -- rounds

local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, { __index = parent }) end
  return c
end

---------------------------------------------------------------- strengths
local Strength = class()

function Strength.new(level, name)
  return setmetatable({ level = level, name = name }, Strength)
end

function Strength:stronger(other) return self.level < other.level end
function Strength:weaker(other) return self.level > other.level end
function Strength:weakest(other)
  if self:weaker(other) then return self end
  return other
end

local REQUIRED        = Strength.new(0, "required")
local STRONG_PREFERRED = Strength.new(1, "strongPreferred")
local PREFERRED       = Strength.new(2, "preferred")
local STRONG_DEFAULT  = Strength.new(3, "strongDefault")
local NORMAL          = Strength.new(4, "normal")
local WEAK_DEFAULT    = Strength.new(5, "weakDefault")
local WEAKEST         = Strength.new(6, "weakest")
local BY_LEVEL = { [0] = REQUIRED, STRONG_PREFERRED, PREFERRED, STRONG_DEFAULT,
                   NORMAL, WEAK_DEFAULT, WEAKEST }

function Strength:nextWeaker()
  return BY_LEVEL[self.level + 1] or WEAKEST
end

local planner  -- the planner of the test being run

---------------------------------------------------------------- variables
local Variable = class()

function Variable.new(name, value)
  local v = setmetatable({}, Variable)
  v.name = name
  v.value = value
  v.constraints = {}
  v.determinedBy = nil
  v.mark = 0
  v.walkStrength = WEAKEST
  v.stay = true
  return v
end

function Variable:addConstraint(c)
  local cs = self.constraints
  cs[#cs + 1] = c
end

function Variable:removeConstraint(c)
  local cs, j = self.constraints, 0
  local n = #cs
  for i = 1, n do
    local d = cs[i]
    if d ~= c then j = j + 1; cs[j] = d end
  end
  for i = j + 1, n do cs[i] = nil end
  if self.determinedBy == c then self.determinedBy = nil end
end

---------------------------------------------------------------- constraints
local Constraint = class()

function Constraint:init(strength)
  self.strength = strength
end

function Constraint:addConstraint()
  self:addToGraph()
  planner:incrementalAdd(self)
end

-- Try to satisfy this constraint; returns the constraint it overrode, if any.
function Constraint:satisfy(mark)
  self:chooseMethod(mark)
  if not self:isSatisfied() then
    if self.strength == REQUIRED then error("could not satisfy a required constraint") end
    return nil
  end
  self:markInputs(mark)
  local out = self:output()
  local overridden = out.determinedBy
  if overridden then overridden:markUnsatisfied() end
  out.determinedBy = self
  if not planner:addPropagate(self, mark) then error("cycle encountered") end
  out.mark = mark
  return overridden
end

function Constraint:destroyConstraint()
  if self:isSatisfied() then planner:incrementalRemove(self) end
  self:removeFromGraph()
end

function Constraint:isInput() return false end

-- unary: one output variable
local UnaryConstraint = class(Constraint)

function UnaryConstraint:initUnary(v, strength)
  self:init(strength)
  self.myOutput = v
  self.satisfied = false
  self:addConstraint()
end

function UnaryConstraint:addToGraph()
  self.myOutput:addConstraint(self)
  self.satisfied = false
end

function UnaryConstraint:chooseMethod(mark)
  local out = self.myOutput
  self.satisfied = out.mark ~= mark and self.strength:stronger(out.walkStrength)
end

function UnaryConstraint:isSatisfied() return self.satisfied end
function UnaryConstraint:markInputs(mark) end
function UnaryConstraint:output() return self.myOutput end
function UnaryConstraint:inputsKnown(mark) return true end
function UnaryConstraint:markUnsatisfied() self.satisfied = false end

function UnaryConstraint:recalculate()
  local out = self.myOutput
  out.walkStrength = self.strength
  out.stay = not self:isInput()
  if out.stay then self:execute() end
end

function UnaryConstraint:removeFromGraph()
  if self.myOutput then self.myOutput:removeConstraint(self) end
  self.satisfied = false
end

-- stay: the planner should keep this variable's value
local StayConstraint = class(UnaryConstraint)

function StayConstraint.new(v, strength)
  local c = setmetatable({}, StayConstraint)
  c:initUnary(v, strength)
  return c
end

function StayConstraint:execute() end

-- edit: the user will set this variable's value
local EditConstraint = class(UnaryConstraint)

function EditConstraint.new(v, strength)
  local c = setmetatable({}, EditConstraint)
  c:initUnary(v, strength)
  return c
end

function EditConstraint:isInput() return true end
function EditConstraint:execute() end

-- binary: two variables, solved in one of two directions
local NONE, FORWARD, BACKWARD = 0, 1, 2

local BinaryConstraint = class(Constraint)

function BinaryConstraint:initBinary(a, b, strength)
  self:init(strength)
  self.v1 = a
  self.v2 = b
  self.direction = NONE
  self:addConstraint()
end

function BinaryConstraint:chooseMethod(mark)
  local v1, v2, s = self.v1, self.v2, self.strength
  if v1.mark == mark then
    if v2.mark ~= mark and s:stronger(v2.walkStrength) then
      self.direction = FORWARD
    else
      self.direction = NONE
    end
  elseif v2.mark == mark then
    if v1.mark ~= mark and s:stronger(v1.walkStrength) then
      self.direction = BACKWARD
    else
      self.direction = NONE
    end
  elseif v1.walkStrength:weaker(v2.walkStrength) then
    if s:stronger(v1.walkStrength) then self.direction = BACKWARD else self.direction = NONE end
  else
    if s:stronger(v2.walkStrength) then self.direction = FORWARD else self.direction = NONE end
  end
end

function BinaryConstraint:addToGraph()
  self.v1:addConstraint(self)
  self.v2:addConstraint(self)
  self.direction = NONE
end

function BinaryConstraint:isSatisfied() return self.direction ~= NONE end

function BinaryConstraint:input()
  if self.direction == FORWARD then return self.v1 end
  return self.v2
end

function BinaryConstraint:output()
  if self.direction == FORWARD then return self.v2 end
  return self.v1
end

function BinaryConstraint:markInputs(mark)
  self:input().mark = mark
end

function BinaryConstraint:recalculate()
  local inp, out = self:input(), self:output()
  out.walkStrength = self.strength:weakest(inp.walkStrength)
  out.stay = inp.stay
  if out.stay then self:execute() end
end

function BinaryConstraint:markUnsatisfied() self.direction = NONE end

function BinaryConstraint:inputsKnown(mark)
  local inp = self:input()
  return inp.mark == mark or inp.stay or inp.determinedBy == nil
end

function BinaryConstraint:removeFromGraph()
  if self.v1 then self.v1:removeConstraint(self) end
  if self.v2 then self.v2:removeConstraint(self) end
  self.direction = NONE
end

-- equality: v1 == v2
local EqualityConstraint = class(BinaryConstraint)

function EqualityConstraint.new(a, b, strength)
  local c = setmetatable({}, EqualityConstraint)
  c:initBinary(a, b, strength)
  return c
end

function EqualityConstraint:execute()
  self:output().value = self:input().value
end

-- scale: v2 == v1 * scale + offset, with scale and offset as extra inputs
local ScaleConstraint = class(BinaryConstraint)

function ScaleConstraint.new(src, scale, offset, dest, strength)
  local c = setmetatable({}, ScaleConstraint)
  c.scale = scale
  c.offset = offset
  c:initBinary(src, dest, strength)
  return c
end

function ScaleConstraint:addToGraph()
  BinaryConstraint.addToGraph(self)
  self.scale:addConstraint(self)
  self.offset:addConstraint(self)
end

function ScaleConstraint:removeFromGraph()
  BinaryConstraint.removeFromGraph(self)
  if self.scale then self.scale:removeConstraint(self) end
  if self.offset then self.offset:removeConstraint(self) end
end

function ScaleConstraint:markInputs(mark)
  BinaryConstraint.markInputs(self, mark)
  self.scale.mark = mark
  self.offset.mark = mark
end

function ScaleConstraint:execute()
  if self.direction == FORWARD then
    self.v2.value = self.v1.value * self.scale.value + self.offset.value
  else
    self.v1.value = (self.v2.value - self.offset.value) / self.scale.value
  end
end

function ScaleConstraint:recalculate()
  local inp, out = self:input(), self:output()
  out.walkStrength = self.strength:weakest(inp.walkStrength)
  out.stay = inp.stay and self.scale.stay and self.offset.stay
  if out.stay then self:execute() end
end

---------------------------------------------------------------- plans
local Plan = class()

function Plan.new() return setmetatable({ list = {}, n = 0 }, Plan) end

function Plan:add(c)
  local n = self.n + 1
  self.n = n
  self.list[n] = c
end

function Plan:execute()
  local list = self.list
  for i = 1, self.n do list[i]:execute() end
end

---------------------------------------------------------------- planner
local Planner = class()

function Planner.new() return setmetatable({ currentMark = 0 }, Planner) end

function Planner:newMark()
  local m = self.currentMark + 1
  self.currentMark = m
  return m
end

function Planner:incrementalAdd(c)
  local mark = self:newMark()
  local overridden = c:satisfy(mark)
  while overridden do overridden = overridden:satisfy(mark) end
end

function Planner:incrementalRemove(c)
  local out = c:output()
  c:markUnsatisfied()
  c:removeFromGraph()
  local unsatisfied = self:removePropagateFrom(out)
  local strength = REQUIRED
  repeat
    for i = 1, #unsatisfied do
      local u = unsatisfied[i]
      if u.strength == strength then self:incrementalAdd(u) end
    end
    strength = strength:nextWeaker()
  until strength == WEAKEST
end

-- push every satisfied constraint reading v (other than the one that writes it)
function Planner:addConstraintsConsumingTo(v, todo)
  local determining = v.determinedBy
  local cs = v.constraints
  for i = 1, #cs do
    local c = cs[i]
    if c ~= determining and c:isSatisfied() then todo[#todo + 1] = c end
  end
end

function Planner:makePlan(sources)
  local mark = self:newMark()
  local plan = Plan.new()
  local todo, head = sources, 1
  while todo[head] do
    local c = todo[head]
    todo[head] = false
    head = head + 1
    local out = c:output()
    if out.mark ~= mark and c:inputsKnown(mark) then
      plan:add(c)
      out.mark = mark
      self:addConstraintsConsumingTo(out, todo)
    end
  end
  return plan
end

function Planner:extractPlanFromConstraints(constraints)
  local sources = {}
  for i = 1, #constraints do
    local c = constraints[i]
    if c:isInput() and c:isSatisfied() then sources[#sources + 1] = c end
  end
  return self:makePlan(sources)
end

function Planner:addPropagate(c, mark)
  local todo = { c }
  while #todo > 0 do
    local d = todo[#todo]
    todo[#todo] = nil
    if d:output().mark == mark then
      self:incrementalRemove(c)
      return false
    end
    d:recalculate()
    self:addConstraintsConsumingTo(d:output(), todo)
  end
  return true
end

function Planner:removePropagateFrom(out)
  out.determinedBy = nil
  out.walkStrength = WEAKEST
  out.stay = true
  local unsatisfied = {}
  local todo = { out }
  while #todo > 0 do
    local v = todo[#todo]
    todo[#todo] = nil
    local cs = v.constraints
    for i = 1, #cs do
      local c = cs[i]
      if not c:isSatisfied() then unsatisfied[#unsatisfied + 1] = c end
    end
    local determining = v.determinedBy
    for i = 1, #cs do
      local c = cs[i]
      if c ~= determining and c:isSatisfied() then
        c:recalculate()
        todo[#todo + 1] = c:output()
      end
    end
  end
  return unsatisfied
end

---------------------------------------------------------------- tests
local checksum = 0
local function mix(x)
  checksum = (checksum * 31 + math.floor(x)) % 1000000007
end

-- a chain v0 == v1 == ... == vn, edited at v0 and held at vn
local function chainTest(n, round)
  planner = Planner.new()
  local first, last, prev
  for i = 0, n do
    local v = Variable.new("v" .. i, 0)
    if prev then EqualityConstraint.new(prev, v, REQUIRED) end
    if i == 0 then first = v end
    if i == n then last = v end
    prev = v
  end
  StayConstraint.new(last, STRONG_DEFAULT)
  local edit = EditConstraint.new(first, PREFERRED)
  local plan = planner:extractPlanFromConstraints({ edit })
  for i = 0, 99 do
    first.value = i + round
    plan:execute()
    if last.value ~= i + round then error("chain test failed") end
  end
  mix(last.value)
  mix(plan.n)
  edit:destroyConstraint()
  mix(planner.currentMark)
end

local function change(v, newValue)
  local edit = EditConstraint.new(v, PREFERRED)
  local plan = planner:extractPlanFromConstraints({ edit })
  for _ = 1, 10 do
    v.value = newValue
    plan:execute()
  end
  edit:destroyConstraint()
  return plan.n
end

-- n source/destination pairs tied by dst = src * scale + offset
local function projectionTest(n, round)
  planner = Planner.new()
  local scale = Variable.new("scale", 10)
  local offset = Variable.new("offset", 1000)
  local src, dst
  local dests = {}
  for i = 0, n - 1 do
    src = Variable.new("src" .. i, i)
    dst = Variable.new("dst" .. i, i)
    dests[i] = dst
    StayConstraint.new(src, NORMAL)
    ScaleConstraint.new(src, scale, offset, dst, REQUIRED)
  end
  mix(change(src, 17))
  if dst.value ~= 1170 then error("projection 1 failed") end
  mix(change(dst, 1050))
  if src.value ~= 5 then error("projection 2 failed") end
  local k = 2 + round % 7
  mix(change(scale, k))
  for i = 0, n - 2 do
    if dests[i].value ~= i * k + 1000 then error("projection 3 failed") end
  end
  local off = 2000 + round
  mix(change(offset, off))
  local sum = 0
  for i = 0, n - 2 do
    if dests[i].value ~= i * k + off then error("projection 4 failed") end
    sum = sum + dests[i].value
  end
  mix(sum)
  mix(planner.currentMark)
end

for round = 1, N do
  chainTest(100, round)
  projectionTest(100, round)
end
-- one larger instance of each
chainTest(500, 0)
projectionTest(400, 0)

print(string.format("rounds=%d checksum=%d", N, checksum))
