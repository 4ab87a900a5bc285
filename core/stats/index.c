/* Weighted satisfaction index (0-100) and trend / seasonality of a series. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"

void mi_stats_index_free(mi_stats_index_result *r) {
  if (!r) return;
  free(r->dim_n);
  free(r->dimension_mean_raw);
  r->dim_n = NULL;
  r->dimension_mean_raw = r->dimension_score_0_100 = NULL;
}

static int index_alloc(mi_stats_index_result *r, size_t ndims) {
  memset(r, 0, sizeof *r);
  r->ndims = ndims;
  r->dim_n = calloc(ndims, sizeof *r->dim_n);
  r->dimension_mean_raw = calloc(2 * ndims, sizeof *r->dimension_mean_raw);
  if (!r->dim_n || !r->dimension_mean_raw) {
    mi_stats_index_free(r);
    return -1;
  }
  r->dimension_score_0_100 = r->dimension_mean_raw + ndims;
  return 0;
}

/* The mean of row r's present items of dimension dm (*cnt of them; 0: none). */
static double row_dim(const double *x, const unsigned char *miss, size_t nrows,
                      const mi_stats_index_dim *dm, size_t r, size_t *cnt) {
  double s = 0;
  *cnt = 0;
  for (size_t j = 0; j < dm->nitems; j++) {
    size_t c = dm->items[j];
    if (miss && miss[c * nrows + r]) continue;
    s += x[c * nrows + r];
    ++*cnt;
  }
  return *cnt ? s / (double)*cnt : 0;
}

/* A row's influence on the index of each result (z[0] overall, z[1] its
 * group's): the index is a linear combination of the dimension means, each a
 * ratio sum(w a y) / sum(w a) (a: the row has the dimension), so z = sum_d c_d
 * a_d (y_d - mean_d) / sum(w a) with c_d = weight_d / wsum * 100 / (max -
 * min); a group's z is 0 outside it (domain estimation). 0: the row has no
 * value at all. As R's survey package linearises svyratio. */
static int influence(const double *x, const unsigned char *miss, size_t nrows,
                     const mi_stats_index_dim *dims, size_t ndims, double wsum, size_t gi,
                     const mi_stats_moments *m, size_t r, double z[2]) {
  int any = 0;
  z[0] = z[1] = 0;
  for (size_t d = 0; d < ndims; d++) {
    size_t cnt;
    double y = row_dim(x, miss, nrows, &dims[d], r, &cnt);
    if (!cnt) continue;
    any = 1;
    double c = dims[d].weight / wsum * 100 / (dims[d].max - dims[d].min);
    z[0] += c * (y - m[d].mean) / m[d].sw;
    if (gi != MI_STATS_NO_GROUP) {
      const mi_stats_moments *mg = &m[(1 + gi) * ndims + d];
      z[1] += c * (y - mg->mean) / mg->sw;
    }
  }
  return any;
}

/* Standard errors with rows as independent units: var = n / (n - 1) * sum
 * (w z - mean(w z))^2 over the n rows with any value (R: svydesign(ids = ~1,
 * weights = ~w)). */
static void index_se(const double *x, const unsigned char *miss, const double *w, size_t nrows,
                     const mi_stats_index_dim *dims, size_t ndims, double wsum,
                     const size_t *group, const mi_stats_moments *m, size_t nres, size_t n,
                     mi_stats_index_result *overall, mi_stats_index_result *groups) {
  double *s1 = calloc(2 * nres, sizeof *s1), *s2 = s1 ? s1 + nres : NULL;
  for (size_t g = 0; g < nres; g++) (g ? &groups[g - 1] : overall)->se = NAN;
  if (!s1 || n < 2) {
    free(s1);
    return;
  }
  for (size_t r = 0; r < nrows; r++) {
    size_t gi = group ? group[r] : MI_STATS_NO_GROUP;
    double wr = w ? w[r] : 1, z[2];
    if (!influence(x, miss, nrows, dims, ndims, wsum, gi, m, r, z)) continue;
    s1[0] += wr * z[0], s2[0] += wr * z[0] * wr * z[0];
    if (gi != MI_STATS_NO_GROUP) s1[1 + gi] += wr * z[1], s2[1 + gi] += wr * z[1] * wr * z[1];
  }
  double dn = (double)n;
  for (size_t g = 0; g < nres; g++) {
    double v = dn / (dn - 1) * (s2[g] - s1[g] * s1[g] / dn);
    (g ? &groups[g - 1] : overall)->se = sqrt(v > 0 ? v : 0);
  }
  free(s1);
}

/* Standard errors under a design: per result the PSU totals of w z through
 * mi_stats_design_var, the PSUs with a row with any value present (survey
 * subsets the design on na.rm; a group is a domain of that subset). One pass
 * over the rows per result, so memory stays one total per PSU. */
static int index_se_design(const double *x, const unsigned char *miss, const mi_stats_design *des,
                           size_t nrows, const mi_stats_index_dim *dims, size_t ndims,
                           double wsum, const size_t *group, const mi_stats_moments *m,
                           size_t nres, mi_stats_index_result *overall,
                           mi_stats_index_result *groups, mi_err *e) {
  double *t = malloc((des->npsu ? des->npsu : 1) * sizeof *t);
  unsigned char *present = calloc(des->npsu ? des->npsu : 1, 1);
  int rc = t && present ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t g = 0; g < nres && !rc; g++) {
    memset(t, 0, des->npsu * sizeof *t);
    for (size_t r = 0; r < nrows; r++) {
      size_t gi = group ? group[r] : MI_STATS_NO_GROUP;
      double z[2];
      if (!influence(x, miss, nrows, dims, ndims, wsum, gi, m, r, z)) continue;
      present[des->psu[r]] = 1;
      if (!g) t[des->psu[r]] += des->w[r] * z[0];
      else if (gi == g - 1) t[des->psu[r]] += des->w[r] * z[1];
    }
    double v;
    if (!(rc = mi_stats_design_var(des, t, present, &v, e)))
      (g ? &groups[g - 1] : overall)->se = sqrt(v > 0 ? v : 0);
  }
  free(t), free(present);
  return rc;
}

int mi_stats_index(const double *x, const unsigned char *miss, const double *w,
                   const mi_stats_design *des, size_t nrows, size_t ncols, const mi_stats_index_dim *dims, size_t ndims,
                   const size_t *group, size_t ngroups, mi_stats_index_result *overall,
                   mi_stats_index_result *groups, mi_err *e) {
  if (!overall) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(overall, 0, sizeof *overall);
  if (group && ngroups && !groups) return mi_err_set(e, MI_EINVAL, "no group results given");
  for (size_t g = 0; group && g < ngroups; g++) memset(&groups[g], 0, sizeof groups[g]);
  if (!dims || ndims == 0) return mi_err_set(e, MI_EINVAL, "no dimensions given");
  if (nrows && ncols && !x) return mi_err_set(e, MI_EINVAL, "no values array");
  if (des && des->n != nrows) return mi_err_set(e, MI_EINVAL, "the design is not of these rows");
  double wsum = 0;
  for (size_t d = 0; d < ndims; d++) {
    const mi_stats_index_dim *dm = &dims[d];
    if (!isfinite(dm->weight) || dm->weight < 0)
      return mi_err_set(e, MI_EINVAL, "dimension %zu: weight %g must be finite and >= 0", d + 1,
                        dm->weight);
    if (!isfinite(dm->min) || !isfinite(dm->max) || !(dm->min < dm->max))
      return mi_err_set(e, MI_EINVAL, "dimension %zu: scale %g..%g needs min < max", d + 1,
                        dm->min, dm->max);
    if (!dm->items || dm->nitems == 0)
      return mi_err_set(e, MI_EINVAL, "dimension %zu has no items", d + 1);
    for (size_t j = 0; j < dm->nitems; j++)
      if (dm->items[j] >= ncols)
        return mi_err_set(e, MI_EINVAL, "dimension %zu: item column %zu is not below %zu",
                          d + 1, dm->items[j], ncols);
    wsum += dm->weight;
  }
  if (!(wsum > 0)) return mi_err_set(e, MI_EINVAL, "all dimension weights are 0");
  /* values: finite and inside their dimension's scale */
  for (size_t d = 0; d < ndims; d++)
    for (size_t j = 0; j < dims[d].nitems; j++) {
      size_t c = dims[d].items[j];
      for (size_t r = 0; r < nrows; r++) {
        if (miss && miss[c * nrows + r]) continue;
        double v = x[c * nrows + r];
        if (!isfinite(v) || v < dims[d].min || v > dims[d].max)
          return mi_err_set(e, MI_EINVAL, "column %zu row %zu: %g is outside the scale %g..%g "
                            "of dimension %zu", c + 1, r + 1, v, dims[d].min, dims[d].max, d + 1);
      }
    }
  for (size_t r = 0; w && r < nrows; r++)
    if (!isfinite(w[r]) || w[r] < 0)
      return mi_err_set(e, MI_EINVAL, "row %zu: weight %g must be finite and >= 0", r + 1, w[r]);
  size_t nres = 1 + (group ? ngroups : 0);
  mi_stats_moments *m = calloc(nres * ndims, sizeof *m);
  size_t *nany = calloc(nres, sizeof *nany);
  if (!m || !nany || index_alloc(overall, ndims)) {
    free(m), free(nany);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  for (size_t g = 0; g + 1 < nres; g++)
    if (index_alloc(&groups[g], ndims)) {
      for (size_t h = 0; h < g; h++) mi_stats_index_free(&groups[h]);
      mi_stats_index_free(overall);
      free(m), free(nany);
      return mi_err_set(e, MI_ENOMEM, "out of memory");
    }
  int rc = 0;
  for (size_t r = 0; r < nrows; r++) {
    size_t gi = group ? group[r] : MI_STATS_NO_GROUP;
    if (gi != MI_STATS_NO_GROUP && gi >= ngroups) {
      rc = mi_err_set(e, MI_EINVAL, "row %zu: group %zu is not below %zu", r + 1, gi, ngroups);
      break;
    }
    int any = 0;
    for (size_t d = 0; d < ndims; d++) {
      size_t cnt;
      double s = row_dim(x, miss, nrows, &dims[d], r, &cnt);
      if (!cnt) continue;
      any = 1;
      double wr = w ? w[r] : 1;
      mi_stats_moments_add(&m[d], s, wr);
      if (gi != MI_STATS_NO_GROUP) mi_stats_moments_add(&m[(1 + gi) * ndims + d], s, wr);
    }
    nany[0] += (size_t)any;
    if (gi != MI_STATS_NO_GROUP) nany[1 + gi] += (size_t)any;
  }
  for (size_t g = 0; !rc && g < nres; g++) {
    mi_stats_index_result *res = g ? &groups[g - 1] : overall;
    res->n = nany[g];
    double idx = 0;
    for (size_t d = 0; d < ndims && !rc; d++) {
      const mi_stats_moments *md = &m[g * ndims + d];
      res->dim_n[d] = md->n;
      if (!md->n || !(md->sw > 0)) {
        if (g) rc = mi_err_set(e, MI_EINVAL, "group %zu: dimension %zu has no values", g,
                               d + 1);
        else rc = mi_err_set(e, MI_EINVAL, "dimension %zu has no values", d + 1);
        break;
      }
      res->dimension_mean_raw[d] = md->mean;
      res->dimension_score_0_100[d] = 100 * (md->mean - dims[d].min) / (dims[d].max - dims[d].min);
      idx += dims[d].weight * res->dimension_score_0_100[d];
    }
    res->index = idx / wsum;
  }
  if (!rc && des)
    rc = index_se_design(x, miss, des, nrows, dims, ndims, wsum, group, m, nres, overall, groups, e);
  else if (!rc)
    index_se(x, miss, w, nrows, dims, ndims, wsum, group, m, nres, nany[0], overall, groups);
  free(m), free(nany);
  if (rc) {
    mi_stats_index_free(overall);
    for (size_t g = 0; g + 1 < nres; g++) mi_stats_index_free(&groups[g]);
  }
  return rc;
}

/* ---- trend ------------------------------------------------------------------------ */

void mi_stats_trend_free(mi_stats_trend_result *r) {
  if (!r) return;
  free(r->ma_centered);
  r->ma_centered = r->ma_trailing = r->seasonal = NULL;
}

/* R's filter(x, f, sides): out[i] = sum_j f[j] x[i + o - j], NaN if any term
 * is missing or outside the series; o = nf / 2 for sides 2, 0 for sides 1. */
static void conv(const double *x, const unsigned char *miss, size_t len, const double *f,
                 size_t nf, size_t o, double *out) {
  for (size_t i = 0; i < len; i++) {
    double z = 0;
    int ok = 1;
    for (size_t j = 0; j < nf && ok; j++) {
      if (i + o < j || i + o - j >= len) {
        ok = 0;
        break;
      }
      size_t t = i + o - j;
      if (miss && miss[t]) ok = 0;
      else z += f[j] * x[t];
    }
    out[i] = ok ? z : NAN;
  }
}

int mi_stats_trend(const mi_stats_vec *v, size_t period, mi_stats_trend_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = mi_stats_vec_check(v, "series", e);
  if (rc) return rc;
  size_t len = v->n, f = period, n = 0;
  for (size_t i = 0; i < len; i++) n += !MI_STATS_MISSING(v, i);
  out->len = len, out->period = f, out->n = n, out->n_missing = len - n;
  if (f < 2)
    return mi_err_set(e, MI_EINVAL, "period %zu: the seasonal decomposition needs a period of "
                      "at least 2", f);
  if (n < 2 * f)
    return mi_err_set(e, MI_EINVAL, "%zu value%s: the seasonal decomposition needs at least 2 "
                      "full periods (%zu values for period %zu)", n, n == 1 ? "" : "s", 2 * f, f);
  double *t = malloc(len * sizeof *t), *y = malloc(len * sizeof *y);
  double *block = malloc((2 * len + f) * sizeof *block), *filt = malloc((f + 1) * sizeof *filt);
  if (!t || !y || !block || !filt) {
    free(t), free(y), free(block), free(filt);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  out->ma_centered = block;
  out->ma_trailing = block + len;
  out->seasonal = block + 2 * len;
  /* OLS on t = 1..len */
  size_t m = 0;
  for (size_t i = 0; i < len; i++)
    if (!MI_STATS_MISSING(v, i)) t[m] = (double)(i + 1), y[m++] = v->x[i];
  int constant = 1;
  for (size_t i = 1; i < m; i++) constant &= y[i] == y[0];
  mi_stats_regress_result reg;
  rc = constant ? 0 : mi_stats_regress(y, t, m, 1, &reg, e);
  if (constant) { /* exact, where least squares would leave rounding noise */
    out->intercept = y[0];
    out->slope = out->slope_se = out->intercept_se = 0;
    out->slope_p = out->r_squared = NAN;
  } else if (!rc) {
    out->intercept = reg.coef[0].estimate;
    out->intercept_se = reg.coef[0].se;
    out->slope = reg.coef[1].estimate;
    out->slope_se = reg.coef[1].se;
    out->slope_p = reg.coef[1].p;
    out->r_squared = reg.r_squared;
    mi_stats_regress_free(&reg);
  }
  /* moving averages */
  size_t nf = f % 2 ? f : f + 1;
  for (size_t j = 0; j < nf; j++) filt[j] = (f % 2 || (j > 0 && j < f) ? 1.0 : 0.5) / (double)f;
  conv(v->x, v->miss, len, filt, nf, nf / 2, out->ma_centered);
  for (size_t j = 0; j < f; j++) filt[j] = 1.0 / (double)f;
  conv(v->x, v->miss, len, filt, f, 0, out->ma_trailing);
  /* seasonal figure */
  double mean = 0;
  for (size_t s = 0; s < f; s++) {
    double sum = 0;
    size_t cnt = 0;
    for (size_t i = s; i < len; i += f)
      if (!MI_STATS_MISSING(v, i) && !isnan(out->ma_centered[i])) {
        sum += v->x[i] - out->ma_centered[i];
        cnt++;
      }
    out->seasonal[s] = cnt ? sum / (double)cnt : NAN;
    mean += out->seasonal[s];
  }
  mean /= (double)f;
  for (size_t s = 0; s < f; s++) out->seasonal[s] -= mean;
  free(t), free(y), free(filt);
  if (rc) mi_stats_trend_free(out);
  return rc;
}
