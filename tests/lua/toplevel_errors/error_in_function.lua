local M = {}
function M.run(n)
  if n == 0 then
    local v = nil
    return v + 1
  end
  return M.run(n - 1) + 0
end
print("running")
M.run(3)
