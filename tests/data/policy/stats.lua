-- stats.lua: fixture of tests/test_policy_stats.c. The tier hook runs the
-- case named by the customer's external_id and returns "A" and a reason
-- that prints what manyi.stats gave; the cases that must fail raise.
local S = manyi.stats

local function g(x) return string.format("%.17g", x) end

local scores = { 10, 9, 8, 7, 6, 0, 10, 9 }
local grouped = {
  { s = 10, g = "a" }, { s = 0, g = "a" }, { s = 9, g = "b" }, { s = 9, g = "b" },
  { s = 7, g = nil },
}
local line = {
  { y = 3, x = 1 }, { y = 5, x = 2 }, { y = 7.5, x = 3 }, { y = 9, x = 4 },
}

-- the rows of tests/data/stats/rake_small.csv (reference.R rakes them in R)
local rake_rows = {}
do
  local region = { "north", "north", "north", "north", "north", "north",
    "south", "south", "south", "south", "south", "south" }
  local channel = { "phone", "web", "visit", "phone", "web", "phone",
    "web", "visit", "phone", "web", "visit", "web" }
  local w = { 1, 2, 1.5, 1, 2.5, 1, 3, 1, 2, 1.5, 1, 2 }
  local y = { 7, 9, 4, 8, 6, 10, 5, 7, 9, 3, 8, 6 }
  for i = 1, 12 do
    rake_rows[i] = { region = region[i], channel = channel[i], w = w[i], y = y[i] }
  end
end
local rake_margin = {
  region = { north = 120, south = 80 },
  channel = { phone = 90, web = 70, visit = 40 },
}
local function rake_case(extra)
  local o = { col = "y", weight = "w", margin = rake_margin }
  for k, v in pairs(extra) do o[k] = v end
  local r = S.rake(rake_rows, o)
  return g(r.mean) .. " " .. g(r.se) .. " " .. g(r.sum_weights)
end

local cases = {
  nps = function()
    local r = S.nps(scores)
    return r.n .. " " .. r.n_promoters .. " " .. r.n_detractors .. " " .. g(r.nps)
  end,
  nps_by = function()
    local r = S.nps(grouped, { col = "s", by = "g" })
    local d = r.differences.a_minus_b
    return r.n .. " " .. g(r.groups.a.nps) .. " " .. g(r.groups.b.nps) .. " " .. g(d.diff)
  end,
  describe = function()
    local r = S.describe({ 1, 2, 3, 4, "NA" })
    return r.n .. " " .. r.n_missing .. " " .. g(r.mean) .. " " .. g(r.median) .. " " .. #r.modes
  end,
  mean_by = function()
    local r = S.mean({ { v = 1, g = "a" }, { v = 3, g = "a" }, { v = 10, g = "b" },
      { v = 20, g = "b" }, { v = 5 } }, { col = "v", by = "g" })
    local a, b = r.groups.a, r.groups.b
    return r.n .. " " .. g(r.mean) .. " " .. g(a.mean) .. " " .. g(a.se) .. " " .. g(b.mean) .. " " .. b.n
  end,
  describe_by = function()
    local r = S.describe({ { v = 1, g = 2 }, { v = "NA", g = 2 }, { v = 4, g = 10 } },
      { col = "v", by = "g" })
    local k = {}
    for level in pairs(r.groups) do k[#k + 1] = level end
    table.sort(k)
    return table.concat(k, ",") .. " " .. r.groups["2"].n_missing .. " " .. g(r.groups["10"].max)
  end,
  prop_design = function()
    local r = S.prop({ { y = 1, h = "a", w = 1 }, { y = 0, h = "a", w = 1 },
      { y = 1, h = "b", w = 1 }, { y = 1, h = "b", w = 1 } },
      { col = "y", weight = "w", strata = "h", lonely_psu = "fail" })
    return g(r.p) .. " " .. g(r.se) .. " " .. g(r.df)
  end,
  drivers_boot = function()
    local rows = {}
    for i = 1, 30 do
      local a, b = i % 7, (i * 3) % 5
      rows[i] = { y = a + 2 * b + i % 3, a = a, b = b }
    end
    local o = { y = "y", x = { "a", "b" }, bootstrap = 25, seed = 5 }
    local r1, r2 = S.drivers(rows, o), S.drivers(rows, o)
    local s1, s2 = r1.bootstrap.shapley_share.b, r2.bootstrap.shapley_share.b
    return tostring(s1.lower == s2.lower and s1.upper == s2.upper) .. " " ..
        tostring(s1.lower <= r1.shapley_share.b and r1.shapley_share.b <= s1.upper) .. " " ..
        r1.bootstrap.replicates
  end,
  rake_default = function() return rake_case({}) end,
  rake_tight = function() return rake_case({ epsilon = 1e-12, maxit = 100 }) end,
  poststratify = function()
    local r = S.rake(rake_rows, { col = "y", weight = "w", poststratify = { region = rake_margin.region } })
    local c = r.cells
    local function r12(x) return string.format("%.12g", x) end
    return c[1].region .. " " .. r12(c[1].sum_weights) .. " " .. c[2].region .. " " .. r12(c[2].sum_weights)
  end,
  describe_one = function()
    local r = S.describe({ 5 })
    return tostring(r.sd) .. " " .. g(r.mean)
  end,
  regress = function()
    local r = S.regress(line, { y = "y", x = { "x" } })
    local c = r.coefficients
    return string.format("%.12g %.12g %d", c.intercept.estimate, c.x.estimate, r.n)
  end,
  sample_size = function()
    local r = S.sample_size { margin = 0.05 }
    return r.n .. ""
  end,
  flag = function()
    local r = S.ttest({ { v = 1, k = 1 }, { v = 2, k = 1 }, { v = 4, k = 2 }, { v = 6, k = 2 } },
      { col = "v", group = "k", var_equal = true })
    return g(r.df) .. " " .. g(r.diff)
  end,
  -- each of these must raise
  unknown_option = function() return S.nps(scores, { colum = "x" }) end,
  not_a_number = function() return S.nps({ { s = 9 }, { s = "nine" } }, { col = "s" }) end,
  no_column = function() return S.nps(grouped, { col = "score" }) end,
  table_cell = function() return S.nps({ { s = {} } }, { col = "s" }) end,
  mixed_rows = function() return S.nps({ { s = 1 }, 5 }, { col = "s" }) end,
  flag_value = function() return S.ttest(line, { col = "y", group = "x", var_equal = "yes" }) end,
  unknown_function = function() return S.npz(scores) end,
  write = function() S.nps = nil end,
  no_rows = function() return S.nps(nil, { col = "s" }) end,
  out_of_scale = function() return S.nps({ 11 }) end,
  rake_file = function() return S.rake(rake_rows, { col = "y", margin = "region=pop.csv" }) end,
  rake_level = function()
    return S.rake(rake_rows, { col = "y", margin = { region = { north = 120, east = 80 } } })
  end,
  rake_count = function()
    return S.rake(rake_rows, { col = "y", margin = { region = { north = 120, south = "many" } } })
  end,
  rake_shape = function() return S.rake(rake_rows, { col = "y", margin = { region = 200 } }) end,
}

local function tier(c)
  return "A", cases[c.external_id]()
end

return { tier = tier }
