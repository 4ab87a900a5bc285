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
# prop --weight: see "prop and nps on a design" below
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
# nps --weight: see "prop and nps on a design" below

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

# ==== drivers, km, pca, index, trend, kmeans ========================================
suppressPackageStartupMessages(library(survival))

# ---- key drivers ---------------------------------------------------------------------
# relaimpo is not in Debian: LMG (Shapley) and Johnson's relative weights are
# computed here from their definitions. LMG: each predictor's R^2 gain averaged
# over all orders, from lm() R^2 of all 2^k subsets (weights |S|!(k-|S|-1)!/k!).
# Relative weights (Johnson 2000): R_xx = V diag(l) V', L = V diag(sqrt(l)) V',
# b = L^-1 r_xy, raw_j = sum_m L_jm^2 b_m^2.
drv <- function(dat, y, xs, perf = NULL) {
  d <- na.omit(dat[, c(y, xs)]); k <- length(xs)
  r2 <- sapply(0:(2^k - 1), function(mask) {
    S <- xs[bitwAnd(mask, 2^(0:(k - 1))) > 0]
    if (length(S) == 0) 0 else summary(lm(reformulate(S, y), data = d))$r.squared
  })
  lmg <- sapply(1:k, function(j) {
    bit <- 2^(j - 1); tot <- 0
    for (mask in 0:(2^k - 1)) if (bitwAnd(mask, bit) == 0) {
      s <- sum(bitwAnd(mask, 2^(0:(k - 1))) > 0)
      tot <- tot + factorial(s) * factorial(k - s - 1) / factorial(k) *
        (r2[mask + bit + 1] - r2[mask + 1])
    }
    tot
  })
  full <- r2[2^k]
  sd_ <- sapply(d, sd)
  beta <- coef(lm(reformulate(xs, y), data = d))[xs] * sd_[xs] / sd_[y]
  R <- cor(d); e <- eigen(R[xs, xs], symmetric = TRUE)
  L <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
  b <- solve(L, R[xs, y]); raw <- as.vector((L^2) %*% (b^2))
  nm <- function(v) as.list(setNames(as.numeric(v), xs))
  r <- list(n = nrow(d), r_squared = full, standardized_beta = nm(beta),
            relative_weights_raw = nm(raw), relative_weights_share = nm(raw / full),
            shapley_raw = nm(lmg), shapley_share = nm(lmg / full))
  if (!is.null(perf)) {
    pm <- colMeans(dat[, perf], na.rm = TRUE); imp <- lmg / full
    q <- ifelse(imp >= mean(imp),
                ifelse(pm >= mean(pm), "keep_up_the_good_work", "concentrate_here"),
                ifelse(pm >= mean(pm), "possible_overkill", "low_priority"))
    r$quadrant <- setNames(lapply(1:k, function(j)
      list(importance = imp[j], performance = unname(pm[j]), quadrant = q[j])), xs)
    r$quadrant_split <- list(importance = mean(imp), performance = mean(pm))
  }
  r
}
put("drivers_four", drv(s, "q_overall", c("q_quality", "q_attitude", "q_speed", "q_price"),
                        c("q_quality", "q_attitude", "q_speed", "q_price")))
put("drivers_seven", drv(s, "q_overall", c("q_quality", "q_attitude", "q_speed", "q_repair",
                                           "q_price", "q_explain", "q_wait")))

# ---- Kaplan-Meier and log-rank ------------------------------------------------------------
# tenure.csv: months until churn ('yes') or censoring ('no') by plan; ties,
# two missing months, one missing plan and a plan with one customer.
set.seed(20240501)
nt <- 240
plan <- sample(c("basic", "plus", "pro"), nt, replace = TRUE, prob = c(.5, .3, .2))
rate <- c(basic = 1 / 14, plus = 1 / 22, pro = 1 / 35)[plan]
ev_t <- ceiling(rexp(nt, rate)); cens <- sample(6:36, nt, replace = TRUE)
tenure <- data.frame(id = sprintf("C%04d", 1:nt), months = pmin(ev_t, cens),
                     churned = ifelse(ev_t <= cens, "yes", "no"), plan = plan)
tenure$months[c(17, 90)] <- NA
tenure$plan[44] <- NA
tenure <- rbind(tenure, data.frame(id = "C9999", months = 5, churned = "yes", plan = "trial"))
write.csv(tenure, file.path(out, "tenure.csv"), row.names = FALSE, na = "", quote = FALSE)
# km_small.csv: the curve is exactly 0.5 between t = 2 and 3 (median = midpoint)
km_small <- data.frame(t = c(1, 2, 3, 4, 2.5, 6), status = c(1, 1, 1, 1, 0, 0))[c(1, 2, 3, 4), ]
write.csv(km_small, file.path(out, "km_small.csv"), row.names = FALSE, quote = FALSE)

km_of <- function(time, event, at) {
  f <- survfit(Surv(time, event) ~ 1, conf.type = "log")
  sm <- summary(f, times = at, extend = TRUE)
  q <- quantile(f, 0.5)
  list(n = length(time), events = sum(event),
       at_times = lapply(seq_along(at), function(i)
         list(time = at[i], n_risk = sm$n.risk[i], surv = sm$surv[i], se = sm$std.err[i])),
       median = unname(q$quantile), median_ci_lower = unname(q$lower),
       median_ci_upper = unname(q$upper))
}
tt <- tenure[!is.na(tenure$months), ]
tt$ev <- as.numeric(tt$churned == "yes")
at <- c(0.5, 6, 12, 24, 40)
r <- km_of(tt$months, tt$ev, at)
put("km_tenure", r)
tg <- tt[!is.na(tt$plan), ]
lv <- sort(unique(tg$plan))
r$groups <- setNames(lapply(lv, function(l) km_of(tg$months[tg$plan == l],
                                                   tg$ev[tg$plan == l], at)), lv)
sd_ <- survdiff(Surv(months, ev) ~ plan, data = tg)
r$logrank <- list(chisq = sd_$chisq, df = sum(sd_$exp > 0) - 1,
                  p = pchisq(sd_$chisq, sum(sd_$exp > 0) - 1, lower.tail = FALSE),
                  observed = as.list(setNames(sd_$obs, lv)),
                  expected = as.list(setNames(sd_$exp, lv)))
put("km_tenure_by_plan", r)
put("km_small", km_of(km_small$t, km_small$status, c(2, 2.5, 5)))

# ---- principal components (psych::principal) ----------------------------------------------
pc <- function(x, k, rot) {
  x <- na.omit(x); p <- principal(x, nfactors = k, rotate = rot)
  va <- p$Vaccounted
  list(n = nrow(x), eigenvalues = I(p$values),
       proportion_variance = I(unname(va["Proportion Var", ])),
       rotated_ss_loadings = I(unname(va["SS loadings", ])),
       communalities = as.list(p$communality),
       loadings = setNames(lapply(seq_len(ncol(x)), function(i)
         I(unname(as.numeric(p$loadings[i, ])))), colnames(x)))
}
pitems <- c("q_overall", "q_quality", "q_attitude", "q_speed", "q_repair", "q_price",
            "q_explain", "q_wait")
put("pca_varimax2", pc(s[, pitems], 2, "varimax"))
put("pca_varimax3", pc(s[, pitems], 3, "varimax"))
put("pca_none3", pc(s[, pitems], 3, "none"))
put("pca_one", pc(s[, pitems], 1, "varimax"))

# ---- weighted satisfaction index ------------------------------------------------------------
# A row's dimension value is the mean of its present items; the dimension mean
# is the mean over rows that have one; index = sum(w * score) / sum(w).
ix <- function(dat, dims) {
  rv <- lapply(dims, function(dm) {
    m <- rowMeans(dat[, dm$cols, drop = FALSE], na.rm = TRUE); m[is.nan(m)] <- NA; m
  })
  any_ <- Reduce(`|`, lapply(rv, function(m) !is.na(m)))
  raw <- sapply(rv, mean, na.rm = TRUE)
  sc <- sapply(seq_along(dims), function(i) 100 * (raw[i] - dims[[i]]$min) /
                 (dims[[i]]$max - dims[[i]]$min))
  w <- sapply(dims, function(dm) dm$w)
  list(n = sum(any_), dimension_n = as.list(sapply(rv, function(m) sum(!is.na(m)))),
       dimension_mean_raw = as.list(setNames(raw, names(dims))),
       dimension_score_0_100 = as.list(setNames(sc, names(dims))),
       index = sum(w * sc) / sum(w))
}
dims <- list(product = list(w = 0.4, min = 1, max = 5, cols = c("q_quality", "q_price")),
             service = list(w = 0.6, min = 1, max = 5,
                            cols = c("q_attitude", "q_speed", "q_repair")))
r <- ix(s, dims)
put("index_two", r)
lv <- sort(unique(s$channel))
r$groups <- setNames(lapply(lv, function(l) ix(s[s$channel == l, ], dims)), lv)
put("index_by_channel", r)
dims3 <- list(nps = list(w = 1, min = 0, max = 10, cols = "q_nps"),
              overall = list(w = 2, min = 1, max = 5, cols = "q_overall"),
              wait = list(w = 1, min = 1, max = 5, cols = c("q_wait", "q_explain")))
put("index_three", ix(s, dims3))

# ---- trend and seasonality ---------------------------------------------------------------------
set.seed(7)
tm <- 1:60
csat <- round(70 + 0.12 * tm + 3 * sin(2 * pi * tm / 12) + rnorm(60, 0, 1), 2)
csat_na <- csat; csat_na[c(17, 41)] <- NA
write.csv(data.frame(month = tm, csat = csat, csat_na = csat_na), file.path(out, "trend.csv"),
          row.names = FALSE, na = "", quote = FALSE)
# decompose() itself refuses internal NAs (na.omit.ts); with NAs its own steps
# are applied by hand: filter() propagates NA, the figure averages with na.rm.
dec <- function(x, f) {
  flt <- if (f %% 2 == 0) c(0.5, rep_len(1, f - 1), 0.5) / f else rep_len(1, f) / f
  trend <- as.numeric(stats::filter(x, flt, sides = 2)); season <- x - trend
  fig <- sapply(1:f, function(i) mean(season[seq(i, length(x), by = f)], na.rm = TRUE))
  list(trend = trend, figure = fig - mean(fig))
}
tr <- function(x, f) {
  fit <- summary(lm(x ~ t, data = data.frame(x = x, t = seq_along(x))))
  cf <- fit$coefficients
  dc <- dec(x, f)
  if (!anyNA(x)) {
    d2 <- decompose(ts(x, frequency = f))
    stopifnot(isTRUE(all.equal(dc$trend, as.numeric(d2$trend), tolerance = 1e-14)),
              isTRUE(all.equal(dc$figure, as.numeric(d2$figure), tolerance = 1e-14)))
  }
  list(n = sum(!is.na(x)), n_missing = sum(is.na(x)),
       ols = list(slope = cf["t", 1], slope_se = cf["t", 2], slope_p = cf["t", 4],
                  intercept = cf[1, 1], intercept_se = cf[1, 2], r_squared = fit$r.squared),
       ma_centered = I(dc$trend),
       ma_trailing = I(as.numeric(stats::filter(x, rep(1 / f, f), sides = 1))),
       seasonal = I(dc$figure))
}
put("trend_12", tr(csat, 12))
put("trend_5", tr(csat, 5))
put("trend_missing", tr(csat_na, 12))

# ---- k-means ---------------------------------------------------------------------------------------
# Three well-separated clusters: the optimum is unique, so R's Hartigan-Wong
# and manyi's Lloyd find the same partition. Clusters ordered by centre.
set.seed(11)
cl <- data.frame(x = round(c(rnorm(30, 1, .5), rnorm(30, 5, .5), rnorm(30, 9, .5)), 3),
                 y = round(c(rnorm(30, 1, .5), rnorm(30, 6, .5), rnorm(30, 1, .5)), 3))
cl$x[5] <- NA
write.csv(cl, file.path(out, "clusters.csv"), row.names = FALSE, na = "", quote = FALSE)
cc <- na.omit(cl)
km <- kmeans(cc, 3, nstart = 25)
o <- order(km$centers[, 1], km$centers[, 2])
put("kmeans_three", list(n = nrow(cc), tot_withinss = km$tot.withinss,
                         betweenss = km$betweenss, totss = km$totss,
                         sizes = I(km$size[o]), withinss = I(km$withinss[o]),
                         centers = setNames(lapply(o, function(i)
                           as.list(km$centers[i, ])), as.character(1:3))))

# ==== complex designs, raking, weighted describe ======================================
# R calls: svydesign(ids, strata, weights, fpc, nest), svymean(na.rm = TRUE,
# deff = TRUE), confint(df = degf(design)), rake(), postStratify(), svyvar,
# svyquantile(qrule = "math"), svytotal. A design is built on ALL rows of the
# file; a missing value of the analysed column is survey's na.rm = TRUE: the
# row leaves the estimate, the design keeps its PSU counts (nPSU, fpc).
#
# design.csv: a stratified one-stage cluster sample of customers. Strata
# north / south / west with 4, 5 and 3 sampled branches (psu) out of psu_pop =
# 20, 25 and 12 (frac = the sampling fraction of branches); psu is unique over
# the file, psu_in_stratum restarts at 1 in each stratum (svydesign nest =
# TRUE); pop_rows = customers in the stratum (an fpc for rows sampled without
# clusters); weight varies within branches; score 0-100 with some NA, and none
# at all in branch W3; tier and channel for raking.
set.seed(20240607)
sizes <- list(north = c(5, 6, 4, 5), south = c(4, 5, 6, 4, 5), west = c(6, 5, 5))
dd <- do.call(rbind, lapply(names(sizes), function(h) {
  k <- sizes[[h]]
  data.frame(id = NA, stratum = h, psu = paste0(toupper(substr(h, 1, 1)), rep(seq_along(k), k)),
             psu_in_stratum = rep(seq_along(k), k))
}))
dd$id <- sprintf("D%03d", seq_len(nrow(dd)))
dd$psu_pop <- c(north = 20, south = 25, west = 12)[dd$stratum]
dd$frac <- c(north = 0.2, south = 0.2, west = 0.25)[dd$stratum]
dd$pop_rows <- c(north = 400, south = 600, west = 300)[dd$stratum]
dd$weight <- round(runif(nrow(dd), 5, 40), 2)
eff <- rnorm(12, 0, 6); names(eff) <- unique(dd$psu)
dd$score <- round(rnorm(nrow(dd), 70 + c(north = 0, south = 5, west = -4)[dd$stratum] +
                                  eff[dd$psu], 10), 1)
dd$score[c(3, 17, 30)] <- NA
dd$score[dd$psu == "W3"] <- NA
dd$nps <- pmin(10, pmax(0, round(dd$score / 10 + rnorm(nrow(dd), 0, 1.5))))
dd$nps[is.na(dd$nps)] <- 8
dd$tier <- sample(c("gold", "silver", "bronze"), nrow(dd), replace = TRUE, prob = c(.2, .3, .5))
dd$channel <- sample(c("phone", "web"), nrow(dd), replace = TRUE, prob = c(.45, .55))
write.csv(dd, file.path(out, "design.csv"), row.names = FALSE, na = "", quote = FALSE)
dd <- read.csv(file.path(out, "design.csv"), stringsAsFactors = FALSE)
write.csv(data.frame(level = c("gold", "silver", "bronze"), count = c(260, 390, 650)),
          file.path(out, "margins_tier.csv"), row.names = FALSE, quote = FALSE)
write.csv(data.frame(level = c("phone", "web"), count = c(520, 780)),
          file.path(out, "margins_channel.csv"), row.names = FALSE, quote = FALSE)

# lonely.csv: stratum b has a single PSU (survey.lonely.psu).
lonely <- data.frame(stratum = c("a", "a", "a", "a", "a", "a", "b", "b", "b", "c", "c", "c", "c"),
                     psu = c("a1", "a1", "a2", "a2", "a3", "a3", "b1", "b1", "b1",
                             "c1", "c1", "c2", "c2"),
                     psu_pop = c(10, 10, 10, 10, 10, 10, 4, 4, 4, 5, 5, 5, 5),
                     weight = c(3, 4, 3.5, 3, 2, 4, 6, 5, 6.5, 2.5, 3, 2, 2.5),
                     y = c(4, 5, 3, 4, 2, 5, 1, 2, 2, 5, 4, 3, 5))
write.csv(lonely, file.path(out, "lonely.csv"), row.names = FALSE, quote = FALSE)

des <- function(dat, ids = ~1, strata = NULL, weights = NULL, fpc = NULL, nest = FALSE) {
  suppressWarnings(svydesign(ids = ids, strata = strata, weights = weights, fpc = fpc,
                             data = dat, nest = nest))
}
# mean of `col` on design d with svymean(na.rm = TRUE), as manyi stats mean
dmean <- function(d, col, conf = 0.95) {
  f <- reformulate(col)
  m <- svymean(f, d, na.rm = TRUE, deff = TRUE)
  sub <- d[!is.na(d$variables[[col]]), ]
  df <- degf(sub); ci <- confint(m, df = df, level = conf)
  ins <- weights(sub, "sampling") != 0
  list(n = sum(!is.na(d$variables[[col]])), n_missing = sum(is.na(d$variables[[col]])),
       mean = unname(coef(m)), se = as.numeric(SE(m)), df = df,
       ci_lower = ci[1], ci_upper = ci[2], deff = as.numeric(deff(m)),
       sum_weights = sum(weights(sub)),
       n_psu = length(unique(sub$cluster[ins, 1])),
       n_strata = length(unique(sub$strata[ins, 1])))
}
# the survey.csv weighted mean as survey's na.rm on the whole file's design
put("mean_weighted", dmean(des(s, weights = ~weight), "q_overall"))
put("mean_strat", dmean(des(dd, strata = ~stratum, weights = ~weight), "score"))
put("mean_cluster", dmean(des(dd, ids = ~psu, weights = ~weight), "score"))
put("mean_strat_cluster", dmean(des(dd, ids = ~psu, strata = ~stratum, weights = ~weight),
                                "score"))
put("mean_strat_cluster_90", dmean(des(dd, ids = ~psu, strata = ~stratum, weights = ~weight),
                                   "score", 0.9))
put("mean_strat_cluster_fpc", dmean(des(dd, ids = ~psu, strata = ~stratum, weights = ~weight,
                                        fpc = ~psu_pop), "score"))
put("mean_fpc_implied", dmean(des(dd, ids = ~psu, strata = ~stratum, fpc = ~psu_pop), "score"))
put("mean_fpc_fraction", dmean(des(dd, ids = ~psu, strata = ~stratum, fpc = ~frac), "score"))
put("mean_strat_fpc_rows", dmean(des(dd, strata = ~stratum, fpc = ~pop_rows), "score"))
put("mean_nest", dmean(des(dd, ids = ~psu_in_stratum, strata = ~stratum, weights = ~weight,
                           nest = TRUE), "score"))
lonely_mean <- function(rule, fpc = NULL) {
  old <- options(survey.lonely.psu = rule); on.exit(options(old))
  dmean(des(lonely, ids = ~psu, strata = ~stratum, weights = ~weight, fpc = fpc), "y")
}
put("mean_lonely_remove", lonely_mean("remove"))
put("mean_lonely_certainty", lonely_mean("certainty"))
put("mean_lonely_adjust", lonely_mean("adjust"))
put("mean_lonely_adjust_fpc", lonely_mean("adjust", ~psu_pop))
put("mean_lonely_average", lonely_mean("average"))

# ---- raking and post-stratification ----------------------------------------------
margins <- list(tier = read.csv(file.path(out, "margins_tier.csv"), stringsAsFactors = FALSE),
                channel = read.csv(file.path(out, "margins_channel.csv"),
                                   stringsAsFactors = FALSE))
popm <- function(v) { m <- margins[[v]]; r <- data.frame(m$level, m$count); names(r) <- c(v, "Freq"); r }
csort <- function(x) sort(unique(x), method = "radix")  # C-locale order, as manyi's levels
# cells: one per combination of the raking variables present in the sample,
# ordered by the first variable's level, then the second's
cells_of <- function(d0, d1, vars) {
  v <- d1$variables; w0 <- weights(d0); w1 <- weights(d1)
  key <- do.call(paste, c(v[vars], sep = "\r"))
  grid <- unique(v[vars]); grid <- grid[do.call(order, lapply(vars, function(x)
    match(grid[[x]], csort(v[[x]])))), , drop = FALSE]
  lapply(seq_len(nrow(grid)), function(i) {
    k <- do.call(paste, c(grid[i, vars, drop = FALSE], sep = "\r")); ii <- key == k
    c(as.list(setNames(as.character(grid[i, vars]), vars)),
      list(n = sum(ii), sum_weights = sum(w1[ii]), weight = sum(w1[ii]) / sum(ii),
           factor = (w1[ii] / w0[ii])[w0[ii] > 0][1]))
  })
}
rk <- function(d0, vars, col, epsilon = 1, maxit = 10, post = FALSE) {
  d1 <- if (post) postStratify(d0, reformulate(vars), popm(vars))
        else rake(d0, lapply(vars, reformulate), lapply(vars, popm),
                  control = list(maxit = maxit, epsilon = epsilon))
  r <- dmean(d1, col)
  list(n = r$n, n_missing = r$n_missing, mean = r$mean, se = r$se, df = r$df,
       ci_lower = r$ci_lower, ci_upper = r$ci_upper, sum_weights = sum(weights(d1)),
       sum_weights_values = r$sum_weights, cells = cells_of(d0, d1, vars))
}
dw <- des(dd, weights = ~weight)
put("rake_two", rk(dw, c("tier", "channel"), "score"))
put("rake_one", rk(dw, "tier", "score"))
put("rake_tight", rk(dw, c("tier", "channel"), "score", epsilon = 1e-12, maxit = 100))
put("rake_design", rk(des(dd, ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~psu_pop),
                      c("channel", "tier"), "score"))
put("poststrat_tier", rk(dw, "tier", "score", post = TRUE))
put("poststrat_design", rk(des(dd, ids = ~psu, strata = ~stratum, weights = ~weight),
                           "channel", "score", post = TRUE))

# ---- weighted describe ----------------------------------------------------------------
# var and sd: svyvar on the rows with a value (n = rows with a non-zero
# weight among them); se_mean: svymean(na.rm = TRUE) on the whole file's
# design, as `mean`; quantiles: svyquantile(qrule = "math") (survey's default);
# min, max over the rows with a value and a non-zero weight; mode: the value
# with the largest sum of weights.
# keep: the rows of a --by group (a domain of the design: d[keep, ], as svyby)
wdescribe <- function(dat, col, wcol, keep = rep(TRUE, nrow(dat))) {
  d <- des(dat, weights = reformulate(wcol)); x <- dat[[col]]; ok <- !is.na(x) & keep
  sub <- d[ok, ]; f <- reformulate(col); dk <- d[keep, ]
  v <- svyvar(f, sub); m <- svymean(f, dk, na.rm = TRUE)
  q <- svyquantile(f, dk, c(.25, .5, .75), na.rm = TRUE, ci = FALSE)[[1]]
  w <- dat[[wcol]][ok]; xx <- x[ok]; pos <- w > 0
  tw <- tapply(w, xx, sum); modes <- sort(as.numeric(names(tw)[tw == max(tw)]))
  list(n = sum(ok), n_missing = sum(is.na(x) & keep), sum_weights = sum(w),
       sum = unname(coef(svytotal(f, dk, na.rm = TRUE))), mean = unname(coef(m)),
       sd = sqrt(unname(coef(v))), var = unname(coef(v)), se_mean = as.numeric(SE(m)),
       median = q[2], q1 = q[1], q3 = q[3], iqr = q[3] - q[1],
       min = min(xx[pos]), max = max(xx[pos]), mode = modes[1], modes = I(modes))
}
put("describe_weighted", wdescribe(s, "q_overall", "weight"))
put("describe_weighted_design", wdescribe(dd, "score", "weight"))

# ---- weighted index --------------------------------------------------------------------
# As ix() with each dimension's mean of the row values weighted by the row's
# weight: svymean(~m, svydesign(ids = ~1, weights = ~weight), na.rm = TRUE).
ixw <- function(dat, dims, wcol) {
  r <- ix(dat, dims)
  d <- des(dat, weights = reformulate(wcol))
  raw <- sapply(dims, function(dm) {
    d$variables$m_ <- rowMeans(dat[, dm$cols, drop = FALSE], na.rm = TRUE)
    d$variables$m_[is.nan(d$variables$m_)] <- NA
    unname(coef(svymean(~m_, d, na.rm = TRUE)))
  })
  sc <- sapply(seq_along(dims), function(i) 100 * (raw[i] - dims[[i]]$min) /
                 (dims[[i]]$max - dims[[i]]$min))
  w <- sapply(dims, function(dm) dm$w)
  r$dimension_mean_raw <- as.list(setNames(raw, names(dims)))
  r$dimension_score_0_100 <- as.list(setNames(sc, names(dims)))
  r$index <- sum(w * sc) / sum(w)
  r
}
put("index_weighted", ixw(s, dims, "weight"))

# ---- --by G for describe and mean ---------------------------------------------------
# The overall fields plus groups {level: fields}. Without a design each group
# is a sample of its own (R: by()); with a design each group is a domain of
# the whole design: svyby(~x, ~G, design, svymean) estimates, checked here
# against the per-domain dmean(design[G == level, ]) that gives df and deff.
csort_levels <- function(g) { g <- g[!is.na(g) & g != ""]; sort(unique(g), method = "radix") }
by_groups <- function(g, f) {
  lv <- csort_levels(g); r <- lapply(lv, f); names(r) <- lv; r
}
put("describe_by_channel", c(describe(s$q_overall), list(by = "channel",
  groups = by_groups(s$channel, function(l) describe(s$q_overall[s$channel == l])))))
put("describe_by_g", c(describe(small$x), list(by = "g",  # 'c' has one value
  groups = by_groups(small$g, function(l) describe(small$x[small$g == l])))))
put("mean_by_segment", c(mean_srs(s$q_overall, 0.95), list(by = "segment",
  groups = by_groups(s$segment, function(l) mean_srs(s$q_overall[s$segment == l], 0.95)))))
dsc <- des(dd, ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~psu_pop)
sb <- svyby(~score, ~channel, dsc, svymean, na.rm = TRUE)
mean_dom <- function(d, col, g) by_groups(d$variables[[g]], function(l)
  dmean(d[d$variables[[g]] == l, ], col))
mb <- c(dmean(dsc, "score"), list(by = "channel", groups = mean_dom(dsc, "score", "channel")))
stopifnot(isTRUE(all.equal(unname(coef(sb)), unname(sapply(mb$groups, `[[`, "mean")), tolerance = 1e-13)),
          isTRUE(all.equal(unname(SE(sb)), unname(sapply(mb$groups, `[[`, "se")), tolerance = 1e-13)))
put("mean_design_by_channel", mb)
put("mean_design_by_stratum", c(dmean(dsc, "score"), list(by = "stratum",
  groups = mean_dom(dsc, "score", "stratum"))))
put("describe_weighted_by_tier", c(wdescribe(dd, "score", "weight"), list(by = "tier",
  groups = by_groups(dd$tier, function(l) wdescribe(dd, "score", "weight", dd$tier == l)))))

# ---- prop and nps on a design ---------------------------------------------------------
# With any design option (--weight alone included) prop and nps are svymean
# of the success indicator / of the score s = +1/0/-1 (x100) on the design of
# all rows, na.rm = TRUE (so as `mean`: the design keeps its n_h); intervals
# with df = degf of the rows with a value: prop as svyciprop(method = "mean"
# | "logit"), nps as confint(df = degf). --by groups are domains (svyby) and
# the differences' se comes from the joint linearisation:
# svycontrast(svyby(..., covmat = TRUE)), with a normal z test and interval.
dprop <- function(d, col, succ, method = "mean", conf = 0.95) {
  v <- d$variables[[col]]
  d <- update(d, ind_ = ifelse(is.na(v), NA, as.numeric(v %in% succ)))
  sub <- d[!is.na(v), ]
  ci <- attr(svyciprop(~ind_, sub, method = method, level = conf), "ci")
  if (method == "logit") {
    # svyciprop's svyglm stops at glm's default epsilon 1e-8 (about 1e-8 off
    # in the interval); the same model converged fully is the reference
    m <- svyglm(ind_ ~ 1, sub, family = quasibinomial,
                control = glm.control(epsilon = 1e-15, maxit = 100))
    ci2 <- plogis(unname(coef(m)) + as.numeric(SE(m)) *
                  qt(c((1 - conf) / 2, (1 + conf) / 2), degf(sub)))
    stopifnot(isTRUE(all.equal(ci2, unname(as.numeric(ci)), tolerance = 1e-6)))
    ci <- ci2
  }
  r <- dmean(d, "ind_", conf)
  list(n = r$n, n_missing = r$n_missing, x = sum(weights(sub) * sub$variables$ind_),
       p = r$mean, se = r$se, df = r$df, ci_lower = unname(ci[1]), ci_upper = unname(ci[2]),
       deff = r$deff, sum_weights = r$sum_weights, n_psu = r$n_psu, n_strata = r$n_strata)
}
put("prop_weighted", dprop(des(s, weights = ~weight), "q_overall", c(4, 5)))
put("prop_weighted_logit", dprop(des(s, weights = ~weight), "q_overall", c(4, 5), "logit"))
put("prop_design", dprop(dsc, "nps", c(9, 10)))
put("prop_design_logit_90", dprop(dsc, "nps", c(9, 10), "logit", 0.9))
put("prop_design_cluster", dprop(des(dd, ids = ~psu, weights = ~weight), "nps", c(7, 8)))
nps_d <- function(d, col) {
  v <- d$variables[[col]]
  d <- update(d, s_ = ifelse(is.na(v), NA, ifelse(v >= 9, 1, ifelse(v >= 7, 0, -1))))
  r <- dmean(d, "s_"); sv <- d$variables$s_; ok <- !is.na(sv); w <- weights(d)[ok]
  list(d = d, r = list(n = r$n, n_missing = r$n_missing, n_promoters = sum(sv[ok] == 1),
       n_passives = sum(sv[ok] == 0), n_detractors = sum(sv[ok] == -1),
       promoters = 100 * sum(w[sv[ok] == 1]) / sum(w),
       passives = 100 * sum(w[sv[ok] == 0]) / sum(w),
       detractors = 100 * sum(w[sv[ok] == -1]) / sum(w),
       nps = 100 * r$mean, se = 100 * r$se, ci_lower = 100 * r$ci_lower,
       ci_upper = 100 * r$ci_upper, df = r$df, deff = r$deff, sum_weights = r$sum_weights,
       n_psu = r$n_psu, n_strata = r$n_strata))
}
dnps <- function(d, col, by = NULL) {
  o <- nps_d(d, col); r <- o$r; d <- o$d
  if (is.null(by)) return(r)
  g <- d$variables[[by]]; lv <- csort_levels(g)
  groups <- lapply(lv, function(l) nps_d(d[g == l, ], col)$r); names(groups) <- lv
  sub <- d[!is.na(d$variables$s_), ]
  sb <- svyby(~s_, reformulate(by), sub, svymean, covmat = TRUE)
  V <- vcov(sb); est <- coef(sb); z <- qnorm(0.975); diffs <- list()
  for (a in seq_along(lv)) for (b in seq_along(lv)) if (a < b) {
    df <- 100 * (est[[lv[a]]] - est[[lv[b]]])
    se <- 100 * sqrt(V[lv[a], lv[a]] + V[lv[b], lv[b]] - 2 * V[lv[a], lv[b]])
    diffs[[paste0(lv[a], "_minus_", lv[b])]] <-
      list(diff = df, se = se, z = df / se, p_value = 2 * pnorm(-abs(df / se)),
           ci_lower = df - z * se, ci_upper = df + z * se)
  }
  stopifnot(isTRUE(all.equal(unname(100 * est), unname(sapply(groups, `[[`, "nps")),
                             tolerance = 1e-13)))
  c(r, list(groups = groups, differences = diffs))
}
put("nps_weighted_by_channel", dnps(des(s, weights = ~weight), "q_nps", "channel"))
put("nps_design", dnps(dsc, "nps"))
put("nps_design_by_channel", dnps(dsc, "nps", "channel"))
put("nps_design_by_tier", dnps(des(dd, ids = ~psu, strata = ~stratum, weights = ~weight), "nps",
                               "tier"))

# ---- drivers --bootstrap: percentile intervals on manyi's own resamples ---------------
# The resamples come from GSL's mt19937, which R does not have; so manyi
# prints them (--resamples) and R refits drv() on the very same row sets and
# takes quantile(type = 7) of the shares. The resamples are committed
# (expected/drivers_boot_resamples.json; the e2e test checks manyi still
# draws them); rerun with MANYI=path/to/manyi to draw them again.
bx <- c("q_quality", "q_attitude", "q_speed", "q_price")
write.csv(s[1:80, c("q_overall", bx)], file.path(out, "drivers_boot.csv"), row.names = FALSE,
          na = "", quote = FALSE)
rs_file <- file.path(out, "expected", "drivers_boot_resamples.json")
if (nzchar(Sys.getenv("MANYI"))) {
  tmp <- tempfile()
  system2(Sys.getenv("MANYI"), c("--json", "stats", "drivers", file.path(out, "drivers_boot.csv"),
                                 "--y", "q_overall", "--x", paste(bx, collapse = ","),
                                 "--bootstrap", "40", "--seed", "11", "--resamples"), stdout = tmp)
  b <- fromJSON(tmp)$bootstrap
  put("drivers_boot_resamples", list(bootstrap = list(replicates = b$replicates, seed = b$seed,
                                                      resamples = b$resamples)))
}
boot_ci <- function(dat, y, xs, rs, conf) {
  cc <- na.omit(dat[, c(y, xs)])
  fits <- lapply(seq_len(nrow(rs)), function(b) drv(cc[rs[b, ], ], y, xs))
  q <- function(field) setNames(lapply(xs, function(x) {
    v <- sapply(fits, function(f) f[[field]][[x]])
    qq <- quantile(v, c((1 - conf) / 2, (1 + conf) / 2), type = 7, names = FALSE)
    list(lower = qq[1], upper = qq[2])
  }), xs)
  list(replicates = nrow(rs), conf = conf, skipped = 0,
       relative_weights_share = q("relative_weights_share"), shapley_share = q("shapley_share"))
}
rs <- fromJSON(rs_file)$bootstrap
bd <- read.csv(file.path(out, "drivers_boot.csv"))
put("drivers_bootstrap", list(bootstrap = c(boot_ci(bd, "q_overall", bx, rs$resamples, 0.95),
                                            seed = rs$seed)))
put("drivers_bootstrap_80", list(bootstrap = c(boot_ci(bd, "q_overall", bx, rs$resamples, 0.8),
                                               seed = rs$seed)))

# ---- manyi.stats.rake with margins as Lua tables ---------------------------------------
# tests/test_policy_stats.c: tests/data/policy/stats.lua holds these rows
# inline (a policy reads no files) and rakes them with margin = {region =
# {north = 120, south = 80}, channel = {phone = 90, web = 70, visit = 40}}.
# A Lua table has no order: manyi rakes the variables in name order
# (channel, then region), so R gets list(~channel, ~region).
rl <- data.frame(region = rep(c("north", "south"), each = 6),
                 channel = c("phone", "web", "visit", "phone", "web", "phone",
                             "web", "visit", "phone", "web", "visit", "web"),
                 w = c(1, 2, 1.5, 1, 2.5, 1, 3, 1, 2, 1.5, 1, 2),
                 y = c(7, 9, 4, 8, 6, 10, 5, 7, 9, 3, 8, 6))
write.csv(rl, file.path(out, "rake_small.csv"), row.names = FALSE, quote = FALSE)
rlpop <- list(data.frame(channel = c("phone", "visit", "web"), Freq = c(90, 40, 70)),
              data.frame(region = c("north", "south"), Freq = c(120, 80)))
rl_case <- function(eps, maxit) {
  d <- rake(des(rl, weights = ~w), list(~channel, ~region), rlpop,
            control = list(epsilon = eps, maxit = maxit))
  r <- dmean(d, "y")
  list(mean = r$mean, se = r$se, sum_weights = sum(weights(d)))
}
put("rake_lua", list(default = rl_case(1, 10), tight = rl_case(1e-12, 100)))
