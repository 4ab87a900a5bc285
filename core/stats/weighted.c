/* Weighted descriptive statistics of one column, as R's survey package on
 * svydesign(ids = ~1, weights = ~w): svytotal, svymean, svyvar, svyquantile.
 *
 * Method: see mi_stats_describe_weighted in stats.h; quantiles by survey's
 * qrule_math (its default rule since survey 4.1), including its behaviour when
 * the smallest value alone holds more than the asked share of the weight.
 * Missing values: a row without a value leaves every statistic; it still
 * counts as a unit of the design for se_mean (svymean(na.rm = TRUE)).
 * Reference: tests/data/stats/reference.R, cases describe_weighted*. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"

double mi_stats_quantile_math(const double *x, const double *w, size_t n, double p) {
  long double sw = 0;
  for (size_t i = 0; i < n; i++) sw += w[i];
  double total = (double)sw, target = p * total;
  size_t pos = 0; /* survey's last(): the first index when none qualifies */
  long double cum = 0;
  double cpos = 0;
  for (size_t i = 0; i < n; i++) {
    cum += w[i];
    double ci = (double)cum;
    if (ci <= target) pos = i, cpos = ci;
    if (i == 0 && !(ci <= target)) cpos = ci;
  }
  size_t next = pos + 1 < n ? pos + 1 : pos;
  return p - cpos / total == 0 ? x[pos] : x[next];
}

/* Rows with a value, sorted by value (ties keep their order, as R's order). */
typedef struct wx {
  double x, w;
  size_t i;
} wx;

static int cmp_wx(const void *a, const void *b) {
  const wx *u = a, *v = b;
  if (u->x != v->x) return u->x < v->x ? -1 : 1;
  return u->i < v->i ? -1 : u->i > v->i;
}

int mi_stats_describe_weighted(const mi_stats_vec *v, mi_stats_wdescribe_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = mi_stats_vec_check(v, NULL, e);
  if (rc) return rc;
  if (!v->w) return mi_err_set(e, MI_EINVAL, "no weights given");
  mi_stats_describe_result *d = &out->d;
  size_t n = 0, m = 0;
  long double sw = 0, swx = 0;
  for (size_t i = 0; i < v->n; i++) {
    if (MI_STATS_MISSING(v, i)) continue;
    n++;
    m += v->w[i] > 0;
    sw += v->w[i];
    swx += v->w[i] * v->x[i];
  }
  d->n = n;
  d->n_missing = v->n - n;
  if (n == 0) return mi_err_set(e, MI_EINVAL, "no values: all %zu rows are missing", v->n);
  if (!(sw > 0)) return mi_err_set(e, MI_EINVAL, "all %zu weights are 0", n);
  wx *a = malloc(n * sizeof *a);
  double *xs = malloc(n * sizeof *xs), *ws = malloc(n * sizeof *ws);
  if (!a || !xs || !ws) {
    free(a), free(xs), free(ws);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  double S = (double)sw;
  out->sum_weights = S;
  d->sum = (double)swx;
  long double mean = 0;
  for (size_t i = 0; i < v->n; i++)
    if (!MI_STATS_MISSING(v, i)) mean += v->x[i] * v->w[i] / S;
  d->mean = (double)mean;
  long double ss = 0, zz = 0;
  size_t k = 0;
  for (size_t i = 0; i < v->n; i++) {
    if (MI_STATS_MISSING(v, i)) continue;
    double dev = v->x[i] - d->mean, z = v->w[i] * dev / S;
    ss += v->w[i] * dev * dev;
    zz += z * z;
    a[k].x = v->x[i], a[k].w = v->w[i], a[k].i = i, k++;
  }
  double dm = (double)m, N = (double)v->n;
  d->var = m >= 2 ? (double)ss / S * dm / (dm - 1) : NAN;
  d->sd = sqrt(d->var);
  d->se_mean = v->n >= 2 ? sqrt((double)zz * N / (N - 1)) : NAN;
  qsort(a, n, sizeof *a, cmp_wx);
  size_t np = 0; /* the rows with a weight > 0, for quantiles, min and max */
  for (size_t j = 0; j < n; j++)
    if (a[j].w > 0) xs[np] = a[j].x, ws[np] = a[j].w, np++;
  d->median = mi_stats_quantile_math(xs, ws, np, 0.5);
  d->q1 = mi_stats_quantile_math(xs, ws, np, 0.25);
  d->q3 = mi_stats_quantile_math(xs, ws, np, 0.75);
  d->iqr = d->q3 - d->q1;
  d->min = xs[0];
  d->max = xs[np - 1];
  /* modes: the distinct values with the largest weight sum (xs reused for them) */
  double best = -1;
  size_t nm = 0;
  for (size_t j = 0; j < n;) {
    size_t l = j;
    long double t = 0;
    while (l < n && a[l].x == a[j].x) t += a[l++].w;
    if ((double)t > best) best = (double)t, nm = 0;
    if ((double)t == best) xs[nm++] = a[j].x;
    j = l;
  }
  d->modes = malloc(nm * sizeof *d->modes);
  if (!d->modes) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  else {
    memcpy(d->modes, xs, nm * sizeof *xs);
    d->nmodes = nm;
    d->mode = xs[0];
  }
  free(a), free(xs), free(ws);
  return rc;
}
