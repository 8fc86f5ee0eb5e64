-- fannkuch.lua: integer array permutation work (pancake flips over all permutations)
local N = tonumber(arg and arg[1]) or 9

local function fannkuch(n)
  local perm, perm1, count = {}, {}, {}
  for i = 1, n do perm1[i] = i end
  local maxflips, checksum, permcount = 0, 0, 0
  local r = n
  while true do
    while r > 1 do count[r] = r; r = r - 1 end
    for i = 1, n do perm[i] = perm1[i] end
    -- count flips for this permutation
    local flips = 0
    local k = perm[1]
    while k ~= 1 do
      local i, j = 1, k
      while i < j do
        perm[i], perm[j] = perm[j], perm[i]
        i = i + 1; j = j - 1
      end
      flips = flips + 1
      k = perm[1]
    end
    if flips > maxflips then maxflips = flips end
    if permcount % 2 == 0 then checksum = checksum + flips else checksum = checksum - flips end
    permcount = permcount + 1
    -- next permutation (rotation-based order)
    while true do
      if r == n then return checksum, maxflips, permcount end
      local first = perm1[1]
      for i = 1, r do perm1[i] = perm1[i + 1] end
      perm1[r + 1] = first
      count[r + 1] = count[r + 1] - 1
      if count[r + 1] > 0 then break end
      r = r + 1
    end
  end
end

local REPS = tonumber(arg and arg[2]) or 3
for rep = 1, REPS do
  local checksum, maxflips, count = fannkuch(N - (rep - 1) % 2)
  print(string.format("%d: checksum=%d Pfannkuchen(%d)=%d permutations=%d",
    rep, checksum, N - (rep - 1) % 2, maxflips, count))
end
