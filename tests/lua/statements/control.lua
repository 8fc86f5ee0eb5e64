-- §3.3.4 if / while / repeat
for _, v in ipairs({-1, 0, 1, 5}) do
  if v < 0 then print(v, "neg") elseif v == 0 then print(v, "zero") elseif v < 3 then print(v, "small") else print(v, "big") end
end
if nil then print("no") end
if false then print("no") else print("else") end
local n = 0
while n < 5 do n = n + 1 end
print("while", n)
while false do error("never") end
local i = 0
repeat
  local j = i * 2
  i = i + 1
until j >= 6 -- sees body local
print("repeat", i)
repeat local done = true until done
local count = 0
while true do
  count = count + 1
  if count == 3 then break end
end
print("break at", count)
local k = 0
repeat k = k + 1; if k == 4 then break end until false
print("repeat break", k)
-- nested loops with break only leave the innermost
local out = {}
for a = 1, 3 do
  for b = 1, 3 do
    if b > a then break end
    out[#out + 1] = a .. b
  end
end
print(table.concat(out, " "))
-- closures in repeat see the fresh local
local fs = {}
local c = 0
repeat
  c = c + 1
  local v = c
  fs[#fs + 1] = function() return v end
until v >= 3
print(fs[1](), fs[2](), fs[3]())
-- empty statements
;;; do ; end ;
print("semicolons ok")
if 0 then print("0 true") end
