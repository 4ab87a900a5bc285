/* Unit tests for core/stats: bad arguments first, then the accumulators, the
 * documented edge cases, and values against the R fixtures written by
 * tests/data/stats/reference.R (the full set runs through the CLI in
 * tests/e2e/stats.sh). Tolerance 1e-9 relative unless a test says why not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "analysis/analysis.h"
#include "stats/stats.h"

#define EXPECTED MANYI_SOURCE_DIR "/tests/data/stats/expected/"

static void near(double got, double want, double tol) {
  double d = fabs(got - want);
  if (d > 1e-13 && d > tol * fabs(want)) {
    print_error("got %.17g, want %.17g (rel %.3g)\n", got, want, d / fabs(want));
    fail();
  }
}

/* Number at a /-separated path of the expected JSON file `name` (array
 * elements by 0-based index). */
static double want(const char *name, const char *path) {
  char file[512];
  snprintf(file, sizeof file, EXPECTED "%s.json", name);
  json_error_t je;
  json_t *root = json_load_file(file, 0, &je);
  if (!root) {
    print_error("%s: %s\n", file, je.text);
    fail();
  }
  json_t *v = root;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *save, *k = strtok_r(buf, "/", &save); k; k = strtok_r(NULL, "/", &save))
    v = json_is_array(v) ? json_array_get(v, strtoul(k, NULL, 10)) : json_object_get(v, k);
  if (!json_is_number(v)) {
    print_error("%s: no number at %s\n", file, path);
    fail();
  }
  double x = json_number_value(v);
  json_decref(root);
  return x;
}

/* small.csv of the fixtures: groups a, b, c with NA in x. */
static const double small_x[] = {2.5, 3.1, 0, 4.0, 4.0, 5.5, 3.1, 7.25, 2.5, 0};
static const unsigned char small_miss[] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 1};
static const size_t small_g[] = {0, 0, 0, 1, 1, 1, 1, 2, 0, 1};

/* ---- bad arguments --------------------------------------------------------- */

static void test_null_args(void **state) {
  (void)state;
  mi_err e = {0};
  mi_stats_describe_result d;
  assert_int_equal(mi_stats_describe(NULL, &d, &e), MI_EINVAL);
  mi_stats_vec v = {small_x, small_miss, NULL, 10};
  assert_int_equal(mi_stats_describe(&v, NULL, &e), MI_EINVAL);
  mi_stats_vec nox = {NULL, NULL, NULL, 3};
  assert_int_equal(mi_stats_describe(&nox, &d, &e), MI_EINVAL);
  mi_stats_mean_result m;
  assert_int_equal(mi_stats_mean(&v, 1.5, &m, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "confidence level"));
  assert_int_equal(mi_stats_mean(&v, 0, &m, &e), MI_EINVAL);
  mi_stats_prop_result p;
  assert_int_equal(mi_stats_prop_ci(3, 0, 0.95, MI_STATS_PROP_WILSON, &p, &e), MI_EINVAL);
  assert_int_equal(mi_stats_prop_ci(5, 4, 0.95, MI_STATS_PROP_WILSON, &p, &e), MI_EINVAL);
  assert_int_equal(mi_stats_prop_ci(1, 4, 0.95, (mi_stats_prop_method)99, &p, &e), MI_EINVAL);
  mi_stats_prop_method pm;
  assert_int_equal(mi_stats_prop_method_parse("exact", &pm, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "clopper-pearson"));
  assert_int_equal(mi_stats_prop_method_parse(NULL, &pm, &e), MI_EINVAL);
  mi_stats_sample_size_result ss;
  assert_int_equal(mi_stats_sample_size(0.95, 0, 0.5, 0, &ss, &e), MI_EINVAL);
  assert_int_equal(mi_stats_sample_size(0.95, 0.05, 1, 0, &ss, &e), MI_EINVAL);
  assert_int_equal(mi_stats_sample_size(0.95, 0.05, 0.5, -1, &ss, &e), MI_EINVAL);
  assert_int_equal(mi_stats_sample_size(0.95, 0.05, 0.5, 0, NULL, &e), MI_EINVAL);
  /* n0 = 1.96^2 * 0.25 / 1e-20 = 9.6e19: past 2^53, refused rather than wrapped */
  assert_int_equal(mi_stats_sample_size(0.95, 1e-10, 0.5, 0, &ss, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "more than can be counted"));
  /* with a population the correction keeps it countable: n <= population */
  assert_int_equal(mi_stats_sample_size(0.95, 1e-10, 0.5, 1000, &ss, &e), 0);
  assert_true(ss.n == 1000);
  mi_stats_ttest_result t;
  assert_int_equal(mi_stats_ttest(NULL, 2, small_x, 2, 0, 0.95, &t, &e), MI_EINVAL);
  assert_int_equal(mi_stats_ttest_paired(small_x, small_x, 1, 0.95, &t, &e), MI_EINVAL);
  mi_stats_anova_result a;
  assert_int_equal(mi_stats_anova(NULL, &a, &e), MI_EINVAL);
  mi_stats_chisq_result c;
  assert_int_equal(mi_stats_chisq(NULL, 2, 2, 0, &c, &e), MI_EINVAL);
  double one[2] = {1, 2};
  assert_int_equal(mi_stats_chisq(one, 1, 2, 0, &c, &e), MI_EINVAL);
  mi_stats_alpha_result al;
  assert_int_equal(mi_stats_alpha(one, 2, 1, &al, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "at least 2"));
  double r[4], pv[4];
  assert_int_equal(mi_stats_corr(one, 2, 1, MI_STATS_PEARSON, r, pv, &e), MI_EINVAL);
  assert_int_equal(mi_stats_corr(one, 2, 1, MI_STATS_PEARSON, NULL, pv, &e), MI_EINVAL);
  mi_stats_regress_result rr;
  assert_int_equal(mi_stats_regress(one, one, 2, 1, &rr, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "more rows than coefficients"));
  assert_int_equal(mi_stats_regress(one, one, 2, 0, &rr, &e), MI_EINVAL);
  /* errors work without an mi_err */
  assert_int_equal(mi_stats_describe(NULL, &d, NULL), MI_EINVAL);
}

static void test_bad_values(void **state) {
  (void)state;
  mi_err e = {0};
  double x[] = {1, INFINITY, 3};
  mi_stats_vec v = {x, NULL, NULL, 3};
  mi_stats_describe_result d;
  assert_int_equal(mi_stats_describe(&v, &d, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "value 2 is not finite"));
  unsigned char miss[] = {0, 1, 0}; /* a missing slot's value is ignored */
  v.miss = miss;
  assert_int_equal(mi_stats_describe(&v, &d, &e), 0);
  mi_stats_describe_free(&d);
  double w[] = {1, 1, -2};
  v.w = w;
  mi_stats_mean_result m;
  assert_int_equal(mi_stats_mean(&v, 0.95, &m, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "weight 3"));
  mi_stats_nps_acc acc = {0};
  assert_int_equal(mi_stats_nps_add(&acc, 10.5, 1, &e), MI_EINVAL);
  assert_int_equal(mi_stats_nps_add(&acc, -1, 1, &e), MI_EINVAL);
  assert_int_equal(mi_stats_nps_add(&acc, 11, 1, &e), MI_EINVAL);
  assert_int_equal(acc.n, 0);
}

/* ---- accumulators ----------------------------------------------------------- */

static void test_moments_merge(void **state) {
  (void)state;
  double x[] = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16, 1e9 + 1, 1e9 + 2};
  double w[] = {1, 2, 0.5, 0, 3, 1};
  mi_stats_moments all = {0}, a = {0}, b = {0};
  for (int i = 0; i < 6; i++) {
    mi_stats_moments_add(&all, x[i], w[i]);
    mi_stats_moments_add(i < 3 ? &a : &b, x[i], w[i]);
  }
  mi_stats_moments_merge(&a, &b);
  assert_int_equal(a.n, 6);
  near(a.mean, all.mean, 1e-15);
  /* exact m2 is 89.4666...; the one-by-one pass carries the rounding of a mean
   * near 1e9 (ulp 1.2e-7), about 2e-9 relative here: hence 1e-8 */
  near(a.m2, 205.5 - 29.5 * 29.5 / 7.5, 1e-8);
  near(all.m2, 205.5 - 29.5 * 29.5 / 7.5, 1e-8);
  near(a.sw, 7.5, 0);
  assert_true(a.min == 1e9 + 1 && a.max == 1e9 + 16);
  /* unit weights: variance of {4,7,13,16} + 1e9 is 30 (no cancellation) */
  mi_stats_moments u = {0};
  for (int i = 0; i < 4; i++) mi_stats_moments_add(&u, x[i], 1);
  near(mi_stats_moments_var(&u), 30, 1e-12);
  mi_stats_moments empty = {0};
  mi_stats_moments_merge(&u, &empty);
  near(mi_stats_moments_var(&u), 30, 1e-12);
  assert_true(isnan(mi_stats_moments_var(&empty)));
}

static void test_nps_stream_equals_batch(void **state) {
  (void)state;
  double s[] = {10, 9, 8, 7, 6, 0, 10, 3, 9, 9};
  double w[] = {1, 2, 1, 0.5, 1, 3, 1, 1, 0, 2};
  mi_stats_vec v = {s, NULL, w, 10};
  mi_stats_nps_result batch, streamed;
  mi_err e = {0};
  assert_int_equal(mi_stats_nps(&v, NULL, 0, 0.95, &batch, NULL, &e), 0);
  mi_stats_nps_acc a = {0};
  for (int i = 0; i < 10; i++) assert_int_equal(mi_stats_nps_add(&a, s[i], w[i], &e), 0);
  assert_int_equal(mi_stats_nps_finish(&a, 0.95, &streamed, &e), 0);
  near(streamed.nps, batch.nps, 0);
  near(streamed.se, batch.se, 0);
  /* linearised variance by hand: z_i = w_i (s_i - m) / sum w */
  double sw = 0, sws = 0, ss = 0;
  double sc[10];
  for (int i = 0; i < 10; i++) {
    sc[i] = s[i] >= 9 ? 1 : s[i] >= 7 ? 0 : -1;
    sw += w[i], sws += w[i] * sc[i];
  }
  double m = sws / sw;
  for (int i = 0; i < 10; i++) ss += pow(w[i] * (sc[i] - m) / sw, 2);
  near(batch.nps, 100 * m, 1e-12);
  near(batch.se, 100 * sqrt(ss * 10 / 9), 1e-12);
  assert_int_equal(batch.n_promoters, 5);
  assert_int_equal(batch.n_passives, 2);
  assert_int_equal(batch.n_detractors, 3);
}

/* ---- edge cases ----------------------------------------------------------------- */

static void test_describe_edges(void **state) {
  (void)state;
  mi_err e = {0};
  mi_stats_describe_result d;
  unsigned char all_missing[] = {1, 1};
  double x2[] = {0, 0};
  mi_stats_vec none = {x2, all_missing, NULL, 2};
  assert_int_equal(mi_stats_describe(&none, &d, &e), MI_EINVAL); /* n = 0 */
  assert_non_null(strstr(e.msg, "all 2 rows are missing"));
  mi_stats_vec empty = {NULL, NULL, NULL, 0};
  assert_int_equal(mi_stats_describe(&empty, &d, &e), MI_EINVAL);
  double one[] = {7};
  mi_stats_vec v1 = {one, NULL, NULL, 1}; /* n = 1: sd undefined */
  assert_int_equal(mi_stats_describe(&v1, &d, &e), 0);
  assert_true(isnan(d.sd) && isnan(d.var) && isnan(d.se_mean));
  near(d.median, 7, 0);
  near(d.iqr, 0, 0);
  assert_int_equal(d.nmodes, 1);
  mi_stats_describe_free(&d);
  mi_stats_mean_result m;
  assert_int_equal(mi_stats_mean(&v1, 0.95, &m, &e), 0);
  assert_true(isnan(m.se) && isnan(m.ci_lower));
  double same[] = {3, 3, 3};
  mi_stats_vec vs = {same, NULL, NULL, 3}; /* all equal */
  assert_int_equal(mi_stats_describe(&vs, &d, &e), 0);
  near(d.sd, 0, 0);
  mi_stats_describe_free(&d);
  double zw[] = {0, 0, 0};
  vs.w = zw; /* all weights zero */
  assert_int_equal(mi_stats_mean(&vs, 0.95, &m, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "weights are 0"));
}

static void test_compare_edges(void **state) {
  (void)state;
  mi_err e = {0};
  double same[] = {3, 3, 3, 3};
  mi_stats_ttest_result t;
  assert_int_equal(mi_stats_ttest(same, 2, same + 2, 2, 0, 0.95, &t, &e), MI_EINVAL);
  assert_int_equal(mi_stats_ttest(same, 1, same + 1, 3, 0, 0.95, &t, &e), MI_EINVAL);
  size_t st[] = {0, 2, 4};
  mi_stats_groups g = {same, st, 2};
  mi_stats_anova_result a;
  assert_int_equal(mi_stats_anova(&g, &a, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "no variation within groups"));
  mi_stats_rank_result r;
  assert_int_equal(mi_stats_kruskal(&g, &r, &e), MI_EINVAL);
  assert_int_equal(mi_stats_mannwhitney(&g, &r, &e), MI_EINVAL);
  size_t st_empty[] = {0, 0, 4};
  mi_stats_groups ge = {same, st_empty, 2};
  assert_int_equal(mi_stats_anova(&ge, &a, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "group 1 has no values"));
  double tab[] = {1, 0, 2, 0};
  mi_stats_chisq_result c;
  assert_int_equal(mi_stats_chisq(tab, 2, 2, 0, &c, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "column 2"));
  double ranks[5], ties;
  double x[] = {2, 1, 2, 5, 2};
  assert_int_equal(mi_stats_rank(x, 5, ranks, &ties, &e), 0);
  near(ranks[0], 3, 0);
  near(ranks[1], 1, 0);
  near(ranks[3], 5, 0);
  near(ties, 24, 0);
}

static void test_regress_collinear(void **state) {
  (void)state;
  mi_err e = {0};
  double y[] = {1, 2, 4, 3, 5};
  double x[] = {1, 2, 3, 4, 5, /* a */ 2, 4, 6, 8, 10, /* b = 2a */ 3, 5, 2, 1, 0};
  mi_stats_regress_result r;
  assert_int_equal(mi_stats_regress(y, x, 5, 3, &r, &e), MI_EINVAL);
  assert_int_equal(r.collinear, 2);
  double k[] = {1, 2, 3, 4, 5, 7, 7, 7, 7, 7};
  assert_int_equal(mi_stats_regress(y, k, 5, 2, &r, &e), MI_EINVAL);
  assert_int_equal(r.collinear, 2);
  double zero[] = {0, 0, 0, 0, 0};
  assert_int_equal(mi_stats_regress(y, zero, 5, 1, &r, &e), MI_EINVAL);
  assert_int_equal(r.collinear, 1);
  assert_int_equal(mi_stats_regress(y, x, 5, 1, &r, &e), 0);
  assert_int_equal(r.ncoef, 2);
  near(r.coef[1].estimate, 0.9, 1e-12); /* Sxy 9 / Sxx 10 */
  mi_stats_regress_free(&r);
}

static void test_alpha_edges(void **state) {
  (void)state;
  mi_err e = {0};
  double x[] = {1, 2, 3, 4, /* constant item */ 2, 2, 2, 2};
  mi_stats_alpha_result a;
  assert_int_equal(mi_stats_alpha(x, 4, 2, &a, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "item 2"));
  double y[] = {1, 2, 3, 4, 2, 1, 4, 3};
  assert_int_equal(mi_stats_alpha(y, 4, 2, &a, &e), 0); /* k = 2: no alpha if dropped */
  assert_true(isnan(a.alpha_if_dropped[0]));
  mi_stats_alpha_free(&a);
}

static void test_sample_size_rounding(void **state) {
  (void)state;
  mi_stats_sample_size_result r;
  assert_int_equal(mi_stats_sample_size(0.95, 0.05, 0.5, 0, &r, NULL), 0);
  near(r.n, 385, 0);
  near(r.z, want("sample_size_default", "z"), 1e-9);
  near(r.n0, want("sample_size_default", "n0"), 1e-9);
  assert_int_equal(mi_stats_sample_size(0.95, 0.05, 0.5, 2000, &r, NULL), 0);
  near(r.n, want("sample_size_fpc", "n"), 0);
  assert_int_equal(mi_stats_sample_size(0.95, 0.5, 0.5, 1, &r, NULL), 0);
  near(r.n, 1, 0);
}

/* ---- against R (small.csv) ---------------------------------------------------- */

static void test_r_small(void **state) {
  (void)state;
  mi_err e = {0};
  mi_stats_vec v = {small_x, small_miss, NULL, 10};
  mi_stats_describe_result d;
  assert_int_equal(mi_stats_describe(&v, &d, &e), 0);
  assert_int_equal(d.n, 8);
  assert_int_equal(d.n_missing, 2);
  const char *f[] = {"mean", "sd", "var", "median", "q1", "q3", "sum", "se_mean"};
  double got[] = {d.mean, d.sd, d.var, d.median, d.q1, d.q3, d.sum, d.se_mean};
  for (size_t i = 0; i < sizeof f / sizeof *f; i++) near(got[i], want("describe_small", f[i]), 1e-9);
  assert_int_equal(d.nmodes, 3); /* 2.5, 3.1, 4.0 twice each */
  near(d.mode, 2.5, 0);
  mi_stats_describe_free(&d);

  /* groups a, b, c as contiguous samples (c has one member) */
  double gx[8];
  size_t st[4] = {0}, n = 0;
  for (size_t g = 0; g < 3; g++) {
    st[g] = n;
    for (size_t i = 0; i < 10; i++)
      if (!small_miss[i] && small_g[i] == g) gx[n++] = small_x[i];
  }
  st[3] = n;
  mi_stats_groups groups = {gx, st, 3};
  mi_stats_anova_result a;
  assert_int_equal(mi_stats_anova(&groups, &a, &e), 0);
  near(a.f, want("anova_small", "f"), 1e-9);
  near(a.p, want("anova_small", "p"), 1e-9);
  near(a.ss_within, want("anova_small", "ss_within"), 1e-9);
  near(a.group_means[2], want("anova_small", "group_means/c"), 1e-9);
  mi_stats_anova_free(&a);
  mi_stats_rank_result k;
  assert_int_equal(mi_stats_kruskal(&groups, &k, &e), 0);
  near(k.statistic, want("kruskal_small", "statistic"), 1e-9);
  near(k.p, want("kruskal_small", "p"), 1e-9);
  groups.ngroups = 2;
  assert_int_equal(mi_stats_mannwhitney(&groups, &k, &e), 0);
  near(k.statistic, want("mannwhitney_small", "statistic"), 1e-9);
  near(k.p, want("mannwhitney_small", "p"), 1e-9);
  mi_stats_ttest_result t;
  assert_int_equal(mi_stats_ttest(gx, st[1], gx + st[1], st[2] - st[1], 0, 0.9, &t, &e), 0);
  near(t.t, want("ttest_small_conf90", "t"), 1e-9);
  near(t.df, want("ttest_small_conf90", "df"), 1e-9);
  near(t.p, want("ttest_small_conf90", "p"), 1e-9);
  near(t.ci_lower, want("ttest_small_conf90", "ci_lower"), 1e-9);
  near(t.ci_upper, want("ttest_small_conf90", "ci_upper"), 1e-9);
}

static void test_r_prop_chisq_corr(void **state) {
  (void)state;
  mi_stats_prop_result p;
  assert_int_equal(mi_stats_prop_ci(1, 12, 0.95, MI_STATS_PROP_WILSON_CC, &p, NULL), 0);
  near(p.ci_lower, want("prop_small_cc", "ci_lower"), 1e-9);
  near(p.ci_upper, want("prop_small_cc", "ci_upper"), 1e-9);
  assert_int_equal(mi_stats_prop_ci(0, 12, 0.95, MI_STATS_PROP_LOGIT, &p, NULL), 0);
  assert_true(isnan(p.ci_lower)); /* documented: undefined at x = 0 */
  assert_int_equal(mi_stats_prop_ci(0, 12, 0.95, MI_STATS_PROP_CLOPPER_PEARSON, &p, NULL), 0);
  near(p.ci_lower, 0, 0);
  /* counts.csv: rows no, yes (sorted); columns x, y, z */
  double tab[] = {7, 11, 3.5, 12, 5, 9};
  mi_stats_chisq_result c;
  assert_int_equal(mi_stats_chisq(tab, 2, 3, 0, &c, NULL), 0);
  near(c.chisq, want("chisq_counts", "chisq"), 1e-9);
  near(c.p, want("chisq_counts", "p"), 1e-9);
  near(c.cramers_v, want("chisq_counts", "cramers_v"), 1e-9);
  near(c.expected[5], want("chisq_counts", "expected/yes/z"), 1e-9);
  mi_stats_chisq_free(&c);
  double ab[] = {1, 2, 3, 4, 5, 6, 7, 7, 5, 6, 3, 4, 1, 2};
  double r[4], pv[4];
  assert_int_equal(mi_stats_corr(ab, 7, 2, MI_STATS_SPEARMAN, r, pv, NULL), 0);
  near(r[1], want("corr_spearman_small", "r/a/b"), 1e-9);
  near(pv[1], want("corr_spearman_small", "p/a/b"), 1e-9);
  near(pv[0], 0, 0);
}

/* ---- drivers, km, pca, index, trend, kmeans ------------------------------------ */

/* The one-pass drivers against mi_stats_drivers on the same rows; the
 * Poisson bootstrap: the same seed the same intervals, the point inside,
 * and scaling or permuting the rows leaves the point estimate alone. */
static void test_drivers_pass(void **state) {
  (void)state;
  mi_err e = {0};
  assert_null(mi_stats_drivers_acc_new(0, 10, 1));
  assert_null(mi_stats_drivers_acc_new(MI_STATS_DRIVERS_MAX + 1, 10, 1));
  enum { N = 400, K = 3 };
  static double y[N], x[K * N], z[N][K + 1];
  uint64_t s = 7;
  for (size_t i = 0; i < N; i++) {
    double a = (double)(1 + (s = s * 6364136223846793005ull + 1) % 5);
    double b = (double)(1 + (s = s * 6364136223846793005ull + 1) % 5);
    double c = (double)(1 + (s = s * 6364136223846793005ull + 1) % 5);
    y[i] = round((2 * a + b + 0.5 * c) / 3.5 + (double)((s >> 33) % 3) - 1);
    x[i] = a, x[N + i] = b, x[2 * N + i] = c;
    z[i][0] = y[i], z[i][1] = a, z[i][2] = b, z[i][3] = c;
  }
  mi_stats_drivers_result rows, one;
  mi_stats_drivers_boot_result b1, b2;
  assert_int_equal(mi_stats_drivers(y, x, N, K, &rows, &e), 0);
  mi_stats_drivers_acc *a = mi_stats_drivers_acc_new(K, 200, 1);
  for (size_t i = 0; i < N; i++) mi_stats_drivers_acc_add(a, z[i]);
  assert_int_equal(mi_stats_drivers_acc_result(a, 0.95, &one, &b1, &e), 0);
  near(one.r_squared, rows.r_squared, 1e-10);
  for (size_t j = 0; j < K; j++) {
    near(one.relative_weights_share[j], rows.relative_weights_share[j], 1e-10);
    near(one.shapley_share[j], rows.shapley_share[j], 1e-10);
    assert_true(b1.rw_lower[j] <= one.relative_weights_share[j]);
    assert_true(b1.rw_upper[j] >= one.relative_weights_share[j]);
    assert_true(b1.rw_upper[j] - b1.rw_lower[j] < 0.5);
  }
  mi_stats_drivers_acc_free(a);
  /* the rows backwards, the same seed: the same point, other intervals drawn alike */
  a = mi_stats_drivers_acc_new(K, 200, 1);
  for (size_t i = N; i-- > 0;) mi_stats_drivers_acc_add(a, z[i]);
  mi_stats_drivers_result back;
  assert_int_equal(mi_stats_drivers_acc_result(a, 0.95, &back, &b2, &e), 0);
  for (size_t j = 0; j < K; j++) near(back.shapley_share[j], one.shapley_share[j], 1e-10);
  mi_stats_drivers_acc_free(a);
  mi_stats_drivers_boot_free(&b2);
  mi_stats_drivers_free(&back);
  /* the same rows and seed again: the same intervals exactly */
  a = mi_stats_drivers_acc_new(K, 200, 1);
  for (size_t i = 0; i < N; i++) mi_stats_drivers_acc_add(a, z[i]);
  assert_int_equal(mi_stats_drivers_acc_result(a, 0.95, &back, &b2, &e), 0);
  for (size_t j = 0; j < K; j++) assert_true(b2.sh_lower[j] == b1.sh_lower[j]);
  mi_stats_drivers_acc_free(a);
  mi_stats_drivers_boot_free(&b1), mi_stats_drivers_boot_free(&b2);
  mi_stats_drivers_free(&back), mi_stats_drivers_free(&one), mi_stats_drivers_free(&rows);
  /* too few complete cases; a constant driver */
  a = mi_stats_drivers_acc_new(K, 0, 1);
  for (size_t i = 0; i < K + 1; i++) mi_stats_drivers_acc_add(a, z[i]);
  assert_int_equal(mi_stats_drivers_acc_result(a, 0.95, &one, &b1, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "complete cases"));
  mi_stats_drivers_acc_free(a);
  a = mi_stats_drivers_acc_new(K, 0, 1);
  for (size_t i = 0; i < N; i++) {
    double c[K + 1] = {z[i][0], z[i][1], 3, z[i][3]};
    mi_stats_drivers_acc_add(a, c);
  }
  assert_int_equal(mi_stats_drivers_acc_result(a, 0.95, &one, &b1, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "same value"));
  mi_stats_drivers_acc_free(a);
}

static void test_drivers(void **state) {
  (void)state;
  mi_err e = {0};
  mi_stats_drivers_result r;
  assert_int_equal(mi_stats_drivers(NULL, NULL, 0, 1, NULL, &e), MI_EINVAL);
  double y[] = {1, 2, 4, 3, 5, 4, 6};
  double x[] = {1, 2, 3, 4, 5, 6, 7, /* b */ 3, 1, 2, 5, 4, 7, 6, /* a copy of a */
                1, 2, 3, 4, 5, 6, 7};
  assert_int_equal(mi_stats_drivers(y, x, 0, 1, &r, &e), MI_EINVAL); /* n = 0 */
  assert_int_equal(mi_stats_drivers(y, x, 1, 1, &r, &e), MI_EINVAL); /* n = 1 */
  assert_non_null(strstr(e.msg, "more rows than coefficients"));
  assert_int_equal(mi_stats_drivers(y, x, 7, 3, &r, &e), MI_EINVAL); /* collinear */
  assert_int_equal(r.collinear, 3);
  double k7[] = {2, 2, 2, 2, 2, 2, 2};
  assert_int_equal(mi_stats_drivers(y, k7, 7, 1, &r, &e), MI_EINVAL); /* constant x */
  assert_int_equal(r.collinear, 1);
  assert_int_equal(mi_stats_drivers(k7, x, 7, 2, &r, &e), MI_EINVAL); /* constant y */
  assert_non_null(strstr(e.msg, "nothing to explain"));
  double big[7 * 16];
  assert_int_equal(mi_stats_drivers(y, big, 7, 16, &r, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "limited to 15"));
  /* one predictor: everything is that predictor's */
  assert_int_equal(mi_stats_drivers(y, x, 7, 1, &r, &e), 0);
  near(r.shapley_share[0], 1, 1e-12);
  near(r.relative_weights_share[0], 1, 1e-12);
  near(r.standardized_beta[0] * r.standardized_beta[0], r.r_squared, 1e-12);
  mi_stats_drivers_free(&r);
  /* two predictors: shares sum to 1, raw parts to R^2, LMG by hand */
  assert_int_equal(mi_stats_drivers(y, x, 7, 2, &r, &e), 0);
  near(r.shapley_raw[0] + r.shapley_raw[1], r.r_squared, 1e-12);
  near(r.relative_weights_raw[0] + r.relative_weights_raw[1], r.r_squared, 1e-12);
  near(r.shapley_share[0] + r.shapley_share[1], 1, 1e-12);
  mi_stats_regress_result a, b;
  assert_int_equal(mi_stats_regress(y, x, 7, 1, &a, &e), 0);
  assert_int_equal(mi_stats_regress(y, x + 7, 7, 1, &b, &e), 0);
  near(r.shapley_raw[0], (a.r_squared + r.r_squared - b.r_squared) / 2, 1e-12);
  mi_stats_regress_free(&a);
  mi_stats_regress_free(&b);
  mi_stats_drivers_free(&r);
  mi_stats_drivers_free(&r); /* twice is harmless */
  /* importance-performance */
  double imp[] = {0.4, 0.3, 0.2, 0.1}, perf[] = {3, 4, 4, 3};
  mi_stats_ipa_quadrant q[4];
  assert_int_equal(mi_stats_ipa(imp, perf, 4, q, &e), 0);
  assert_int_equal(q[0], MI_STATS_IPA_CONCENTRATE);
  assert_int_equal(q[1], MI_STATS_IPA_KEEP_UP);
  assert_int_equal(q[2], MI_STATS_IPA_OVERKILL);
  assert_int_equal(q[3], MI_STATS_IPA_LOW_PRIORITY);
  assert_string_equal(mi_stats_ipa_name(q[0]), "concentrate_here");
  double same[] = {1, 1}; /* equal to the mean counts as high */
  assert_int_equal(mi_stats_ipa(same, same, 2, q, &e), 0);
  assert_int_equal(q[1], MI_STATS_IPA_KEEP_UP);
  assert_int_equal(mi_stats_ipa(imp, perf, 0, q, &e), MI_EINVAL);
}

static void test_km(void **state) {
  (void)state;
  mi_err e = {0};
  mi_stats_km_result r;
  double t[] = {1, 2, 3, 4};
  unsigned char ev[] = {1, 1, 1, 1};
  assert_int_equal(mi_stats_km(t, ev, 0, 0.95, &r, &e), MI_EINVAL); /* n = 0 */
  assert_int_equal(mi_stats_km(NULL, ev, 3, 0.95, &r, &e), MI_EINVAL);
  assert_int_equal(mi_stats_km(t, ev, 4, 1, &r, &e), MI_EINVAL);
  double neg[] = {1, -2};
  assert_int_equal(mi_stats_km(neg, ev, 2, 0.95, &r, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "time 2"));
  /* S is exactly 0.5 between 2 and 3: the median is the midpoint (survival) */
  assert_int_equal(mi_stats_km(t, ev, 4, 0.95, &r, &e), 0);
  near(r.median, want("km_small", "median"), 0);
  near(r.median_ci_lower, want("km_small", "median_ci_lower"), 0);
  assert_true(isnan(r.median_ci_upper));
  double nr, sv, se;
  mi_stats_km_at(&r, 2.5, &nr, &sv, &se);
  near(nr, 2, 0);
  near(sv, 0.5, 1e-15);
  near(se, want("km_small", "at_times/1/se"), 1e-12);
  mi_stats_km_at(&r, 9, &nr, &sv, &se); /* after the end: S = 0, se undefined */
  assert_true(nr == 0 && sv == 0 && isnan(se));
  mi_stats_km_at(&r, 0.5, &nr, &sv, &se); /* before the first time */
  assert_true(nr == 4 && sv == 1 && se == 0);
  mi_stats_km_free(&r);
  /* n = 1 with an event: median at its time, no interval */
  assert_int_equal(mi_stats_km(t + 2, ev, 1, 0.95, &r, &e), 0);
  near(r.median, 3, 0);
  assert_true(isnan(r.median_ci_lower) && isnan(r.median_ci_upper));
  mi_stats_km_free(&r);
  /* all censored: S stays 1, no median */
  unsigned char cens[] = {0, 0, 0, 0};
  assert_int_equal(mi_stats_km(t, cens, 4, 0.95, &r, &e), 0);
  assert_int_equal(r.events, 0);
  assert_true(isnan(r.median));
  near(r.surv[3], 1, 0);
  mi_stats_km_free(&r);
  /* all times equal */
  double same[] = {5, 5, 5};
  assert_int_equal(mi_stats_km(same, ev, 3, 0.95, &r, &e), 0);
  assert_int_equal(r.nsteps, 1);
  near(r.surv[0], 0, 0);
  mi_stats_km_free(&r);
  /* log-rank */
  mi_stats_logrank_result lr;
  size_t g[] = {0, 1, 0, 1};
  assert_int_equal(mi_stats_logrank(t, ev, g, 4, 1, &lr, &e), MI_EINVAL);
  size_t g1[] = {0, 0, 0, 0};
  assert_int_equal(mi_stats_logrank(t, ev, g1, 4, 2, &lr, &e), MI_EINVAL); /* empty group */
  assert_non_null(strstr(e.msg, "group 2 has no observations"));
  assert_int_equal(mi_stats_logrank(t, ev, g, 4, 2, &lr, &e), 0);
  near(lr.observed[0] + lr.observed[1], 4, 0);
  near(lr.expected[0] + lr.expected[1], 4, 1e-15);
  assert_true(lr.df == 1 && lr.p > 0 && lr.p <= 1);
  mi_stats_logrank_free(&lr);
}

static void test_pca(void **state) {
  (void)state;
  mi_err e = {0};
  mi_stats_pca_result r;
  double x[] = {1, 2, 3, 4, 5, /* b */ 2, 1, 4, 3, 6, /* c = 2a */ 2, 4, 6, 8, 10,
                /* constant */ 3, 3, 3, 3, 3};
  assert_int_equal(mi_stats_pca(x, 5, 2, 1, MI_STATS_ROTATE_VARIMAX, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_stats_pca(x, 2, 2, 1, MI_STATS_ROTATE_VARIMAX, &r, &e), MI_EINVAL); /* n < 3 */
  assert_int_equal(mi_stats_pca(x, 5, 2, 3, MI_STATS_ROTATE_VARIMAX, &r, &e), MI_EINVAL); /* k > p */
  assert_int_equal(mi_stats_pca(x, 5, 2, 0, MI_STATS_ROTATE_VARIMAX, &r, &e), MI_EINVAL);
  assert_int_equal(mi_stats_pca(x, 5, 4, 2, MI_STATS_ROTATE_VARIMAX, &r, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "column 4 is constant"));
  /* a singular correlation matrix (c = 2a) is allowed: eigenvalue 0 */
  assert_int_equal(mi_stats_pca(x, 5, 3, 2, MI_STATS_ROTATE_VARIMAX, &r, &e), 0);
  near(r.eigenvalues[0] + r.eigenvalues[1] + r.eigenvalues[2], 3, 1e-12);
  assert_true(fabs(r.eigenvalues[2]) < 1e-12);
  near(r.communalities[0], r.communalities[2], 1e-12);
  near(r.ss_loadings[0] + r.ss_loadings[1], 3, 1e-12); /* everything kept */
  assert_true(r.ss_loadings[0] >= r.ss_loadings[1]);
  mi_stats_pca_free(&r);
  /* rotation keeps the communalities and the total */
  mi_stats_pca_result a, b;
  assert_int_equal(mi_stats_pca(x, 5, 3, 2, MI_STATS_ROTATE_NONE, &a, &e), 0);
  assert_int_equal(mi_stats_pca(x, 5, 3, 2, MI_STATS_ROTATE_VARIMAX, &b, &e), 0);
  assert_int_equal(a.iterations, 0);
  near(a.communalities[1], b.communalities[1], 1e-12);
  near(a.ss_loadings[0] + a.ss_loadings[1], b.ss_loadings[0] + b.ss_loadings[1], 1e-12);
  near(a.ss_loadings[0], a.eigenvalues[0], 1e-12);
  mi_stats_pca_free(&a);
  mi_stats_pca_free(&b);
}

static void test_index(void **state) {
  (void)state;
  mi_err e = {0};
  /* 4 rows, columns a, b (dimension 1) and c (dimension 2) */
  double x[] = {1, 2, 5, 0, /* b */ 3, 0, 5, 0, /* c */ 10, 0, 0, 4};
  unsigned char miss[] = {0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0};
  size_t d1[] = {0, 1}, d2[] = {2};
  mi_stats_index_dim dims[] = {{1, 1, 5, d1, 2}, {3, 0, 10, d2, 1}};
  mi_stats_index_result r, g[2];
  assert_int_equal(mi_stats_index(x, miss, NULL, NULL, 4, 3, NULL, 0, NULL, 0, &r, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_stats_index(x, miss, NULL, NULL, 4, 3, dims, 2, NULL, 0, &r, NULL, &e), 0);
  assert_int_equal(r.n, 4);
  assert_int_equal(r.dim_n[0], 3);
  near(r.dimension_mean_raw[0], (2 + 2 + 5) / 3.0, 1e-15); /* row means 2, 2, 5 */
  near(r.dimension_score_0_100[0], 100 * (3 - 1) / 4.0, 1e-15);
  near(r.dimension_mean_raw[1], 7, 0);
  near(r.index, (50 + 3 * 70) / 4.0, 1e-15);
  mi_stats_index_free(&r);
  /* weights: the row means weighted */
  double w[] = {1, 0, 3, 1};
  assert_int_equal(mi_stats_index(x, miss, w, NULL, 4, 3, dims, 2, NULL, 0, &r, NULL, &e), 0);
  near(r.dimension_mean_raw[0], (2 + 15) / 4.0, 1e-15);
  double se_rows = r.se;
  mi_stats_index_free(&r);
  /* a design of one stratum, each row its own PSU: the same se; a design of
   * other rows is refused */
  mi_stats_design des;
  mi_stats_design_spec spec = {.n = 4, .w = w};
  assert_int_equal(mi_stats_design_init(&spec, &des, &e), 0);
  assert_int_equal(mi_stats_index(x, miss, w, &des, 4, 3, dims, 2, NULL, 0, &r, NULL, &e), 0);
  near(r.se, se_rows, 1e-14);
  mi_stats_index_free(&r);
  assert_int_equal(mi_stats_index(x, miss, w, &des, 3, 3, dims, 2, NULL, 0, &r, NULL, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "not of these rows"));
  mi_stats_design_free(&des);
  /* groups, a group of one */
  size_t grp[] = {0, 0, 0, 1};
  assert_int_equal(mi_stats_index(x, miss, NULL, NULL, 4, 3, dims, 2, grp, 2, &r, g, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "group 2: dimension 1 has no values"));
  size_t grp2[] = {0, 1, 0, 1};
  assert_int_equal(mi_stats_index(x, miss, NULL, NULL, 4, 3, dims, 2, grp2, 2, &r, g, &e), 0);
  assert_int_equal(g[1].n, 2);
  near(g[1].dimension_mean_raw[1], 4, 0);
  mi_stats_index_free(&r);
  mi_stats_index_free(&g[0]);
  mi_stats_index_free(&g[1]);
  /* out of range, no values, bad spec */
  x[2] = 6;
  assert_int_equal(mi_stats_index(x, miss, NULL, NULL, 4, 3, dims, 2, NULL, 0, &r, NULL, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "column 1 row 3: 6 is outside the scale 1..5"));
  x[2] = 5;
  unsigned char all[12];
  memset(all, 1, sizeof all);
  assert_int_equal(mi_stats_index(x, all, NULL, NULL, 4, 3, dims, 2, NULL, 0, &r, NULL, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "dimension 1 has no values"));
  dims[1].min = 10;
  assert_int_equal(mi_stats_index(x, miss, NULL, NULL, 4, 3, dims, 2, NULL, 0, &r, NULL, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "min < max"));
}

static void test_trend(void **state) {
  (void)state;
  mi_err e = {0};
  mi_stats_trend_result r;
  double x[24];
  for (int i = 0; i < 24; i++) x[i] = 10 + 0.5 * i + (i % 4 == 0 ? 2 : i % 4 == 2 ? -2 : 0);
  mi_stats_vec v = {x, NULL, NULL, 24};
  assert_int_equal(mi_stats_trend(&v, 1, &r, &e), MI_EINVAL);
  assert_int_equal(mi_stats_trend(NULL, 4, &r, &e), MI_EINVAL);
  mi_stats_vec shortv = {x, NULL, NULL, 7};
  assert_int_equal(mi_stats_trend(&shortv, 4, &r, &e), MI_EINVAL); /* < 2 periods */
  assert_non_null(strstr(e.msg, "at least 2 full periods"));
  /* exact: linear + a period-4 pattern (2, 0, -2, 0) */
  assert_int_equal(mi_stats_trend(&v, 4, &r, &e), 0);
  near(r.seasonal[0], 2, 1e-12);
  near(r.seasonal[2], -2, 1e-12);
  assert_true(fabs(r.seasonal[1]) < 1e-12);
  near(r.ma_centered[2], 10 + 0.5 * 2, 1e-13);
  assert_true(isnan(r.ma_centered[1]) && isnan(r.ma_centered[22]) && !isnan(r.ma_centered[21]));
  assert_true(isnan(r.ma_trailing[2]) && !isnan(r.ma_trailing[3]));
  near(r.ma_trailing[3], (12 + 10.5 + 9 + 11.5) / 4, 1e-13);
  mi_stats_trend_free(&r);
  /* missing: windows with it are NaN, the OLS keeps t */
  unsigned char miss[24] = {0};
  miss[10] = 1;
  v.miss = miss;
  assert_int_equal(mi_stats_trend(&v, 4, &r, &e), 0);
  assert_int_equal(r.n, 23);
  assert_int_equal(r.n_missing, 1);
  assert_true(isnan(r.ma_centered[9]) && isnan(r.ma_trailing[13]) && !isnan(r.ma_trailing[14]));
  mi_stats_trend_free(&r);
  /* constant: documented exact result */
  double c[8] = {3, 3, 3, 3, 3, 3, 3, 3};
  mi_stats_vec vc = {c, NULL, NULL, 8};
  assert_int_equal(mi_stats_trend(&vc, 2, &r, &e), 0);
  assert_true(r.slope == 0 && r.slope_se == 0 && isnan(r.slope_p) && isnan(r.r_squared));
  assert_true(r.intercept == 3 && r.seasonal[0] == 0);
  mi_stats_trend_free(&r);
}

static void test_kmeans(void **state) {
  (void)state;
  mi_err e = {0};
  mi_stats_kmeans_result r, s;
  /* two clear groups on a line, with a duplicated point */
  double x[] = {1, 1.2, 0.8, 10, 10.5, 9.5, 1};
  assert_int_equal(mi_stats_kmeans(x, 7, 1, 0, 5, 1, &r, &e), MI_EINVAL);
  assert_int_equal(mi_stats_kmeans(x, 0, 1, 1, 5, 1, &r, &e), MI_EINVAL); /* n = 0 */
  assert_int_equal(mi_stats_kmeans(x, 7, 1, 2, 0, 1, &r, &e), MI_EINVAL);
  assert_int_equal(mi_stats_kmeans(x, 2, 1, 3, 5, 1, &r, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "only 2 distinct rows"));
  assert_int_equal(mi_stats_kmeans(x, 7, 1, 2, 5, 1, &r, &e), 0);
  assert_int_equal(r.sizes[0], 4);
  assert_int_equal(r.sizes[1], 3);
  near(r.centers[0], 1, 1e-15);
  near(r.centers[1], 10, 1e-15);
  near(r.tot_withinss + r.betweenss, r.totss, 1e-12);
  assert_int_equal(r.cluster[3], 1);
  /* deterministic with the seed; another seed finds the same unique optimum */
  assert_int_equal(mi_stats_kmeans(x, 7, 1, 2, 5, 1, &s, &e), 0);
  assert_memory_equal(r.centers, s.centers, 2 * sizeof(double));
  mi_stats_kmeans_free(&s);
  assert_int_equal(mi_stats_kmeans(x, 7, 1, 2, 3, 987654321, &s, &e), 0);
  near(s.tot_withinss, r.tot_withinss, 1e-12);
  mi_stats_kmeans_free(&s);
  mi_stats_kmeans_free(&r);
  /* n = 1, k = 1; constant column; k = 1 has no between part */
  assert_int_equal(mi_stats_kmeans(x, 1, 1, 1, 1, 1, &r, &e), 0);
  assert_true(r.tot_withinss == 0 && r.sizes[0] == 1);
  mi_stats_kmeans_free(&r);
  double c[] = {2, 2, 2};
  assert_int_equal(mi_stats_kmeans(c, 3, 1, 2, 1, 1, &r, &e), MI_EINVAL);
  assert_int_equal(mi_stats_kmeans(c, 3, 1, 1, 1, 1, &r, &e), 0);
  assert_true(r.betweenss == 0 && r.totss == 0);
  mi_stats_kmeans_free(&r);
}

/* ---- survey designs, raking, weighted describe (design.c, rake.c, weighted.c) ---- */

/* tests/data/stats/design.csv, read here with its known levels (sorted as
 * manyi's levels, so cells come in the fixtures' order). */
#define DN 60
static const char *const d_strata[] = {"north", "south", "west"};
static const char *const d_psus[] = {"N1", "N2", "N3", "N4", "S1", "S2",
                                     "S3", "S4", "S5", "W1", "W2", "W3"};
static const char *const d_tiers[] = {"bronze", "gold", "silver"};
static const char *const d_channels[] = {"phone", "web"};
typedef struct design_csv {
  size_t stratum[DN], psu[DN], psu_in[DN], tier[DN], channel[DN];
  double psu_pop[DN], frac[DN], pop_rows[DN], weight[DN], score[DN];
  unsigned char miss[DN];
} design_csv;

static size_t level_of(const char *const *levels, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(levels[i], s)) return i;
  print_error("unknown level '%s'\n", s);
  fail();
  return 0;
}

static void read_design(design_csv *d) {
  FILE *f = fopen(MANYI_SOURCE_DIR "/tests/data/stats/design.csv", "r");
  assert_non_null(f);
  char line[512];
  assert_non_null(fgets(line, sizeof line, f)); /* header, checked by the field count */
  assert_non_null(strstr(line, "id,stratum,psu,psu_in_stratum,psu_pop,frac,pop_rows,weight,"
                               "score,nps,tier,channel"));
  size_t i = 0;
  while (fgets(line, sizeof line, f)) {
    assert_true(i < DN);
    char *fld[12], *p = line;
    for (int k = 0; k < 12; k++) {
      fld[k] = p;
      p += strcspn(p, ",\n");
      if (*p) *p++ = 0;
    }
    d->stratum[i] = level_of(d_strata, 3, fld[1]);
    d->psu[i] = level_of(d_psus, 12, fld[2]);
    d->psu_in[i] = strtoul(fld[3], NULL, 10) - 1;
    d->psu_pop[i] = strtod(fld[4], NULL);
    d->frac[i] = strtod(fld[5], NULL);
    d->pop_rows[i] = strtod(fld[6], NULL);
    d->weight[i] = strtod(fld[7], NULL);
    d->miss[i] = !*fld[8];
    d->score[i] = *fld[8] ? strtod(fld[8], NULL) : 0;
    d->tier[i] = level_of(d_tiers, 3, fld[10]);
    d->channel[i] = level_of(d_channels, 2, fld[11]);
    i++;
  }
  fclose(f);
  assert_int_equal(i, DN);
}

/* Every field of a mean_* fixture. */
static void check_mean(const char *name, const mi_stats_design_mean_result *r) {
  assert_int_equal(r->n, (size_t)want(name, "n"));
  assert_int_equal(r->n_missing, (size_t)want(name, "n_missing"));
  assert_int_equal(r->n_psu, (size_t)want(name, "n_psu"));
  assert_int_equal(r->n_strata, (size_t)want(name, "n_strata"));
  const char *f[] = {"mean", "se", "df", "ci_lower", "ci_upper", "deff", "sum_weights"};
  double got[] = {r->mean, r->se, r->df, r->ci_lower, r->ci_upper, r->deff, r->sum_weights};
  for (size_t i = 0; i < sizeof f / sizeof *f; i++) near(got[i], want(name, f[i]), 1e-9);
}

static void design_case(const char *name, const design_csv *d, const double *w,
                        const size_t *stratum, const size_t *psu, size_t npsu, int nest,
                        const double *fpc, double conf) {
  mi_stats_design_spec s = {DN, w, stratum, 3, psu, npsu, nest, fpc, MI_STATS_LONELY_FAIL};
  mi_stats_design des;
  mi_err e = {0};
  if (mi_stats_design_init(&s, &des, &e)) {
    print_error("%s: %s\n", name, e.msg);
    fail();
  }
  mi_stats_design_mean_result r;
  assert_int_equal(mi_stats_design_mean(&des, d->score, d->miss, conf, &r, &e), 0);
  check_mean(name, &r);
  mi_stats_design_free(&des);
}

static void test_design_r(void **state) {
  (void)state;
  static design_csv d;
  read_design(&d);
  design_case("mean_strat", &d, d.weight, d.stratum, NULL, 0, 0, NULL, 0.95);
  design_case("mean_cluster", &d, d.weight, NULL, d.psu, 12, 0, NULL, 0.95);
  design_case("mean_strat_cluster", &d, d.weight, d.stratum, d.psu, 12, 0, NULL, 0.95);
  design_case("mean_strat_cluster_90", &d, d.weight, d.stratum, d.psu, 12, 0, NULL, 0.9);
  design_case("mean_strat_cluster_fpc", &d, d.weight, d.stratum, d.psu, 12, 0, d.psu_pop, 0.95);
  design_case("mean_fpc_implied", &d, NULL, d.stratum, d.psu, 12, 0, d.psu_pop, 0.95);
  design_case("mean_fpc_fraction", &d, NULL, d.stratum, d.psu, 12, 0, d.frac, 0.95);
  design_case("mean_strat_fpc_rows", &d, NULL, d.stratum, NULL, 0, 0, d.pop_rows, 0.95);
  design_case("mean_nest", &d, d.weight, d.stratum, d.psu_in, 5, 1, NULL, 0.95);
}

/* The variance from PSU totals folded in one pass (as a streaming caller
 * would) equals the mean's: the accumulator shape of mi_stats_design_var. */
static void test_design_stream(void **state) {
  (void)state;
  static design_csv d;
  read_design(&d);
  mi_stats_design_spec s = {DN, d.weight, d.stratum, 3, d.psu, 12, 0, d.psu_pop,
                            MI_STATS_LONELY_FAIL};
  mi_stats_design des;
  mi_err e = {0};
  assert_int_equal(mi_stats_design_init(&s, &des, &e), 0);
  double ty[12] = {0}, tx[12] = {0}, Y = 0, X = 0;
  unsigned char present[12] = {0};
  for (size_t i = 0; i < DN; i++) {
    if (d.miss[i]) continue;
    size_t p = des.psu[i];
    ty[p] += d.weight[i] * d.score[i], tx[p] += d.weight[i], present[p] = 1;
    Y += d.weight[i] * d.score[i], X += d.weight[i];
  }
  double t[12], var, ratio = Y / X;
  for (size_t p = 0; p < 12; p++) t[p] = (ty[p] - ratio * tx[p]) / X;
  assert_int_equal(mi_stats_design_var(&des, t, present, &var, &e), 0);
  near(sqrt(var), want("mean_strat_cluster_fpc", "se"), 1e-9);
  near(ratio, want("mean_strat_cluster_fpc", "mean"), 1e-12);
  assert_int_equal(mi_stats_design_var(NULL, t, present, &var, &e), MI_EINVAL);
  mi_stats_design_free(&des);
}

/* lonely.csv: stratum b has one PSU. */
static const size_t ln_stratum[] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
static const size_t ln_psu[] = {0, 0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5};
static const double ln_pop[] = {10, 10, 10, 10, 10, 10, 4, 4, 4, 5, 5, 5, 5};
static const double ln_w[] = {3, 4, 3.5, 3, 2, 4, 6, 5, 6.5, 2.5, 3, 2, 2.5};
static const double ln_y[] = {4, 5, 3, 4, 2, 5, 1, 2, 2, 5, 4, 3, 5};

static int lonely_mean(mi_stats_lonely_psu rule, const double *fpc,
                       mi_stats_design_mean_result *r, mi_err *e) {
  mi_stats_design_spec s = {13, ln_w, ln_stratum, 3, ln_psu, 6, 0, fpc, rule};
  mi_stats_design des;
  int rc = mi_stats_design_init(&s, &des, e);
  if (!rc) rc = mi_stats_design_mean(&des, ln_y, NULL, 0.95, r, e);
  mi_stats_design_free(&des);
  return rc;
}

static void test_design_lonely(void **state) {
  (void)state;
  mi_err e = {0};
  mi_stats_design_mean_result r;
  assert_int_equal(lonely_mean(MI_STATS_LONELY_FAIL, NULL, &r, &e), MI_EINVAL);
  assert_string_equal(e.msg, "stratum 2 has only one PSU (PSU 4), so its variance cannot be "
                             "estimated");
  assert_int_equal(lonely_mean(MI_STATS_LONELY_REMOVE, NULL, &r, &e), 0);
  check_mean("mean_lonely_remove", &r);
  assert_int_equal(lonely_mean(MI_STATS_LONELY_CERTAINTY, NULL, &r, &e), 0);
  check_mean("mean_lonely_certainty", &r);
  assert_int_equal(lonely_mean(MI_STATS_LONELY_ADJUST, NULL, &r, &e), 0);
  check_mean("mean_lonely_adjust", &r);
  assert_int_equal(lonely_mean(MI_STATS_LONELY_ADJUST, ln_pop, &r, &e), 0);
  check_mean("mean_lonely_adjust_fpc", &r);
  assert_int_equal(lonely_mean(MI_STATS_LONELY_AVERAGE, NULL, &r, &e), 0);
  check_mean("mean_lonely_average", &r);
  /* a lonely PSU that is the whole stratum population (f = 0) does not fail */
  double census[13];
  for (int i = 0; i < 13; i++) census[i] = ln_stratum[i] == 1 ? 1 : ln_pop[i];
  assert_int_equal(lonely_mean(MI_STATS_LONELY_FAIL, census, &r, &e), 0);
  /* the lonely stratum without values is not in the estimate: no failure */
  unsigned char miss[13] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0};
  mi_stats_design_spec s = {13, ln_w, ln_stratum, 3, ln_psu, 6, 0, NULL, MI_STATS_LONELY_FAIL};
  mi_stats_design des;
  assert_int_equal(mi_stats_design_init(&s, &des, &e), 0);
  assert_int_equal(mi_stats_design_mean(&des, ln_y, miss, 0.95, &r, &e), 0);
  assert_int_equal(r.n_strata, 2);
  assert_int_equal(r.n, 10);
  mi_stats_design_free(&des);
  mi_stats_lonely_psu rule;
  assert_int_equal(mi_stats_lonely_psu_parse("adjust", &rule, &e), 0);
  assert_int_equal(rule, MI_STATS_LONELY_ADJUST);
  assert_int_equal(mi_stats_lonely_psu_parse("scale", &rule, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "fail, remove, adjust, certainty or average"));
  assert_string_equal(mi_stats_lonely_psu_name(MI_STATS_LONELY_CERTAINTY), "certainty");
}

static int try_design(const mi_stats_design_spec *s, mi_err *e) {
  mi_stats_design d;
  int rc = mi_stats_design_init(s, &d, e);
  mi_stats_design_free(&d);
  return rc;
}

static void test_design_edges(void **state) {
  (void)state;
  mi_err e = {0};
  mi_stats_design d;
  assert_int_equal(mi_stats_design_init(NULL, &d, &e), MI_EINVAL);
  mi_stats_design_spec s = {13, ln_w, ln_stratum, 3, ln_psu, 6, 0, NULL, MI_STATS_LONELY_FAIL};
  assert_int_equal(mi_stats_design_init(&s, NULL, &e), MI_EINVAL);
  s.n = 0; /* n = 0 */
  assert_int_equal(try_design(&s, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "no rows"));
  s.n = 13;
  double w[13];
  memcpy(w, ln_w, sizeof w);
  w[4] = -1;
  s.w = w;
  assert_int_equal(try_design(&s, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "row 5: weight -1"));
  s.w = ln_w;
  /* a PSU id in two strata: an error without nest, distinct PSUs with it */
  size_t shared[] = {0, 0, 1, 1, 2, 2, 0, 0, 0, 0, 0, 1, 1};
  s.psu = shared;
  s.npsu = 3;
  assert_int_equal(try_design(&s, &e), MI_EINVAL);
  assert_string_equal(e.msg, "PSU 1 is in stratum 1 (row 1) and in stratum 2 (row 7): PSUs must "
                             "be nested in strata, or their ids restart in each stratum (nest)");
  s.nest = 1;
  s.lonely = MI_STATS_LONELY_REMOVE;
  assert_int_equal(mi_stats_design_init(&s, &d, &e), 0);
  assert_int_equal(d.npsu, 6);
  assert_int_equal(d.stratum_npsu[0], 3);
  mi_stats_design_free(&d);
  s.nest = 0;
  s.psu = ln_psu;
  s.npsu = 6;
  s.lonely = MI_STATS_LONELY_FAIL;
  /* only one PSU */
  size_t one[13] = {0};
  mi_stats_design_spec s1 = {13, ln_w, NULL, 0, one, 1, 0, NULL, MI_STATS_LONELY_FAIL};
  assert_int_equal(try_design(&s1, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "only one PSU"));
  mi_stats_design_spec s2 = {1, ln_w, NULL, 0, NULL, 0, 0, NULL, MI_STATS_LONELY_FAIL};
  assert_int_equal(try_design(&s2, &e), MI_EINVAL);
  /* fpc: mixed, all 1, varying in a stratum, below n_h, <= 0 */
  double fpc[13];
  memcpy(fpc, ln_pop, sizeof fpc);
  s.fpc = fpc;
  fpc[0] = fpc[1] = 0.5;
  assert_int_equal(try_design(&s, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "mixes population sizes"));
  for (int i = 0; i < 13; i++) fpc[i] = 1;
  assert_int_equal(try_design(&s, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "every fpc is 1"));
  memcpy(fpc, ln_pop, sizeof fpc);
  fpc[3] = 11;
  assert_int_equal(try_design(&s, &e), MI_EINVAL);
  assert_string_equal(e.msg, "stratum 1: the fpc varies within the stratum (10 in row 1, 11 in "
                             "row 4)");
  memcpy(fpc, ln_pop, sizeof fpc);
  for (int i = 0; i < 6; i++) fpc[i] = 2;
  assert_int_equal(try_design(&s, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "stratum 1: fpc 2 means 2 PSUs in the population, fewer than "
                              "the 3 sampled"));
  fpc[0] = 0;
  assert_int_equal(try_design(&s, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "row 1: fpc 0"));
  s.fpc = NULL;
  /* n = 0 values, all weights 0, one value (df 0: no interval) */
  assert_int_equal(mi_stats_design_init(&s, &d, &e), 0);
  unsigned char all[13];
  memset(all, 1, sizeof all);
  mi_stats_design_mean_result r;
  assert_int_equal(mi_stats_design_mean(&d, ln_y, all, 0.95, &r, &e), MI_EINVAL);
  assert_string_equal(e.msg, "no values: all 13 rows are missing");
  all[0] = 0;
  assert_int_equal(mi_stats_design_mean(&d, ln_y, all, 0.95, &r, &e), 0);
  assert_true(r.df == 0 && isnan(r.ci_lower) && isnan(r.ci_upper) && isnan(r.deff));
  near(r.mean, 4, 0);
  assert_int_equal(mi_stats_design_mean(&d, ln_y, NULL, 1.5, &r, &e), MI_EINVAL);
  mi_stats_design_free(&d);
  double zero[13] = {0};
  s.w = zero;
  assert_int_equal(mi_stats_design_init(&s, &d, &e), 0);
  assert_int_equal(mi_stats_design_mean(&d, ln_y, NULL, 0.95, &r, &e), MI_EINVAL);
  assert_string_equal(e.msg, "all 13 weights are 0");
  mi_stats_design_free(&d);
  /* zero-weight rows keep their PSU in n_h but not in the df */
  memcpy(w, ln_w, sizeof w);
  w[4] = w[5] = 0; /* PSU a3 */
  s.w = w;
  assert_int_equal(mi_stats_design_init(&s, &d, &e), 0);
  s.lonely = MI_STATS_LONELY_REMOVE;
  mi_stats_design_free(&d);
  assert_int_equal(mi_stats_design_init(&s, &d, &e), 0);
  assert_int_equal(mi_stats_design_mean(&d, ln_y, NULL, 0.95, &r, &e), 0);
  assert_int_equal(r.n_psu, 5);
  near(r.df, 2, 0);
  assert_int_equal(d.stratum_npsu[0], 3);
  mi_stats_design_free(&d);
}

static void rake_margins(design_csv *d, mi_stats_margin *tier, mi_stats_margin *channel) {
  static const double tier_tot[] = {650, 260, 390}; /* bronze, gold, silver */
  static const double channel_tot[] = {520, 780};
  *tier = (mi_stats_margin){d->tier, 3, tier_tot};
  *channel = (mi_stats_margin){d->channel, 2, channel_tot};
}

static void check_rake(const char *name, const mi_stats_rake_result *r, size_t nm) {
  assert_int_equal(r->m.n, (size_t)want(name, "n"));
  assert_int_equal(r->m.n_missing, (size_t)want(name, "n_missing"));
  const char *f[] = {"mean", "se", "df", "ci_lower", "ci_upper", "sum_weights", "sum_weights_values"};
  double got[] = {r->m.mean, r->m.se, r->m.df, r->m.ci_lower, r->m.ci_upper, r->sum_weights,
                  r->m.sum_weights};
  for (size_t i = 0; i < sizeof f / sizeof *f; i++) near(got[i], want(name, f[i]), 1e-9);
  char path[64];
  for (size_t c = 0; c < r->ncells; c++) {
    snprintf(path, sizeof path, "cells/%zu/n", c);
    assert_int_equal(r->cell_n[c], (size_t)want(name, path));
    snprintf(path, sizeof path, "cells/%zu/sum_weights", c);
    near(r->cell_sum[c], want(name, path), 1e-9);
    snprintf(path, sizeof path, "cells/%zu/factor", c);
    near(r->cell_factor[c], want(name, path), 1e-9);
  }
  snprintf(path, sizeof path, "cells/%zu/n", r->ncells); /* no more cells than R's */
  char file[512];
  snprintf(file, sizeof file, EXPECTED "%s.json", name);
  json_t *root = json_load_file(file, 0, NULL);
  assert_int_equal(json_array_size(json_object_get(root, "cells")), r->ncells);
  json_decref(root);
  (void)nm;
}

/* Raking: the same iteration as R's rake with the same epsilon, so the
 * weights agree to rounding and 1e-9 holds for R's loose default (epsilon 1)
 * as for a tight run. */
static void test_rake(void **state) {
  (void)state;
  static design_csv d;
  read_design(&d);
  mi_err e = {0};
  mi_stats_margin tier, channel;
  rake_margins(&d, &tier, &channel);
  mi_stats_design_spec s = {DN, d.weight, NULL, 0, NULL, 0, 0, NULL, MI_STATS_LONELY_FAIL};
  mi_stats_design des;
  assert_int_equal(mi_stats_design_init(&s, &des, &e), 0);
  mi_stats_margin two[] = {tier, channel}, swapped[] = {channel, tier};
  mi_stats_rake_control ctl = {0, 1, 10};
  mi_stats_rake_result r;
  assert_int_equal(mi_stats_rake(&des, two, 2, &ctl, d.score, d.miss, 0.95, &r, &e), 0);
  check_rake("rake_two", &r, 2);
  assert_true(r.converged && r.iterations < 10);
  near(r.epsilon, 1, 0);
  mi_stats_rake_free(&r);
  assert_int_equal(mi_stats_rake(&des, &tier, 1, &ctl, d.score, d.miss, 0.95, &r, &e), 0);
  check_rake("rake_one", &r, 1);
  mi_stats_rake_free(&r);
  mi_stats_rake_control tight = {0, 1e-12, 100};
  assert_int_equal(mi_stats_rake(&des, two, 2, &tight, d.score, d.miss, 0.95, &r, &e), 0);
  check_rake("rake_tight", &r, 2);
  double sw = 0; /* epsilon < 1 is a share of the initial weights of all rows */
  for (size_t i = 0; i < DN; i++) sw += d.weight[i];
  near(r.epsilon, 1e-12 * sw, 1e-12);
  mi_stats_rake_free(&r);
  /* one pass only: not converged, reported */
  mi_stats_rake_control once = {0, 1e-12, 1};
  assert_int_equal(mi_stats_rake(&des, two, 2, &once, d.score, d.miss, 0.95, &r, &e), 0);
  assert_true(!r.converged && r.iterations == 1);
  mi_stats_rake_free(&r);
  mi_stats_rake_control post = {1, 0, 0};
  assert_int_equal(mi_stats_rake(&des, &tier, 1, &post, d.score, d.miss, 0.95, &r, &e), 0);
  check_rake("poststrat_tier", &r, 1);
  mi_stats_rake_free(&r);
  assert_int_equal(mi_stats_rake(&des, two, 2, &post, d.score, d.miss, 0.95, &r, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "one margin, not 2"));
  /* a weight 0: R's raking residuals are 0/0, so se is NaN; the mean is fine */
  double w0[DN];
  memcpy(w0, d.weight, sizeof w0);
  w0[0] = 0;
  mi_stats_design_free(&des);
  s.w = w0;
  assert_int_equal(mi_stats_design_init(&s, &des, &e), 0);
  assert_int_equal(mi_stats_rake(&des, two, 2, &ctl, d.score, d.miss, 0.95, &r, &e), 0);
  assert_true(isnan(r.m.se) && isfinite(r.m.mean));
  mi_stats_rake_free(&r);
  mi_stats_design_free(&des);
  s.w = d.weight;
  /* errors: totals disagree, a total <= 0, a level without weight, no margins */
  static const double bad_tot[] = {520, 800};
  mi_stats_margin bad = {d.channel, 2, bad_tot};
  mi_stats_margin tb[] = {tier, bad};
  assert_int_equal(mi_stats_design_init(&s, &des, &e), 0);
  assert_int_equal(mi_stats_rake(&des, tb, 2, &ctl, d.score, d.miss, 0.95, &r, &e), MI_EINVAL);
  assert_string_equal(e.msg, "margin 2 totals 1320 but margin 1 totals 1300: raking cannot "
                             "match both");
  static const double neg_tot[] = {650, -260, 390};
  mi_stats_margin neg = {d.tier, 3, neg_tot};
  assert_int_equal(mi_stats_rake(&des, &neg, 1, &ctl, d.score, d.miss, 0.95, &r, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "margin 1 level 2: total -260"));
  static const double four[] = {1, 1, 1, 1};
  mi_stats_margin empty = {d.tier, 4, four}; /* level 4 has no rows */
  assert_int_equal(mi_stats_rake(&des, &empty, 1, &ctl, d.score, d.miss, 0.95, &r, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "margin 1 level 4 has no rows with a weight > 0"));
  assert_int_equal(mi_stats_rake(&des, NULL, 0, &ctl, d.score, d.miss, 0.95, &r, &e), MI_EINVAL);
  mi_stats_rake_control noeps = {0, 0, 10};
  assert_int_equal(mi_stats_rake(&des, two, 2, &noeps, d.score, d.miss, 0.95, &r, &e), MI_EINVAL);
  mi_stats_design_free(&des);
  /* on a stratified cluster design with an fpc; margins in the other order */
  mi_stats_design_spec sd = {DN, d.weight, d.stratum, 3, d.psu, 12, 0, d.psu_pop,
                             MI_STATS_LONELY_FAIL};
  assert_int_equal(mi_stats_design_init(&sd, &des, &e), 0);
  assert_int_equal(mi_stats_rake(&des, swapped, 2, &ctl, d.score, d.miss, 0.95, &r, &e), 0);
  check_rake("rake_design", &r, 2);
  mi_stats_rake_free(&r);
  mi_stats_design_free(&des);
  sd.fpc = NULL;
  assert_int_equal(mi_stats_design_init(&sd, &des, &e), 0);
  assert_int_equal(mi_stats_rake(&des, &channel, 1, &post, d.score, d.miss, 0.95, &r, &e), 0);
  check_rake("poststrat_design", &r, 1);
  mi_stats_rake_free(&r);
  mi_stats_design_free(&des);
}

static void test_describe_weighted(void **state) {
  (void)state;
  static design_csv d;
  read_design(&d);
  mi_err e = {0};
  mi_stats_vec v = {d.score, d.miss, d.weight, DN};
  mi_stats_wdescribe_result r;
  assert_int_equal(mi_stats_describe_weighted(&v, &r, &e), 0);
  const char *name = "describe_weighted_design";
  assert_int_equal(r.d.n, (size_t)want(name, "n"));
  assert_int_equal(r.d.n_missing, (size_t)want(name, "n_missing"));
  const char *f[] = {"sum_weights", "sum", "mean", "sd", "var", "se_mean", "median",
                     "q1", "q3", "iqr", "min", "max", "mode"};
  double got[] = {r.sum_weights, r.d.sum, r.d.mean, r.d.sd, r.d.var, r.d.se_mean, r.d.median,
                  r.d.q1, r.d.q3, r.d.iqr, r.d.min, r.d.max, r.d.mode};
  for (size_t i = 0; i < sizeof f / sizeof *f; i++) near(got[i], want(name, f[i]), 1e-9);
  /* se_mean is the design-based SE of 'mean --weight' */
  near(r.d.se_mean, want("describe_weighted_design", "se_mean"), 1e-9);
  mi_stats_describe_free(&r.d);
  /* survey's qrule_math, including its first-value quirk (R: survey:::qrule_math(
   * c(1, 2, 3), c(5, 1, 1), 0.25) is 2) */
  double xs[] = {1, 2, 3}, ws[] = {5, 1, 1}, eq[] = {1, 1, 1, 1};
  near(mi_stats_quantile_math(xs, ws, 3, 0.25), 2, 0);
  near(mi_stats_quantile_math(xs, ws, 3, 0.75), 2, 0); /* shares 5/7 < 0.75 <= 6/7 */
  near(mi_stats_quantile_math(xs, ws, 3, 0.9), 3, 0);
  double x4[] = {1, 2, 3, 4};
  near(mi_stats_quantile_math(x4, eq, 4, 0.5), 2, 0);    /* cum share exactly 0.5 */
  near(mi_stats_quantile_math(x4, eq, 4, 0.6), 3, 0);
  near(mi_stats_quantile_math(x4, eq, 1, 0.5), 1, 0);    /* n = 1 */
  /* edges: no values, all weights 0, no weights, one value */
  unsigned char all[] = {1, 1};
  double two[] = {3, 4}, w2[] = {1, 1}, z2[] = {0, 0};
  mi_stats_vec none = {two, all, w2, 2};
  assert_int_equal(mi_stats_describe_weighted(&none, &r, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "all 2 rows are missing"));
  mi_stats_vec zw = {two, NULL, z2, 2};
  assert_int_equal(mi_stats_describe_weighted(&zw, &r, &e), MI_EINVAL);
  assert_string_equal(e.msg, "all 2 weights are 0");
  mi_stats_vec nw = {two, NULL, NULL, 2};
  assert_int_equal(mi_stats_describe_weighted(&nw, &r, &e), MI_EINVAL);
  unsigned char one[] = {0, 1};
  mi_stats_vec v1 = {two, one, w2, 2};
  assert_int_equal(mi_stats_describe_weighted(&v1, &r, &e), 0);
  assert_true(isnan(r.d.var) && isfinite(r.d.se_mean));
  near(r.d.median, 3, 0);
  mi_stats_describe_free(&r.d);
}

/* The analysis layer on rows in memory (the path of manyi.stats in Lua):
 * design options work; rake refuses to open margins files for a policy. */
static void test_analysis_rows(void **state) {
  (void)state;
  const char *cols[] = {"y", "s", "k", "w"};
  mi_analysis_cell cells[13 * 4];
  static const char *const sn[] = {"a", "b", "c"}, *const kn[] = {"a1", "a2", "a3", "b1", "c1", "c2"};
  for (size_t i = 0; i < 13; i++) {
    cells[i * 4] = (mi_analysis_cell){MI_ANALYSIS_NUM, ln_y[i], NULL};
    cells[i * 4 + 1] = (mi_analysis_cell){MI_ANALYSIS_STR, 0, sn[ln_stratum[i]]};
    cells[i * 4 + 2] = (mi_analysis_cell){MI_ANALYSIS_STR, 0, kn[ln_psu[i]]};
    cells[i * 4 + 3] = (mi_analysis_cell){MI_ANALYSIS_NUM, ln_w[i], NULL};
  }
  mi_analysis_table t = {"rows", 13, 4, cols, cells};
  mi_analysis_args a = {.sub = "mean", .file = "rows", .table = &t,
                        .names = {"col", "weight", "strata", "cluster", "lonely-psu"},
                        .vals = {"y", "w", "s", "k", "adjust"}, .n = 5};
  mi_err e = {0};
  json_t *r = mi_analysis_find("mean")->run(&a, &e);
  assert_non_null(r);
  near(json_real_value(json_object_get(r, "se")), want("mean_lonely_adjust", "se"), 1e-9);
  json_decref(r);
  a.n = 4; /* lonely-PSU fail, named */
  assert_null(mi_analysis_find("mean")->run(&a, &e));
  assert_non_null(strstr(e.msg, "stratum 'b' has only one PSU (cluster 'b1')"));
  mi_analysis_args rk = {.sub = "rake", .file = "rows", .table = &t,
                         .names = {"col", "margin"}, .vals = {"y", "s=/etc/passwd"}, .n = 2};
  assert_null(mi_analysis_find("rake")->run(&rk, &e));
  assert_non_null(strstr(e.msg, "not opened for rows given in memory"));
}

/* mi_analysis_levels: distinct values found through a hash, then sorted
 * (numerically when all are numbers); each row gets its level's rank. */
static void test_levels(void **state) {
  (void)state;
  static char *text[] = {"b", NULL, "a10", "a2", "b", "a2", "", "B"};
  mi_analysis_column c = {.name = "g", .kind = MI_ANALYSIS_TEXT, .text = text};
  char **lv;
  size_t nl, *ix;
  mi_err e;
  assert_int_equal(mi_analysis_levels(&c, 8, &lv, &nl, &ix, &e), 0);
  /* bytewise: "" < "B" < "a10" < "a2" < "b" */
  assert_int_equal(nl, 5);
  static const char *const want[] = {"", "B", "a10", "a2", "b"};
  for (size_t k = 0; k < nl; k++) assert_string_equal(lv[k], want[k]);
  static const size_t wix[] = {4, MI_STATS_NO_GROUP, 2, 3, 4, 3, 0, 1};
  for (size_t i = 0; i < 8; i++) assert_int_equal(ix[i], wix[i]);
  mi_analysis_levels_free(lv, nl, ix);
  /* all numbers: numeric order, "10" after "9"; "1.0" and "1" stay apart */
  static char *num[] = {"10", "9", "1", "10", "1.0", "-2", "9"};
  c.text = num;
  assert_int_equal(mi_analysis_levels(&c, 7, &lv, &nl, &ix, &e), 0);
  static const char *const wnum[] = {"-2", "1", "1.0", "9", "10"};
  assert_int_equal(nl, 5);
  for (size_t k = 0; k < nl; k++) assert_string_equal(lv[k], wnum[k]);
  static const size_t wnix[] = {4, 3, 1, 4, 2, 0, 3};
  for (size_t i = 0; i < 7; i++) assert_int_equal(ix[i], wnix[i]);
  mi_analysis_levels_free(lv, nl, ix);
  /* many rows, few levels; none at all */
  enum { N = 100000 };
  static char *many[N];
  static char *names[] = {"west", "east", "north", "south"};
  for (size_t i = 0; i < N; i++) many[i] = names[(i * 7) % 4];
  c.text = many;
  assert_int_equal(mi_analysis_levels(&c, N, &lv, &nl, &ix, &e), 0);
  assert_int_equal(nl, 4);
  assert_string_equal(lv[0], "east");
  assert_string_equal(lv[3], "west");
  for (size_t i = 0; i < N; i++) assert_string_equal(lv[ix[i]], many[i]);
  mi_analysis_levels_free(lv, nl, ix);
  assert_int_equal(mi_analysis_levels(&c, 0, &lv, &nl, &ix, &e), 0);
  assert_int_equal(nl, 0);
  mi_analysis_levels_free(lv, nl, ix);
}

/* The difference of two domain means of one design: se from the joint
 * linearisation. Two strata (a, b), each row its own PSU, weights 1: the
 * domains d1 = {1, 3}, d2 = {2, 4}. Hand derivation: mean_1 = (1+3)/2 = 2,
 * mean_2 = (2+6)/2 = 4; u = (x - mean_d) / 2 in the domain, so
 * u_1 - u_2 = (-0.5, 0, 0.5, 0) - (0, -1, 0, 1) = (-0.5, 1, 0.5, -1) by row;
 * stratum a holds rows 1, 2 (-0.5, 1: mean 0.25, 2 (0.75^2 + 0.75^2) =
 * 2.25), b rows 3, 4 (0.5, -1: 2.25); var 4.5, se sqrt(4.5). */
static void test_design_diff(void **state) {
  (void)state;
  double x[] = {1, 2, 3, 6};
  size_t st[] = {0, 0, 1, 1};
  mi_stats_design_spec s = {4, NULL, st, 2, NULL, 0, 0, NULL, MI_STATS_LONELY_FAIL};
  mi_stats_design d;
  mi_err e;
  assert_int_equal(mi_stats_design_init(&s, &d, &e), 0);
  unsigned char ma[] = {0, 1, 0, 1}, mb[] = {1, 0, 1, 0};
  mi_stats_diff_result r;
  assert_int_equal(mi_stats_design_mean_diff(&d, x, ma, mb, 0.95, &r, &e), 0);
  assert_true(fabs(r.diff - (-2)) < 1e-15);
  assert_true(fabs(r.se - sqrt(4.5)) < 1e-15);
  unsigned char none[] = {1, 1, 1, 1};
  assert_int_equal(mi_stats_design_mean_diff(&d, x, ma, none, 0.95, &r, &e), MI_EINVAL);
  mi_stats_design_free(&d);
}


/* The one-pass accumulators (lin.c) against the array functions on the same
 * random rows: strata with a lonely one, own PSUs or clusters, missing
 * values, three groups and their rests, weights with zeros. */
static void lin_case(int clusters) {
  enum { N = 400, G = 3 };
  double w[N], y[N];
  size_t st[N], psu[N], grp[N];
  unsigned char miss[N], dom[N];
  unsigned seed = clusters ? 7 : 3;
  for (size_t i = 0; i < N; i++) {
    seed = seed * 1103515245u + 12345u;
    st[i] = i == 0 ? 4 : 1 + (seed >> 8) % 3; /* stratum 4: one row, a lonely PSU */
    if (i == 1) st[i] = 0;
    psu[i] = clusters ? st[i] * 10 + (seed >> 12) % 4 : i;
    if (clusters && i == 0) psu[i] = 40;
    grp[i] = (seed >> 16) % G;
    w[i] = (seed >> 20) % 9 == 0 ? 0 : 1 + (double)((seed >> 4) % 50) / 7;
    y[i] = (double)((seed >> 24) % 5) + 1;
    miss[i] = (seed >> 28) % 7 == 0;
  }
  mi_stats_design_spec spec = {.n = N, .w = w, .stratum = st, .nstrata = 5, .psu = psu,
                               .npsu = clusters ? 50 : N, .lonely = MI_STATS_LONELY_ADJUST};
  mi_stats_design d;
  mi_err e = {0};
  int rc = mi_stats_design_init(&spec, &d, &e);
  if (rc) fprintf(stderr, "design: %s\n", e.msg);
  assert_int_equal(rc, 0);
  double shift = 3;
  mi_stats_lin *l = mi_stats_lin_new(1, 0, 0, &shift);
  assert_non_null(l);
  for (size_t i = 0; i < N; i++) {
    double v = miss[i] ? NAN : y[i];
    assert_int_equal(mi_stats_lin_add(l, st[i], clusters ? psu[i] : MI_STATS_LIN_OWN, w[i], &v,
                                      1 + grp[i], &e), 0);
  }
  /* the same rows folded in two halves (alternate runs of 50 rows) whose
   * strata, PSUs and groups are numbered otherwise, then merged: the same
   * results */
  mi_stats_lin *la = mi_stats_lin_new(1, 0, 0, &shift), *lb = mi_stats_lin_new(1, 0, 0, &shift);
  size_t smap[5], cmap[50], dmap[G + 1] = {0};
  for (size_t h = 0; h < 5; h++) smap[(h + 2) % 5] = h;
  for (size_t p = 0; p < 50; p++) cmap[49 - p] = p;
  for (size_t g = 0; g < G; g++) dmap[1 + (G - 1 - g)] = 1 + g;
  for (size_t i = 0; i < N; i++) {
    double v = miss[i] ? NAN : y[i];
    int in_b = (i / 50) % 2;
    size_t h = in_b ? (st[i] + 2) % 5 : st[i];
    size_t c = !clusters ? MI_STATS_LIN_OWN : in_b ? 49 - psu[i] : psu[i];
    size_t g = in_b ? 1 + (G - 1 - grp[i]) : 1 + grp[i];
    assert_int_equal(mi_stats_lin_add(in_b ? lb : la, h, c, w[i], &v, g, &e), 0);
  }
  assert_int_equal(mi_stats_lin_merge(la, lb, smap, clusters ? cmap : NULL, dmap, &e), 0);
  mi_stats_lin_free(lb);
  size_t rest[G], rest_a[G];
  for (size_t g = 0; g < G; g++) assert_int_not_equal(rest[g] = mi_stats_lin_complement(l, 1 + g), (size_t)-1);
  for (size_t g = 0; g < G; g++) assert_int_not_equal(rest_a[g] = mi_stats_lin_complement(la, 1 + g), (size_t)-1);
  assert_int_equal(mi_stats_lin_psus(la), mi_stats_lin_psus(l));
  for (size_t k = 0; k <= 2 * G; k++) {
    mi_stats_design_mean_result a, b;
    assert_int_equal(mi_stats_lin_mean(l, 0, k <= G ? k : rest[k - G - 1], 0.95, MI_STATS_LONELY_ADJUST, &a, &e), 0);
    assert_int_equal(mi_stats_lin_mean(la, 0, k <= G ? k : rest_a[k - G - 1], 0.95, MI_STATS_LONELY_ADJUST, &b, &e), 0);
    assert_int_equal(a.n, b.n);
    assert_int_equal(a.n_psu, b.n_psu);
    assert_int_equal(a.n_strata, b.n_strata);
    assert_true(fabs(a.mean - b.mean) < 1e-12);
    assert_true(fabs(a.se - b.se) < 1e-12 * a.se);
  }
  mi_stats_lin_free(la);
  for (size_t k = 0; k <= 2 * G; k++) { /* all, each group, each rest */
    for (size_t i = 0; i < N; i++)
      dom[i] = miss[i] || (k >= 1 && k <= G && grp[i] != k - 1) || (k > G && grp[i] == k - G - 1);
    mi_stats_design_mean_result a, b;
    assert_int_equal(mi_stats_design_mean(&d, y, dom, 0.95, &a, &e), 0);
    assert_int_equal(mi_stats_lin_mean(l, 0, k <= G ? k : rest[k - G - 1], 0.95,
                                       MI_STATS_LONELY_ADJUST, &b, &e), 0);
    assert_int_equal(a.n, b.n);
    assert_int_equal(a.n_psu, b.n_psu);
    assert_int_equal(a.n_strata, b.n_strata);
    assert_true(fabs(a.mean - b.mean) < 1e-12);
    assert_true(fabs(a.se - b.se) < 1e-12 * a.se);
    assert_true(fabs(a.deff - b.deff) < 1e-9 * a.deff);
    assert_true(fabs(a.sum_weights - b.sum_weights) < 1e-9);
  }
  for (size_t g = 0; g + 1 < G; g++) {
    unsigned char ma[N], mb[N];
    for (size_t i = 0; i < N; i++) ma[i] = miss[i] || grp[i] != g, mb[i] = miss[i] || grp[i] != g + 1;
    mi_stats_diff_result a, b;
    assert_int_equal(mi_stats_design_mean_diff(&d, y, ma, mb, 0.95, &a, &e), 0);
    assert_int_equal(mi_stats_lin_diff(l, 0, 1 + g, 2 + g, 0.95, MI_STATS_LONELY_ADJUST, &b, &e), 0);
    assert_true(fabs(a.diff - b.diff) < 1e-12);
    assert_true(fabs(a.se - b.se) < 1e-12 * a.se);
  }
  /* a row after the results, a negative weight: refused */
  double v = 1;
  assert_int_equal(mi_stats_lin_add(l, 0, MI_STATS_LIN_OWN, 1, &v, 0, &e), MI_EINVAL);
  mi_stats_lin_free(l);
  l = mi_stats_lin_new(1, 0, 0, NULL);
  assert_int_equal(mi_stats_lin_add(l, 0, MI_STATS_LIN_OWN, -1, &v, 0, &e), MI_EINVAL);
  assert_null(mi_stats_lin_new(0, 0, 0, NULL));
  mi_stats_lin_free(l);
  mi_stats_lin_free(NULL);
  mi_stats_design_free(&d);
}

static void test_lin(void **state) {
  (void)state;
  lin_case(0);
  lin_case(1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_null_args),          cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_moments_merge),      cmocka_unit_test(test_nps_stream_equals_batch),
      cmocka_unit_test(test_describe_edges),     cmocka_unit_test(test_compare_edges),
      cmocka_unit_test(test_regress_collinear),  cmocka_unit_test(test_alpha_edges),
      cmocka_unit_test(test_sample_size_rounding), cmocka_unit_test(test_r_small),
      cmocka_unit_test(test_r_prop_chisq_corr),  cmocka_unit_test(test_drivers),
      cmocka_unit_test(test_drivers_pass),
      cmocka_unit_test(test_km),                 cmocka_unit_test(test_pca),
      cmocka_unit_test(test_index),              cmocka_unit_test(test_trend),
      cmocka_unit_test(test_kmeans),             cmocka_unit_test(test_design_r),
      cmocka_unit_test(test_design_stream),      cmocka_unit_test(test_design_lonely),
      cmocka_unit_test(test_design_edges),       cmocka_unit_test(test_rake),
      cmocka_unit_test(test_describe_weighted),  cmocka_unit_test(test_analysis_rows),
      cmocka_unit_test(test_levels),             cmocka_unit_test(test_design_diff),
      cmocka_unit_test(test_lin),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
