-- A syntax error on line 3.
return { tier = function(c, p)
  return "A", "x" +
end }
