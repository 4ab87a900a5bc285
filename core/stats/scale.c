/* Reliability (Cronbach's alpha), correlation matrices and OLS regression. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>

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
  /* One copy of the data: the design matrix, factored in place by
   * Householder QR (as R's lm), which also finds collinear columns. */
  gsl_matrix *X = gsl_matrix_alloc(n, p), *Ri = gsl_matrix_calloc(p, p);
  gsl_vector *Y = gsl_vector_alloc(n), *c = gsl_vector_alloc(p), *tau = gsl_vector_alloc(p);
  gsl_vector *res = gsl_vector_alloc(n);
  double *norm0 = malloc(p * sizeof *norm0);
  out->coef = calloc(p, sizeof *out->coef);
  if (!X || !Ri || !Y || !c || !tau || !res || !norm0 || !out->coef) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    double *row = gsl_matrix_ptr(X, i, 0);
    row[0] = 1.0;
    for (size_t j = 0; j < k; j++) row[j + 1] = x[j * n + i];
    gsl_vector_set(Y, i, y[i]);
  }
  for (size_t j = 0; j < p; j++) {
    gsl_vector_const_view col = gsl_matrix_const_column(X, j);
    norm0[j] = gsl_blas_dnrm2(&col.vector);
  }
  gsl_linalg_QR_decomp(X, tau);
  /* |R_jj| is the part of column j outside the span of the columns before
   * it: below 1e-7 of the column's norm it is collinear (R's lm tolerance) */
  for (size_t j = 0; j < p; j++)
    if (!(norm0[j] > 0) || !(fabs(gsl_matrix_get(X, j, j)) >= 1e-7 * norm0[j])) {
      out->collinear = j;
      rc = mi_err_set(e, MI_EINVAL, "predictor %zu is %s", j,
                      j == 1 ? "constant (collinear with the intercept)"
                             : "a linear combination of the intercept and the predictors "
                               "before it (collinear)");
      goto done;
    }
  gsl_linalg_QR_lssolve(X, tau, Y, c, res);
  double rss;
  gsl_blas_ddot(res, res, &rss);
  /* (X'X)^-1 = R^-1 R^-T: the diagonal is the squared row norms of R^-1 */
  for (size_t a = 0; a < p; a++)
    for (size_t b = a; b < p; b++) gsl_matrix_set(Ri, a, b, gsl_matrix_get(X, a, b));
  gsl_linalg_tri_invert(CblasUpper, CblasNonUnit, Ri);
  mi_stats_moments my = {0};
  for (size_t i = 0; i < n; i++) mi_stats_moments_add(&my, y[i], 1.0);
  double tss = my.m2, dn = (double)n, dp = (double)p, df = dn - dp;
  double s2 = rss / df;
  for (size_t j = 0; j < p; j++) {
    mi_stats_coef *co = &out->coef[j];
    gsl_vector_view row = gsl_matrix_row(Ri, j);
    co->estimate = gsl_vector_get(c, j);
    co->se = sqrt(s2) * gsl_blas_dnrm2(&row.vector);
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
  gsl_matrix_free(X), gsl_matrix_free(Ri), gsl_vector_free(Y), gsl_vector_free(c);
  gsl_vector_free(tau), gsl_vector_free(res);
  free(norm0);
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
