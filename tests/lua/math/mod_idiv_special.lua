-- §3.4.1: `a % b == a - (a // b) * b` rounding towards minus infinity, and
-- `//` is floor(a / b), for signed zeros, infinities and NaN.
-- %a-style output via %q shows the sign of zero exactly.

local function s(x)
  if x ~= x then return "nan" end
  return string.format("%q", x)
end

local inf = math.huge
local vals = {0.0, -0.0, 1.0, -1.0, 5.5, -5.5, 0.25, inf, -inf, 0 / 0,
              0, 3, -3, math.maxinteger, math.mininteger, 2^53, 1e308, -1e308,
              5e-324, -5e-324}

for _, a in ipairs(vals) do
  local row = {}
  for _, b in ipairs(vals) do
    local ok1, m = pcall(function() return a % b end)
    local ok2, d = pcall(function() return a // b end)
    row[#row + 1] = (ok1 and s(m) or "err") .. "," .. (ok2 and s(d) or "err")
  end
  print(s(a), table.concat(row, " "))
end

-- constant operands (folded at compile time, or constant-operand instructions)
print(s(0.0 % -1e999), s(-0.0 % -1e999), s(0.0 % 1e999), s(-0.0 % 1e999))
print(s(0.0 // -1e999), s(-0.0 // -1e999), s(0.0 // 1e999), s(-0.0 // 1e999))
print(s(5 % -1e999), s(-5 % 1e999), s(5 % 1e999), s(-5 % -1e999))
local z, nz = 0.0, -0.0
print(s(z % -1e999), s(nz % -1e999), s(z % 1e999), s(nz % 1e999))
print(s(z // -1e999), s(nz // -1e999), s(z % -inf), s(nz % -inf))
print(s(0.0 % -math.huge), s(0 % -math.huge), s(-0.0 % math.huge))
print(s(z % 2), s(nz % 2), s(nz % -2), s(z % -2), s(nz // 2), s(z // -2))
print(s(-1 % inf), s(1 % -inf), s(-1 // inf), s(1 // -inf), s(inf // inf), s(inf % 1))
