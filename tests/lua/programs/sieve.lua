local function sieve(n)
  local is = {}
  for i = 2, n do is[i] = true end
  for i = 2, math.floor(math.sqrt(n)) do
    if is[i] then for j = i * i, n, i do is[j] = false end end
  end
  local primes = {}
  for i = 2, n do if is[i] then primes[#primes + 1] = i end end
  return primes
end
local p = sieve(10000)
print(#p, p[1], p[100], p[#p])
print(table.concat(sieve(100), " "))
local sum = 0
for _, v in ipairs(p) do sum = sum + v end
print(sum, sum / #p, sum // #p)
