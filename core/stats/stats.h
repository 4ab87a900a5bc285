/* mi_stats: survey math as pure functions over arrays (DESIGN.md: no I/O, no
 * SQLite, no Lua, no configuration). Built on GSL for distributions, quantiles,
 * sorting and linear algebra.
 *
 * Shape of the API
 *  - Input data is an mi_stats_vec: n values, an optional missing mask and
 *    optional weights. Missing values are dropped per column and counted;
 *    nothing is imputed, clamped or guessed. A row with weight 0 is a
 *    sampled unit that contributes nothing (as in R's survey package).
 *  - Groups are given as a level index per row (size_t, 0..ngroups-1, or
 *    MI_STATS_NO_GROUP to drop the row); the caller owns the level names.
 *  - Streaming: mi_stats_moments (weighted Welford mean/variance, mergeable)
 *    and mi_stats_nps_acc (weighted NPS counts) take one value at a time, so
 *    batch jobs fold rows in one pass in bounded memory and merge per group
 *    or per chunk. The array functions are built on them.
 *  - Results are plain structs. Functions return 0 or a negative MI_E* code
 *    and fill an mi_err (e may be NULL). The only allocating results say so
 *    and have a _free function.
 *  - A quantity that is undefined for the data (sd with n = 1, a p-value
 *    with zero variance) is NaN; the CLI prints it as JSON null. Each
 *    function's comment says when that happens.
 *
 * References: R 4.x (stats), survey (Lumley), psych (Revelle); each function
 * names the R call its fixture in tests/data/stats/reference.R uses. */
#ifndef MI_STATS_STATS_H
#define MI_STATS_STATS_H

#include <stddef.h>

#include "util/err.h"

/* ---- input ---------------------------------------------------------------- */

typedef struct mi_stats_vec {
  const double *x;             /* n values (x[i] ignored where missing) */
  const unsigned char *miss;   /* NULL = none missing; else nonzero = missing */
  const double *w;             /* NULL = unit weights; else n finite weights >= 0 */
  size_t n;
} mi_stats_vec;

#define MI_STATS_NO_GROUP ((size_t)-1)

/* Checks v: x non-NULL when n > 0, every non-missing x finite, weights finite
 * and >= 0. `what` names the column in the message. */
int mi_stats_vec_check(const mi_stats_vec *v, const char *what, mi_err *e);

/* Two-sided critical value: the (1+conf)/2 quantile of N(0,1), or of t(df)
 * when df > 0. conf must be in (0, 1). */
double mi_stats_crit(double conf, double df);

/* ---- streaming accumulators ----------------------------------------------- */

/* Weighted single-pass mean and variance (West 1979; Welford for unit
 * weights); mergeable (Chan, Golub & LeVeque 1979) for groups and chunks.
 * Zero-valued fields are the empty state: `mi_stats_moments m = {0};`. */
typedef struct mi_stats_moments {
  size_t n;       /* observations added (weight 0 included) */
  size_t n_missing;
  double sw;      /* sum of weights */
  double sw2;     /* sum of squared weights */
  double mean;    /* weighted mean */
  double m2;      /* sum of w * (x - mean)^2 */
  double sum;     /* weighted sum */
  double min, max;
} mi_stats_moments;

/* Adds x with weight w (w >= 0, both finite; not checked: the caller checks
 * input once with mi_stats_vec_check). */
void mi_stats_moments_add(mi_stats_moments *m, double x, double w);
void mi_stats_moments_add_missing(mi_stats_moments *m);
/* a := a combined with b. */
void mi_stats_moments_merge(mi_stats_moments *a, const mi_stats_moments *b);
/* Sample variance with n-1 denominator for unit weights: m2 / (n - 1);
 * for weights, the survey package's svyvar: m2 / sw * n / (n - 1). NaN if n < 2. */
double mi_stats_moments_var(const mi_stats_moments *m);

/* NPS counts for one group: scores 0..10; 9-10 promoters, 7-8 passives,
 * 0-6 detractors. Unweighted counts and weighted sums of the NPS score
 * s = +1 / 0 / -1 (so the linearised SE comes out of the same pass). */
typedef struct mi_stats_nps_acc {
  size_t n, n_missing, n_promoters, n_passives, n_detractors;
  double w_promoters, w_passives, w_detractors;
  double w2[3]; /* sum of squared weights: detractors, passives, promoters */
  mi_stats_moments score; /* moments of s with the row weights */
} mi_stats_nps_acc;

/* Adds one score. Returns MI_EINVAL (message names the value) if score is
 * not an integer in 0..10. */
int mi_stats_nps_add(mi_stats_nps_acc *a, double score, double w, mi_err *e);

/* ---- describe ------------------------------------------------------------- */

typedef struct mi_stats_describe_result {
  size_t n, n_missing;
  double sum, mean, sd, var, se_mean; /* sd/var with n-1; NaN when n = 1 */
  double median, q1, q3, iqr;         /* Hyndman-Fan type 7 (R's default) */
  double min, max;
  double mode;    /* the smallest of the most frequent values */
  double *modes;  /* all most frequent values, ascending; owned: _free */
  size_t nmodes;
} mi_stats_describe_result;

/* Descriptive statistics of the non-missing values of v (weights ignored).
 * n = 0 is MI_EINVAL. Reference: R mean, sd, var, quantile(type = 7), sum,
 * min, max; mode by table(). Free with mi_stats_describe_free. */
int mi_stats_describe(const mi_stats_vec *v, mi_stats_describe_result *out, mi_err *e);
void mi_stats_describe_free(mi_stats_describe_result *r);

/* Quantile of type 7 of sorted[0..n): (n-1)p interpolation. n >= 1. */
double mi_stats_quantile7(const double *sorted, size_t n, double p);

/* ---- mean with a confidence interval -------------------------------------- */

typedef struct mi_stats_mean_result {
  size_t n, n_missing;
  double mean, se, df, ci_lower, ci_upper;
  double deff;       /* design effect; NaN without weights */
  double sum_weights;
} mi_stats_mean_result;

/* Mean of v with a conf-level t interval (df = n - 1).
 * Without weights: simple random sample, se = sd / sqrt(n) (R: t.test).
 * With weights: Taylor linearisation for a with-replacement design with
 * those weights (R: svymean(~x, svydesign(ids=~1, weights=~w)), confint with
 * df = degf = n - 1), deff as survey's svymean(deff = TRUE).
 * n = 0 is MI_EINVAL; n = 1 gives se, df, CI NaN; all weights 0 is MI_EINVAL. */
int mi_stats_mean(const mi_stats_vec *v, double conf, mi_stats_mean_result *out, mi_err *e);

/* ---- proportions ---------------------------------------------------------- */

typedef enum mi_stats_prop_method {
  MI_STATS_PROP_WALD,
  MI_STATS_PROP_WILSON,
  MI_STATS_PROP_WILSON_CC,
  MI_STATS_PROP_CLOPPER_PEARSON,
  MI_STATS_PROP_LOGIT,
} mi_stats_prop_method;

/* "wald", "wilson", ... -> method; MI_EINVAL naming the choices otherwise. */
int mi_stats_prop_method_parse(const char *name, mi_stats_prop_method *m, mi_err *e);
const char *mi_stats_prop_method_name(mi_stats_prop_method m);

typedef struct mi_stats_prop_result {
  size_t n;
  double x, p, se, ci_lower, ci_upper;
} mi_stats_prop_result;

/* Confidence interval for x successes in n trials (0 <= x <= n, n >= 1).
 * se = sqrt(p(1-p)/n) for every method. Methods (Brown, Cai & DasGupta 2001):
 *  wald            p -/+ z se
 *  wilson          score interval (R: prop.test(correct = FALSE))
 *  wilson-cc       with continuity correction exactly as R's prop.test(correct
 *                  = TRUE), including its min(0.5, |x - n/2|) correction
 *  clopper-pearson exact beta quantiles (R: binom.test)
 *  logit           plogis(log(x/(n-x)) -/+ z sqrt(n/(x(n-x)))); when x = 0 or
 *                  x = n the interval is undefined: ci_* are NaN. */
int mi_stats_prop_ci(double x, size_t n, double conf, mi_stats_prop_method method,
                     mi_stats_prop_result *out, mi_err *e);

/* ---- NPS ------------------------------------------------------------------ */

typedef struct mi_stats_nps_result {
  size_t n, n_missing, n_promoters, n_passives, n_detractors;
  double promoters, passives, detractors; /* weighted percentages, 0..100 */
  double nps, se, ci_lower, ci_upper;     /* points, -100..100 */
} mi_stats_nps_result;

/* NPS from an accumulator: nps = 100 * mean(s) with s = +1/0/-1, se =
 * 100 * the SE of that mean (R: svymean(~s, design); unweighted the design
 * is ids=~1 without weights, i.e. sd(s)/sqrt(n)); normal interval (survey's
 * confint). n = 0 is MI_EINVAL; n = 1 gives NaN se and interval. */
int mi_stats_nps_finish(const mi_stats_nps_acc *a, double conf, mi_stats_nps_result *out,
                        mi_err *e);

/* NPS of the scores in v, overall and (if group != NULL) per group.
 * group[i] in 0..ngroups-1 or MI_STATS_NO_GROUP. groups must hold ngroups
 * results (may be NULL when group is NULL). A group with no scores is
 * MI_EINVAL. */
int mi_stats_nps(const mi_stats_vec *v, const size_t *group, size_t ngroups, double conf,
                 mi_stats_nps_result *overall, mi_stats_nps_result *groups, mi_err *e);

typedef struct mi_stats_diff_result {
  double diff, se, z, p_value, ci_lower, ci_upper;
} mi_stats_diff_result;

/* Difference a - b of two independent estimates with standard errors:
 * se = sqrt(se_a^2 + se_b^2), z test, normal interval. */
void mi_stats_diff_independent(double a, double se_a, double b, double se_b, double conf,
                               mi_stats_diff_result *out);

/* ---- sample size ---------------------------------------------------------- */

typedef struct mi_stats_sample_size_result {
  double z, n0;
  double n; /* ceil of n0, or of n0 / (1 + (n0 - 1) / population) */
} mi_stats_sample_size_result;

/* Cochran's sample size for a proportion p with half-width margin at level
 * conf: n0 = z^2 p (1-p) / margin^2; population > 0 applies the finite
 * population correction, 0 means infinite. The rounding up ignores an
 * excess below 1e-9 (so 385.0000000001 from rounding is 385). */
int mi_stats_sample_size(double conf, double margin, double p, double population,
                         mi_stats_sample_size_result *out, mi_err *e);

/* ---- group comparisons ---------------------------------------------------- */

typedef struct mi_stats_ttest_result {
  size_t n1, n2;
  double mean1, mean2;
  double t, df, p, diff, ci_lower, ci_upper;
} mi_stats_ttest_result;

/* Two-sample t test of x1 (n1 values) against x2: Welch by default
 * (R: t.test(x1, x2)), pooled variance with var_equal (t.test(var.equal =
 * TRUE)). diff = mean1 - mean2. Each sample needs n >= 2 (pooled: n1 + n2 >= 3). */
int mi_stats_ttest(const double *x1, size_t n1, const double *x2, size_t n2, int var_equal,
                   double conf, mi_stats_ttest_result *out, mi_err *e);

/* Paired t test on differences d = x1 - x2 (R: t.test(x1, x2, paired = TRUE));
 * out->n1 = out->n2 = n pairs. Needs n >= 2; all differences equal -> MI_EINVAL. */
int mi_stats_ttest_paired(const double *x1, const double *x2, size_t n, double conf,
                          mi_stats_ttest_result *out, mi_err *e);

/* Groups as contiguous samples: values of group g are x[start[g] .. start[g+1]). */
typedef struct mi_stats_groups {
  const double *x;
  const size_t *start; /* ngroups + 1 offsets */
  size_t ngroups;
} mi_stats_groups;

typedef struct mi_stats_anova_result {
  double f, df_between, df_within, p, ss_between, ss_within, eta_squared;
  double *group_means; /* ngroups; owned: mi_stats_anova_free */
} mi_stats_anova_result;

/* One-way ANOVA (R: summary(aov(x ~ g))). Needs >= 2 groups, each non-empty,
 * and N > k. A group of one member is allowed. No variation within groups
 * (ss_within = 0, where R reports an "essentially perfect fit") is MI_EINVAL. */
int mi_stats_anova(const mi_stats_groups *g, mi_stats_anova_result *out, mi_err *e);
void mi_stats_anova_free(mi_stats_anova_result *r);

typedef struct mi_stats_rank_result {
  double statistic, df, p, z; /* kruskal: H, k-1, chi-square p, z NaN;
                                 mannwhitney: W, NaN, normal p, z */
} mi_stats_rank_result;

/* Kruskal-Wallis rank-sum test with ties correction (R: kruskal.test).
 * Needs >= 2 non-empty groups; all values equal -> MI_EINVAL. */
int mi_stats_kruskal(const mi_stats_groups *g, mi_stats_rank_result *out, mi_err *e);

/* Mann-Whitney U / Wilcoxon rank-sum test of group 0 against group 1:
 * W = rank sum of group 0 - n0(n0+1)/2, normal approximation with
 * continuity correction and ties-corrected variance (R: wilcox.test(x ~ g,
 * exact = FALSE, correct = TRUE)). Exactly 2 non-empty groups. */
int mi_stats_mannwhitney(const mi_stats_groups *g, mi_stats_rank_result *out, mi_err *e);

/* Average ranks (1-based, ties get the mean rank) of x[0..n) into rank;
 * *tie_sum (if non-NULL) = sum over tie groups of t^3 - t. */
int mi_stats_rank(const double *x, size_t n, double *rank, double *tie_sum, mi_err *e);

typedef struct mi_stats_chisq_result {
  double chisq, df, p, n, cramers_v;
  double *expected; /* nrow * ncol, row-major; owned: mi_stats_chisq_free */
} mi_stats_chisq_result;

/* Pearson chi-square test of independence on an nrow x ncol table of counts
 * (row-major, counts >= 0, may be non-integer weights). yates applies R's
 * correction (only for 2 x 2, as chisq.test: min(0.5, |O - E|)). cramers_v
 * uses the uncorrected statistic. A row or column with total 0 is MI_EINVAL.
 * R: chisq.test(tab, correct = yates). */
int mi_stats_chisq(const double *counts, size_t nrow, size_t ncol, int yates,
                   mi_stats_chisq_result *out, mi_err *e);
void mi_stats_chisq_free(mi_stats_chisq_result *r);

/* ---- scales, correlation, regression --------------------------------------
 * Matrices are column-major arrays of k columns with n rows each: x[j*n + i].
 * Callers pass complete cases only (the CLI drops incomplete rows). */

typedef struct mi_stats_alpha_result {
  size_t n, k;
  double raw_alpha, std_alpha, average_r, scale_mean, scale_sd;
  double *alpha_if_dropped; /* k; owned: mi_stats_alpha_free */
  double *item_total_r;     /* k: corrected item-total r (psych r.drop) */
} mi_stats_alpha_result;

/* Cronbach's alpha as psych::alpha: raw alpha from the covariance matrix,
 * standardised alpha and average inter-item r from the correlations,
 * scale mean/sd of the row means, raw alpha of each (k-1)-item scale and
 * the correlation of each item with the sum of the others. Needs k >= 2,
 * n >= 2 and no item with zero variance (MI_EINVAL naming the item number;
 * with k = 2 alpha_if_dropped is NaN). */
int mi_stats_alpha(const double *x, size_t n, size_t k, mi_stats_alpha_result *out, mi_err *e);
void mi_stats_alpha_free(mi_stats_alpha_result *r);

typedef enum { MI_STATS_PEARSON, MI_STATS_SPEARMAN } mi_stats_corr_method;

/* k x k correlation matrix r and two-sided p-values (column-major; both
 * k*k, caller-allocated). Spearman is Pearson on average ranks. p from
 * t = r sqrt((n-2)/(1-r^2)) with n-2 df (R: cor.test; for spearman
 * cor.test(exact = FALSE)). Diagonal: r = 1, p = 0. Needs n >= 3; a
 * constant column is MI_EINVAL naming its index. */
int mi_stats_corr(const double *x, size_t n, size_t k, mi_stats_corr_method method,
                  double *r, double *p, mi_err *e);

typedef struct mi_stats_coef {
  double estimate, se, t, p;
} mi_stats_coef;

typedef struct mi_stats_regress_result {
  size_t n, ncoef;        /* ncoef = k + 1 (intercept first) */
  mi_stats_coef *coef;    /* owned: mi_stats_regress_free */
  double r_squared, adj_r_squared, sigma, f, f_df1, f_df2, f_p;
  size_t collinear;       /* on failure with MI_EINVAL: index (1..k) of the first
                             predictor that is a linear combination of the
                             intercept and the predictors before it; 0 if none */
} mi_stats_regress_result;

/* OLS of y on an intercept and the k columns of x (R: summary(lm(y ~ x))).
 * Solved by Householder QR of the design matrix (as R's lm), in place on
 * one copy of the data (gsl_linalg_QR_decomp / QR_lssolve). A column whose
 * |R_jj| is below 1e-7 of its norm (R's lm tolerance) is collinear with the
 * columns before it: MI_EINVAL and out->collinear set.
 * Needs n > k + 1. A constant y gives r_squared NaN. */
int mi_stats_regress(const double *y, const double *x, size_t n, size_t k,
                     mi_stats_regress_result *out, mi_err *e);
void mi_stats_regress_free(mi_stats_regress_result *r);

/* ---- key-driver analysis ----------------------------------------------------
 * Importance of k predictors for an outcome y, all computed from the
 * correlation matrix of the complete cases (so a bootstrap or a weighted
 * correlation matrix can be passed to mi_stats_drivers_cor later). */

#define MI_STATS_DRIVERS_MAX 15 /* LMG visits all 2^k subsets */

typedef struct mi_stats_drivers_result {
  size_t n, k;
  double r_squared;               /* of the full model */
  double *standardized_beta;      /* k; owned (one block): mi_stats_drivers_free */
  double *relative_weights_raw;   /* k; sum = r_squared (Johnson 2000) */
  double *relative_weights_share; /* k; raw / r_squared, sum = 1 */
  double *shapley_raw;            /* k; LMG R^2 decomposition, sum = r_squared */
  double *shapley_share;          /* k; shapley_raw / r_squared, sum = 1 */
  size_t collinear; /* on MI_EINVAL: 1-based predictor that is a linear
                       combination of the intercept and those before it; 0 if none */
} mi_stats_drivers_result;

/* Key drivers of y (n values) among the k columns of x (column-major, complete
 * cases):
 *  standardized_beta  OLS coefficients of the standardised variables
 *                     (R: coef(lm(scale(y) ~ scale(x)))[-1]);
 *  relative weights   Johnson (2000): R_xx = V diag(l) V', L = V diag(sqrt l) V',
 *                     b = L^-1 r_xy, raw_j = sum_m L_jm^2 b_m^2;
 *  shapley (LMG)      the R^2 increase of predictor j averaged over all k!
 *                     orders (Lindeman, Merenda & Gold 1980; Groemping 2006,
 *                     relaimpo type "lmg"), from the R^2 of all 2^k subsets.
 * Needs 1 <= k <= MI_STATS_DRIVERS_MAX, n > k + 1, y not constant and no
 * predictor constant or collinear (MI_EINVAL; out->collinear names it). */
int mi_stats_drivers(const double *y, const double *x, size_t n, size_t k,
                     mi_stats_drivers_result *out, mi_err *e);
/* The same from a (k+1) x (k+1) correlation matrix, column-major, with y
 * first; n is only recorded. The matrix of the predictors must be positive
 * definite (MI_EINVAL otherwise). */
int mi_stats_drivers_cor(const double *r, size_t k, size_t n, mi_stats_drivers_result *out,
                         mi_err *e);
void mi_stats_drivers_free(mi_stats_drivers_result *r);

/* Bootstrap percentile intervals of the driver shares. */
typedef struct mi_stats_drivers_boot_result {
  size_t B, k;
  size_t skipped; /* resamples left out: a driver or y constant, or drivers
                     collinear in the resample (importance undefined there) */
  double *rw_lower, *rw_upper; /* k: relative_weights_share; owned (one block) */
  double *sh_lower, *sh_upper; /* k: shapley_share */
} mi_stats_drivers_boot_result;

/* B resamples of the n complete cases with replacement: row i of resample b
 * is gsl_rng_uniform_int(mt19937 seeded with seed, n), drawn b-major, so
 * the same seed gives the same resamples on every platform. If resamples
 * is not NULL it receives them (B * n 0-based row numbers, resample b at
 * b * n) so another program can refit the same sets. Each resample is fitted
 * with mi_stats_drivers; the interval of each share is the (1 - conf) / 2
 * and (1 + conf) / 2 quantiles (type 7, R's quantile default) of the
 * fitted resamples. Fewer than 2 fitted resamples, B < 2 or a bad conf are
 * MI_EINVAL. Free with mi_stats_drivers_boot_free. */
int mi_stats_drivers_bootstrap(const double *y, const double *x, size_t n, size_t k, size_t B,
                               unsigned long seed, double conf, size_t *resamples,
                               mi_stats_drivers_boot_result *out, mi_err *e);
void mi_stats_drivers_boot_free(mi_stats_drivers_boot_result *r);

/* Key drivers in one pass (drivers_pass.c): the complete cases are added
 * one at a time (z: y, then the k drivers) and nothing is kept but sums.
 * The point estimate is mi_stats_drivers_cor of their correlation matrix
 * (the same as mi_stats_drivers on the rows). The bootstrap (B >= 2) gives
 * each row a Poisson(1) weight in each of B replicates (splitmix64 seeded
 * with seed, inversion), each replicate refitted from its weighted
 * correlation matrix; intervals as mi_stats_drivers_bootstrap's. NULL when
 * out of memory or k is 0 or above MI_STATS_DRIVERS_MAX. */
typedef struct mi_stats_drivers_acc mi_stats_drivers_acc;
mi_stats_drivers_acc *mi_stats_drivers_acc_new(size_t k, size_t B, unsigned long seed);
void mi_stats_drivers_acc_add(mi_stats_drivers_acc *a, const double *z);
/* Centres the sums on shift (k + 1 values, e.g. the scales' middles) instead
 * of the first complete case; before the first row. Accumulators with the
 * same centre, k and B (rows added in other threads, other seeds) can be
 * merged: b's rows and replicates added to a's. */
void mi_stats_drivers_acc_centre(mi_stats_drivers_acc *a, const double *shift);
int mi_stats_drivers_acc_merge(mi_stats_drivers_acc *a, const mi_stats_drivers_acc *b, mi_err *e);
/* Fills point (and boot when B >= 2); free them with mi_stats_drivers_free
 * and mi_stats_drivers_boot_free. */
int mi_stats_drivers_acc_result(const mi_stats_drivers_acc *a, double conf,
                                mi_stats_drivers_result *point, mi_stats_drivers_boot_result *boot,
                                mi_err *e);
void mi_stats_drivers_acc_free(mi_stats_drivers_acc *a);

typedef enum mi_stats_ipa_quadrant {
  MI_STATS_IPA_KEEP_UP,       /* high importance, high performance */
  MI_STATS_IPA_CONCENTRATE,   /* high importance, low performance */
  MI_STATS_IPA_LOW_PRIORITY,  /* low importance, low performance */
  MI_STATS_IPA_OVERKILL,      /* low importance, high performance */
} mi_stats_ipa_quadrant;

/* "keep_up_the_good_work", "concentrate_here", "low_priority", "possible_overkill"
 * (Martilla & James 1977). */
const char *mi_stats_ipa_name(mi_stats_ipa_quadrant q);

/* Importance-performance quadrant of each of k drivers. The cross-hairs are
 * the mean importance and the mean performance over the k drivers; a value
 * equal to its mean counts as high. Values must be finite; k >= 1. */
int mi_stats_ipa(const double *importance, const double *performance, size_t k,
                 mi_stats_ipa_quadrant *quadrant, mi_err *e);

/* ---- survival (Kaplan-Meier, log-rank) ---------------------------------------- */

typedef struct mi_stats_km_result {
  size_t n, events;
  size_t nsteps;        /* distinct times (events or censorings), ascending */
  double *time;         /* nsteps; owned (one block): mi_stats_km_free */
  double *n_risk;       /* at risk just before time[i]: #{t >= time[i]} */
  double *n_event;
  double *surv;         /* S(time[i]) */
  double *se_log;       /* Greenwood SE of log S: sqrt(sum d / (r (r - d))); Inf at S = 0 */
  double *lower, *upper; /* conf interval, log transform (survfit conf.type = "log");
                            NaN where S = 0; upper capped at 1 */
  double median, median_ci_lower, median_ci_upper; /* NaN when not reached */
  double conf;
} mi_stats_km_result;

/* Kaplan-Meier estimate from n (time, event) pairs: time finite and >= 0,
 * event nonzero = event, 0 = censored (censored at t counts at risk at t).
 * The median and its interval follow survival::quantile.survfit: the first
 * time where S (or the lower / upper curve) is <= 0.5, the midpoint to the
 * next time where a curve is within sqrt(DBL_EPSILON) of 0.5 over an
 * interval. n = 0 is MI_EINVAL. R: survfit(Surv(time, event) ~ 1,
 * conf.type = "log"). */
int mi_stats_km(const double *time, const unsigned char *event, size_t n, double conf,
                mi_stats_km_result *out, mi_err *e);
void mi_stats_km_free(mi_stats_km_result *r);

/* The curve at time t (R: summary(fit, times = t, extend = TRUE)): number at
 * risk #{time >= t}, S(t), and se = S(t) * se_log (Greenwood SE of S; NaN at
 * S = 0). Before the first time: n, 1, 0. */
void mi_stats_km_at(const mi_stats_km_result *r, double t, double *n_risk, double *surv,
                    double *se);

typedef struct mi_stats_logrank_result {
  double chisq, df, p;
  double *observed, *expected; /* ngroups each; owned: mi_stats_logrank_free */
} mi_stats_logrank_result;

/* Log-rank test (R: survdiff(Surv(time, event) ~ g), rho = 0). group[i] in
 * 0..ngroups-1 or MI_STATS_NO_GROUP (row left out). Groups with expected 0
 * are left out of the statistic (df = their count - 1), as survdiff does.
 * Needs 2+ groups with rows; a singular variance (e.g. no event at a time
 * when two groups are at risk) is MI_EINVAL. */
int mi_stats_logrank(const double *time, const unsigned char *event, const size_t *group,
                     size_t n, size_t ngroups, mi_stats_logrank_result *out, mi_err *e);
void mi_stats_logrank_free(mi_stats_logrank_result *r);

/* ---- principal components -------------------------------------------------------- */

typedef enum { MI_STATS_ROTATE_NONE, MI_STATS_ROTATE_VARIMAX } mi_stats_rotate;

typedef struct mi_stats_pca_result {
  size_t n, p, k;
  double *eigenvalues;         /* p, descending; owned (one block): mi_stats_pca_free */
  double *loadings;            /* p x k column-major: item i on component c at [c*p + i] */
  double *communalities;       /* p: row sums of squared loadings */
  double *ss_loadings;         /* k: column sums of squared (rotated) loadings */
  double *proportion_variance; /* k: ss_loadings / p */
  int iterations;              /* varimax iterations (0 without rotation) */
} mi_stats_pca_result;

/* Principal components of the correlation matrix of the p columns of x
 * (column-major, n complete cases), keeping k, as psych::principal(x,
 * nfactors = k, rotate = "varimax" | "none"): loadings = eigenvectors *
 * sqrt(eigenvalue) (eigenvalues below DBL_EPSILON taken as DBL_EPSILON), each
 * column signed to a positive sum; varimax is stats::varimax (Kaiser
 * normalisation, the same SVD iteration and stopping rule eps = 1e-5, at most
 * 1000 iterations); after rotation the components are ordered by ss_loadings
 * and re-signed. k = 1 is not rotated. Needs n >= 3, 1 <= k <= p, no
 * constant column (MI_EINVAL naming it). A singular correlation matrix is
 * allowed (eigenvalues 0). */
int mi_stats_pca(const double *x, size_t n, size_t p, size_t k, mi_stats_rotate rotate,
                 mi_stats_pca_result *out, mi_err *e);
void mi_stats_pca_free(mi_stats_pca_result *r);

/* ---- weighted satisfaction index ---------------------------------------------------- */

typedef struct mi_stats_design mi_stats_design; /* below, with the complex designs */

typedef struct mi_stats_index_dim {
  double weight;       /* >= 0; the weights are normalised to sum 1 */
  double min, max;     /* the items' scale, min < max */
  const size_t *items; /* column indices into the data */
  size_t nitems;
} mi_stats_index_dim;

typedef struct mi_stats_index_result {
  size_t n;              /* rows with a value for at least one dimension */
  size_t ndims;
  size_t *dim_n;         /* ndims: rows with at least one item of the dimension;
                            owned (one block): mi_stats_index_free */
  double *dimension_mean_raw;     /* mean over rows of the row's item mean */
  double *dimension_score_0_100;  /* 100 (mean_raw - min) / (max - min) */
  double index;                   /* sum of weight * score / sum of weight */
  double se;                      /* standard error of index by Taylor linearisation of
                                     the dimension means (ratio estimators, groups as
                                     domains): rows as independent units with their
                                     weights (NaN with fewer than 2 rows), or by the
                                     design's strata and PSUs */
} mi_stats_index_result;

/* Index over ncols columns of nrows rows (x column-major: x[c*nrows + r],
 * miss the same shape or NULL, w row weights or NULL). A row's dimension
 * value is the mean of its non-missing items of that dimension; a row
 * without any is left out of that dimension. dimension_mean_raw is the
 * (weighted) mean of those row values. A value outside [min, max] is
 * MI_EINVAL ("column C row R ..."); a dimension without any value is
 * MI_EINVAL ("dimension D ..."). group/ngroups/groups as for mi_stats_nps
 * (groups: ngroups results, or NULL). des (or NULL) is the design of the
 * same rows, built with w as its weights: the standard errors
 * then follow its strata and PSUs (mi_stats_design_var; a lonely PSU as
 * des->lonely says). Free each result with _free. */
int mi_stats_index(const double *x, const unsigned char *miss, const double *w,
                   const mi_stats_design *des, size_t nrows, size_t ncols, const mi_stats_index_dim *dims, size_t ndims,
                   const size_t *group, size_t ngroups, mi_stats_index_result *overall,
                   mi_stats_index_result *groups, mi_err *e);
void mi_stats_index_free(mi_stats_index_result *r);

/* ---- trend and seasonality ------------------------------------------------------------- */

typedef struct mi_stats_trend_result {
  size_t n, n_missing, len, period;
  double slope, slope_se, slope_p, intercept, intercept_se, r_squared;
  double *ma_centered; /* len; owned (one block): mi_stats_trend_free. NaN near
                          the ends and where a window holds a missing value */
  double *ma_trailing; /* len: mean of the last `period` values, NaN before */
  double *seasonal;    /* period: the seasonal figure (sums to 0) */
} mi_stats_trend_result;

/* A series in order (v->x[0..len), missing allowed; weights ignored):
 *  OLS of x on t = 1..len over the non-missing points (R: lm(x ~ t));
 *  ma_centered: R's decompose() trend, filter(x, c(0.5, rep(1, f-1), 0.5)/f)
 *               for even f = period, rep(1, f)/f for odd f, sides = 2;
 *  ma_trailing: filter(x, rep(1/f, f), sides = 1);
 *  seasonal:    decompose()$figure: per position in the period the mean of
 *               x - trend over the available values, centred to mean 0.
 * Needs period >= 2, at least 2 * period non-missing values (as decompose)
 * and 3 for the OLS. A constant series gives exactly slope 0, slope_se 0,
 * intercept the constant, and NaN slope_p and r_squared (R reports rounding
 * noise there with an "essentially perfect fit" warning). */
int mi_stats_trend(const mi_stats_vec *v, size_t period, mi_stats_trend_result *out, mi_err *e);
void mi_stats_trend_free(mi_stats_trend_result *r);

/* ---- k-means -------------------------------------------------------------------------- */

typedef struct mi_stats_kmeans_result {
  size_t n, p, k;
  double tot_withinss, betweenss, totss;
  double *withinss;  /* k; owned (one block): mi_stats_kmeans_free */
  double *centers;   /* k x p row-major: cluster c at [c*p .. c*p+p) */
  size_t *sizes;     /* k */
  size_t *cluster;   /* n: 0-based cluster of each row */
  size_t iterations; /* Lloyd iterations of the best start */
} mi_stats_kmeans_result;

/* k-means of the n rows of the p columns of x (column-major): `starts`
 * random starts, each k distinct rows drawn with GSL's mt19937 seeded with
 * seed, then Lloyd iterations to convergence (at most 1000; an emptied
 * cluster takes the point farthest from its centre); the start with the
 * smallest tot_withinss wins (the first on ties). Clusters are then ordered
 * by their centres (lexicographically, first column first), so the result
 * depends only on the partition found. Same inputs and seed, same result.
 * Needs 1 <= k <= the number of distinct rows, starts >= 1. */
int mi_stats_kmeans(const double *x, size_t n, size_t p, size_t k, size_t starts,
                    unsigned long seed, mi_stats_kmeans_result *out, mi_err *e);
void mi_stats_kmeans_free(mi_stats_kmeans_result *r);

/* ---- complex survey designs (design.c) ---------------------------------------------
 * A one-stage design as R's survey::svydesign(ids = ~PSU or ~1, strata = ~S,
 * weights = ~W, fpc = ~F, nest): every row of the input is a sampled unit,
 * including rows whose analysed value is missing (survey's na.rm = TRUE then
 * drops the row from the estimate but keeps the design: the PSU counts per
 * stratum, the fpc and the strata of the whole sample). Variances are Taylor
 * linearisation as survey's svyrecvar/onestage: per stratum h with n_h PSUs
 * and PSU totals t_hi of the linearised values,
 *     var = sum_h f_h n_h / (n_h - 1) sum_i (t_hi - mean_i t_hi)^2,
 * f_h = 1 - n_h / N_h with an fpc (N_h PSUs in the population), else 1.
 * The per-PSU totals are sums over rows, so callers that stream rows can
 * accumulate them (and a ratio's two totals) in one pass and call
 * mi_stats_design_var at the end. */

typedef enum mi_stats_lonely_psu {
  MI_STATS_LONELY_FAIL,      /* an error naming the stratum (survey's default) */
  MI_STATS_LONELY_REMOVE,    /* the stratum adds nothing to the variance */
  MI_STATS_LONELY_ADJUST,    /* f_h t_h^2: centred at the grand mean 0 */
  MI_STATS_LONELY_CERTAINTY, /* a certainty PSU: adds nothing (one stage) */
  MI_STATS_LONELY_AVERAGE,   /* left out; the sum scaled by strata / strata with 2+ PSUs */
} mi_stats_lonely_psu;

/* "fail", "remove", "adjust", "certainty", "average" (R's
 * options(survey.lonely.psu = ...)); MI_EINVAL naming the choices otherwise. */
int mi_stats_lonely_psu_parse(const char *name, mi_stats_lonely_psu *out, mi_err *e);
const char *mi_stats_lonely_psu_name(mi_stats_lonely_psu m);

typedef struct mi_stats_design_spec {
  size_t n;              /* rows (sampled units), >= 1 */
  const double *w;       /* n weights >= 0; NULL: N_h / n_h with an fpc, else 1 */
  const size_t *stratum; /* n strata 0..nstrata-1; NULL: one stratum */
  size_t nstrata;
  const size_t *psu;     /* n PSU ids 0..npsu-1; NULL: every row is its own PSU */
  size_t npsu;
  int nest;              /* PSU ids restart in each stratum (svydesign nest = TRUE);
                            else a PSU id in two strata is an error, as survey's
                            check.strata */
  const double *fpc;     /* n values, constant within a stratum: N_h (all >= 1, some
                            > 1) or the sampling fraction n_h / N_h (all <= 1,
                            not all exactly 1 -- ambiguous, as survey's as.fpc); NULL */
  mi_stats_lonely_psu lonely;
} mi_stats_design_spec;

struct mi_stats_design {
  size_t n, nstrata, npsu; /* npsu: PSUs after nesting */
  double *w;               /* n: the weights (given or implied); owned (one block
                              with the arrays below): mi_stats_design_free */
  double *f;               /* nstrata: 1 - n_h / N_h, or 1 without an fpc */
  size_t *stratum;         /* n: stratum of each row */
  size_t *psu;             /* n: PSU of each row, 0..npsu-1 */
  size_t *psu_stratum;     /* npsu: stratum of each PSU */
  size_t *psu_id;          /* npsu: the PSU's id in the spec (its row's id when
                              the spec has no PSUs): for messages */
  size_t *stratum_npsu;    /* nstrata: n_h, PSUs of the stratum in the whole sample */
  int has_fpc;
  mi_stats_lonely_psu lonely;
};

/* Checks the spec and builds the design. Errors (MI_EINVAL) name rows,
 * strata and PSUs by their 1-based number in the spec ("row 7: ...",
 * "stratum 2 ...", "PSU 3 ..."), so a caller can put names in:
 * weights negative or not finite; a PSU id in two strata without nest; only
 * one PSU in the whole design (survey: "Design has only one primary sampling
 * unit"; allowed with nest and strata); an fpc <= 0, not finite, varying
 * within a stratum, mixing sizes and fractions, all exactly 1, or below n_h.
 * Free with mi_stats_design_free (also after a failure). */
int mi_stats_design_init(const mi_stats_design_spec *s, mi_stats_design *d, mi_err *e);
void mi_stats_design_free(mi_stats_design *d);

/* Variance of a linearised total from its PSU totals t (npsu values).
 * present (npsu flags, NULL = all) marks PSUs with a row in the estimate's
 * subset; a stratum without any such PSU is left out altogether (survey
 * subsets the design on na.rm), the others use their full n_h with absent
 * PSUs counting as 0. A stratum with f_h < 1e-7 adds 0. A stratum with one
 * PSU follows d->lonely ("stratum N has only one PSU" for fail). */
int mi_stats_design_var(const mi_stats_design *d, const double *t, const unsigned char *present,
                        double *var, mi_err *e);

typedef struct mi_stats_design_mean_result {
  size_t n, n_missing;  /* rows with / without a value */
  size_t n_psu, n_strata; /* PSUs and strata with a row with a value and a weight > 0 */
  double mean, se;
  double df;            /* n_psu - n_strata: survey's degf of the subset design */
  double ci_lower, ci_upper; /* t interval with df (confint(df = degf)); NaN if df < 1 */
  double deff;          /* survey's deff = TRUE: var / (svyvar (S - m) / (S m)), m rows
                           with a value and a weight > 0, S their weight sum
                           (SRS without replacement); NaN when S < m or m < 2,
                           Inf when S = m */
  double sum_weights;   /* S, weights of the rows with a value */
} mi_stats_design_mean_result;

/* Design-based mean of x (n values of d; miss NULL or n flags): the ratio
 * sum w x / sum w over rows with a value, linearised values u_i = w_i (x_i -
 * mean) / sum w (0 for missing rows), variance by mi_stats_design_var.
 * R: svymean(~x, design, na.rm = TRUE, deff = TRUE) and confint(df =
 * degf(subset(design, !is.na(x)))). No value, non-finite values or all
 * weights 0 are MI_EINVAL. */
int mi_stats_design_mean(const mi_stats_design *d, const double *x, const unsigned char *miss,
                         double conf, mi_stats_design_mean_result *out, mi_err *e);

/* Design-based proportion: the mean of the 0/1 indicator ind (R: svymean),
 * with R's svyciprop interval and df = the design df as
 * mi_stats_design_mean: MI_STATS_PROP_WALD is svyciprop(method = "mean"),
 * p -/+ t se; MI_STATS_PROP_LOGIT is svyciprop(method = "logit"),
 * plogis(qlogis(p) -/+ t se / (p (1 - p))), NaN when p is 0 or 1 or df < 1.
 * Other methods (they assume a simple random sample) and an ind not 0/1 are
 * MI_EINVAL. */
int mi_stats_design_prop(const mi_stats_design *d, const double *ind, const unsigned char *miss,
                         double conf, mi_stats_prop_method method,
                         mi_stats_design_mean_result *out, mi_err *e);

/* Difference mean_a - mean_b of the design means of x over two domains (the
 * rows without miss_a, without miss_b; n flags each, usually disjoint) with
 * its linearised se: the PSU totals of u_a - u_b (u as in
 * mi_stats_design_mean) through mi_stats_design_var, PSUs of either domain
 * present, so the covariance the two share through strata and PSUs counts
 * (R: svycontrast(svyby(~x, ~G, design, svymean, covmat = TRUE), c(1, -1))).
 * z test and normal interval, as mi_stats_diff_independent. A domain
 * without weight is MI_EINVAL. */
int mi_stats_design_mean_diff(const mi_stats_design *d, const double *x,
                              const unsigned char *miss_a, const unsigned char *miss_b,
                              double conf, mi_stats_diff_result *out, mi_err *e);

/* ---- raking and post-stratification (rake.c) -------------------------------------- */

typedef struct mi_stats_margin {
  const size_t *level; /* n (rows of the design): level 0..nlevels-1 of each row */
  size_t nlevels;
  const double *total; /* nlevels population totals, > 0 */
} mi_stats_margin;

typedef struct mi_stats_rake_control {
  int poststratify; /* one margin, one post-stratification (R: postStratify) */
  double epsilon;   /* R's rake control: stop when the weighted cross-table of all
                       margins changes by less than epsilon in every cell over a
                       full pass; epsilon < 1 means epsilon * the sum of the
                       initial weights. R's default 1 */
  size_t maxit;     /* passes at most; R's default 10 */
} mi_stats_rake_control;

typedef struct mi_stats_rake_result {
  mi_stats_design_mean_result m; /* deff is NaN (not defined here) */
  double sum_weights;      /* of all rows after calibration (the population total) */
  double epsilon;          /* the absolute tolerance used */
  size_t iterations;       /* passes over the margins done */
  int converged;           /* 0: maxit passes without meeting epsilon (R warns) */
  size_t nmargins, ncells; /* cells: combinations of levels present in the sample,
                              in lexicographic order of the level numbers */
  size_t *cell_level;      /* ncells * nmargins: level of margin k in cell c at
                              [c * nmargins + k]; owned (one block): _free */
  size_t *cell_n;          /* ncells: rows */
  double *cell_sum;        /* ncells: sum of the final weights */
  double *cell_factor;     /* ncells: final / initial weight (the same for every
                              row of a cell); NaN if all its initial weights are 0 */
  double *weights;         /* n: the final weights */
} mi_stats_rake_result;

/* Calibrates the weights of d to the population totals of nm margins and
 * estimates the mean of x (miss: missing values, NULL = none) on the result.
 * Raking is R's survey::rake: passes of post-stratification on each margin in
 * turn (w *= total_l / sum of current weights in level l) until the
 * cross-table of all margins moves less than epsilon, at most maxit passes.
 * The standard error is survey's for a calibrated design: before the
 * stratum/PSU sums the linearised values are, ten times over, for every
 * margin, replaced by u_i - w_ki mean_{j in level}(u_j / w_kj) with w_k the
 * weights after margin k in the last pass (svyrecvar's "raking" branch; a row
 * with weight 0 makes this 0/0 and the se NaN, as in R). Post-stratification
 * (R's postStratify) is one step, with u_i - w_i sum_{level} u / sum_{level} w.
 * Rows with a missing x stay in the design (calibrated designs are not
 * subset in survey). Errors: no margins; a level out of range; a total <= 0
 * or not finite; totals that disagree between margins by more than 1e-9
 * relative (R's rake would stop with weights matching only the last margin);
 * a level whose rows have no weight (R: "Some strata absent from sample");
 * epsilon <= 0; maxit 0; poststratify with nm != 1. Free with _free. */
int mi_stats_rake(const mi_stats_design *d, const mi_stats_margin *m, size_t nm,
                  const mi_stats_rake_control *c, const double *x, const unsigned char *miss,
                  double conf, mi_stats_rake_result *out, mi_err *e);
void mi_stats_rake_free(mi_stats_rake_result *r);

/* ---- weighted describe (weighted.c) ------------------------------------------------ */

typedef struct mi_stats_wdescribe_result {
  mi_stats_describe_result d; /* weighted: see mi_stats_describe_weighted */
  double sum_weights;
} mi_stats_wdescribe_result;

/* Weighted descriptive statistics of v (v->w required; every row is a unit
 * of the design svydesign(ids = ~1, weights = ~w) over all v->n rows):
 *  n, n_missing   rows with / without a value;
 *  sum, mean      sum w x and sum w x / sum w (svytotal, svymean);
 *  var, sd        svyvar on the rows with a value: sum w (x - mean)^2 / sum w
 *                 * m / (m - 1), m = rows with a value and w > 0 (NaN if m < 2);
 *  se_mean        svymean(na.rm = TRUE) on the design of all v->n rows: sqrt(N /
 *                 (N - 1) sum (w (x - mean) / sum w)^2), N = v->n (NaN if N < 2);
 *  median, q1, q3 svyquantile's default qrule = "math" (mi_stats_quantile_math);
 *  min, max       over the rows with a value and w > 0;
 *  mode, modes    the value(s) with the largest sum of weights.
 * No value or all weights 0 is MI_EINVAL. Free out->d with mi_stats_describe_free. */
int mi_stats_describe_weighted(const mi_stats_vec *v, mi_stats_wdescribe_result *out, mi_err *e);

/* survey's qrule_math (svyquantile's default since survey 4.1): x[0..n) sorted
 * ascending with weights w (> 0), cumulative weights c_k; with k the last
 * index where c_k <= p sum w, the quantile is x_k if c_k / sum w == p exactly,
 * else x_{k+1} (x_k at the end). Reproduces survey's quirk: when no c_k <= p
 * sum w (the smallest value alone holds more than p of the weight) k is the
 * first index, so the answer is the second-smallest value. Sums in long
 * double, as R's cumsum and sum. n >= 1. */
double mi_stats_quantile_math(const double *sorted, const double *w, size_t n, double p);


/* ---- one-pass design-based means (lin.c) ------------------------------------------ */

/* Accumulators for nest ratio means (sum w y / sum w over the rows with a
 * value) in several domains at once (domain 0: every row; a row is also in
 * at most one group 1.., numbered as the caller finds them), on a one-stage design: rows in strata
 * 0.. (any number, found as rows come), each its own PSU or in a cluster PSU
 * 0.. (nested in one stratum). Memory: strata x domains x estimates, plus
 * one vector per cluster PSU and domain; never rows. The results equal
 * mi_stats_design_mean / _mean_diff on the same rows with every row a unit
 * of the design (domains as R's subset: the other rows count as 0). The
 * estimates [block_lo, block_hi) also carry cross-products, so that a
 * linear combination of them has a standard error (mi_stats_lin_combo).
 * shift (nest values or NULL): a centre per estimate (e.g. the scale's
 * middle) that keeps the sums of squares accurate; it changes no result.
 * NULL when out of memory or the sizes are wrong. */
typedef struct mi_stats_lin mi_stats_lin;
#define MI_STATS_LIN_OWN ((size_t)-1) /* the row is its own PSU */
mi_stats_lin *mi_stats_lin_new(size_t nest, size_t block_lo, size_t block_hi,
                               const double *shift);
void mi_stats_lin_free(mi_stats_lin *l);
/* One row: y[nest] (NaN: no value), group 0 (only domain 0) or 1.. */
int mi_stats_lin_add(mi_stats_lin *l, size_t stratum, size_t cluster, double w, const double *y,
                     size_t group, mi_err *e);
size_t mi_stats_lin_rows(const mi_stats_lin *l, size_t domain); /* rows added to a domain */
/* Adds the rows of b (same estimates and shift, rows added in another
 * thread) to a, before either's first result: b's stratum h is a's
 * smap[h], its cluster PSU p a's cmap[p] (NULL without clusters), its
 * domain d a's dmap[d] (dmap[0] = 0). The results are those of every row
 * added to a, up to the order of the additions. */
int mi_stats_lin_merge(mi_stats_lin *a, const mi_stats_lin *b, const size_t *smap,
                       const size_t *cmap, const size_t *dmap, mi_err *e);
/* A new domain of every row outside group (the rest), for after the last row
 * and before the first result; its number, or (size_t)-1 (out of memory, or
 * group is not a group). */
size_t mi_stats_lin_complement(mi_stats_lin *l, size_t group);
size_t mi_stats_lin_psus(const mi_stats_lin *l);
/* The point estimate alone (NaN without weight) and its rows with a value. */
double mi_stats_lin_point(mi_stats_lin *l, size_t est, size_t domain, size_t *n);                 /* PSUs of the design */
size_t mi_stats_lin_strata(const mi_stats_lin *l);
/* The mean of estimate est in domain, as mi_stats_design_mean (n_missing:
 * the rows of domain 0 without a value in this domain). */
int mi_stats_lin_mean(mi_stats_lin *l, size_t est, size_t domain, double conf,
                      mi_stats_lonely_psu lonely, mi_stats_design_mean_result *out, mi_err *e);
/* Domain a's mean minus domain b's, as mi_stats_design_mean_diff. */
int mi_stats_lin_diff(mi_stats_lin *l, size_t est, size_t da, size_t db, double conf,
                      mi_stats_lonely_psu lonely, mi_stats_diff_result *out, mi_err *e);
/* sum_j coef[j] * mean of estimate block_lo + j in domain, and its standard
 * error: with design, by the strata and PSUs; without, the rows with a value
 * of the block as independent units (NaN with fewer than 2), as
 * mi_stats_index does. */
int mi_stats_lin_combo(mi_stats_lin *l, const double *coef, size_t domain, int design,
                       mi_stats_lonely_psu lonely, double *value, double *se, mi_err *e);

#endif
