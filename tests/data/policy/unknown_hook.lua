-- A misspelt hook name.
return { tierz = function() return "A", "x" end }
