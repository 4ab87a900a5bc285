# Reference values for tests/test_proptest.c (mi_stats_prop_test2):
# Rscript tests/data/stats/proptest.R
# The last case is the action of tests/e2e/service.sh (2 of 3 first responses in
# time in 2026Q4, 2 of 2 in 2026-12).
for (case in list(c(30, 100, 45, 90), c(3, 10, 9, 12), c(500, 1000, 520, 1000), c(2, 3, 2, 2))) {
  r <- prop.test(c(case[1], case[3]), c(case[2], case[4]), correct = FALSE)
  cat(sprintf("%g/%g vs %g/%g: chisq %.17g p %.17g\n", case[1], case[2], case[3], case[4],
              r$statistic, r$p.value))
}
