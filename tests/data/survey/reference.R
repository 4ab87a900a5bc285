# Reference values for the per-dimension figures and the CES of `manyi survey
# score` (tests/e2e/survey_dims.sh). Run from the repository root:
#   Rscript tests/data/survey/reference.R
# Needs r-cran-survey, r-cran-psych, r-cran-jsonlite. CI does not run R: the
# inputs and the expected/*.json it writes are committed.
#
# Dimension: the row's mean of its answered items (reverse items as
# min + max - x), svymean(na.rm = TRUE) on the responses' design: without
# waves svydesign(ids = ~1, weights = ~w) (w = 1 where the responses carry no
# invitation); with waves svydesign(ids = ~psu, strata = ~stratum, weights =
# ~w): a stratified wave's strata, every other wave one stratum, a cluster
# wave's clusters as PSUs, a lonely PSU "adjust"; a t interval with the design df
# of the rows with a value, score = 100 (x - min) / (max - min) of the mean
# and of both ends; alpha = psych::alpha's raw_alpha of the items (complete
# cases). CES: svymean of the effort answers; low/high effort = svyciprop
# ("mean" method, df = degf) of the two lowest / highest scale points.
suppressPackageStartupMessages({
  library(survey)
  library(psych)
  library(jsonlite)
})
out <- "tests/data/survey"
dir.create(file.path(out, "expected"), showWarnings = FALSE, recursive = TRUE)
put <- function(name, x) {
  writeLines(toJSON(x, auto_unbox = TRUE, digits = NA, na = "null", null = "null"),
             file.path(out, "expected", paste0(name, ".json")))
}
utc <- function(s) as.POSIXct(substr(s, 1, 19), format = "%Y-%m-%dT%H:%M:%S", tz = "UTC") -
  8 * 3600  # every time in these files is +08:00

options(survey.lonely.psu = "adjust")
design_of <- function(dat) {
  if (is.null(dat$stratum)) svydesign(ids = ~1, weights = ~w, data = dat)
  else svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = dat)
}
# dom: the rows of a domain (a group of --by): the other rows stay in the design
dmean <- function(dat, x, lo, hi, conf = 0.95, dom = rep(TRUE, nrow(dat))) {
  dat$x_ <- x
  d <- design_of(dat)
  m <- svymean(~x_, subset(d, dom), na.rm = TRUE)
  sub <- subset(d, dom & !is.na(x))
  ci <- confint(m, df = degf(sub), level = conf)
  mean <- unname(coef(m)); se <- as.numeric(SE(m))
  list(n = sum(dom & !is.na(x)), mean_raw = mean, se_raw = se, ci_lower_raw = ci[1],
       ci_upper_raw = ci[2], score = 100 * (mean - lo) / (hi - lo),
       se = 100 * se / (hi - lo), ci_lower = 100 * (ci[1] - lo) / (hi - lo),
       ci_upper = 100 * (ci[2] - lo) / (hi - lo), df = degf(sub))
}
dim <- function(dat, items, lo, hi, dom = rep(TRUE, nrow(dat))) {
  x <- as.matrix(dat[, items, drop = FALSE])
  r <- dmean(dat, ifelse(rowSums(!is.na(x)) > 0, rowMeans(x, na.rm = TRUE), NA), lo, hi, dom = dom)
  r$items <- I(items)
  if (length(items) >= 2) {
    cc <- x[dom & complete.cases(x), ]
    r$alpha <- suppressWarnings(psych::alpha(cc, check.keys = FALSE, warnings = FALSE))$total$raw_alpha
    r$alpha_n <- nrow(cc)
  } else {
    r$alpha <- NA
  }
  r
}

# ---- the after-sales example, 2026Q3 (Asia/Shanghai) ---------------------------
ex <- read.csv("examples/after-sales/data/responses.csv", stringsAsFactors = FALSE)
t <- utc(ex$submitted_at)
q3 <- ex[t >= utc("2026-07-01T00:00:00") & t < utc("2026-10-01T00:00:00"), ]
q3$w <- 1
# the example's six weighted dimensions (q_wait is turned round)
example_dims <- function(dat, dom = rep(TRUE, nrow(dat))) {
  dat$q_wait_r <- 6 - dat$q_wait
  d <- list(product_quality = dim(dat, "q_quality", 1, 5, dom),
            service_attitude = dim(dat, "q_attitude", 1, 5, dom),
            response_speed = dim(dat, c("q_speed", "q_wait_r"), 1, 5, dom),
            after_sales = dim(dat, "q_repair", 1, 5, dom),
            price = dim(dat, "q_price", 1, 5, dom),
            communication = dim(dat, "q_explain", 1, 5, dom))
  d$response_speed$items <- I(c("q_speed", "q_wait"))
  d
}
put("example_2026Q3", list(responses = nrow(q3), dimensions = example_dims(q3)))

# CSAT (top-2-box of q_overall, svyciprop "mean"), NPS (svymean of 100 per
# promoter, -100 per detractor) and the index: each dimension a ratio
# svyratio(~y_d, ~a_d) (a_d: the row has the dimension), the index their
# linear combination by svycontrast, a normal interval.
csat_of <- function(dat, dom = rep(TRUE, nrow(dat))) {
  sub <- subset(design_of(dat), dom & !is.na(q_overall))
  p <- svyciprop(~I(q_overall >= 4), sub, method = "mean", df = degf(sub))
  ci <- attr(p, "ci")
  list(p = as.numeric(unclass(p))[1], se = as.numeric(SE(p)), ci_lower = unname(ci[1]),
       ci_upper = unname(ci[2]), df = degf(sub))
}
headline <- function(dat) {
  d <- design_of(dat)
  csat <- csat_of(dat)
  d <- update(d, s_ = 100 * ((q_nps >= 9) - (q_nps <= 6)))
  sub <- subset(d, !is.na(q_nps))
  m <- svymean(~s_, sub)
  ci <- confint(m, df = degf(sub))
  nps <- list(nps = unname(coef(m)), se = as.numeric(SE(m)), ci_lower = ci[1], ci_upper = ci[2],
              df = degf(sub))
  dims <- list(product_quality = list("q_quality", 0.25), service_attitude = list("q_attitude", 0.2),
               response_speed = list(c("q_speed", "q_wait_r"), 0.2),
               after_sales = list("q_repair", 0.15), price = list("q_price", 0.1),
               communication = list("q_explain", 0.1))
  dat$q_wait_r <- 6 - dat$q_wait
  nums <- dens <- coefs <- character(0); cw <- numeric(0)
  for (k in names(dims)) {
    x <- as.matrix(dat[, dims[[k]][[1]], drop = FALSE])
    y <- ifelse(rowSums(!is.na(x)) > 0, rowMeans(x, na.rm = TRUE), NA)
    dat[[paste0("n_", k)]] <- ifelse(is.na(y), 0, y)
    dat[[paste0("a_", k)]] <- as.numeric(!is.na(y))
    nums <- c(nums, paste0("n_", k)); dens <- c(dens, paste0("a_", k))
    cw <- c(cw, dims[[k]][[2]] * 100 / 4); coefs <- c(coefs, paste0("n_", k, "/a_", k))
  }
  cw <- cw / sum(sapply(dims, `[[`, 2))
  r <- svyratio(as.formula(paste("~", paste(nums, collapse = "+"))),
                as.formula(paste("~", paste(dens, collapse = "+"))), design_of(dat), covmat = TRUE)
  ix <- svycontrast(r, setNames(cw, coefs))
  index <- sum(cw * (coef(r)[coefs] - 1))
  se <- as.numeric(SE(ix))
  list(csat = csat, nps = nps,
       index = list(index = index, se = se, ci_lower = index - qnorm(0.975) * se,
                    ci_upper = index + qnorm(0.975) * se))
}

# ---- waves: W stratified by region (300 invitations, seed 11) and W2 two
# whole regions (cluster, seed 5); the invited customers with a response in
# the example answer with their first one. wave_responses.csv and
# wave_weights.csv are written by tests/e2e/survey_dims.sh's steps and checked
# there. W alone (survey score --wave W): W's strata; the quarter: both waves.
wr <- read.csv(file.path(out, "wave_responses.csv"), stringsAsFactors = FALSE)
ww <- read.csv(file.path(out, "wave_weights.csv"), stringsAsFactors = FALSE)
k <- match(wr$invitation, ww$invitation)
wr$w <- ww$weight[k]
wr$stratum <- ifelse(ww$method[k] == "stratified", paste0(ww$wave[k], "/", ww$stratum[k]), ww$wave[k])
wr$psu <- ifelse(ww$method[k] == "cluster", paste0(ww$wave[k], "/", ww$stratum[k]),
                 paste0("#", seq_len(nrow(wr))))
w1 <- wr[ww$wave[k] == "W", ]
put("wave_weighted", c(list(responses = nrow(w1), dimensions = example_dims(w1)), headline(w1)))
# by region (survey score --by region): each region a domain of the design
cu <- read.csv("examples/after-sales/data/customers.csv", stringsAsFactors = FALSE)
wr$region <- cu$region[match(wr$customer_id, cu$external_id)]
groups <- list()
for (g in sort(unique(wr$region[wr$region != ""]))) {
  dom <- wr$region == g
  groups[[g]] <- list(responses = sum(dom), csat = csat_of(wr, dom),
                      dimensions = example_dims(wr, dom))
}
put("waves_mixed", c(list(responses = nrow(wr), dimensions = example_dims(wr)), headline(wr)))
put("waves_by_region", list(groups = groups))

# ---- the CES survey (ces.yaml): 120 made-up responses of 30 customers -----------
set.seed(20261123)
n <- 120
cust <- sprintf("E%03d", 1:30)
eff <- sample(1:7, n, replace = TRUE, prob = c(.22, .25, .18, .12, .1, .08, .05))
help <- pmin(5, pmax(1, round(5.5 - eff / 2 + rnorm(n, 0, .8))))
hard <- pmin(5, pmax(1, round(eff / 2 + 1 + rnorm(n, 0, .9))))
eff[sample(n, 6)] <- NA; help[sample(n, 5)] <- NA; hard[sample(n, 7)] <- NA
at <- format(as.POSIXct("2026-07-02 09:00:00", tz = "UTC") + sort(sample(0:(80 * 86400), n)),
             "%Y-%m-%dT%H:%M:%S+08:00")
resp <- data.frame(external_id = sprintf("EF%04d", 1:n), survey = "effort",
                   customer_id = sample(cust, n, replace = TRUE), submitted_at = at,
                   duration_s = 200, q_effort = eff, q_help = help, q_hard = hard)
write.csv(resp, file.path(out, "ces_responses.csv"), row.names = FALSE, na = "", quote = FALSE)
write.csv(data.frame(external_id = cust, name = paste("Customer", cust), kind = "person",
                     created_at = "2025-01-01"),
          file.path(out, "ces_customers.csv"), row.names = FALSE, quote = FALSE)
resp$w <- 1
d <- svydesign(ids = ~1, weights = ~w, data = resp)
sub <- d[!is.na(resp$q_effort), ]
m <- svymean(~q_effort, d, na.rm = TRUE)
ci <- confint(m, df = degf(sub))
box <- function(values) {
  dd <- update(sub, s_ = as.numeric(q_effort %in% values))
  p <- svyciprop(~s_, dd, method = "mean", df = degf(dd))
  ci <- attr(p, "ci")
  list(p = as.numeric(unclass(p))[1], se = as.numeric(SE(p)), ci_lower = unname(ci[1]),
       ci_upper = unname(ci[2]))
}
ces <- list(n = sum(!is.na(resp$q_effort)), mean = unname(coef(m)), se = as.numeric(SE(m)),
            df = degf(sub), ci_lower = ci[1], ci_upper = ci[2],
            low_effort = box(1:2), high_effort = box(6:7))
resp$q_hard_r <- 6 - resp$q_hard
sup <- dim(resp, c("q_help", "q_hard_r"), 1, 5)
sup$items <- I(c("q_help", "q_hard"))
put("ces", list(responses = n, ces = ces, dimensions = list(support = sup)))
