# Reference values for `manyi stats` (tests/e2e/stats.sh, tests/test_stats.c).
# Run from the repository root:  Rscript tests/data/stats/reference.R
# Needs base R and the Debian packages r-cran-survey, r-cran-psych,
# r-cran-jsonlite. CI does not run R: the inputs (*.csv) and the expected
# values (expected/*.json) it writes are committed.
#
# Every expected file holds the JSON fields of the manyi command named in
# tests/e2e/stats.sh with the same case name. jsonlite writes at most 15
# significant digits (a relative rounding of 5e-16, far below the 1e-9 the
# tests allow).
suppressPackageStartupMessages({
  library(survey)
  library(psych)
  library(jsonlite)
})
out <- "tests/data/stats"
dir.create(file.path(out, "expected"), showWarnings = FALSE, recursive = TRUE)
put <- function(name, x) {
  writeLines(toJSON(x, auto_unbox = TRUE, digits = NA, na = "null", null = "null"),
             file.path(out, "expected", paste0(name, ".json")))
}

# ---- inputs -----------------------------------------------------------------
# survey.csv: the after-sales example's answers, with a deterministic weight,
# a two-level segment and a yes/no 'repeat' column derived from the row number.
ex <- read.csv("examples/after-sales/data/responses.csv", stringsAsFactors = FALSE)
i <- seq_len(nrow(ex))
s <- data.frame(id = ex$external_id, channel = ex$channel,
                segment = ifelse(i %% 3 == 0, "B", "A"),
                repeat_buyer = ifelse((i * 7) %% 5 < 2, "yes", "no"),
                weight = 0.5 + (i %% 4) * 0.75,
                ex[, c("q_overall", "q_quality", "q_attitude", "q_speed", "q_repair",
                       "q_price", "q_explain", "q_wait", "q_nps")])
write.csv(s, file.path(out, "survey.csv"), row.names = FALSE, na = "", quote = FALSE)

# small.csv: hand-made, with NA, ties, decimals and a group of one.
small <- data.frame(
  g = c("a", "a", "a", "b", "b", "b", "b", "c", "a", "b"),
  x = c(2.5, 3.1, NA, 4.0, 4.0, 5.5, 3.1, 7.25, 2.5, NA))
write.csv(small, file.path(out, "small.csv"), row.names = FALSE, na = "", quote = FALSE)

# paired.csv: long format, customer before/after; c5 has no 'after', c6's
# 'before' is missing.
paired <- data.frame(
  id = c("c1", "c2", "c3", "c4", "c5", "c6", "c1", "c2", "c3", "c4", "c6", "c7"),
  time = c(rep("after", 6), rep("before", 6)),
  score = c(8, 7, 9, 6, 5, 7, 6, 7, 5, 4, NA, 3))
write.csv(paired, file.path(out, "paired.csv"), row.names = FALSE, na = "", quote = FALSE)

# counts.csv: a 2 x 3 table as rows with a count column.
counts <- data.frame(row = c("yes", "yes", "yes", "no", "no", "no"),
                     col = c("x", "y", "z", "x", "y", "z"),
                     n = c(12, 5, 9, 7, 11, 3.5))
write.csv(counts, file.path(out, "counts.csv"), row.names = FALSE, quote = FALSE)

# ---- describe -----------------------------------------------------------------
describe <- function(x) {
  nm <- sum(is.na(x)); x <- x[!is.na(x)]
  q <- quantile(x, c(.25, .5, .75), type = 7, names = FALSE)
  tab <- table(x); modes <- sort(as.numeric(names(tab)[tab == max(tab)]))
  list(n = length(x), n_missing = nm, sum = sum(x), mean = mean(x), sd = sd(x),
       var = var(x), se_mean = sd(x) / sqrt(length(x)), median = q[2], q1 = q[1],
       q3 = q[3], iqr = q[3] - q[1], min = min(x), max = max(x), mode = modes[1],
       modes = I(modes))
}
put("describe_overall", describe(s$q_overall))
put("describe_price", describe(s$q_price))
put("describe_small", describe(small$x))

# ---- mean -----------------------------------------------------------------------
mean_srs <- function(x, conf) {
  x <- x[!is.na(x)]; t <- t.test(x, conf.level = conf)
  list(n = length(x), mean = mean(x), se = sd(x) / sqrt(length(x)),
       df = unname(t$parameter), ci_lower = t$conf.int[1], ci_upper = t$conf.int[2])
}
put("mean_overall", mean_srs(s$q_overall, 0.95))
put("mean_overall_90", mean_srs(s$q_overall, 0.90))
d <- svydesign(ids = ~1, weights = ~weight, data = s[!is.na(s$q_overall), ])
m <- svymean(~q_overall, d, deff = TRUE)
ci <- confint(m, df = degf(d), level = 0.95)
put("mean_weighted", list(n = nrow(d), mean = unname(coef(m)), se = as.numeric(SE(m)),
                          df = degf(d), ci_lower = ci[1], ci_upper = ci[2],
                          deff = as.numeric(deff(m)), sum_weights = sum(weights(d))))

# ---- prop: top-2-box of q_overall -------------------------------------------------
ov <- s$q_overall[!is.na(s$q_overall)]
x <- sum(ov %in% c(4, 5)); n <- length(ov); p <- x / n; z <- qnorm(0.975)
base <- list(n = n, x = x, p = p, se = sqrt(p * (1 - p) / n))
w <- prop.test(x, n, correct = FALSE)$conf.int
wcc <- prop.test(x, n, correct = TRUE)$conf.int
cp <- binom.test(x, n)$conf.int
l <- log(x / (n - x)); sl <- sqrt(n / (x * (n - x)))
put("prop_wald", c(base, ci_lower = p - z * base$se, ci_upper = p + z * base$se))
put("prop_wilson", c(base, ci_lower = w[1], ci_upper = w[2]))
put("prop_wilson_cc", c(base, ci_lower = wcc[1], ci_upper = wcc[2]))
put("prop_clopper_pearson", c(base, ci_lower = cp[1], ci_upper = cp[2]))
put("prop_logit", c(base, ci_lower = plogis(l - z * sl), ci_upper = plogis(l + z * sl)))
# a small sample where the methods differ a lot (wilson-cc clamps at 0)
put("prop_small_cc", {
  r <- prop.test(1, 12, correct = TRUE)$conf.int
  list(n = 12, x = 1, p = 1 / 12, ci_lower = r[1], ci_upper = r[2])
})
s$top2 <- as.numeric(s$q_overall %in% c(4, 5))
d <- svydesign(ids = ~1, weights = ~weight, data = s[!is.na(s$q_overall), ])
m <- svymean(~top2, d)
put("prop_weighted", list(n = nrow(d), x = sum(weights(d) * d$variables$top2),
                          p = unname(coef(m)), se = as.numeric(SE(m)),
                          ci_lower = as.numeric(coef(m) - z * SE(m)),
                          ci_upper = as.numeric(coef(m) + z * SE(m))))

# ---- nps ------------------------------------------------------------------------------
nps_of <- function(dat, weighted) {
  dat <- dat[!is.na(dat$q_nps), ]
  dat$s <- ifelse(dat$q_nps >= 9, 1, ifelse(dat$q_nps >= 7, 0, -1))
  des <- if (weighted) svydesign(ids = ~1, weights = ~weight, data = dat)
         else svydesign(ids = ~1, data = dat, probs = rep(1, nrow(dat)))
  m <- svymean(~s, des); w <- weights(des)
  est <- 100 * unname(coef(m)); se <- 100 * as.numeric(SE(m))
  list(n = nrow(dat), n_promoters = sum(dat$s == 1), n_passives = sum(dat$s == 0),
       n_detractors = sum(dat$s == -1), promoters = 100 * sum(w[dat$s == 1]) / sum(w),
       passives = 100 * sum(w[dat$s == 0]) / sum(w),
       detractors = 100 * sum(w[dat$s == -1]) / sum(w), nps = est, se = se,
       ci_lower = est - z * se, ci_upper = est + z * se)
}
nps_by <- function(weighted) {
  r <- nps_of(s, weighted)
  lv <- sort(unique(s$channel))
  g <- lapply(lv, function(l) nps_of(s[s$channel == l, ], weighted)); names(g) <- lv
  diffs <- list()
  for (a in seq_along(lv)) for (b in seq_along(lv)) if (a < b) {
    A <- g[[a]]; B <- g[[b]]
    dd <- A$nps - B$nps; se <- sqrt(A$se^2 + B$se^2)
    diffs[[paste0(lv[a], "_minus_", lv[b])]] <-
      list(diff = dd, se = se, z = dd / se, p_value = 2 * pnorm(-abs(dd / se)),
           ci_lower = dd - z * se, ci_upper = dd + z * se)
  }
  c(r, list(groups = g, differences = diffs))
}
put("nps_overall", nps_of(s, FALSE))
put("nps_by_channel", nps_by(FALSE))
put("nps_weighted_by_channel", nps_by(TRUE))

# ---- sample size --------------------------------------------------------------------------
ss <- function(conf, margin, p, N) {
  z <- qnorm(1 - (1 - conf) / 2); n0 <- z^2 * p * (1 - p) / margin^2
  n <- if (is.na(N)) n0 else n0 / (1 + (n0 - 1) / N)
  list(z = z, n0 = n0, n = ceiling(n - 1e-9))
}
put("sample_size_default", ss(0.95, 0.05, 0.5, NA))
put("sample_size_fpc", ss(0.95, 0.05, 0.5, 2000))
put("sample_size_99", ss(0.99, 0.03, 0.3, 10000))

# ---- t tests ----------------------------------------------------------------------------------
tt <- function(r, n1, n2) list(t = unname(r$statistic), df = unname(r$parameter),
                               p = r$p.value, diff = unname(r$estimate[1] - r$estimate[2]),
                               ci_lower = r$conf.int[1], ci_upper = r$conf.int[2])
put("ttest_welch", tt(t.test(q_overall ~ segment, data = s)))
put("ttest_pooled", tt(t.test(q_overall ~ segment, data = s, var.equal = TRUE)))
put("ttest_small_conf90", tt(t.test(x ~ g, data = small[small$g != "c", ], conf.level = 0.9)))
wide <- merge(paired[paired$time == "after", ], paired[paired$time == "before", ], by = "id")
wide <- wide[complete.cases(wide), ]
r <- t.test(wide$score.x, wide$score.y, paired = TRUE)
put("ttest_paired", list(t = unname(r$statistic), df = unname(r$parameter), p = r$p.value,
                         diff = unname(r$estimate), ci_lower = r$conf.int[1],
                         ci_upper = r$conf.int[2], n_pairs = nrow(wide), n_unpaired = 3))

# ---- anova, kruskal, mann-whitney ---------------------------------------------------------------
an <- function(dat, f) {
  a <- summary(aov(f, data = dat))[[1]]
  gm <- tapply(dat[[all.vars(f)[1]]], dat[[all.vars(f)[2]]], mean, na.rm = TRUE)
  list(f = a[1, "F value"], df_between = a[1, "Df"], df_within = a[2, "Df"],
       p = a[1, "Pr(>F)"], ss_between = a[1, "Sum Sq"], ss_within = a[2, "Sum Sq"],
       eta_squared = a[1, "Sum Sq"] / sum(a[, "Sum Sq"]), group_means = as.list(gm))
}
put("anova_channel", an(s, q_overall ~ channel))
put("anova_small", an(small, x ~ g))  # group 'c' has one member
k <- kruskal.test(q_overall ~ channel, data = s)
put("kruskal_channel", list(statistic = unname(k$statistic), df = unname(k$parameter),
                            p = k$p.value))
k <- kruskal.test(x ~ g, data = small)
put("kruskal_small", list(statistic = unname(k$statistic), df = unname(k$parameter),
                          p = k$p.value))
mw <- function(r) list(statistic = unname(r$statistic), p = r$p.value)
put("mannwhitney_segment",
    mw(wilcox.test(q_overall ~ segment, data = s, exact = FALSE, correct = TRUE)))
put("mannwhitney_small", mw(wilcox.test(x ~ g, data = small[small$g != "c", ],
                                         exact = FALSE, correct = TRUE)))

# ---- chi-square ----------------------------------------------------------------------------------
cs <- function(tab, correct) {
  r <- suppressWarnings(chisq.test(tab, correct = correct))
  raw <- suppressWarnings(chisq.test(tab, correct = FALSE))$statistic
  ex <- r$expected
  list(chisq = unname(r$statistic), df = unname(r$parameter), p = r$p.value, n = sum(tab),
       cramers_v = unname(sqrt(raw / (sum(tab) * (min(dim(tab)) - 1)))),
       expected = setNames(lapply(rownames(ex), function(i) as.list(ex[i, ])), rownames(ex)))
}
put("chisq_channel_segment", cs(table(s$channel, s$segment), FALSE))
put("chisq_yates", cs(table(s$segment, s$repeat_buyer), TRUE))
put("chisq_counts", cs(xtabs(n ~ row + col, data = counts), FALSE))

# ---- alpha -----------------------------------------------------------------------------------------
al <- function(x) {
  x <- na.omit(x); a <- psych::alpha(x, warnings = FALSE)
  list(n = nrow(x), raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
       average_r = a$total$average_r, scale_mean = a$total$mean, scale_sd = a$total$sd,
       alpha_if_dropped = as.list(setNames(a$alpha.drop$raw_alpha, colnames(x))),
       item_total_r = as.list(setNames(a$item.stats$r.drop, colnames(x))))
}
items <- c("q_overall", "q_quality", "q_attitude", "q_speed", "q_repair")
put("alpha_five", al(s[, items]))
rv <- s[, c(items, "q_wait")]; rv$q_wait <- 1 + 5 - rv$q_wait
put("alpha_reverse", al(rv))

# ---- correlation --------------------------------------------------------------------------------------
co <- function(x, method) {
  x <- na.omit(x); nm <- colnames(x)
  r <- list(); p <- list()
  for (a in nm) {
    r[[a]] <- list(); p[[a]] <- list()
    for (b in nm) {
      if (a == b) { r[[a]][[b]] <- 1; p[[a]][[b]] <- 0; next }
      t <- suppressWarnings(cor.test(x[[a]], x[[b]], method = method, exact = FALSE))
      r[[a]][[b]] <- unname(t$estimate); p[[a]][[b]] <- t$p.value
    }
  }
  list(n = nrow(x), r = r, p = p)
}
cc <- c("q_overall", "q_quality", "q_price", "q_wait")
put("corr_pearson", co(s[, cc], "pearson"))
put("corr_spearman", co(s[, cc], "spearman"))
put("corr_spearman_small", co(data.frame(a = c(1, 2, 3, 4, 5, 6, 7),
                                         b = c(7, 5, 6, 3, 4, 1, 2)), "spearman"))
write.csv(data.frame(a = c(1, 2, 3, 4, 5, 6, 7), b = c(7, 5, 6, 3, 4, 1, 2)),
          file.path(out, "ranks.csv"), row.names = FALSE, quote = FALSE)

# ---- regression ------------------------------------------------------------------------------------------
rg <- function(f, dat) {
  m <- summary(lm(f, data = dat)); cf <- m$coefficients
  nm <- rownames(cf); nm[nm == "(Intercept)"] <- "intercept"
  co <- lapply(seq_len(nrow(cf)), function(i)
    list(estimate = cf[i, 1], se = cf[i, 2], t = cf[i, 3], p = cf[i, 4]))
  names(co) <- nm
  fs <- m$fstatistic
  list(n = length(m$residuals), coefficients = co, r_squared = m$r.squared,
       adj_r_squared = m$adj.r.squared, sigma = m$sigma, f = unname(fs[1]),
       f_df1 = unname(fs[2]), f_df2 = unname(fs[3]),
       f_p = unname(pf(fs[1], fs[2], fs[3], lower.tail = FALSE)))
}
put("regress_drivers", rg(q_overall ~ q_quality + q_attitude + q_speed + q_price, s))
put("regress_one", rg(q_nps ~ q_overall, s))
