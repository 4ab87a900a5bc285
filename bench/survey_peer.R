# The R peer of bench/survey.sh: the figures of `manyi survey score` with R's
# survey package.
#
#   Rscript bench/survey_peer.R FILE [check]
#
# FILE is the CSV that survey.sh exports from the manyi database with the
# sqlite3 shell: one row per response with stratum, weight and the answers
# (an empty field is not answered). Reads it (data.table::fread when
# installed, else read.csv), then, timed as time.compute:
#   design  svydesign(ids = ~1, strata = ~stratum, weights = ~weight)
#   csat    svymean of the top-2-box indicator of q_overall (4 or 5)
#   nps     svymean of the promoter (9-10) and detractor (0-6) indicators of
#           q_nps, then svycontrast(promoter - detractor) x 100
#   index   per response and dimension the mean of the answered items (q_wait
#           reversed: 6 - x), svymean of each dimension (na.rm: a domain),
#           scored 0-100 and weighted by the dimension weights of
#           examples/after-sales/manyi.yaml
# (making the derived columns is timed too). With "check", the same figures
# under the design manyi's score uses, weights only (svydesign(ids = ~1,
# weights = ~weight)): their standard errors are the ones to compare (the
# point estimates do not depend on the strata). Prints "key value" lines;
# time.load and time.compute are elapsed seconds measured inside R.

args <- commandArgs(trailingOnly = TRUE)
if (!(length(args) == 1 || (length(args) == 2 && args[2] == "check")))
  stop("usage: Rscript survey_peer.R FILE [check]")
file <- args[1]
check <- length(args) == 2
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))),
                 "peer_rows.R"))
t0 <- now()
d <- read_rows(file, c("stratum", "tier"), "id")
t1 <- now()

t2 <- now()
d$q_wait <- 6 - d$q_wait
d$top2 <- ifelse(is.na(d$q_overall), NA, as.numeric(d$q_overall >= 4))
d$prom <- ifelse(is.na(d$q_nps), NA, as.numeric(d$q_nps >= 9))
d$detr <- ifelse(is.na(d$q_nps), NA, as.numeric(d$q_nps <= 6))
for (dn in names(dims)) d[[paste0("d_", dn)]] <- rowMeans(d[dims[[dn]][[2]]], na.rm = TRUE)
for (dn in names(dims)) d[[paste0("d_", dn)]][is.nan(d[[paste0("d_", dn)]])] <- NA

figures <- function(des) {
  csat <- svymean(~top2, des, na.rm = TRUE)
  pd <- svymean(~prom + detr, des, na.rm = TRUE)
  nps <- svycontrast(pd, c(prom = 100, detr = -100))
  dm <- sapply(names(dims), function(dn) unname(coef(svymean(as.formula(paste0("~d_", dn)), des, na.rm = TRUE))))
  w <- sapply(dims, `[[`, 1)
  score <- 100 * (dm - 1) / 4
  list(csat = coef(csat)[[1]], csat_se = SE(csat)[[1]], nps = coef(nps)[[1]], nps_se = SE(nps)[[1]],
       index = sum(w * score) / sum(w), score = score)
}

des <- if (check) svydesign(ids = ~1, weights = ~weight, data = d) else
  svydesign(ids = ~1, strata = ~stratum, weights = ~weight, data = d)
f <- figures(des)
t3 <- now()
se <- if (check) "" else "stratified."

out <- c(
  sprintf("# R %s, survey %s, data.table %s", paste(R.version$major, R.version$minor, sep = "."),
          as.character(packageVersion("survey")),
          if (have_dt) as.character(packageVersion("data.table")) else "not installed"),
  sprintf("rows %d", nrow(d)),
  sprintf("strata %d", length(unique(d$stratum))),
  sprintf("csat.p %.17g", f$csat),
  sprintf("%scsat.se %.17g", se, f$csat_se),
  sprintf("nps.nps %.17g", f$nps),
  sprintf("%snps.se %.17g", se, f$nps_se),
  sprintf("index.index %.17g", f$index),
  sprintf("index.dimension_score_0_100.%s %.17g", names(f$score), f$score),
  sprintf("time.load %.3f", t1 - t0),
  sprintf("time.compute %.3f", t3 - t2))
writeLines(out)
