-- short comment
print(1) -- trailing comment
--[[ long
comment ]] print(2)
--[==[ long comment
with ]] inside ]==] print(3)
--[=[]=] print(4)
---[[ not a long comment
print(5)
--]]
--[ not long either
print(6)
--[==[
print("never")
]==]
print(7) --[[ inline ]] print(8)
--
print(9)
