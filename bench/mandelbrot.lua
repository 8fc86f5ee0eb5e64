-- mandelbrot.lua: float inner loop + bitwise ops (<<, |, ~, &) packing pixels into bytes.
-- Uses Lua 5.3+ integer/bitwise syntax, so it does not run under LuaJIT.
local N = tonumber(arg and arg[1]) or 870   -- image is N x N

local ITER = 50
local LIMIT2 = 4.0
local crc = 0
local set_pixels = 0
local rows = {}

for y = 0, N - 1 do
  local ci = 2.0 * y / N - 1.0
  local bits, nbits = 0, 0
  local row = {}
  for x = 0, N - 1 do
    local cr = 2.0 * x / N - 1.5
    local zr, zi, zr2, zi2 = 0.0, 0.0, 0.0, 0.0
    local inside = 1
    for _ = 1, ITER do
      zi = 2.0 * zr * zi + ci
      zr = zr2 - zi2 + cr
      zr2 = zr * zr
      zi2 = zi * zi
      if zr2 + zi2 > LIMIT2 then inside = 0; break end
    end
    bits = (bits << 1) | inside
    nbits = nbits + 1
    set_pixels = set_pixels + inside
    if nbits == 8 then
      row[#row + 1] = bits
      bits, nbits = 0, 0
    end
  end
  if nbits > 0 then row[#row + 1] = bits << (8 - nbits) end
  -- fold the row's bytes into a running checksum with xor/shift/and
  for i = 1, #row do
    crc = ((crc << 5) ~ (crc >> 27) ~ row[i]) & 0xFFFFFFFF
  end
  rows[#rows + 1] = #row
end

print(string.format("mandelbrot %dx%d: set=%d crc=%08x bytes/row=%d", N, N, set_pixels, crc, rows[1]))
