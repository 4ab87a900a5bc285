# The R peer of the report part of bench/survey.sh: section 5 of `manyi
# report satisfaction` (the headline figures of each period and their
# seasonality) with R's survey package and decompose().
#
#   Rscript bench/report_peer.R FILE FREQUENCY PERIOD...
#
# FILE: the CSV survey.sh exports with the sqlite3 shell, one row per
# response with its period code (quarter or month in the configuration's
# time zone), weight and answers. PERIOD...: the report's periods, oldest
# first (the seasonality's "periods"); FREQUENCY: 4 or 12. Timed as
# time.compute: the design svydesign(ids = ~1, weights = ~weight) (manyi's
# score design), per period with svyby: CSAT (top-2-box of q_overall), NPS
# (promoters 9-10 minus detractors 0-6, x 100) and the index (dimension
# means of the answered items, q_wait reversed, scored 0-100, weighted as
# examples/after-sales/manyi.yaml); then decompose(ts(x, frequency, start))
# of each figure (a period without responses is NA). Prints "key value"
# lines named as survey.sh flattens the report's JSON: the seasonal figure
# by calendar position, the adjusted last value, the per-period values.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 3) stop("usage: Rscript report_peer.R FILE FREQUENCY PERIOD...")
file <- args[1]
f <- as.integer(args[2])
periods <- args[-(1:2)]
stopifnot(f %in% c(4L, 12L))
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))),
                 "peer_rows.R"))
t0 <- now()
d <- read_rows(file, "period")
t1 <- now()

t2 <- now()
d <- d[d$period %in% periods, ]
d$q_wait <- 6 - d$q_wait
d$top2 <- ifelse(is.na(d$q_overall), NA, as.numeric(d$q_overall >= 4))
d$nps <- ifelse(is.na(d$q_nps), NA, 100 * ((d$q_nps >= 9) - (d$q_nps <= 6)))
for (dn in names(dims)) {
  v <- rowMeans(d[dims[[dn]][[2]]], na.rm = TRUE)
  d[[paste0("d_", dn)]] <- ifelse(is.nan(v), NA, v)
}
des <- svydesign(ids = ~1, weights = ~weight, data = d)
by <- function(formula) {
  r <- svyby(formula, ~period, des, svymean, na.rm = TRUE, keep.var = FALSE)
  setNames(r[[2]], r$period)[periods]  # NA for a period without a value
}
vals <- list(csat = 100 * by(~top2), nps = by(~nps))
w <- sapply(dims, `[[`, 1)
idx <- 0
for (dn in names(dims)) idx <- idx + w[[dn]] * 100 * (by(as.formula(paste0("~d_", dn))) - 1) / 4
vals$index <- idx / sum(w)
pos <- if (f == 4) as.integer(substr(periods, 6, 6)) else as.integer(substr(periods, 6, 7))
label <- if (f == 4) paste0("Q", 1:4) else month.abb
fmt <- function(v) ifelse(is.na(v), "null", sprintf("%.17g", v))
out <- character(0)
for (k in names(vals)) {
  x <- ts(unname(vals[[k]]), frequency = f, start = c(as.integer(substr(periods[1], 1, 4)), pos[1]))
  dc <- decompose(x)
  fig <- numeric(f)
  fig[(pos[1] - 1 + 0:(f - 1)) %% f + 1] <- dc$figure  # figure[j]: j-th period from the start
  n <- length(periods)
  out <- c(out, sprintf("%s.seasonal.%s %s", k, label, fmt(fig)),
           sprintf("%s.adjusted %s", k, fmt(vals[[k]][n] - fig[pos[n]])),
           sprintf("%s.value.%s %s", k, periods, fmt(vals[[k]])))
}
t3 <- now()
writeLines(c(sprintf("# R %s, survey %s", paste(R.version$major, R.version$minor, sep = "."),
                     as.character(packageVersion("survey"))),
             sprintf("rows %d", nrow(d)), out,
             sprintf("time.load %.3f", t1 - t0), sprintf("time.compute %.3f", t3 - t2)))
