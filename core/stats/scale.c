/* Reliability (Cronbach's alpha), correlation matrices and OLS regression. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_multifit.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"

int mi_stats_check_matrix(const double *x, size_t n, size_t k, mi_err *e) {
  if (!x && n > 0 && k > 0) return mi_err_set(e, MI_EINVAL, "no values array");
  for (size_t j = 0; j < k; j++)
    for (size_t i = 0; i < n; i++)
      if (!isfinite(x[j * n + i]))
        return mi_err_set(e, MI_EINVAL, "column %zu, row %zu: value is not finite (%g)", j + 1,
                          i + 1, x[j * n + i]);
  return 0;
}

int mi_stats_covariance(const double *x, size_t n, size_t k, double *c, mi_err *e) {
  double *mean = malloc(k * sizeof *mean);
  if (!mean) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t j = 0; j < k; j++) {
    mi_stats_moments m = {0};
    for (size_t i = 0; i < n; i++) mi_stats_moments_add(&m, x[j * n + i], 1.0);
    mean[j] = m.mean;
  }
  for (size_t a = 0; a < k; a++)
    for (size_t b = a; b < k; b++) {
      double s = 0;
      for (size_t i = 0; i < n; i++) s += (x[a * n + i] - mean[a]) * (x[b * n + i] - mean[b]);
      c[a * k + b] = c[b * k + a] = s / (double)(n - 1);
    }
  free(mean);
  return 0;
}

int mi_stats_alpha(const double *x, size_t n, size_t k, mi_stats_alpha_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = mi_stats_check_matrix(x, n, k, e);
  if (rc) return rc;
  out->n = n;
  out->k = k;
  if (k < 2) return mi_err_set(e, MI_EINVAL, "%zu item%s: alpha needs at least 2", k,
                               k == 1 ? "" : "s");
  if (n < 2) return mi_err_set(e, MI_EINVAL, "%zu complete case%s: alpha needs at least 2", n,
                               n == 1 ? "" : "s");
  double *c = malloc(k * k * sizeof *c), *rowsum = calloc(k, sizeof *rowsum);
  out->alpha_if_dropped = malloc(k * sizeof *out->alpha_if_dropped);
  out->item_total_r = malloc(k * sizeof *out->item_total_r);
  if (!c || !rowsum || !out->alpha_if_dropped || !out->item_total_r) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  if ((rc = mi_stats_covariance(x, n, k, c, e))) goto done;
  for (size_t j = 0; j < k; j++)
    if (!(c[j * k + j] > 0)) {
      rc = mi_err_set(e, MI_EINVAL, "item %zu has the same value in every complete case: "
                                    "its correlations are undefined", j + 1);
      goto done;
    }
  double total = 0, trace = 0, rsum = 0, dk = (double)k;
  for (size_t a = 0; a < k; a++) {
    trace += c[a * k + a];
    for (size_t b = 0; b < k; b++) {
      total += c[a * k + b];
      rowsum[a] += c[a * k + b];
      rsum += c[a * k + b] / sqrt(c[a * k + a] * c[b * k + b]);
    }
  }
  out->raw_alpha = (1 - trace / total) * dk / (dk - 1);
  out->average_r = (rsum - dk) / (dk * (dk - 1));
  out->std_alpha = dk * out->average_r / (1 + (dk - 1) * out->average_r);
  for (size_t j = 0; j < k; j++) {
    double cjj = c[j * k + j];
    double t2 = total - 2 * rowsum[j] + cjj, tr2 = trace - cjj;
    out->alpha_if_dropped[j] = k > 2 ? (1 - tr2 / t2) * (dk - 1) / (dk - 2) : NAN;
    out->item_total_r[j] = (rowsum[j] - cjj) / sqrt(cjj * t2);
  }
  mi_stats_moments m = {0};
  for (size_t i = 0; i < n; i++) {
    double s = 0;
    for (size_t j = 0; j < k; j++) s += x[j * n + i];
    mi_stats_moments_add(&m, s / dk, 1.0);
  }
  out->scale_mean = m.mean;
  out->scale_sd = sqrt(mi_stats_moments_var(&m));
done:
  free(c);
  free(rowsum);
  if (rc) mi_stats_alpha_free(out);
  return rc;
}

void mi_stats_alpha_free(mi_stats_alpha_result *r) {
  if (!r) return;
  free(r->alpha_if_dropped);
  free(r->item_total_r);
  r->alpha_if_dropped = r->item_total_r = NULL;
}

int mi_stats_corr(const double *x, size_t n, size_t k, mi_stats_corr_method method, double *r,
                  double *p, mi_err *e) {
  if (!r || !p) return mi_err_set(e, MI_EINVAL, "no result arrays given");
  int rc = mi_stats_check_matrix(x, n, k, e);
  if (rc) return rc;
  if (k < 1) return mi_err_set(e, MI_EINVAL, "no columns given");
  if (n < 3) return mi_err_set(e, MI_EINVAL, "%zu complete case%s: need at least 3", n,
                               n == 1 ? "" : "s");
  double *data = malloc(n * k * sizeof *data), *c = malloc(k * k * sizeof *c);
  if (!data || !c) {
    free(data), free(c);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  if (method == MI_STATS_SPEARMAN) {
    for (size_t j = 0; j < k && !rc; j++) rc = mi_stats_rank(x + j * n, n, data + j * n, NULL, e);
  } else {
    memcpy(data, x, n * k * sizeof *data);
  }
  if (!rc) rc = mi_stats_covariance(data, n, k, c, e);
  for (size_t j = 0; j < k && !rc; j++)
    if (!(c[j * k + j] > 0))
      rc = mi_err_set(e, MI_EINVAL, "column %zu is constant: its correlations are undefined",
                      j + 1);
  double dn = (double)n, df = dn - 2;
  for (size_t a = 0; a < k && !rc; a++)
    for (size_t b = 0; b < k; b++) {
      if (a == b) {
        r[a * k + b] = 1;
        p[a * k + b] = 0;
        continue;
      }
      double rr = c[a * k + b] / sqrt(c[a * k + a] * c[b * k + b]);
      if (rr > 1) rr = 1;
      if (rr < -1) rr = -1;
      r[a * k + b] = rr;
      double rt = rr;
      if (fabs(rt) >= 1) {
        p[a * k + b] = 0;
        continue;
      }
      double t = rt * sqrt(df / (1 - rt * rt));
      p[a * k + b] = fmin(1, 2 * fmin(gsl_cdf_tdist_P(t, df), gsl_cdf_tdist_Q(t, df)));
    }
  free(data);
  free(c);
  return rc;
}

/* Index of the first column of X (n x p) that is within tol (relative) of
 * the span of the columns before it, by modified Gram-Schmidt with one
 * reorthogonalisation; p if none. */
static size_t first_collinear(const gsl_matrix *X, double tol, int *oom) {
  size_t n = X->size1, p = X->size2;
  gsl_matrix *Q = gsl_matrix_alloc(n, p);
  gsl_vector *v = gsl_vector_alloc(n);
  if (!Q || !v) {
    *oom = 1;
    gsl_matrix_free(Q), gsl_vector_free(v);
    return p;
  }
  size_t found = p;
  for (size_t j = 0; j < p && found == p; j++) {
    gsl_matrix_get_col(v, X, j);
    double norm0 = gsl_blas_dnrm2(v);
    for (int pass = 0; pass < 2; pass++)
      for (size_t l = 0; l < j; l++) {
        gsl_vector_view q = gsl_matrix_column(Q, l);
        double d;
        gsl_blas_ddot(&q.vector, v, &d);
        gsl_blas_daxpy(-d, &q.vector, v);
      }
    double norm = gsl_blas_dnrm2(v);
    if (!(norm0 > 0) || norm < tol * norm0) {
      found = j;
      break;
    }
    gsl_vector_scale(v, 1 / norm);
    gsl_matrix_set_col(Q, j, v);
  }
  gsl_matrix_free(Q);
  gsl_vector_free(v);
  return found;
}

int mi_stats_regress(const double *y, const double *x, size_t n, size_t k,
                     mi_stats_regress_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc;
  if ((rc = mi_stats_check_matrix(y, n, 1, e)) || (rc = mi_stats_check_matrix(x, n, k, e))) return rc;
  size_t p = k + 1;
  out->n = n;
  out->ncoef = p;
  if (k < 1) return mi_err_set(e, MI_EINVAL, "no predictors given");
  if (n <= p)
    return mi_err_set(e, MI_EINVAL, "%zu complete case%s for %zu coefficients: need more rows "
                                    "than coefficients", n, n == 1 ? "" : "s", p);
  gsl_matrix *X = gsl_matrix_alloc(n, p), *cov = gsl_matrix_alloc(p, p);
  gsl_vector *Y = gsl_vector_alloc(n), *c = gsl_vector_alloc(p);
  gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, p);
  out->coef = calloc(p, sizeof *out->coef);
  if (!X || !cov || !Y || !c || !w || !out->coef) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    gsl_matrix_set(X, i, 0, 1.0);
    for (size_t j = 0; j < k; j++) gsl_matrix_set(X, i, j + 1, x[j * n + i]);
    gsl_vector_set(Y, i, y[i]);
  }
  int oom = 0;
  size_t bad = first_collinear(X, 1e-7, &oom);
  if (oom) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  if (bad < p) {
    out->collinear = bad;
    rc = mi_err_set(e, MI_EINVAL, "predictor %zu is %s", bad,
                    bad == 1 ? "constant (collinear with the intercept)"
                             : "a linear combination of the intercept and the predictors "
                               "before it (collinear)");
    goto done;
  }
  double rss;
  gsl_multifit_linear(X, Y, c, cov, &rss, w);
  mi_stats_moments my = {0};
  for (size_t i = 0; i < n; i++) mi_stats_moments_add(&my, y[i], 1.0);
  double tss = my.m2, dn = (double)n, dp = (double)p, df = dn - dp;
  double s2 = rss / df;
  for (size_t j = 0; j < p; j++) {
    mi_stats_coef *co = &out->coef[j];
    co->estimate = gsl_vector_get(c, j);
    /* gsl_multifit_linear scales cov by rss/(n-p) already */
    co->se = sqrt(gsl_matrix_get(cov, j, j));
    co->t = co->estimate / co->se;
    co->p = isfinite(co->t) ? 2 * gsl_cdf_tdist_Q(fabs(co->t), df) : NAN;
  }
  out->r_squared = tss > 0 ? 1 - rss / tss : NAN;
  out->adj_r_squared = 1 - (1 - out->r_squared) * (dn - 1) / df;
  out->sigma = sqrt(s2);
  out->f_df1 = dp - 1;
  out->f_df2 = df;
  out->f = ((tss - rss) / out->f_df1) / s2;
  out->f_p = isfinite(out->f) && tss > 0 ? gsl_cdf_fdist_Q(out->f, out->f_df1, df) : NAN;
  rc = 0;
done:
  gsl_matrix_free(X), gsl_matrix_free(cov), gsl_vector_free(Y), gsl_vector_free(c);
  if (w) gsl_multifit_linear_free(w);
  if (rc) {
    free(out->coef);
    out->coef = NULL;
  }
  return rc;
}

void mi_stats_regress_free(mi_stats_regress_result *r) {
  if (!r) return;
  free(r->coef);
  r->coef = NULL;
}
