/* Key-driver analysis: standardised betas, Johnson's relative weights,
 * Shapley / LMG decomposition of R^2, importance-performance quadrants. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"

void mi_stats_drivers_free(mi_stats_drivers_result *r) {
  if (!r) return;
  free(r->standardized_beta);
  r->standardized_beta = r->relative_weights_raw = r->relative_weights_share = NULL;
  r->shapley_raw = r->shapley_share = NULL;
}

/* In-place Cholesky of the m x m matrix a (row-major, lower triangle used).
 * Returns 0, or -1 if not positive definite. */
static int cholesky(double *a, size_t m) {
  for (size_t j = 0; j < m; j++) {
    double d = a[j * m + j];
    for (size_t l = 0; l < j; l++) d -= a[j * m + l] * a[j * m + l];
    if (!(d > 0)) return -1;
    d = sqrt(d);
    a[j * m + j] = d;
    for (size_t i = j + 1; i < m; i++) {
      double s = a[i * m + j];
      for (size_t l = 0; l < j; l++) s -= a[i * m + l] * a[j * m + l];
      a[i * m + j] = s / d;
    }
  }
  return 0;
}

/* R^2 of the predictors in mask: r_S' R_SS^-1 r_S via Cholesky (L z = r_S,
 * R^2 = z'z). r is (k+1) x (k+1) with y first. work: k*k + k. */
static int subset_r2(const double *r, size_t k, unsigned mask, double *work, double *r2) {
  size_t idx[MI_STATS_DRIVERS_MAX], m = 0;
  size_t K = k + 1;
  for (size_t j = 0; j < k; j++)
    if (mask & (1u << j)) idx[m++] = j + 1;
  double *a = work, *z = work + k * k;
  for (size_t i = 0; i < m; i++) {
    for (size_t l = 0; l < m; l++) a[i * m + l] = r[idx[l] * K + idx[i]];
    z[i] = r[idx[i]]; /* r[0 * K + idx[i]]: correlation with y */
  }
  if (cholesky(a, m)) return -1;
  double s = 0;
  for (size_t i = 0; i < m; i++) {
    double t = z[i];
    for (size_t l = 0; l < i; l++) t -= a[i * m + l] * z[l];
    z[i] = t / a[i * m + i];
    s += z[i] * z[i];
  }
  *r2 = s;
  return 0;
}

int mi_stats_drivers_cor(const double *r, size_t k, size_t n, mi_stats_drivers_result *out,
                         mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  if (!r) return mi_err_set(e, MI_EINVAL, "no correlation matrix given");
  out->n = n;
  out->k = k;
  if (k < 1) return mi_err_set(e, MI_EINVAL, "no predictors given");
  if (k > MI_STATS_DRIVERS_MAX)
    return mi_err_set(e, MI_EINVAL, "%zu predictors: the Shapley (LMG) decomposition fits all "
                      "2^k subsets and is limited to %d predictors; group or drop some", k,
                      MI_STATS_DRIVERS_MAX);
  size_t K = k + 1;
  for (size_t i = 0; i < K * K; i++)
    if (!isfinite(r[i])) return mi_err_set(e, MI_EINVAL, "the correlation matrix is not finite");
  double *block = calloc(5 * k, sizeof *block);
  double *work = malloc((k * k + k) * sizeof *work);
  gsl_matrix *rxx = gsl_matrix_alloc(k, k), *vec = gsl_matrix_alloc(k, k);
  gsl_vector *eval = gsl_vector_alloc(k);
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(k);
  double *r2 = malloc(((size_t)1 << k) * sizeof *r2);
  int rc = 0;
  if (!block || !work || !rxx || !vec || !eval || !ws || !r2) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  out->standardized_beta = block;
  out->relative_weights_raw = block + k;
  out->relative_weights_share = block + 2 * k;
  out->shapley_raw = block + 3 * k;
  out->shapley_share = block + 4 * k;
  block = NULL;

  /* R^2 of every subset; the full set also gives the standardised betas */
  size_t nsub = (size_t)1 << k;
  r2[0] = 0;
  for (size_t mask = 1; mask < nsub; mask++)
    if (subset_r2(r, k, (unsigned)mask, work, &r2[mask])) {
      rc = mi_err_set(e, MI_EINVAL, "the predictors' correlation matrix is singular "
                                    "(collinear predictors)");
      goto done;
    }
  out->r_squared = r2[nsub - 1];
  /* betas: solve R_xx b = r_xy with the Cholesky factor left in work by a
   * fresh full-set call */
  subset_r2(r, k, (unsigned)(nsub - 1), work, &out->r_squared);
  {
    double *a = work, *z = work + k * k; /* L and L^-1 r_xy */
    for (size_t ii = k; ii-- > 0;) {
      double t = z[ii];
      for (size_t l = ii + 1; l < k; l++) t -= a[l * k + ii] * out->standardized_beta[l];
      out->standardized_beta[ii] = t / a[ii * k + ii];
    }
  }
  /* Shapley: weight |S|! (k - |S| - 1)! / k! for S not containing j */
  double wsz[MI_STATS_DRIVERS_MAX + 1];
  for (size_t s = 0; s < k; s++) {
    double w = 1; /* s! (k-s-1)! / k! = 1 / (k * C(k-1, s)) */
    for (size_t i = 1; i <= s; i++) w *= (double)i / (double)(k - s - 1 + i);
    wsz[s] = w / (double)k;
  }
  for (size_t mask = 0; mask < nsub; mask++) {
    size_t s = 0;
    for (size_t j = 0; j < k; j++) s += (mask >> j) & 1u;
    for (size_t j = 0; j < k; j++)
      if (!(mask & ((size_t)1 << j)))
        out->shapley_raw[j] += wsz[s] * (r2[mask | ((size_t)1 << j)] - r2[mask]);
  }
  /* Johnson's relative weights */
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < k; j++) gsl_matrix_set(rxx, i, j, r[(j + 1) * K + i + 1]);
  gsl_eigen_symmv(rxx, eval, vec, ws);
  double *lam = work; /* L = V diag(sqrt l) V' (k x k), b = V diag(1/sqrt l) V' r_xy */
  double *tmp = work + k * k, beta[MI_STATS_DRIVERS_MAX];
  for (size_t m = 0; m < k; m++)
    if (!(gsl_vector_get(eval, m) > 0)) {
      rc = mi_err_set(e, MI_EINVAL, "the predictors' correlation matrix is singular "
                                    "(collinear predictors)");
      goto done;
    }
  for (size_t i = 0; i < k; i++)
    for (size_t j = 0; j < k; j++) {
      double s = 0;
      for (size_t m = 0; m < k; m++)
        s += gsl_matrix_get(vec, i, m) * sqrt(gsl_vector_get(eval, m)) * gsl_matrix_get(vec, j, m);
      lam[i * k + j] = s;
    }
  for (size_t m = 0; m < k; m++) { /* tmp = diag(1/sqrt l) V' r_xy */
    double s = 0;
    for (size_t i = 0; i < k; i++) s += gsl_matrix_get(vec, i, m) * r[i + 1];
    tmp[m] = s / sqrt(gsl_vector_get(eval, m));
  }
  for (size_t i = 0; i < k; i++) {
    double s = 0;
    for (size_t m = 0; m < k; m++) s += gsl_matrix_get(vec, i, m) * tmp[m];
    beta[i] = s;
  }
  for (size_t j = 0; j < k; j++) {
    double s = 0;
    for (size_t m = 0; m < k; m++) s += lam[j * k + m] * lam[j * k + m] * beta[m] * beta[m];
    out->relative_weights_raw[j] = s;
  }
  for (size_t j = 0; j < k; j++) {
    out->relative_weights_share[j] = out->relative_weights_raw[j] / out->r_squared;
    out->shapley_share[j] = out->shapley_raw[j] / out->r_squared;
  }
done:
  free(block);
  free(work);
  free(r2);
  gsl_matrix_free(rxx);
  gsl_matrix_free(vec);
  gsl_vector_free(eval);
  if (ws) gsl_eigen_symmv_free(ws);
  if (rc) mi_stats_drivers_free(out);
  return rc;
}

int mi_stats_drivers(const double *y, const double *x, size_t n, size_t k,
                     mi_stats_drivers_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  if (k > MI_STATS_DRIVERS_MAX)
    return mi_err_set(e, MI_EINVAL, "%zu predictors: the Shapley (LMG) decomposition fits all "
                      "2^k subsets and is limited to %d predictors; group or drop some", k,
                      MI_STATS_DRIVERS_MAX);
  /* the regression finds bad shapes and collinear predictors with a message */
  mi_stats_regress_result reg;
  int rc = mi_stats_regress(y, x, n, k, &reg, e);
  if (rc) {
    out->collinear = reg.collinear;
    out->n = n, out->k = k;
    return rc;
  }
  mi_stats_regress_free(&reg);
  size_t K = k + 1;
  double *data = malloc(n * K * sizeof *data), *c = malloc(K * K * sizeof *c);
  if (!data || !c) {
    free(data), free(c);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  memcpy(data, y, n * sizeof *data);
  memcpy(data + n, x, n * k * sizeof *data);
  rc = mi_stats_covariance(data, n, K, c, e);
  free(data);
  if (!rc && !(c[0] > 0))
    rc = mi_err_set(e, MI_EINVAL, "the outcome has the same value in all %zu rows: there is "
                                  "nothing to explain", n);
  if (!rc) {
    double *sd = malloc(K * sizeof *sd);
    if (!sd) {
      free(c);
      return mi_err_set(e, MI_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < K; i++) sd[i] = sqrt(c[i * K + i]);
    for (size_t i = 0; i < K; i++)
      for (size_t j = 0; j < K; j++) c[j * K + i] = i == j ? 1 : c[j * K + i] / (sd[i] * sd[j]);
    free(sd);
    rc = mi_stats_drivers_cor(c, k, n, out, e);
  }
  free(c);
  return rc;
}

const char *mi_stats_ipa_name(mi_stats_ipa_quadrant q) {
  switch (q) {
  case MI_STATS_IPA_KEEP_UP: return "keep_up_the_good_work";
  case MI_STATS_IPA_CONCENTRATE: return "concentrate_here";
  case MI_STATS_IPA_LOW_PRIORITY: return "low_priority";
  case MI_STATS_IPA_OVERKILL: return "possible_overkill";
  }
  return "?";
}

int mi_stats_ipa(const double *importance, const double *performance, size_t k,
                 mi_stats_ipa_quadrant *quadrant, mi_err *e) {
  if (!importance || !performance || !quadrant)
    return mi_err_set(e, MI_EINVAL, "no importance, performance or result array");
  if (k < 1) return mi_err_set(e, MI_EINVAL, "no drivers given");
  int rc;
  if ((rc = mi_stats_check_matrix(importance, k, 1, e)) ||
      (rc = mi_stats_check_matrix(performance, k, 1, e)))
    return rc;
  mi_stats_moments mi = {0}, mp = {0};
  for (size_t j = 0; j < k; j++) {
    mi_stats_moments_add(&mi, importance[j], 1);
    mi_stats_moments_add(&mp, performance[j], 1);
  }
  for (size_t j = 0; j < k; j++) {
    int hi = importance[j] >= mi.mean, hp = performance[j] >= mp.mean;
    quadrant[j] = hi ? (hp ? MI_STATS_IPA_KEEP_UP : MI_STATS_IPA_CONCENTRATE)
                     : (hp ? MI_STATS_IPA_OVERKILL : MI_STATS_IPA_LOW_PRIORITY);
  }
  return 0;
}
