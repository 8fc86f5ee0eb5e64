local f = coroutine.wrap(function() error("inside coroutine") end)
f()
