/* Survival: Kaplan-Meier with Greenwood SE and log-transformed intervals,
 * the median as survival::quantile.survfit, the log-rank test. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sort.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"

void mi_stats_km_free(mi_stats_km_result *r) {
  if (!r) return;
  free(r->time);
  r->time = r->n_risk = r->n_event = r->surv = r->se_log = r->lower = r->upper = NULL;
  r->nsteps = 0;
}

static int check_times(const double *time, const unsigned char *event, size_t n, mi_err *e) {
  if (n && (!time || !event)) return mi_err_set(e, MI_EINVAL, "no time or event array");
  for (size_t i = 0; i < n; i++)
    if (!isfinite(time[i]) || time[i] < 0)
      return mi_err_set(e, MI_EINVAL, "time %zu is %g: times must be finite and >= 0", i + 1,
                        time[i]);
  return 0;
}

/* survival's findq for one probability: x (n, with x[0] the start 0) and
 * y = 1 - curve (nondecreasing, NaN allowed). */
static double findq(const double *x, const double *y, size_t n, double p, double tol,
                    double *xs, double *ys) {
  double ymax = -INFINITY;
  for (size_t i = 0; i < n; i++)
    if (!isnan(y[i]) && y[i] > ymax) ymax = y[i];
  if (ymax < p) return NAN;
  double xmax = x[n - 1];
  size_t m = 0; /* drop duplicated y (first kept; NaN duplicates NaN) */
  for (size_t i = 0; i < n; i++) {
    int dup = 0;
    for (size_t j = 0; j < m && !dup; j++)
      dup = isnan(y[i]) ? isnan(ys[j]) : ys[j] == y[i];
    if (!dup) xs[m] = x[i], ys[m++] = y[i];
  }
  /* approx(y +/- tol, 1:m, p, "constant", f = 1): the first point (NaN
   * dropped) with y +/- tol >= p; NA if p is beyond the last */
  size_t i1 = m, i2 = m;
  for (size_t i = 0; i < m; i++) {
    if (isnan(ys[i])) continue;
    if (i1 == m && ys[i] + tol >= p) i1 = i;
    if (i2 == m && ys[i] - tol >= p) i2 = i;
  }
  double q = i1 < m && i2 < m ? (xs[i1] + xs[i2]) / 2 : NAN;
  if (!isnan(ys[m - 1]) && fabs(p - ys[m - 1]) < tol && i1 < m) q = (xs[i1] + xmax) / 2;
  return q;
}

int mi_stats_km(const double *time, const unsigned char *event, size_t n, double conf,
                mi_stats_km_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  out->median = out->median_ci_lower = out->median_ci_upper = NAN;
  int rc;
  if ((rc = check_times(time, event, n, e)) || (rc = mi_stats_check_conf(conf, e))) return rc;
  if (n == 0) return mi_err_set(e, MI_EINVAL, "no observations");
  out->n = n;
  out->conf = conf;
  size_t *idx = malloc(n * sizeof *idx);
  double *block = malloc(7 * n * sizeof *block);
  double *qx = malloc(4 * (n + 1) * sizeof *qx);
  if (!idx || !block || !qx) {
    free(idx), free(block), free(qx);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  out->time = block;
  out->n_risk = block + n;
  out->n_event = block + 2 * n;
  out->surv = block + 3 * n;
  out->se_log = block + 4 * n;
  out->lower = block + 5 * n;
  out->upper = block + 6 * n;
  gsl_sort_index(idx, time, 1, n);
  double s = 1, g = 0, z = mi_stats_crit(conf, 0);
  size_t m = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    double d = 0;
    while (j < n && time[idx[j]] == time[idx[i]]) d += event[idx[j++]] != 0;
    double r = (double)(n - i);
    out->time[m] = time[idx[i]];
    out->n_risk[m] = r;
    out->n_event[m] = d;
    out->events += (size_t)d;
    if (d > 0) {
      s *= 1 - d / r;
      g += r > d ? d / (r * (r - d)) : INFINITY;
    }
    out->surv[m] = s;
    out->se_log[m] = sqrt(g);
    if (s == 0) {
      out->lower[m] = out->upper[m] = NAN;
    } else {
      out->lower[m] = exp(log(s) - z * out->se_log[m]);
      out->upper[m] = fmin(1, exp(log(s) + z * out->se_log[m]));
    }
    m++;
    i = j;
  }
  out->nsteps = m;
  /* the median: findq on (0, times) and 1 - curve */
  double *x = qx, *y = qx + (n + 1), *xs = qx + 2 * (n + 1), *ys = qx + 3 * (n + 1);
  double tol = sqrt(DBL_EPSILON);
  const double *curve[3] = {out->surv, out->lower, out->upper};
  double *res[3] = {&out->median, &out->median_ci_lower, &out->median_ci_upper};
  for (int c = 0; c < 3; c++) {
    x[0] = 0, y[0] = 0;
    for (size_t i = 0; i < m; i++) x[i + 1] = out->time[i], y[i + 1] = 1 - curve[c][i];
    *res[c] = findq(x, y, m + 1, 0.5, tol, xs, ys);
  }
  free(idx);
  free(qx);
  return 0;
}

void mi_stats_km_at(const mi_stats_km_result *r, double t, double *n_risk, double *surv,
                    double *se) {
  double nr = 0, sv = 1, sl = 0;
  size_t i = 0;
  while (i < r->nsteps && r->time[i] < t) i++;
  nr = i < r->nsteps ? r->n_risk[i] : 0;
  /* S(t) is the value at the last time <= t */
  size_t j = i < r->nsteps && r->time[i] == t ? i + 1 : i;
  if (j > 0) sv = r->surv[j - 1], sl = r->se_log[j - 1];
  if (j == 0) nr = (double)r->n;
  *n_risk = nr;
  *surv = sv;
  *se = sv == 0 ? NAN : sv * sl;
}

void mi_stats_logrank_free(mi_stats_logrank_result *r) {
  if (!r) return;
  free(r->observed);
  r->observed = r->expected = NULL;
}

int mi_stats_logrank(const double *time, const unsigned char *event, const size_t *group,
                     size_t n, size_t ngroups, mi_stats_logrank_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = check_times(time, event, n, e);
  if (rc) return rc;
  if (n && !group) return mi_err_set(e, MI_EINVAL, "no group array");
  if (ngroups < 2) return mi_err_set(e, MI_EINVAL, "%zu group%s: the log-rank test needs 2 or "
                                     "more", ngroups, ngroups == 1 ? "" : "s");
  size_t G = ngroups;
  double *block = calloc(2 * G + G * G + G, sizeof *block);
  size_t *idx = malloc((n ? n : 1) * sizeof *idx), *cnt = calloc(G, sizeof *cnt);
  if (!block || !idx || !cnt) {
    free(block), free(idx), free(cnt);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  out->observed = block;
  out->expected = block + G;
  double *v = block + 2 * G, *risk = block + 2 * G + G * G;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (group[i] != MI_STATS_NO_GROUP) {
      if (group[i] >= G) {
        free(idx), free(cnt), mi_stats_logrank_free(out);
        return mi_err_set(e, MI_EINVAL, "row %zu: group %zu is not below %zu", i + 1, group[i], G);
      }
      idx[m++] = i;
      cnt[group[i]]++;
      risk[group[i]] += 1;
    }
  for (size_t k = 0; k < G; k++)
    if (!cnt[k]) {
      free(idx), free(cnt), mi_stats_logrank_free(out);
      return mi_err_set(e, MI_EINVAL, "group %zu has no observations", k + 1);
    }
  /* sort the kept rows by time (insertion into a sorted index) */
  double *tk = malloc((m ? m : 1) * sizeof *tk);
  size_t *ord = malloc((m ? m : 1) * sizeof *ord);
  if (!tk || !ord) {
    free(tk), free(ord), free(idx), free(cnt), mi_stats_logrank_free(out);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < m; i++) tk[i] = time[idx[i]];
  gsl_sort_index(ord, tk, 1, m);
  for (size_t i = 0; i < m;) {
    size_t j = i;
    double d = 0, nr = (double)(m - i);
    while (j < m && tk[ord[j]] == tk[ord[i]]) {
      size_t row = idx[ord[j]];
      if (event[row]) {
        d += 1;
        out->observed[group[row]] += 1;
      }
      j++;
    }
    if (d > 0) {
      for (size_t k = 0; k < G; k++) out->expected[k] += d * risk[k] / nr;
      if (nr > 1) {
        double kt = d * (nr - d) / (nr * (nr - 1));
        for (size_t a = 0; a < G; a++) {
          v[a * G + a] += kt * risk[a] * (nr - risk[a]) / nr;
          for (size_t b = 0; b < G; b++)
            if (b != a) v[a * G + b] -= kt * risk[a] * risk[b] / nr;
        }
      }
    }
    for (size_t q = i; q < j; q++) risk[group[idx[ord[q]]]] -= 1;
    i = j;
  }
  free(tk), free(ord), free(idx), free(cnt);
  /* groups with expected > 0; drop the first of them */
  size_t keep[64], nk = 0, *kp = G <= 64 ? keep : malloc(G * sizeof *kp);
  if (!kp) {
    mi_stats_logrank_free(out);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  for (size_t k = 0; k < G; k++)
    if (out->expected[k] > 0) kp[nk++] = k;
  out->df = nk >= 1 ? (double)(nk - 1) : 0;
  out->chisq = 0;
  if (nk >= 2) {
    size_t q = nk - 1;
    gsl_matrix *vv = gsl_matrix_alloc(q, q);
    gsl_vector *b = gsl_vector_alloc(q), *sol = gsl_vector_alloc(q);
    gsl_permutation *perm = gsl_permutation_alloc(q);
    if (!vv || !b || !sol || !perm) {
      rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    } else {
      for (size_t a = 0; a < q; a++) {
        size_t ga = kp[a + 1];
        gsl_vector_set(b, a, out->observed[ga] - out->expected[ga]);
        for (size_t c = 0; c < q; c++) gsl_matrix_set(vv, a, c, v[ga * G + kp[c + 1]]);
      }
      int sign;
      double det = 0;
      gsl_linalg_LU_decomp(vv, perm, &sign);
      det = fabs(gsl_linalg_LU_det(vv, sign));
      double scale = 1;
      for (size_t a = 0; a < q; a++) scale *= fabs(v[kp[a + 1] * G + kp[a + 1]]);
      if (!(det > 1e-12 * scale)) {
        rc = mi_err_set(e, MI_EINVAL, "the log-rank variance matrix is singular (too few "
                                      "events where the groups overlap)");
      } else {
        gsl_linalg_LU_solve(vv, perm, b, sol);
        for (size_t a = 0; a < q; a++) out->chisq += gsl_vector_get(sol, a) * gsl_vector_get(b, a);
      }
    }
    gsl_matrix_free(vv), gsl_vector_free(b), gsl_vector_free(sol);
    if (perm) gsl_permutation_free(perm);
  }
  if (kp != keep) free(kp);
  if (rc) {
    mi_stats_logrank_free(out);
    return rc;
  }
  out->p = out->df > 0 ? gsl_cdf_chisq_Q(out->chisq, out->df) : NAN;
  return 0;
}
