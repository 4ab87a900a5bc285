/* Principal components (as psych::principal, with stats::varimax) and
 * k-means clustering. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_rng.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"

void mi_stats_pca_free(mi_stats_pca_result *r) {
  if (!r) return;
  free(r->eigenvalues);
  r->eigenvalues = r->loadings = r->communalities = r->ss_loadings = NULL;
  r->proportion_variance = NULL;
}

/* Flips each of the k columns of a (p x k, column-major) to a positive sum
 * (a zero sum is left as it is), as psych does. */
static void sign_columns(double *a, size_t p, size_t k) {
  for (size_t c = 0; c < k; c++) {
    double s = 0;
    for (size_t i = 0; i < p; i++) s += a[c * p + i];
    if (s < 0)
      for (size_t i = 0; i < p; i++) a[c * p + i] = -a[c * p + i];
  }
}

/* stats::varimax(x, normalize = TRUE, eps = 1e-5) on x (p x k, column-major),
 * in place. Returns the number of iterations, or -1 when out of memory. */
static int varimax(double *x, size_t p, size_t k) {
  const double eps = 1e-5;
  double *sc = malloc(p * sizeof *sc), *z = malloc(p * k * sizeof *z);
  double *tt = calloc(k * k, sizeof *tt), *colsq = malloc(k * sizeof *colsq);
  gsl_matrix *B = gsl_matrix_alloc(k, k), *V = gsl_matrix_alloc(k, k);
  gsl_vector *S = gsl_vector_alloc(k), *work = gsl_vector_alloc(k);
  int it = -1;
  if (!sc || !z || !tt || !colsq || !B || !V || !S || !work) goto done;
  for (size_t i = 0; i < p; i++) {
    double s = 0;
    for (size_t c = 0; c < k; c++) s += x[c * p + i] * x[c * p + i];
    sc[i] = sqrt(s);
    for (size_t c = 0; c < k; c++) x[c * p + i] /= sc[i];
  }
  for (size_t c = 0; c < k; c++) tt[c * k + c] = 1; /* tt row-major k x k */
  double d = 0;
  for (it = 1; it <= 1000; it++) {
    for (size_t i = 0; i < p; i++) /* z = x tt */
      for (size_t c = 0; c < k; c++) {
        double s = 0;
        for (size_t l = 0; l < k; l++) s += x[l * p + i] * tt[l * k + c];
        z[c * p + i] = s;
      }
    for (size_t c = 0; c < k; c++) {
      double s = 0;
      for (size_t i = 0; i < p; i++) s += z[c * p + i] * z[c * p + i];
      colsq[c] = s;
    }
    /* B = x' (z^3 - z diag(colsq) / p) */
    for (size_t a = 0; a < k; a++)
      for (size_t c = 0; c < k; c++) {
        double s = 0;
        for (size_t i = 0; i < p; i++) {
          double zz = z[c * p + i];
          s += x[a * p + i] * (zz * zz * zz - zz * colsq[c] / (double)p);
        }
        gsl_matrix_set(B, a, c, s);
      }
    gsl_linalg_SV_decomp(B, V, S, work); /* B := U */
    for (size_t a = 0; a < k; a++) /* tt = U V' */
      for (size_t c = 0; c < k; c++) {
        double s = 0;
        for (size_t l = 0; l < k; l++) s += gsl_matrix_get(B, a, l) * gsl_matrix_get(V, c, l);
        tt[a * k + c] = s;
      }
    double dpast = d;
    d = 0;
    for (size_t c = 0; c < k; c++) d += gsl_vector_get(S, c);
    if (d < dpast * (1 + eps)) break;
  }
  if (it > 1000) it = 1000;
  for (size_t i = 0; i < p; i++)
    for (size_t c = 0; c < k; c++) {
      double s = 0;
      for (size_t l = 0; l < k; l++) s += x[l * p + i] * tt[l * k + c];
      z[c * p + i] = s * sc[i];
    }
  memcpy(x, z, p * k * sizeof *x);
done:
  free(sc), free(z), free(tt), free(colsq);
  gsl_matrix_free(B), gsl_matrix_free(V), gsl_vector_free(S), gsl_vector_free(work);
  return it;
}

int mi_stats_pca(const double *x, size_t n, size_t p, size_t k, mi_stats_rotate rotate,
                 mi_stats_pca_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = mi_stats_check_matrix(x, n, p, e);
  if (rc) return rc;
  out->n = n, out->p = p, out->k = k;
  if (p < 1) return mi_err_set(e, MI_EINVAL, "no columns given");
  if (k < 1 || k > p)
    return mi_err_set(e, MI_EINVAL, "%zu components of %zu columns: keep between 1 and %zu", k,
                      p, p);
  if (rotate != MI_STATS_ROTATE_NONE && rotate != MI_STATS_ROTATE_VARIMAX)
    return mi_err_set(e, MI_EINVAL, "unknown rotation %d", (int)rotate);
  if (n < 3) return mi_err_set(e, MI_EINVAL, "%zu complete case%s: need at least 3", n,
                               n == 1 ? "" : "s");
  double *c = malloc(p * p * sizeof *c);
  double *block = malloc((p + p * k + p + 2 * k) * sizeof *block);
  gsl_matrix *R = gsl_matrix_alloc(p, p), *vec = gsl_matrix_alloc(p, p);
  gsl_vector *eval = gsl_vector_alloc(p);
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(p);
  if (!c || !block || !R || !vec || !eval || !ws) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  out->eigenvalues = block;
  out->loadings = block + p;
  out->communalities = block + p + p * k;
  out->ss_loadings = block + 2 * p + p * k;
  out->proportion_variance = out->ss_loadings + k;
  block = NULL;
  if ((rc = mi_stats_covariance(x, n, p, c, e))) goto done;
  for (size_t j = 0; j < p; j++)
    if (!(c[j * p + j] > 0)) {
      rc = mi_err_set(e, MI_EINVAL, "column %zu is constant: its correlations are undefined",
                      j + 1);
      goto done;
    }
  for (size_t i = 0; i < p; i++)
    for (size_t j = 0; j < p; j++)
      gsl_matrix_set(R, i, j, i == j ? 1 : c[j * p + i] / sqrt(c[i * p + i] * c[j * p + j]));
  gsl_eigen_symmv(R, eval, vec, ws);
  gsl_eigen_symmv_sort(eval, vec, GSL_EIGEN_SORT_VAL_DESC);
  for (size_t j = 0; j < p; j++) out->eigenvalues[j] = gsl_vector_get(eval, j);
  for (size_t cc = 0; cc < k; cc++) {
    double ev = out->eigenvalues[cc] < DBL_EPSILON ? DBL_EPSILON : out->eigenvalues[cc];
    for (size_t i = 0; i < p; i++) out->loadings[cc * p + i] = gsl_matrix_get(vec, i, cc) * sqrt(ev);
  }
  for (size_t i = 0; i < p; i++) {
    double s = 0;
    for (size_t cc = 0; cc < k; cc++) s += out->loadings[cc * p + i] * out->loadings[cc * p + i];
    out->communalities[i] = s;
  }
  sign_columns(out->loadings, p, k);
  if (rotate == MI_STATS_ROTATE_VARIMAX && k > 1) {
    out->iterations = varimax(out->loadings, p, k);
    if (out->iterations < 0) {
      rc = mi_err_set(e, MI_ENOMEM, "out of memory");
      goto done;
    }
  }
  for (size_t cc = 0; cc < k; cc++) {
    double s = 0;
    for (size_t i = 0; i < p; i++) s += out->loadings[cc * p + i] * out->loadings[cc * p + i];
    out->ss_loadings[cc] = s;
  }
  /* order by ss_loadings, decreasing (stable, as R's order) */
  if (k > 1) {
    for (size_t a = 1; a < k; a++)
      for (size_t b = a; b > 0 && out->ss_loadings[b] > out->ss_loadings[b - 1]; b--) {
        double t = out->ss_loadings[b];
        out->ss_loadings[b] = out->ss_loadings[b - 1];
        out->ss_loadings[b - 1] = t;
        for (size_t i = 0; i < p; i++) {
          t = out->loadings[b * p + i];
          out->loadings[b * p + i] = out->loadings[(b - 1) * p + i];
          out->loadings[(b - 1) * p + i] = t;
        }
      }
  }
  sign_columns(out->loadings, p, k);
  for (size_t cc = 0; cc < k; cc++) out->proportion_variance[cc] = out->ss_loadings[cc] / (double)p;
done:
  free(c);
  free(block);
  gsl_matrix_free(R), gsl_matrix_free(vec), gsl_vector_free(eval);
  if (ws) gsl_eigen_symmv_free(ws);
  if (rc) mi_stats_pca_free(out);
  return rc;
}

/* ---- k-means ------------------------------------------------------------------ */

void mi_stats_kmeans_free(mi_stats_kmeans_result *r) {
  if (!r) return;
  free(r->withinss);
  free(r->sizes);
  r->withinss = r->centers = NULL;
  r->sizes = r->cluster = NULL;
}

static double dist2(const double *x, size_t n, size_t p, size_t i, const double *c) {
  double s = 0;
  for (size_t j = 0; j < p; j++) {
    double d = x[j * n + i] - c[j];
    s += d * d;
  }
  return s;
}

/* Lloyd from the centres in cen (k x p); fills cl; returns iterations. */
static size_t lloyd(const double *x, size_t n, size_t p, size_t k, double *cen, size_t *cl,
                    size_t *size) {
  size_t it;
  for (size_t i = 0; i < n; i++) cl[i] = (size_t)-1;
  for (it = 1; it <= 1000; it++) {
    int changed = 0;
    for (size_t i = 0; i < n; i++) {
      size_t best = 0;
      double bd = INFINITY;
      for (size_t c = 0; c < k; c++) {
        double d = dist2(x, n, p, i, cen + c * p);
        if (d < bd) bd = d, best = c;
      }
      if (cl[i] != best) cl[i] = best, changed = 1;
    }
    /* an empty cluster takes the point farthest from its centre */
    for (size_t c = 0; c < k; c++) size[c] = 0;
    for (size_t i = 0; i < n; i++) size[cl[i]]++;
    for (size_t c = 0; c < k; c++)
      if (!size[c]) {
        size_t far = 0;
        double fd = -1;
        for (size_t i = 0; i < n; i++) {
          if (size[cl[i]] < 2) continue;
          double d = dist2(x, n, p, i, cen + cl[i] * p);
          if (d > fd) fd = d, far = i;
        }
        size[cl[far]]--;
        cl[far] = c;
        size[c] = 1;
        changed = 1;
      }
    for (size_t c = 0; c < k * p; c++) cen[c] = 0;
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < p; j++) cen[cl[i] * p + j] += x[j * n + i];
    for (size_t c = 0; c < k; c++)
      for (size_t j = 0; j < p; j++) cen[c * p + j] /= (double)size[c];
    if (!changed) break;
  }
  return it > 1000 ? 1000 : it;
}

static int rows_equal(const double *x, size_t n, size_t p, size_t a, size_t b) {
  for (size_t j = 0; j < p; j++)
    if (x[j * n + a] != x[j * n + b]) return 0;
  return 1;
}

static const double *sort_cen;
static size_t sort_p;
static int cmp_center(const void *a, const void *b) {
  const double *u = sort_cen + *(const size_t *)a * sort_p, *v = sort_cen + *(const size_t *)b * sort_p;
  for (size_t j = 0; j < sort_p; j++)
    if (u[j] != v[j]) return u[j] < v[j] ? -1 : 1;
  return 0;
}

int mi_stats_kmeans(const double *x, size_t n, size_t p, size_t k, size_t starts,
                    unsigned long seed, mi_stats_kmeans_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = mi_stats_check_matrix(x, n, p, e);
  if (rc) return rc;
  out->n = n, out->p = p, out->k = k;
  if (p < 1) return mi_err_set(e, MI_EINVAL, "no columns given");
  if (n < 1) return mi_err_set(e, MI_EINVAL, "no complete rows");
  if (k < 1) return mi_err_set(e, MI_EINVAL, "k = %zu: need at least 1 cluster", k);
  if (starts < 1) return mi_err_set(e, MI_EINVAL, "starts = 0: need at least 1 start");
  /* distinct rows (R: "more cluster centers than distinct data points") */
  size_t distinct = 0;
  size_t *drow = malloc(n * sizeof *drow);
  if (!drow) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; i < n && distinct <= k; i++) {
    int seen = 0;
    for (size_t d = 0; d < distinct && !seen; d++) seen = rows_equal(x, n, p, drow[d], i);
    if (!seen) drow[distinct++] = i;
  }
  free(drow);
  if (distinct < k)
    return mi_err_set(e, MI_EINVAL, "k = %zu clusters but only %zu distinct row%s", k, distinct,
                      distinct == 1 ? "" : "s");
  double *cen = malloc(k * p * sizeof *cen), *best = malloc(k * p * sizeof *best);
  size_t *cl = malloc(n * sizeof *cl), *size = malloc(k * sizeof *size);
  size_t *pick = malloc(k * sizeof *pick), *order = malloc(k * sizeof *order);
  out->withinss = malloc((k + k * p) * sizeof *out->withinss);
  out->sizes = malloc((k + n) * sizeof *out->sizes);
  size_t *bestcl = malloc(n * sizeof *bestcl);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!cen || !best || !cl || !size || !pick || !order || !out->withinss || !out->sizes ||
      !bestcl || !rng) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  out->centers = out->withinss + k;
  out->cluster = out->sizes + k;
  gsl_rng_set(rng, seed);
  double bestw = INFINITY;
  for (size_t s = 0; s < starts; s++) {
    /* k rows with pairwise distinct values, drawn uniformly */
    for (size_t c = 0; c < k; c++) {
      for (;;) {
        size_t i = (size_t)gsl_rng_uniform_int(rng, n);
        int dup = 0;
        for (size_t d = 0; d < c && !dup; d++) dup = rows_equal(x, n, p, pick[d], i);
        if (!dup) {
          pick[c] = i;
          break;
        }
      }
      for (size_t j = 0; j < p; j++) cen[c * p + j] = x[j * n + pick[c]];
    }
    size_t it = lloyd(x, n, p, k, cen, cl, size);
    double w = 0;
    for (size_t i = 0; i < n; i++) w += dist2(x, n, p, i, cen + cl[i] * p);
    if (w < bestw) {
      bestw = w;
      memcpy(best, cen, k * p * sizeof *cen);
      memcpy(bestcl, cl, n * sizeof *cl);
      out->iterations = it;
    }
  }
  /* order the clusters by their centres */
  for (size_t c = 0; c < k; c++) order[c] = c;
  sort_cen = best, sort_p = p;
  qsort(order, k, sizeof *order, cmp_center);
  size_t *rank = pick; /* old cluster -> new position */
  for (size_t c = 0; c < k; c++) rank[order[c]] = c;
  for (size_t c = 0; c < k; c++) {
    memcpy(out->centers + c * p, best + order[c] * p, p * sizeof *cen);
    out->withinss[c] = 0;
    out->sizes[c] = 0;
  }
  for (size_t i = 0; i < n; i++) {
    size_t c = rank[bestcl[i]];
    out->cluster[i] = c;
    out->sizes[c]++;
    out->withinss[c] += dist2(x, n, p, i, out->centers + c * p);
  }
  out->tot_withinss = 0;
  for (size_t c = 0; c < k; c++) out->tot_withinss += out->withinss[c];
  out->totss = 0;
  for (size_t j = 0; j < p; j++) {
    mi_stats_moments m = {0};
    for (size_t i = 0; i < n; i++) mi_stats_moments_add(&m, x[j * n + i], 1);
    out->totss += m.m2;
  }
  out->betweenss = out->totss - out->tot_withinss;
done:
  free(cen), free(best), free(cl), free(size), free(pick), free(order), free(bestcl);
  if (rng) gsl_rng_free(rng);
  if (rc) mi_stats_kmeans_free(out);
  return rc;
}
