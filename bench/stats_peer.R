# The R peer of bench/stats.sh.
#
#   Rscript bench/stats_peer.R nps      FILE COL GROUP
#   Rscript bench/stats_peer.R prop     FILE COL 4,5
#   Rscript bench/stats_peer.R groupvar FILE COL GROUP
#   Rscript bench/stats_peer.R ols      FILE Y X1,X2,...
#
# Reads only the named columns of FILE (data.table::fread when the package is
# installed, else read.csv; an empty field or NA is missing), then computes
# with base R: NPS from s = (x >= 9) - (x <= 6) by group (split), the
# top-2-box share with prop.test(correct = FALSE) for the Wilson interval,
# n / mean / var by group (split, then mean and var) and the one-way ANOVA
# sums of squares from them, and lm() + summary() for OLS. Prints "key value" lines keyed as
# manyi's flattened --json output, plus time.load and time.compute (seconds,
# elapsed, measured inside R).

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 4) stop("usage: Rscript stats_peer.R nps|prop|groupvar|ols FILE A B")
work <- args[1]
file <- args[2]
have_dt <- requireNamespace("data.table", quietly = TRUE)
now <- function() proc.time()[["elapsed"]]

# The named columns; groups as factors (made while reading).
load_cols <- function(cols, groups = character(0)) {
  if (have_dt) {
    classes <- list(numeric = setdiff(cols, groups))
    if (length(groups)) classes$factor <- groups
    d <- data.table::fread(file, select = cols, colClasses = classes, na.strings = c("", "NA"),
                           showProgress = FALSE)
    as.list(d)[cols]
  } else {
    header <- strsplit(readLines(file, n = 1), ",", fixed = TRUE)[[1]]
    cls <- ifelse(header %in% groups, "factor", ifelse(header %in% cols, "numeric", "NULL"))
    as.list(read.csv(file, colClasses = cls, na.strings = c("", "NA")))[cols] # in the order asked
  }
}

out <- character(0)
put <- function(key, value) {
  out[length(out) + 1] <<- if (is.finite(value)) sprintf("%s %.17g", key, value) else paste(key, "null")
}
# Levels as manyi sorts them: byte order (C locale), numerically when all are numbers.
level_order <- function(lv) {
  num <- suppressWarnings(as.numeric(lv))
  if (!anyNA(num)) lv[order(num, lv, method = "radix")] else sort(lv, method = "radix")
}

t0 <- now()
if (work == "nps") {
  d <- load_cols(c(args[3], args[4]), args[4])
  t1 <- now()
  x <- d[[1]]
  g <- d[[2]]
  one <- function(prefix, x) {
    ok <- !is.na(x)
    s <- (x[ok] >= 9) - (x[ok] <= 6)
    n <- length(s)
    nps <- 100 * mean(s)
    se <- 100 * sd(s) / sqrt(n)
    z <- qnorm(0.975)
    put(paste0(prefix, "n"), n)
    put(paste0(prefix, "n_missing"), sum(!ok))
    put(paste0(prefix, "n_promoters"), sum(s == 1))
    put(paste0(prefix, "n_passives"), sum(s == 0))
    put(paste0(prefix, "n_detractors"), sum(s == -1))
    put(paste0(prefix, "promoters"), 100 * mean(s == 1))
    put(paste0(prefix, "passives"), 100 * mean(s == 0))
    put(paste0(prefix, "detractors"), 100 * mean(s == -1))
    put(paste0(prefix, "nps"), nps)
    put(paste0(prefix, "se"), se)
    put(paste0(prefix, "ci_lower"), nps - z * se)
    put(paste0(prefix, "ci_upper"), nps + z * se)
    c(nps, se)
  }
  one("", x)
  by <- split(x, g) # rows with a missing group are left out
  by <- by[lengths(by) > 0]
  lv <- level_order(names(by))
  r <- lapply(lv, function(l) one(paste0("groups.", l, "."), by[[l]]))
  names(r) <- lv
  for (i in seq_along(lv)) for (j in seq_along(lv)) if (i < j) {
    diff <- r[[i]][1] - r[[j]][1]
    se <- sqrt(r[[i]][2]^2 + r[[j]][2]^2)
    prefix <- paste0("differences.", lv[i], "_minus_", lv[j], ".")
    put(paste0(prefix, "diff"), diff)
    put(paste0(prefix, "se"), se)
    put(paste0(prefix, "z"), diff / se)
  }
} else if (work == "prop") {
  d <- load_cols(args[3])
  t1 <- now()
  success <- as.numeric(strsplit(args[4], ",", fixed = TRUE)[[1]])
  x <- d[[1]]
  x <- x[!is.na(x)]
  n <- length(x)
  k <- sum(x %in% success)
  p <- k / n
  ci <- prop.test(k, n, correct = FALSE)$conf.int
  put("n", n)
  put("n_missing", length(d[[1]]) - n)
  put("x", k)
  put("p", p)
  put("se", sqrt(p * (1 - p) / n))
  put("ci_lower", ci[1])
  put("ci_upper", ci[2])
} else if (work == "groupvar") {
  d <- load_cols(c(args[3], args[4]), args[4])
  t1 <- now()
  ok <- !is.na(d[[1]]) & !is.na(d[[2]])
  x <- d[[1]][ok]
  by <- split(x, d[[2]][ok])
  by <- by[lengths(by) > 0]
  n <- lengths(by)
  m <- vapply(by, mean, 0)
  v <- vapply(by, var, 0)
  grand <- mean(x)
  ssw <- sum((n - 1) * v)
  ssb <- sum(n * (m - grand)^2)
  k <- length(n)
  for (l in level_order(names(n))) {
    put(paste0("group_means.", l), m[[l]])
    put(paste0("extra.var.", l), v[[l]])
    put(paste0("extra.n.", l), n[[l]])
  }
  put("n", length(x))
  put("n_missing", sum(!ok))
  put("df_between", k - 1)
  put("df_within", length(x) - k)
  put("ss_between", ssb)
  put("ss_within", ssw)
  put("eta_squared", ssb / (ssb + ssw))
  put("f", (ssb / (k - 1)) / (ssw / (length(x) - k)))
} else if (work == "ols") {
  xs <- strsplit(args[4], ",", fixed = TRUE)[[1]]
  d <- as.data.frame(load_cols(c(args[3], xs)))
  t1 <- now()
  fit <- lm(reformulate(xs, response = args[3]), data = d) # drops incomplete rows
  s <- summary(fit)
  co <- s$coefficients
  rownames(co)[rownames(co) == "(Intercept)"] <- "intercept"
  put("n", nobs(fit))
  put("n_missing", nrow(d) - nobs(fit))
  for (r in rownames(co)) {
    put(paste0("coefficients.", r, ".estimate"), co[r, 1])
    put(paste0("coefficients.", r, ".se"), co[r, 2])
    put(paste0("coefficients.", r, ".t"), co[r, 3])
  }
  put("r_squared", s$r.squared)
  put("adj_r_squared", s$adj.r.squared)
  put("sigma", s$sigma)
  put("f", s$fstatistic[["value"]])
  put("f_df1", s$fstatistic[["numdf"]])
  put("f_df2", s$fstatistic[["dendf"]])
} else {
  stop("unknown workload '", work, "': nps, prop, groupvar or ols")
}
t2 <- now()
writeLines(out)
cat(sprintf("time.load %.6f\ntime.compute %.6f\n", t1 - t0, t2 - t1))
cat(sprintf("# R %s, %s\n", getRversion(),
            if (have_dt) paste("data.table::fread", packageVersion("data.table")) else "read.csv"))
