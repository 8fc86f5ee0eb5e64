-- tostring of floats uses %.14g and appends .0 to integral values
local vals = {0.0, -0.0, 1.0, -1.0, 0.5, 1/3, 2/3, 10/3, 1e14, 1e15, 1e16, 1e17, 123456789012345.6,
  12345678901234.56, 0.1, 0.01, 1e-4, 1e-5, 1.5e-5, 2^24, 2^31, 2^32, 2^52, 2^53, 2^63, 2^64,
  1e100, 1e-100, 1e308, 5e-324, 3.14159265358979, 100.0, 1e2, 255 / 5, 7.0, -7.25, 1e300 * 1e300,
  99999999999999.0, 999999999999999.0, 9999999999999999.0, 0.1 + 0.2, 1 - 1e-15}
for i, v in ipairs(vals) do io.write(tostring(v), i % 6 == 0 and "\n" or " ") end
print()
local ints = {0, -1, 1, 42, -42, 1000000, 2^31 | 0, 1 << 32, math.maxinteger, math.mininteger, 0x7fffffff, -0x80000000}
for _, v in ipairs(ints) do io.write(tostring(v), " ") end
print()
print(string.format("%.14g", 2^63), string.format("%.14g", 0.1), string.format("%.3f", 2/3))
print(1e15 == 10^15, 10^15, 10 // 1, 10.0 // 1, 2^2, 4^0.5)
print(tostring(3) == "3", tostring(3.0) == "3.0", 3 .. "" == "3", 3.0 .. "" == "3.0")
print(-0.0 == 0.0, tostring(-0.0), tostring(0.0 * -1), tostring(-0.0 + 0.0))
print(math.tointeger(-0.0), 0.0 // -1, -0.0 // 1)
