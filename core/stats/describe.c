/* Input checks, critical values, streaming moments, describe and mean. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"

int mi_stats_vec_check(const mi_stats_vec *v, const char *what, mi_err *e) {
  if (!v) return mi_err_set(e, MI_EINVAL, "no data given");
  if (!what) what = "values";
  if (v->n && !v->x) return mi_err_set(e, MI_EINVAL, "%s: no values array", what);
  for (size_t i = 0; i < v->n; i++) {
    if (MI_STATS_MISSING(v, i)) continue;
    if (!isfinite(v->x[i]))
      return mi_err_set(e, MI_EINVAL, "%s: value %zu is not finite (%g)", what, i + 1, v->x[i]);
    if (v->w && (!isfinite(v->w[i]) || v->w[i] < 0))
      return mi_err_set(e, MI_EINVAL, "%s: weight %zu is %g; weights must be finite and >= 0",
                        what, i + 1, v->w[i]);
  }
  return 0;
}

double mi_stats_crit(double conf, double df) {
  double q = 1 - (1 - conf) / 2;
  if (df > 0 && isfinite(df)) return gsl_cdf_tdist_Pinv(q, df);
  return gsl_cdf_ugaussian_Pinv(q);
}

int mi_stats_check_conf(double conf, mi_err *e) {
  if (!(conf > 0 && conf < 1))
    return mi_err_set(e, MI_EINVAL, "confidence level %g is not between 0 and 1 (e.g. 0.95)",
                      conf);
  return 0;
}

/* ---- moments ------------------------------------------------------------- */

void mi_stats_moments_add(mi_stats_moments *m, double x, double w) {
  if (m->n == 0 || x < m->min) m->min = x;
  if (m->n == 0 || x > m->max) m->max = x;
  m->n++;
  m->sum += w * x;
  m->sw2 += w * w;
  if (w == 0) return;
  double sw = m->sw + w; /* West (1979), weighted Welford */
  double delta = x - m->mean;
  double r = delta * w / sw;
  m->mean += r;
  m->m2 += m->sw * delta * r;
  m->sw = sw;
}

void mi_stats_moments_add_missing(mi_stats_moments *m) { m->n_missing++; }

void mi_stats_moments_merge(mi_stats_moments *a, const mi_stats_moments *b) {
  if (b->n) {
    if (a->n == 0 || b->min < a->min) a->min = b->min;
    if (a->n == 0 || b->max > a->max) a->max = b->max;
  }
  double sw = a->sw + b->sw;
  if (sw > 0) {
    double delta = b->mean - a->mean;
    a->m2 += b->m2 + delta * delta * a->sw * b->sw / sw;
    a->mean += delta * b->sw / sw;
  }
  a->sw = sw;
  a->sw2 += b->sw2;
  a->sum += b->sum;
  a->n += b->n;
  a->n_missing += b->n_missing;
}

double mi_stats_moments_var(const mi_stats_moments *m) {
  if (m->n < 2 || !(m->sw > 0)) return NAN;
  double n = (double)m->n;
  if (m->sw == n) return m->m2 / (n - 1); /* unit weights: exact n-1 form */
  return m->m2 / m->sw * n / (n - 1);
}

/* ---- describe ------------------------------------------------------------- */

double mi_stats_quantile7(const double *sorted, size_t n, double p) {
  return gsl_stats_quantile_from_sorted_data(sorted, 1, n, p);
}

/* Copies the non-missing values of v into a new array (*out, owned by the
 * caller) and sorts it if sort. */
int mi_stats_collect(const mi_stats_vec *v, int sort, double **out, size_t *n, mi_err *e) {
  double *a = malloc((v->n ? v->n : 1) * sizeof *a);
  if (!a) return mi_err_set(e, MI_ENOMEM, "out of memory");
  size_t k = 0;
  for (size_t i = 0; i < v->n; i++)
    if (!MI_STATS_MISSING(v, i)) a[k++] = v->x[i];
  if (sort) gsl_sort(a, 1, k);
  *out = a;
  *n = k;
  return 0;
}

int mi_stats_describe(const mi_stats_vec *v, mi_stats_describe_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = mi_stats_vec_check(v, NULL, e);
  if (rc) return rc;
  mi_stats_moments m = {0};
  for (size_t i = 0; i < v->n; i++) {
    if (MI_STATS_MISSING(v, i)) mi_stats_moments_add_missing(&m);
    else mi_stats_moments_add(&m, v->x[i], 1.0);
  }
  out->n = m.n;
  out->n_missing = m.n_missing;
  if (m.n == 0)
    return mi_err_set(e, MI_EINVAL, "no values: all %zu rows are missing", m.n_missing);
  double *s;
  size_t n;
  if ((rc = mi_stats_collect(v, 1, &s, &n, e))) return rc;
  out->sum = m.sum;
  out->mean = m.mean;
  out->var = mi_stats_moments_var(&m);
  out->sd = sqrt(out->var);
  out->se_mean = out->sd / sqrt((double)n);
  out->median = mi_stats_quantile7(s, n, 0.5);
  out->q1 = mi_stats_quantile7(s, n, 0.25);
  out->q3 = mi_stats_quantile7(s, n, 0.75);
  out->iqr = out->q3 - out->q1;
  out->min = s[0];
  out->max = s[n - 1];
  /* modes: runs in the sorted copy */
  size_t best = 0, nmodes = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && s[j] == s[i]) j++;
    if (j - i > best) best = j - i, nmodes = 1;
    else if (j - i == best) nmodes++;
    i = j;
  }
  out->modes = malloc(nmodes * sizeof *out->modes);
  if (!out->modes) {
    free(s);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && s[j] == s[i]) j++;
    if (j - i == best) out->modes[out->nmodes++] = s[i];
    i = j;
  }
  out->mode = out->modes[0];
  free(s);
  return 0;
}

void mi_stats_describe_free(mi_stats_describe_result *r) {
  if (!r) return;
  free(r->modes);
  r->modes = NULL;
  r->nmodes = 0;
}

/* ---- mean ----------------------------------------------------------------- */

int mi_stats_mean(const mi_stats_vec *v, double conf, mi_stats_mean_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = mi_stats_vec_check(v, NULL, e);
  if (rc || (rc = mi_stats_check_conf(conf, e))) return rc;
  mi_stats_moments m = {0};
  for (size_t i = 0; i < v->n; i++) {
    if (MI_STATS_MISSING(v, i)) mi_stats_moments_add_missing(&m);
    else mi_stats_moments_add(&m, v->x[i], v->w ? v->w[i] : 1.0);
  }
  out->n = m.n;
  out->n_missing = m.n_missing;
  out->sum_weights = m.sw;
  out->deff = NAN;
  if (m.n == 0)
    return mi_err_set(e, MI_EINVAL, "no values: all %zu rows are missing", m.n_missing);
  if (!(m.sw > 0)) return mi_err_set(e, MI_EINVAL, "all %zu weights are 0", m.n);
  out->mean = m.mean;
  double n = (double)m.n;
  out->df = n - 1;
  if (m.n < 2) {
    out->se = out->ci_lower = out->ci_upper = out->df = NAN;
    return 0;
  }
  if (!v->w) {
    out->se = sqrt(mi_stats_moments_var(&m) / n);
  } else {
    /* Linearisation: z_i = w_i (x_i - mean) / sum w; var = n/(n-1) sum z_i^2. */
    double ss = 0;
    for (size_t i = 0; i < v->n; i++) {
      if (MI_STATS_MISSING(v, i)) continue;
      double z = v->w[i] * (v->x[i] - m.mean) / m.sw;
      ss += z * z;
    }
    double var = ss * n / (n - 1);
    out->se = sqrt(var);
    /* survey's deff: against SRS without replacement of nobs (non-zero
     * weights) units from a population of sum(w). */
    size_t nobs = 0;
    for (size_t i = 0; i < v->n; i++)
      if (!MI_STATS_MISSING(v, i) && v->w[i] != 0) nobs++;
    double vsrs = mi_stats_moments_var(&m) * (m.sw - (double)nobs) / (m.sw * (double)nobs);
    out->deff = vsrs > 0 ? var / vsrs : NAN;
  }
  double t = mi_stats_crit(conf, out->df);
  out->ci_lower = out->mean - t * out->se;
  out->ci_upper = out->mean + t * out->se;
  return 0;
}
