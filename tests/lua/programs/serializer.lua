-- deterministic serializer (sorted keys)
local function ser(v, indent)
  indent = indent or ""
  local t = type(v)
  if t == "string" then return string.format("%q", v)
  elseif t == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    return string.format("%.17g", v)
  elseif t == "boolean" or t == "nil" then return tostring(v)
  elseif t == "table" then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b)
      if type(a) == type(b) then return a < b end
      return type(a) < type(b)
    end)
    local out = {}
    for _, k in ipairs(keys) do
      local ks = type(k) == "string" and k:match("^[%a_][%w_]*$") and k or "[" .. ser(k) .. "]"
      out[#out + 1] = indent .. "  " .. ks .. " = " .. ser(v[k], indent .. "  ")
    end
    return "{\n" .. table.concat(out, ",\n") .. "\n" .. indent .. "}"
  end
  return "<" .. t .. ">"
end
local data = {
  name = "mani", version = 5.4, tags = {"vm", "lua", "rust"},
  nested = {deep = {deeper = {x = 1, y = 2.5, z = "three"}}},
  [1] = "first", [2] = "second", [10] = true, ["with space"] = false,
  esc = "tab\there \"quoted\" \\ back\nnewline", big = math.maxinteger, neg = -1.5, f = 0.1,
}
local s = ser(data)
print(s)
-- round trip through load
local back = load("return " .. s)()
print(ser(back) == s, back.nested.deep.deeper.z, back.tags[3], back.esc == data.esc)
