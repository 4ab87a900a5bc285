local co = coroutine.wrap(function() local i = 0 while true do i = i + 1 coroutine.yield(i) end end)
return { tier = function() return co() % 2 == 1 and "B" or "A", "counter" end }
