/* Group comparisons: t tests, one-way ANOVA, rank tests, chi-square. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"

static int check_finite(const double *x, size_t n, const char *what, mi_err *e) {
  if (n && !x) return mi_err_set(e, MI_EINVAL, "%s: no values array", what);
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i]))
      return mi_err_set(e, MI_EINVAL, "%s: value %zu is not finite (%g)", what, i + 1, x[i]);
  return 0;
}

static mi_stats_moments moments_of(const double *x, size_t n) {
  mi_stats_moments m = {0};
  for (size_t i = 0; i < n; i++) mi_stats_moments_add(&m, x[i], 1.0);
  return m;
}

static void t_finish(mi_stats_ttest_result *r, double se, double conf) {
  r->t = r->diff / se;
  r->p = 2 * gsl_cdf_tdist_Q(fabs(r->t), r->df);
  double q = mi_stats_crit(conf, r->df);
  r->ci_lower = r->diff - q * se;
  r->ci_upper = r->diff + q * se;
}

int mi_stats_ttest(const double *x1, size_t n1, const double *x2, size_t n2, int var_equal,
                   double conf, mi_stats_ttest_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc;
  if ((rc = check_finite(x1, n1, "group 1", e)) || (rc = check_finite(x2, n2, "group 2", e)) ||
      (rc = mi_stats_check_conf(conf, e)))
    return rc;
  out->n1 = n1;
  out->n2 = n2;
  if (var_equal ? (n1 < 1 || n2 < 1 || n1 + n2 < 3) : (n1 < 2 || n2 < 2))
    return mi_err_set(e, MI_EINVAL,
                      "not enough observations: group sizes %zu and %zu (need at least 2 in "
                      "each%s)",
                      n1, n2, var_equal ? ", or 1 and 2 with --var-equal" : "");
  mi_stats_moments a = moments_of(x1, n1), b = moments_of(x2, n2);
  out->mean1 = a.mean;
  out->mean2 = b.mean;
  out->diff = a.mean - b.mean;
  double se;
  if (var_equal) {
    out->df = (double)(n1 + n2 - 2);
    double v = (a.m2 + b.m2) / out->df;
    se = sqrt(v * (1.0 / n1 + 1.0 / n2));
  } else {
    double va = a.m2 / (n1 - 1) / n1, vb = b.m2 / (n2 - 1) / n2;
    se = sqrt(va + vb);
    out->df = (va + vb) * (va + vb) / (va * va / (n1 - 1) + vb * vb / (n2 - 1));
  }
  if (!(se > 0))
    return mi_err_set(e, MI_EINVAL, "data are essentially constant: no variation in either "
                                    "group, so the t statistic is undefined");
  t_finish(out, se, conf);
  return 0;
}

int mi_stats_ttest_paired(const double *x1, const double *x2, size_t n, double conf,
                          mi_stats_ttest_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc;
  if ((rc = check_finite(x1, n, "first of pair", e)) ||
      (rc = check_finite(x2, n, "second of pair", e)) || (rc = mi_stats_check_conf(conf, e)))
    return rc;
  out->n1 = out->n2 = n;
  if (n < 2) return mi_err_set(e, MI_EINVAL, "not enough pairs: %zu (need at least 2)", n);
  mi_stats_moments d = {0}, a = moments_of(x1, n), b = moments_of(x2, n);
  for (size_t i = 0; i < n; i++) mi_stats_moments_add(&d, x1[i] - x2[i], 1.0);
  out->mean1 = a.mean;
  out->mean2 = b.mean;
  out->diff = d.mean;
  out->df = (double)n - 1;
  double se = sqrt(d.m2 / (n - 1) / n);
  if (!(se > 0))
    return mi_err_set(e, MI_EINVAL, "all %zu paired differences are equal: the t statistic "
                                    "is undefined", n);
  t_finish(out, se, conf);
  return 0;
}

static int check_groups(const mi_stats_groups *g, size_t min_groups, mi_err *e) {
  if (!g || !g->start) return mi_err_set(e, MI_EINVAL, "no groups given");
  if (g->ngroups < min_groups)
    return mi_err_set(e, MI_EINVAL, "%zu group%s with values: need at least %zu", g->ngroups,
                      g->ngroups == 1 ? "" : "s", min_groups);
  for (size_t k = 0; k < g->ngroups; k++)
    if (g->start[k + 1] <= g->start[k])
      return mi_err_set(e, MI_EINVAL, "group %zu has no values", k + 1);
  return check_finite(g->x, g->start[g->ngroups], "values", e);
}

int mi_stats_anova(const mi_stats_groups *g, mi_stats_anova_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = check_groups(g, 2, e);
  if (rc) return rc;
  size_t k = g->ngroups, n = g->start[k];
  if (n <= k)
    return mi_err_set(e, MI_EINVAL, "%zu values in %zu groups: need more values than groups",
                      n, k);
  out->group_means = malloc(k * sizeof *out->group_means);
  if (!out->group_means) return mi_err_set(e, MI_ENOMEM, "out of memory");
  mi_stats_moments all = {0};
  for (size_t j = 0; j < k; j++) {
    mi_stats_moments m = moments_of(g->x + g->start[j], g->start[j + 1] - g->start[j]);
    out->group_means[j] = m.mean;
    out->ss_within += m.m2;
    mi_stats_moments_merge(&all, &m);
  }
  out->ss_between = 0; /* direct form: no cancellation */
  for (size_t j = 0; j < k; j++) {
    double d = out->group_means[j] - all.mean;
    out->ss_between += (double)(g->start[j + 1] - g->start[j]) * d * d;
  }
  out->df_between = (double)(k - 1);
  out->df_within = (double)(n - k);
  out->eta_squared = out->ss_between / (out->ss_between + out->ss_within);
  if (!(out->ss_within > 0)) {
    mi_stats_anova_free(out);
    return mi_err_set(e, MI_EINVAL, "no variation within groups: every group is constant, so "
                                    "F is undefined");
  }
  out->f = (out->ss_between / out->df_between) / (out->ss_within / out->df_within);
  out->p = gsl_cdf_fdist_Q(out->f, out->df_between, out->df_within);
  return 0;
}

void mi_stats_anova_free(mi_stats_anova_result *r) {
  if (!r) return;
  free(r->group_means);
  r->group_means = NULL;
}

int mi_stats_rank(const double *x, size_t n, double *rank, double *tie_sum, mi_err *e) {
  if (n && (!x || !rank)) return mi_err_set(e, MI_EINVAL, "no values or ranks array");
  size_t *idx = malloc((n ? n : 1) * sizeof *idx);
  if (!idx) return mi_err_set(e, MI_ENOMEM, "out of memory");
  gsl_sort_index(idx, x, 1, n);
  double ts = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && x[idx[j]] == x[idx[i]]) j++;
    double r = (double)(i + 1 + j) / 2; /* mean of ranks i+1 .. j */
    for (size_t m = i; m < j; m++) rank[idx[m]] = r;
    double t = (double)(j - i);
    ts += t * t * t - t;
    i = j;
  }
  free(idx);
  if (tie_sum) *tie_sum = ts;
  return 0;
}

int mi_stats_kruskal(const mi_stats_groups *g, mi_stats_rank_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  out->z = NAN;
  int rc = check_groups(g, 2, e);
  if (rc) return rc;
  size_t k = g->ngroups, n = g->start[k];
  double *r = malloc(n * sizeof *r), ties;
  if (!r) return mi_err_set(e, MI_ENOMEM, "out of memory");
  if ((rc = mi_stats_rank(g->x, n, r, &ties, e))) {
    free(r);
    return rc;
  }
  double dn = (double)n, h = 0;
  for (size_t j = 0; j < k; j++) {
    double s = 0, nj = (double)(g->start[j + 1] - g->start[j]);
    for (size_t i = g->start[j]; i < g->start[j + 1]; i++) s += r[i];
    h += s * s / nj;
  }
  free(r);
  double c = 1 - ties / (dn * dn * dn - dn);
  if (!(c > 0))
    return mi_err_set(e, MI_EINVAL, "all %zu values are equal: the test is undefined", n);
  h = (12 / (dn * (dn + 1)) * h - 3 * (dn + 1)) / c;
  out->statistic = h;
  out->df = (double)(k - 1);
  out->p = gsl_cdf_chisq_Q(h, out->df);
  return 0;
}

int mi_stats_mannwhitney(const mi_stats_groups *g, mi_stats_rank_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  out->df = NAN;
  int rc = check_groups(g, 2, e);
  if (rc) return rc;
  if (g->ngroups != 2)
    return mi_err_set(e, MI_EINVAL, "%zu groups: the Mann-Whitney test compares exactly 2 "
                                    "(use kruskal for more)", g->ngroups);
  size_t n = g->start[2];
  double *r = malloc(n * sizeof *r), ties;
  if (!r) return mi_err_set(e, MI_ENOMEM, "out of memory");
  if ((rc = mi_stats_rank(g->x, n, r, &ties, e))) {
    free(r);
    return rc;
  }
  double n1 = (double)g->start[1], n2 = (double)(n - g->start[1]), s = 0;
  for (size_t i = 0; i < g->start[1]; i++) s += r[i];
  free(r);
  double w = s - n1 * (n1 + 1) / 2;
  double z = w - n1 * n2 / 2;
  double sigma = sqrt(n1 * n2 / 12 * ((n1 + n2 + 1) - ties / ((n1 + n2) * (n1 + n2 - 1))));
  if (!(sigma > 0))
    return mi_err_set(e, MI_EINVAL, "all %zu values are equal: the test is undefined", n);
  double corr = z > 0 ? 0.5 : z < 0 ? -0.5 : 0;
  z = (z - corr) / sigma;
  out->statistic = w;
  out->z = z;
  out->p = fmin(1, 2 * fmin(gsl_cdf_ugaussian_P(z), gsl_cdf_ugaussian_Q(z)));
  return 0;
}

int mi_stats_chisq(const double *counts, size_t nrow, size_t ncol, int yates,
                   mi_stats_chisq_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  if (!counts) return mi_err_set(e, MI_EINVAL, "no table given");
  if (nrow < 2 || ncol < 2)
    return mi_err_set(e, MI_EINVAL, "a %zu x %zu table: need at least 2 rows and 2 columns",
                      nrow, ncol);
  for (size_t i = 0; i < nrow * ncol; i++)
    if (!isfinite(counts[i]) || counts[i] < 0)
      return mi_err_set(e, MI_EINVAL, "cell %zu,%zu: count %g must be finite and >= 0",
                        i / ncol + 1, i % ncol + 1, counts[i]);
  double *rs = calloc(nrow, sizeof *rs), *cs = calloc(ncol, sizeof *cs), n = 0;
  out->expected = malloc(nrow * ncol * sizeof *out->expected);
  if (!rs || !cs || !out->expected) {
    free(rs), free(cs), mi_stats_chisq_free(out);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < nrow; i++)
    for (size_t j = 0; j < ncol; j++) {
      rs[i] += counts[i * ncol + j];
      cs[j] += counts[i * ncol + j];
      n += counts[i * ncol + j];
    }
  for (size_t i = 0; i < nrow; i++)
    if (!(rs[i] > 0)) {
      free(rs), free(cs), mi_stats_chisq_free(out);
      return mi_err_set(e, MI_EINVAL, "row %zu of the table has no counts", i + 1);
    }
  for (size_t j = 0; j < ncol; j++)
    if (!(cs[j] > 0)) {
      free(rs), free(cs), mi_stats_chisq_free(out);
      return mi_err_set(e, MI_EINVAL, "column %zu of the table has no counts", j + 1);
    }
  int cc = yates && nrow == 2 && ncol == 2;
  double raw = 0, corrected = 0;
  for (size_t i = 0; i < nrow; i++)
    for (size_t j = 0; j < ncol; j++) {
      double ex = rs[i] * cs[j] / n, d = counts[i * ncol + j] - ex;
      out->expected[i * ncol + j] = ex;
      raw += d * d / ex;
      if (cc) {
        double a = fabs(d) - fmin(0.5, fabs(d));
        corrected += a * a / ex;
      }
    }
  free(rs), free(cs);
  out->chisq = cc ? corrected : raw;
  out->df = (double)((nrow - 1) * (ncol - 1));
  out->p = gsl_cdf_chisq_Q(out->chisq, out->df);
  out->n = n;
  out->cramers_v = sqrt(raw / (n * (double)((nrow < ncol ? nrow : ncol) - 1)));
  return 0;
}

void mi_stats_chisq_free(mi_stats_chisq_result *r) {
  if (!r) return;
  free(r->expected);
  r->expected = NULL;
}
