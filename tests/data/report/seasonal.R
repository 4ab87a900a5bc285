# Reference values for the seasonality of `manyi report satisfaction`
# (tests/e2e/report.sh). Run from the repository root:
#   Rscript tests/data/report/seasonal.R
# Base R only. CI does not run R: the seasonal_expected.txt it writes is
# committed.
#
# The data are those of the e2e test: examples/after-sales/data/responses.csv
# as imported, plus the same rows one year earlier (external ids R... -> S...),
# no cleaning flags and no invitations (every weight 1). Every time in the
# file is +08:00, the example's time zone (Asia/Shanghai), so a response's
# quarter and month are read off its date. Per period, computed here from the
# raw answers, independently of manyi:
#   CSAT  = 100 * share of q_overall answers that are 4 or 5
#   NPS   = 100 * (share of q_nps 9-10 - share of q_nps 0-6) of the answers
#   index = sum of dimension weight x 100 (mean - 1) / 4, the mean over the
#           responses with a value of the response's mean of the dimension's
#           items (q_wait reversed: 6 - x); weights of manyi.yaml
# then decompose(ts(x, frequency = f, start = first period)) on the last three
# years ending with 2026Q3 (f = 4) and 2026-09 (f = 12); a period without
# responses is NA. Written: the series, the trend (centred moving average),
# the figure by position in the calendar year and the adjusted last value.
src <- read.csv("examples/after-sales/data/responses.csv", colClasses = "character")
stopifnot(all(substr(src$submitted_at, 20, 25) == "+08:00"))
old <- src
old$submitted_at <- paste0(as.integer(substr(src$submitted_at, 1, 4)) - 1,
                           substr(src$submitted_at, 5, 25))
d <- rbind(src, old)
num <- function(v) suppressWarnings(as.numeric(ifelse(v == "", NA, v)))
for (q in c("q_overall", "q_quality", "q_attitude", "q_speed", "q_repair", "q_price",
            "q_explain", "q_wait", "q_nps")) d[[q]] <- num(d[[q]])
d$year <- as.integer(substr(d$submitted_at, 1, 4))
d$month <- as.integer(substr(d$submitted_at, 6, 7))
d$quarter <- (d$month - 1) %/% 3 + 1

dims <- list(product_quality = list(w = 0.25, items = "q_quality"),
             service_attitude = list(w = 0.20, items = "q_attitude"),
             response_speed = list(w = 0.20, items = c("q_speed", "q_wait_r")),
             after_sales = list(w = 0.15, items = "q_repair"),
             price = list(w = 0.10, items = "q_price"),
             communication = list(w = 0.10, items = "q_explain"))
d$q_wait_r <- 6 - d$q_wait

figures <- function(r) {
  if (nrow(r) == 0) return(c(csat = NA, nps = NA, index = NA))
  o <- r$q_overall[!is.na(r$q_overall)]
  n <- r$q_nps[!is.na(r$q_nps)]
  idx <- 0
  for (dm in dims) {
    rowmean <- rowMeans(as.matrix(r[, dm$items, drop = FALSE]), na.rm = TRUE)
    idx <- idx + dm$w * 100 * (mean(rowmean[is.finite(rowmean)]) - 1) / 4
  }
  c(csat = 100 * mean(o >= 4), nps = 100 * (mean(n >= 9) - mean(n <= 6)), index = idx)
}

out <- "tests/data/report/seasonal_expected.txt"
lines <- c("# written by tests/data/report/seasonal.R; key value")
put <- function(k, v) lines <<- c(lines, sprintf("%s %s", k, ifelse(is.na(v), "null", sprintf("%.15g", v))))

series <- function(kind, f, end_year, end_pos) {
  n <- 3 * f
  at <- end_year * f + (end_pos - 1) - (n - 1):0       # year * f + position (0-based)
  yr <- at %/% f
  pos <- at %% f + 1
  code <- if (f == 4) sprintf("%dQ%d", yr, pos) else sprintf("%d-%02d", yr, pos)
  label <- if (f == 4) paste0("Q", 1:4) else month.abb
  vals <- t(sapply(seq_len(n), function(i) {
    r <- d[d$year == yr[i] & (if (f == 4) d$quarter else d$month) == pos[i], ]
    figures(r)
  }))
  for (k in c("csat", "nps", "index")) {
    x <- ts(vals[, k], frequency = f, start = c(yr[1], pos[1]))
    dc <- decompose(x)
    for (i in seq_len(n)) {
      put(sprintf("%s.%s.value.%s", kind, k, code[i]), vals[i, k])
      put(sprintf("%s.%s.trend.%s", kind, k, code[i]), dc$trend[i])
    }
    # dc$figure[j] belongs to the j-th period from the start: by calendar position
    fig <- numeric(f)
    fig[(pos[1] - 1 + 0:(f - 1)) %% f + 1] <- dc$figure
    for (j in 1:f) put(sprintf("%s.%s.seasonal.%s", kind, k, label[j]), fig[j])
    put(sprintf("%s.%s.adjusted", kind, k), vals[n, k] - fig[pos[n]])
    # the same through R's own seasonal component
    stopifnot(abs(vals[n, k] - dc$seasonal[n] - (vals[n, k] - fig[pos[n]])) < 1e-12)
  }
}
series("quarter", 4, 2026, 3)
series("month", 12, 2026, 9)
writeLines(lines, out)
cat(sprintf("%s: %d values (%s)\n", out, length(lines) - 1, R.version.string))
