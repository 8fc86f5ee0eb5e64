local N = 8
local solutions, first = 0, nil
local cols = {}
local function ok(r, c)
  for pr = 1, r - 1 do
    local pc = cols[pr]
    if pc == c or math.abs(pc - c) == r - pr then return false end
  end
  return true
end
local function place(r)
  if r > N then
    solutions = solutions + 1
    if not first then first = table.concat(cols, "") end
    return
  end
  for c = 1, N do
    if ok(r, c) then cols[r] = c place(r + 1) cols[r] = nil end
  end
end
place(1)
print(solutions, first)
