/* Bootstrap percentile intervals for key-driver importance: resample the
 * complete cases with replacement (GSL's mt19937 seeded by the caller, so a
 * seed repeats its resamples), rerun mi_stats_drivers on each, take
 * quantiles of the shares. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"

void mi_stats_drivers_boot_free(mi_stats_drivers_boot_result *r) {
  if (!r) return;
  free(r->rw_lower);
  r->rw_lower = r->rw_upper = r->sh_lower = r->sh_upper = NULL;
}

void mi_stats_drivers_intervals(double *rw, double *sh, size_t B, size_t used, double conf,
                                double *blk, mi_stats_drivers_boot_result *out) {
  size_t k = out->k;
  out->rw_lower = blk, out->rw_upper = blk + k, out->sh_lower = blk + 2 * k;
  out->sh_upper = blk + 3 * k;
  double lo = (1 - conf) / 2, hi = (1 + conf) / 2;
  for (size_t j = 0; j < k; j++) {
    gsl_sort(rw + j * B, 1, used);
    gsl_sort(sh + j * B, 1, used);
    out->rw_lower[j] = mi_stats_quantile7(rw + j * B, used, lo);
    out->rw_upper[j] = mi_stats_quantile7(rw + j * B, used, hi);
    out->sh_lower[j] = mi_stats_quantile7(sh + j * B, used, lo);
    out->sh_upper[j] = mi_stats_quantile7(sh + j * B, used, hi);
  }
}

int mi_stats_drivers_bootstrap(const double *y, const double *x, size_t n, size_t k, size_t B,
                               unsigned long seed, double conf, size_t *resamples,
                               mi_stats_drivers_boot_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = mi_stats_check_conf(conf, e);
  if (rc) return rc;
  if (B < 2) return mi_err_set(e, MI_EINVAL, "a bootstrap needs at least 2 replicates, not %zu", B);
  if (n < 1 || k < 1 || !y || !x) return mi_err_set(e, MI_EINVAL, "no data");
  out->B = B, out->k = k;
  double *yb = malloc(n * sizeof *yb), *xb = malloc(n * k * sizeof *xb);
  double *rw = malloc(B * k * sizeof *rw), *sh = malloc(B * k * sizeof *sh); /* [j * B + b] */
  size_t *ix = malloc(n * sizeof *ix);
  double *blk = malloc(4 * k * sizeof *blk);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!yb || !xb || !rw || !sh || !ix || !blk || !rng) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  gsl_rng_set(rng, seed);
  size_t used = 0;
  for (size_t b = 0; b < B; b++) {
    for (size_t i = 0; i < n; i++) ix[i] = (size_t)gsl_rng_uniform_int(rng, n);
    if (resamples) memcpy(resamples + b * n, ix, n * sizeof *ix);
    for (size_t i = 0; i < n; i++) {
      yb[i] = y[ix[i]];
      for (size_t j = 0; j < k; j++) xb[j * n + i] = x[j * n + ix[i]];
    }
    mi_stats_drivers_result r;
    mi_err scratch;
    if (mi_stats_drivers(yb, xb, n, k, &r, &scratch)) {
      /* a resample where a driver or y is constant, or drivers collinear:
       * its importances are undefined; it is left out and counted */
      if (scratch.code == MI_ENOMEM) {
        rc = mi_err_set(e, MI_ENOMEM, "out of memory");
        goto done;
      }
      out->skipped++;
      continue;
    }
    for (size_t j = 0; j < k; j++) {
      rw[j * B + used] = r.relative_weights_share[j];
      sh[j * B + used] = r.shapley_share[j];
    }
    used++;
    mi_stats_drivers_free(&r);
  }
  if (used < 2) {
    rc = mi_err_set(e, MI_EINVAL, "only %zu of %zu resamples could be fitted (a driver or the "
                    "outcome was constant, or drivers collinear, in the others): too few rows "
                    "for a bootstrap", used, B);
    goto done;
  }
  mi_stats_drivers_intervals(rw, sh, B, used, conf, blk, out);
  blk = NULL;
done:
  if (rng) gsl_rng_free(rng);
  free(yb), free(xb), free(rw), free(sh), free(ix), free(blk);
  return rc;
}
