-- richards.lua: a simulation of a small operating-system scheduler in the
-- style of Martin Richards' benchmark. Task control blocks sit on a priority
-- list and carry state bits (runnable / suspended / held); packets are queued
-- between an idle task, a worker task, two handler tasks and two device
-- tasks. Every object is a table with methods behind a metatable, and the
-- scheduler's main loop dispatches task:run(packet) polymorphically.
-- The state bits are tested with arithmetic (% and comparisons), not with
-- bitwise operators, so the program stays within the Lua 5.1-5.4 subset.
local N = tonumber(arg and arg[1]) or 165  -- scheduler runs with count 1000

local ID_IDLE, ID_WORKER, ID_HANDLER_A, ID_HANDLER_B, ID_DEVICE_A, ID_DEVICE_B = 1, 2, 3, 4, 5, 6
local KIND_DEVICE, KIND_WORK = 0, 1
local DATA_SIZE = 4
local floor = math.floor

-- state bits of a task control block
local RUNNABLE, SUSPENDED, HELD = 1, 2, 4
local STATE_RUNNING = 0
local STATE_SUSPENDED_RUNNABLE = SUSPENDED + RUNNABLE

local function has_bit(x, bit) return x % (bit + bit) >= bit end
local function set_bit(x, bit) if has_bit(x, bit) then return x end return x + bit end
local function clear_bit(x, bit) if has_bit(x, bit) then return x - bit end return x end

local function class()
  local c = {}
  c.__index = c
  return c
end

---------------------------------------------------------------- packets
local Packet = class()

function Packet.new(link, id, kind)
  local data = {}
  for i = 1, DATA_SIZE do data[i] = 0 end
  return setmetatable({ link = link, id = id, kind = kind, a1 = 0, a2 = data }, Packet)
end

-- append this packet to the end of queue; returns the (possibly new) head
function Packet:addTo(queue)
  self.link = nil
  if queue == nil then return self end
  local peek = queue
  local nxt = peek.link
  while nxt do
    peek = nxt
    nxt = peek.link
  end
  peek.link = self
  return queue
end

---------------------------------------------------------------- task control blocks
local Tcb = class()

function Tcb.new(link, id, priority, queue, task)
  local t = setmetatable({}, Tcb)
  t.link = link
  t.id = id
  t.priority = priority
  t.queue = queue
  t.task = task
  if queue == nil then t.state = SUSPENDED else t.state = STATE_SUSPENDED_RUNNABLE end
  return t
end

function Tcb:setRunning() self.state = STATE_RUNNING end
function Tcb:markAsNotHeld() self.state = clear_bit(self.state, HELD) end
function Tcb:markAsHeld() self.state = set_bit(self.state, HELD) end
function Tcb:markAsSuspended() self.state = set_bit(self.state, SUSPENDED) end
function Tcb:markAsRunnable() self.state = set_bit(self.state, RUNNABLE) end

function Tcb:isHeldOrSuspended()
  local s = self.state
  return has_bit(s, HELD) or s == SUSPENDED
end

function Tcb:run()
  local packet
  if self.state == STATE_SUSPENDED_RUNNABLE then
    packet = self.queue
    self.queue = packet.link
    if self.queue == nil then self.state = STATE_RUNNING else self.state = RUNNABLE end
  end
  return self.task:run(packet)
end

-- a packet arrives for this task while `current` is running: returns the task
-- that should run next
function Tcb:checkPriorityAdd(current, packet)
  if self.queue == nil then
    self.queue = packet
    self:markAsRunnable()
    if self.priority > current.priority then return self end
  else
    self.queue = packet:addTo(self.queue)
  end
  return current
end

---------------------------------------------------------------- scheduler
local Scheduler = class()

function Scheduler.new()
  local s = setmetatable({}, Scheduler)
  s.queueCount = 0
  s.holdCount = 0
  s.blocks = {}
  s.list = nil
  s.currentTcb = nil
  s.currentId = nil
  return s
end

function Scheduler:addTask(id, priority, queue, task)
  local tcb = Tcb.new(self.list, id, priority, queue, task)
  self.currentTcb = tcb
  self.list = tcb
  self.blocks[id] = tcb
end

function Scheduler:addRunningTask(id, priority, queue, task)
  self:addTask(id, priority, queue, task)
  self.currentTcb:setRunning()
end

function Scheduler:schedule()
  local tcb = self.list
  while tcb do
    if tcb:isHeldOrSuspended() then
      tcb = tcb.link
    else
      self.currentTcb = tcb
      self.currentId = tcb.id
      tcb = tcb:run()
    end
  end
  self.currentTcb = nil
end

function Scheduler:release(id)
  local tcb = self.blocks[id]
  if not tcb then return tcb end
  tcb:markAsNotHeld()
  if tcb.priority > self.currentTcb.priority then return tcb end
  return self.currentTcb
end

function Scheduler:holdCurrent()
  self.holdCount = self.holdCount + 1
  local cur = self.currentTcb
  cur:markAsHeld()
  return cur.link
end

function Scheduler:suspendCurrent()
  self.currentTcb:markAsSuspended()
  return self.currentTcb
end

function Scheduler:queue(packet)
  local tcb = self.blocks[packet.id]
  if not tcb then return tcb end
  self.queueCount = self.queueCount + 1
  packet.link = nil
  packet.id = self.currentId
  return tcb:checkPriorityAdd(self.currentTcb, packet)
end

---------------------------------------------------------------- tasks
-- idle: alternately releases the two devices, driven by a 16-bit shift register
local IdleTask = class()

function IdleTask.new(scheduler, v1, count)
  return setmetatable({ scheduler = scheduler, v1 = v1, count = count }, IdleTask)
end

-- x ~ 0xD008 for 0 <= x < 65536, without bitwise operators
local function xor_d008(x)
  if has_bit(x, 32768) then x = x - 32768 else x = x + 32768 end
  if has_bit(x, 16384) then x = x - 16384 else x = x + 16384 end
  if has_bit(x, 4096) then x = x - 4096 else x = x + 4096 end
  if has_bit(x, 8) then x = x - 8 else x = x + 8 end
  return x
end

function IdleTask:run(packet)
  self.count = self.count - 1
  local sched = self.scheduler
  if self.count == 0 then return sched:holdCurrent() end
  local v1 = self.v1
  if v1 % 2 == 0 then
    self.v1 = floor(v1 / 2)
    return sched:release(ID_DEVICE_A)
  end
  self.v1 = xor_d008(floor(v1 / 2))
  return sched:release(ID_DEVICE_B)
end

-- worker: fills work packets with letters and sends them to the handlers in turn
local WorkerTask = class()

function WorkerTask.new(scheduler, v1, v2)
  return setmetatable({ scheduler = scheduler, v1 = v1, v2 = v2 }, WorkerTask)
end

function WorkerTask:run(packet)
  local sched = self.scheduler
  if packet == nil then return sched:suspendCurrent() end
  if self.v1 == ID_HANDLER_A then self.v1 = ID_HANDLER_B else self.v1 = ID_HANDLER_A end
  packet.id = self.v1
  packet.a1 = 0
  local data, v2 = packet.a2, self.v2
  for i = 1, DATA_SIZE do
    v2 = v2 + 1
    if v2 > 26 then v2 = 1 end
    data[i] = v2
  end
  self.v2 = v2
  return sched:queue(packet)
end

-- handler: takes a work packet and feeds its data, one item at a time, to device packets
local HandlerTask = class()

function HandlerTask.new(scheduler)
  return setmetatable({ scheduler = scheduler, v1 = nil, v2 = nil }, HandlerTask)
end

function HandlerTask:run(packet)
  local sched = self.scheduler
  if packet then
    if packet.kind == KIND_WORK then
      self.v1 = packet:addTo(self.v1)
    else
      self.v2 = packet:addTo(self.v2)
    end
  end
  local work = self.v1
  if work then
    local count = work.a1
    if count < DATA_SIZE then
      local dev = self.v2
      if dev then
        self.v2 = dev.link
        dev.a1 = work.a2[count + 1]
        work.a1 = count + 1
        return sched:queue(dev)
      end
    else
      self.v1 = work.link
      return sched:queue(work)
    end
  end
  return sched:suspendCurrent()
end

-- device: holds one packet at a time and hands it back
local DeviceTask = class()

function DeviceTask.new(scheduler)
  return setmetatable({ scheduler = scheduler, v1 = nil, served = 0 }, DeviceTask)
end

function DeviceTask:run(packet)
  local sched = self.scheduler
  if packet == nil then
    local v = self.v1
    if v == nil then return sched:suspendCurrent() end
    self.v1 = nil
    return sched:queue(v)
  end
  self.v1 = packet
  self.served = self.served + packet.a1
  return sched:holdCurrent()
end

---------------------------------------------------------------- driver
local function richards(count)
  local s = Scheduler.new()
  s:addRunningTask(ID_IDLE, 0, nil, IdleTask.new(s, 1, count))

  local q = Packet.new(nil, ID_WORKER, KIND_WORK)
  q = Packet.new(q, ID_WORKER, KIND_WORK)
  s:addTask(ID_WORKER, 1000, q, WorkerTask.new(s, ID_HANDLER_A, 0))

  q = Packet.new(nil, ID_DEVICE_A, KIND_DEVICE)
  q = Packet.new(q, ID_DEVICE_A, KIND_DEVICE)
  q = Packet.new(q, ID_DEVICE_A, KIND_DEVICE)
  s:addTask(ID_HANDLER_A, 2000, q, HandlerTask.new(s))

  q = Packet.new(nil, ID_DEVICE_B, KIND_DEVICE)
  q = Packet.new(q, ID_DEVICE_B, KIND_DEVICE)
  q = Packet.new(q, ID_DEVICE_B, KIND_DEVICE)
  s:addTask(ID_HANDLER_B, 3000, q, HandlerTask.new(s))

  local devA, devB = DeviceTask.new(s), DeviceTask.new(s)
  s:addTask(ID_DEVICE_A, 4000, nil, devA)
  s:addTask(ID_DEVICE_B, 5000, nil, devB)

  s:schedule()
  return s.queueCount, s.holdCount, devA.served + devB.served
end

local queued, held, served = 0, 0, 0
for _ = 1, N do
  local q, h, d = richards(1000)
  if q ~= 2322 or h ~= 928 then
    error(string.format("richards(1000): queueCount=%d holdCount=%d, expected 2322 and 928", q, h))
  end
  queued, held, served = queued + q, held + h, served + d
end
print(string.format("runs=%d queueCount=%d holdCount=%d served=%d", N, queued, held, served))

local q, h, d = richards(10000)
print(string.format("count=10000 queueCount=%d holdCount=%d served=%d", q, h, d))
