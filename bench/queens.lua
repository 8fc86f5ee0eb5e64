-- queens.lua: N-queens backtracking with boolean arrays (branchy recursion)
local N = tonumber(arg and arg[1]) or 12

local function solve(n)
  local cols, d1, d2 = {}, {}, {}
  local pos = {}
  local solutions, nodes, sig = 0, 0, 0
  local function place(row)
    if row > n then
      solutions = solutions + 1
      -- order-dependent signature of the solution sequence
      local s = 0
      for i = 1, n do s = s * 3 + pos[i] end
      sig = (sig * 17 + s) % 1000000007
      return
    end
    for c = 1, n do
      nodes = nodes + 1
      local a, b = row + c, row - c + n
      if not cols[c] and not d1[a] and not d2[b] then
        cols[c], d1[a], d2[b] = true, true, true
        pos[row] = c
        place(row + 1)
        cols[c], d1[a], d2[b] = false, false, false
      end
    end
  end
  place(1)
  return solutions, nodes, sig
end

for n = N - 2, N do
  local s, nodes, sig = solve(n)
  print(string.format("queens(%d): solutions=%d nodes=%d sig=%d", n, s, nodes, sig))
end
