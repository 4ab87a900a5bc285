/* The catalogue of statistics: name, summary, options, help and the function
 * that computes each as JSON. `manyi stats` (core/cli/cmd_stats.c) and
 * manyi.stats in Lua (core/policy/bind_stats.c) both look them up here, so
 * the two take the same options and give the same fields. */
#include <string.h>

#include "analysis/analysis.h"

#define COMMON \
  "Input: a CSV (or JSONL) file with a header row. An empty field or NA is\n"                \
  "missing; missing values are dropped per column and counted. A cell that is\n"             \
  "not a number, or is infinite, is an error naming FILE:LINE and the column.\n"             \
  "--json (here or before 'stats') prints JSON with full double precision;\n"                \
  "undefined quantities (e.g. sd of one value) are null.\n"

#define BY \
  "--by G: the fields over all rows, by (the column) and groups {level: the same\n"          \
  "fields} for each level of G (sorted; numeric levels numerically). Rows with a\n"         \
  "missing G count overall only; n_missing counts the group's own rows. With a\n"         \
  "design each group is a domain of the whole design, as R's svyby(~COL, ~G,\n"           \
  "design, svymean): every stratum and PSU stays (n_h, fpc), only the values\n"           \
  "outside the group leave the estimate; so se and df are not those of the\n"            \
  "group's rows taken as a sample of their own. A group with no value is an\n"           \
  "error naming it.\n"

#define DESIGN \
  "Design options (R: survey::svydesign(ids = ~K or ~1, strata = ~S, weights = ~W,\n"          \
  "fpc = ~F, nest = --nest)). Every row of FILE is a sampled unit and needs its\n"              \
  "weight, stratum, cluster and fpc (a missing one is an error at FILE:LINE):\n"                \
  "  --weight W      sampling weights >= 0 (without them: N_h/n_h from --fpc, else 1)\n"       \
  "  --strata S      strata; with --cluster K a stratified cluster sample\n"                    \
  "  --cluster K     primary sampling units (one-stage cluster sample without\n"               \
  "                  --strata); each row is its own PSU without it\n"                         \
  "  --fpc F         population size of the stratum in PSUs, or the sampling\n"                \
  "                  fraction when all values are <= 1 (as survey); constant in a stratum\n"   \
  "  --nest          cluster ids restart in each stratum (nest = TRUE); without it a\n"       \
  "                  cluster id in two strata is an error, as survey's check.strata\n"         \
  "  --lonely-psu R  a stratum with one PSU: fail (R's default, an error naming the\n"         \
  "                  stratum), remove, certainty (both add 0 in one stage), adjust\n"         \
  "                  (f_h t_h^2, centred at 0) or average (R: options(survey.lonely.psu))\n"  \
  "A missing value of COL is svymean(na.rm = TRUE): the row leaves the estimate,\n"            \
  "the design keeps its PSUs (a PSU without values counts 0 in its stratum; a\n"               \
  "stratum without values is left out). df = PSUs - strata among the rows with a\n"          \
  "value and a weight > 0 (degf of that subset).\n"

#define H_DESCRIBE \
     "Usage: manyi stats describe FILE --col COL [--weight W] [--by G] [--json]\n\n" \
     "n, n_missing, sum, mean, sd and var (n-1), se_mean, median, q1, q3, iqr\n" \
     "(quantile type 7, R's default), min, max, mode (smallest of ties), modes.\n" \
     "With one value sd, var and se_mean are null. No values is an error.\n\n" \
     "With --weight W (every row needs a weight >= 0; R: svydesign(ids = ~1,\n" \
     "weights = ~W) over all rows): sum_weights, sum = svytotal, mean = svymean,\n" \
     "var and sd = svyvar on the rows with a value (sum w (x-mean)^2 / sum w *\n" \
     "m/(m-1), m = rows with a value and w > 0), se_mean = SE of svymean(na.rm =\n" \
     "TRUE) (as 'mean --weight'), median/q1/q3 = svyquantile with its default\n" \
     "qrule = \"math\" (the smallest value whose cumulative weight share reaches p;\n" \
     "like survey 4.1 it gives the second-smallest value when the smallest alone\n" \
     "holds more than p of the weight), min/max over rows with w > 0, mode = the\n" \
     "value with the largest sum of weights. All weights 0 is an error.\n\n" BY "\n" COMMON

#define H_MEAN \
     "Usage: manyi stats mean FILE --col COL [--conf 0.95] [--weight W] [--strata S]\n" \
     "                        [--cluster K] [--fpc F] [--nest] [--lonely-psu R] [--by G]\n"\
     "                        [--json]\n\n" \
     "n, n_missing, mean, se, df, ci_lower, ci_upper. Without design options: simple\n" \
     "random sample, se = sd/sqrt(n), t interval with df = n-1 (R: t.test).\n" \
     "With any design option: Taylor linearisation (R: svymean(~COL, design, na.rm =\n" \
     "TRUE, deff = TRUE), se = SE(), t interval confint(df = degf(design))), plus\n" \
     "deff (survey's deff = TRUE: against SRS without replacement of the m rows with\n" \
     "a value and w > 0 from a population of sum_weights; null when sum_weights <=\n" \
     "m), sum_weights, n_psu, n_strata and design {...}. The interval is null when\n" \
     "df < 1. All weights 0 is an error.\n\n" BY "\n" DESIGN "\n" COMMON

#define H_RAKE \
     "Usage: manyi stats rake FILE --col COL --margin VAR=FILE.csv[,VAR2=FILE2.csv...]\n" \
     "                        [--epsilon 1] [--maxit 10] [design options] [--json]\n" \
     "       manyi stats rake FILE --col COL --poststratify VAR=FILE.csv [design options]\n\n" \
     "Calibrates the design weights to population totals, then the mean of COL.\n" \
     "Each margins file (CSV or JSONL) has columns level,count: one row per level\n" \
     "of VAR with its population total (> 0). Every level in the data must be in\n" \
     "the file and every level in the file must have rows in the data; a missing\n" \
     "VAR, a duplicate level, a missing or non-positive count, and margins whose\n" \
     "totals differ (more than 1e-9 relative; R's rake would silently end with\n" \
     "weights that match only the last margin) are errors. Several margins go in\n" \
     "one --margin, separated by commas (so a margins file name cannot hold one).\n" \
     "--margin: R's survey::rake(design, list(~VAR, ~VAR2), list(pop1, pop2),\n" \
     "control = list(maxit = --maxit, epsilon = --epsilon)): passes of\n" \
     "post-stratification on each margin in turn until the weighted cross-table of\n" \
     "all margins moves less than epsilon in every cell (epsilon >= 1: that many\n" \
     "units, R's default 1; < 1: that share of the sum of the weights); converged\n" \
     "false after maxit passes (R warns). manyi runs R's very iteration, so with the\n" \
     "same epsilon the weights agree with R to rounding: the tests use 1e-9\n" \
     "relative, for R's loose default (epsilon 1) and a tight one (1e-12, maxit 100).\n" \
     "--poststratify: R's postStratify(design, ~VAR, pop), one step.\n" \
     "From Lua, manyi.stats.rake(rows, {margin = {VAR = {level = count, ...}, ...}})\n" \
     "takes the totals as tables (no files); the variables are raked in the order\n" \
     "of their names.\n" \
     "Output: n, n_missing, mean, se (svymean on the calibrated design: survey's\n" \
     "calibration residuals before the stratum/PSU sums; a row with weight 0 makes\n" \
     "R's raking residuals 0/0, so se is then null), df, ci_lower, ci_upper\n" \
     "(confint(df = degf)), sum_weights (all rows after calibration: the population\n" \
     "total), sum_weights_values (rows with a value), iterations, converged,\n" \
     "epsilon (the absolute tolerance used), cells [{VAR: level, ..., n, sum_weights,\n" \
     "weight (mean final weight), factor (final / design weight, the same for every\n" \
     "row of the cell)}] for each combination of levels in the sample.\n\n" DESIGN "\n" COMMON

#define H_PROP \
     "Usage: manyi stats prop FILE --col COL [--success 4,5] [--method M]\n" \
     "                        [--conf 0.95] [design options] [--json]\n\n" \
     "n, x, p, se, ci_lower, ci_upper. --success lists the values that count as\n" \
     "successes (others are failures); without it the column must be 0/1.\n" \
     "Methods: wald, wilson (default; R prop.test(correct=FALSE)), wilson-cc\n" \
     "(prop.test(correct=TRUE)), clopper-pearson (binom.test), logit (Wald on the\n" \
     "log-odds; null when x = 0 or x = n). se is sqrt(p(1-p)/n) for all methods.\n\n" \
     "With design options (--weight alone too): p = svymean of the success\n" \
     "indicator on the design of all rows (na.rm = TRUE, as 'mean'), se by\n" \
     "Taylor linearisation, x the weighted number of successes, plus df (degf of\n" \
     "the rows with a value), deff, sum_weights, n_psu, n_strata, design. The\n" \
     "interval is R's svyciprop with that df: --method wald (the default here;\n" \
     "svyciprop \"mean\": p -/+ t se) or logit (svyciprop \"logit\": plogis(qlogis(p)\n" \
     "-/+ t se/(p(1-p))), null when p is 0 or 1). wilson, wilson-cc and\n" \
     "clopper-pearson assume a simple random sample and are refused.\n\n" DESIGN "\n" COMMON

#define H_NPS \
     "Usage: manyi stats nps FILE --col COL [--by G] [--conf 0.95] [design options]\n" \
     "                       [--json]\n\n" \
     "Scores 0-10 (whole numbers; anything else is an error): 9-10 promoters,\n" \
     "7-8 passives, 0-6 detractors. n, n_missing, n_promoters, n_passives,\n" \
     "n_detractors; promoters, passives, detractors in percent (weighted with a\n" \
     "design); nps = %promoters - %detractors in points (-100..100); se = 100 * SE\n" \
     "of the mean of s = +1/0/-1. Without design options: se = 100 sd(s)/sqrt(n),\n" \
     "normal interval. With design options (--weight alone too): nps = 100 *\n" \
     "svymean(~s) on the design of all rows (na.rm = TRUE), linearised se, t\n" \
     "interval with df = degf (as 'mean'), plus df, deff, sum_weights, n_psu,\n" \
     "n_strata, design.\n" \
     "With --by: groups {level: same fields} and differences {\"A_minus_B\": diff,\n" \
     "se, z, p_value (two-sided), ci_lower, ci_upper (normal)} for every pair of\n" \
     "levels (sorted; numeric levels numerically). Without a design the groups\n" \
     "are independent samples: se = sqrt(se_A^2 + se_B^2). With a design each\n" \
     "group is a domain of the whole design (svyby) and the difference's se comes\n" \
     "from the joint linearisation, so what the groups share through strata and\n" \
     "clusters counts (R: svycontrast(svyby(~s, ~G, design, svymean, covmat =\n" \
     "TRUE), c(1, -1))). Rows with a missing group count overall only.\n\n" DESIGN "\n" COMMON

#define H_SAMPLE_SIZE \
     "Usage: manyi stats sample-size --margin 0.05 [--conf 0.95] [--p 0.5]\n" \
     "                               [--population N] [--json]\n\n" \
     "z, n0 = z^2 p(1-p)/margin^2, n = n0 rounded up, or with --population the\n" \
     "finite population corrected n0/(1 + (n0-1)/N) rounded up (Cochran 1977).\n"

#define H_TTEST \
     "Usage: manyi stats ttest FILE --col COL --group G [--var-equal] [--conf 0.95]\n" \
     "       manyi stats ttest FILE --col COL --group G --paired --id ID\n\n" \
     "t, df, p, diff (mean of the first level minus the second; levels sorted),\n" \
     "ci_lower, ci_upper, plus n1, n2, mean1, mean2, group1, group2. Welch by\n" \
     "default (R: t.test), pooled with --var-equal. --paired matches rows of the\n" \
     "two levels by --id (long format); an id without a partner or with a\n" \
     "missing value is left out (n_unpaired); an id twice in a level is an error.\n" \
     "G must have exactly 2 levels.\n\n" COMMON

#define H_ANOVA \
     "Usage: manyi stats anova FILE --col COL --group G [--json]\n\n" \
     "f, df_between, df_within, p, ss_between, ss_within, eta_squared,\n" \
     "group_means {level: mean} (R: summary(aov(COL ~ G))). Needs 2+ groups and\n" \
     "more values than groups; a group of one is allowed; no variation within\n" \
     "every group is an error.\n\n" COMMON

#define H_KRUSKAL \
     "Usage: manyi stats kruskal FILE --col COL --group G [--json]\n\n" \
     "statistic (H, ties corrected), df, p (chi-square) (R: kruskal.test).\n\n" COMMON

#define H_MANNWHITNEY \
     "Usage: manyi stats mannwhitney FILE --col COL --group G [--json]\n\n" \
     "statistic (W = rank sum of the first level - n1(n1+1)/2), z, df (null), p:\n" \
     "normal approximation with continuity correction and tie-corrected variance\n" \
     "(R: wilcox.test(COL ~ G, exact=FALSE, correct=TRUE)). G: exactly 2 levels.\n\n" COMMON

#define H_CHISQ \
     "Usage: manyi stats chisq FILE --row R --col C [--count N] [--yates] [--json]\n\n" \
     "chisq, df, p, n, cramers_v (from the uncorrected statistic), expected\n" \
     "{row level: {col level: count}} (R: chisq.test(table, correct=--yates); the\n" \
     "correction applies to 2x2 tables only). Each row counts 1, or --count N.\n" \
     "Rows with a missing R or C are left out (n_missing).\n\n" COMMON

#define H_ALPHA \
     "Usage: manyi stats alpha FILE --cols A,B,C [--reverse B] [--scale-min 1\n" \
     "                          --scale-max 5] [--json]\n\n" \
     "n (complete cases), raw_alpha, std_alpha, average_r, scale_mean, scale_sd\n" \
     "(of the item means per row), alpha_if_dropped {item: raw alpha without it},\n" \
     "item_total_r {item: r with the sum of the other items} (R: psych::alpha).\n" \
     "--reverse items become min + max - x and need --scale-min and --scale-max;\n" \
     "with those given, a value outside the range is an error.\n\n" COMMON

#define H_CORR \
     "Usage: manyi stats corr FILE --cols A,B,C [--method pearson|spearman] [--json]\n\n" \
     "n (complete cases), r {a: {b: r}}, p {a: {b: p}}; p from the t statistic\n" \
     "with n-2 df (R: cor.test; spearman as cor.test(exact=FALSE)).\n\n" COMMON

#define H_REGRESS \
     "Usage: manyi stats regress FILE --y Y --x A,B,C [--json]\n\n" \
     "n (complete cases), coefficients {intercept|x: estimate, se, t, p},\n" \
     "r_squared, adj_r_squared, sigma, f, f_df1, f_df2, f_p (R: summary(lm)).\n" \
     "A predictor that is constant or a linear combination of others is an\n" \
     "error naming it.\n\n" COMMON

#define H_DRIVERS \
     "Usage: manyi stats drivers FILE --y Y --x A,B,C [--performance PA,PB,PC]\n" \
     "                           [--bootstrap B [--seed 1] [--conf 0.95] [--resamples]]\n" \
     "                           [--json]\n\n" \
     "Key-driver analysis of Y on the --x columns (complete cases; at most 15):\n" \
     "r_squared; per driver standardized_beta (OLS on standardised variables),\n" \
     "relative_weights_raw and relative_weights_share (Johnson 2000; raw sums to\n" \
     "r_squared, share to 1), shapley_raw and shapley_share (LMG: each driver's R^2\n" \
     "gain averaged over all orders of entry, from the R^2 of all 2^k subsets).\n" \
     "--performance gives one column per driver (same order); its mean over the\n" \
     "rows where it is present is the driver's performance. quadrant {driver:\n" \
     "importance (= shapley_share), performance, quadrant} splits at the mean\n" \
     "importance and the mean performance over the drivers (quadrant_split; equal\n" \
     "counts as high): keep_up_the_good_work (high, high), concentrate_here (high\n" \
     "importance, low performance), low_priority (low, low), possible_overkill\n" \
     "(low importance, high performance). A constant or collinear driver, or a\n" \
     "constant Y, is an error.\n\n" \
     "--bootstrap B: percentile intervals of relative_weights_share and\n" \
     "shapley_share. B resamples of the complete cases with replacement, drawn\n" \
     "with GSL's mt19937 seeded by --seed (the same seed gives the same resamples\n" \
     "and intervals on every machine); each is refitted; the interval is the\n" \
     "(1-conf)/2 and (1+conf)/2 quantiles (R's quantile type 7) of the shares\n" \
     "over the refitted resamples. A resample in which a driver or Y is constant\n" \
     "or drivers are collinear has no importances: it is left out and counted\n" \
     "(skipped); fewer than 2 fitted resamples is an error. Output: bootstrap\n" \
     "{replicates, seed, conf, skipped, relative_weights_share {driver: {lower,\n" \
     "upper}}, shapley_share {...}}; --resamples adds resamples: the complete-case\n" \
     "numbers (1-based, in file order) of each resample, so another program (the\n" \
     "tests use R) can refit the very same sets.\n\n" COMMON

#define H_KM \
     "Usage: manyi stats km FILE --time T --event E [--event-value V] [--by G]\n" \
     "                       [--at T1,T2] [--conf 0.95] [--json]\n\n" \
     "Kaplan-Meier survival (R: survfit(Surv(T, E) ~ 1, conf.type=\"log\")): n,\n" \
     "events, at_times [{time, n_risk (at risk at that time), surv, se (Greenwood\n" \
     "SE of S; null where S = 0)}] for each --at time, median, median_ci_lower,\n" \
     "median_ci_upper (as survival's quantile.survfit; null when not reached).\n" \
     "E is 1 (event) or 0 (censored), or with --event-value the value that marks\n" \
     "the event (any other value is censored). Times must be >= 0. Rows missing T\n" \
     "or E are left out (n_missing). With --by: groups {level: same fields} and\n" \
     "logrank {chisq, df, p, observed, expected} (R: survdiff); rows with a missing\n" \
     "G count overall only.\n\n" COMMON

#define H_PCA \
     "Usage: manyi stats pca FILE --cols A,B,C [--factors 1] [--rotate varimax|none]\n\n" \
     "Principal components of the correlation matrix (complete cases), as\n" \
     "psych::principal(nfactors=K, rotate=...): n, eigenvalues (all), and for the K\n" \
     "kept components rotated_ss_loadings, proportion_variance (= ss / number of\n" \
     "columns), communalities {item: h2}, loadings {item: [K]}. Varimax is R's\n" \
     "stats::varimax (Kaiser normalisation, eps 1e-5); components are ordered by\n" \
     "their sum of squared loadings and signed to a positive column sum. One\n" \
     "component is not rotated. A constant column is an error.\n\n" COMMON

#define H_INDEX \
     "Usage: manyi stats index FILE --dims 'NAME:W:MIN:MAX:COL1,COL2;...' [--by G]\n" \
     "                         [--weight W] [--strata S] [--cluster K] [--nest]\n" \
     "                         [--lonely-psu R]\n\n" \
     "Weighted satisfaction index: per dimension the row's mean of its present\n" \
     "items (a row with none is left out of that dimension), dimension_mean_raw =\n" \
     "the mean of those over rows, dimension_score_0_100 = 100 (mean - MIN) /\n" \
     "(MAX - MIN), index = sum W score / sum W (weights are normalised; see\n" \
     "weights). se: the index's standard error by linearisation of the dimension\n" \
     "means (rows as independent units), ci_lower/ci_upper index -/+ 1.96 se.\n" \
     "n counts rows with a value in any dimension; dimension_n per\n" \
     "dimension. A value outside MIN..MAX is an error. With --by: groups.\n" \
     "With --weight W (every row needs a weight >= 0) each dimension's mean is\n" \
     "weighted by the row weights (R: svymean(~m, svydesign(ids = ~1, weights =\n" \
     "~W), na.rm = TRUE) on the row values m). With --strata or --cluster the\n" \
     "se follows that design (as mean's design options): the PSU totals of the\n" \
     "linearised values, the rows with a value in any dimension present (R:\n" \
     "svycontrast of svyratio(~y_d, ~a_d) on svydesign(ids = ~K, strata = ~S,\n" \
     "weights = ~W)); design {...} says what it was.\n\n" COMMON

#define H_TREND \
     "Usage: manyi stats trend FILE --col COL [--period 12] [--json]\n\n" \
     "The column as a series in file order (t = 1, 2, ...). ols {slope, slope_se,\n" \
     "slope_p, intercept, intercept_se, r_squared} of COL on t (R: lm(x ~ t));\n" \
     "ma_centered (R's decompose() trend: centred moving average, 2 x period for an\n" \
     "even period), ma_trailing (mean of the last period values), seasonal (the\n" \
     "decompose() figure: one value per position in the period, summing to 0).\n" \
     "A missing value makes the moving averages that include it null. Needs at\n" \
     "least 2 full periods of values.\n\n" COMMON

#define H_KMEANS \
     "Usage: manyi stats kmeans FILE --cols A,B --k K [--starts 10] [--seed 1] [--json]\n\n" \
     "k-means (Lloyd) on the complete cases: tot_withinss, betweenss, totss, sizes,\n" \
     "withinss, centers {1..K: {col: mean}}. Each start draws K distinct rows with\n" \
     "GSL's mt19937 seeded by --seed; the best start is kept; clusters are numbered\n" \
     "by their centres in ascending order (first column first), so the same data\n" \
     "and seed always give the same output. Columns are not scaled.\n\n" COMMON

const mi_analysis_sub mi_analysis_subs[] = {
    {"describe", "n, mean, sd, quantiles, mode of a column (optionally weighted)", "col by weight", 1, H_DESCRIBE, mi_analysis_run_describe},
    {"mean", "mean with a confidence interval; weighted, stratified, cluster designs", "col by conf weight strata cluster fpc nest! lonely-psu", 1, H_MEAN, mi_analysis_run_mean},
    {"prop", "proportion with a confidence interval", "col success method conf weight strata cluster fpc nest! lonely-psu", 1, H_PROP, mi_analysis_run_prop},
    {"nps", "Net Promoter Score, by group with pairwise differences", "col by weight conf strata cluster fpc nest! lonely-psu", 1, H_NPS, mi_analysis_run_nps},
    {"sample-size", "sample size for a proportion", "conf margin p population", 0, H_SAMPLE_SIZE, mi_analysis_run_sample_size},
    {"ttest", "two-sample or paired t test", "col group var-equal! paired! id conf", 1, H_TTEST, mi_analysis_run_ttest},
    {"anova", "one-way analysis of variance", "col group", 1, H_ANOVA, mi_analysis_run_anova},
    {"kruskal", "Kruskal-Wallis rank-sum test", "col group", 1, H_KRUSKAL, mi_analysis_run_kruskal},
    {"mannwhitney", "Mann-Whitney U (Wilcoxon rank-sum) test", "col group", 1, H_MANNWHITNEY, mi_analysis_run_mannwhitney},
    {"chisq", "chi-square test of independence", "row col count yates!", 1, H_CHISQ, mi_analysis_run_chisq},
    {"alpha", "Cronbach's alpha of a scale", "cols reverse scale-min scale-max", 1, H_ALPHA, mi_analysis_run_alpha},
    {"corr", "correlation matrix with p-values", "cols method", 1, H_CORR, mi_analysis_run_corr},
    {"regress", "OLS linear regression", "y x", 1, H_REGRESS, mi_analysis_run_regress},
    {"drivers", "key drivers: relative weights, Shapley, importance-performance", "y x performance bootstrap seed conf resamples!", 1, H_DRIVERS, mi_analysis_run_drivers},
    {"km", "Kaplan-Meier survival, by group with a log-rank test", "time event event-value by at conf", 1, H_KM, mi_analysis_run_km},
    {"pca", "principal components with varimax rotation", "cols factors rotate", 1, H_PCA, mi_analysis_run_pca},
    {"rake", "mean after raking or post-stratifying the weights to population totals", "col conf weight strata cluster fpc nest! lonely-psu margin poststratify epsilon maxit", 1, H_RAKE, mi_analysis_run_rake},
    {"index", "weighted satisfaction index 0-100 over dimensions", "dims by weight strata cluster nest! lonely-psu", 1, H_INDEX, mi_analysis_run_index},
    {"trend", "linear trend, moving averages, seasonal figure", "col period", 1, H_TREND, mi_analysis_run_trend},
    {"kmeans", "k-means clustering", "cols k starts seed", 1, H_KMEANS, mi_analysis_run_kmeans},
    {NULL, NULL, NULL, 0, NULL, NULL},
};

const mi_analysis_sub *mi_analysis_find(const char *name) {
  for (const mi_analysis_sub *s = mi_analysis_subs; s->name; s++)
    if (!strcmp(s->name, name)) return s;
  return NULL;
}

/* The option is in sub's list: 1 value option, 2 flag, 0 unknown. */
int mi_analysis_option_kind(const mi_analysis_sub *s, const char *name, size_t len) {
  const char *p = s->options;
  while (*p) {
    const char *q = strchr(p, ' ');
    size_t l = q ? (size_t)(q - p) : strlen(p);
    int flag = l && p[l - 1] == '!';
    if (l - (size_t)flag == len && !strncmp(p, name, len)) return flag ? 2 : 1;
    p += l;
    while (*p == ' ') p++;
  }
  return 0;
}

void mi_analysis_option_list(const mi_analysis_sub *s, int lua, char *buf, size_t size) {
  size_t k = 0;
  for (const char *p = s->options; *p && k + 1 < size; p++) {
    if (*p == '!') continue; /* the flag marker is for the parser, not for people */
    buf[k++] = lua && *p == '-' ? '_' : *p;
  }
  if (size) buf[k < size ? k : size - 1] = 0;
}
