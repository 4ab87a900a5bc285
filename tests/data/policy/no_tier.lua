-- A tiers policy without a tier hook.
return { points = function() return {} end }
