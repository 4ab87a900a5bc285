/* Helpers shared by the files of core/stats (not part of the public API). */
#ifndef MI_STATS_STATS_INTERNAL_H
#define MI_STATS_STATS_INTERNAL_H

#include "stats/stats.h"

#define MI_STATS_MISSING(v, i) ((v)->miss && (v)->miss[i])

/* MI_EINVAL unless 0 < conf < 1. */
int mi_stats_check_conf(double conf, mi_err *e);

/* Non-missing values of v in a new array (*out: caller frees), sorted if sort. */
int mi_stats_collect(const mi_stats_vec *v, int sort, double **out, size_t *n, mi_err *e);

/* MI_EINVAL naming column and row unless all n*k values of x are finite. */
int mi_stats_check_matrix(const double *x, size_t n, size_t k, mi_err *e);

/* Sample covariance matrix (n-1) of the k columns of x into c (k*k), two-pass. */
int mi_stats_covariance(const double *x, size_t n, size_t k, double *c, mi_err *e);

/* Calibration hook: replaces the linearised values u (one per design row)
 * by their residuals before they are summed per PSU (rake.c). */
typedef void (*mi_stats_resid_fn)(void *ctx, double *u);

/* mi_stats_design_mean with the weights w (NULL = d->w) and, if resid is
 * given, a calibrated design: u goes through resid, every stratum counts
 * (survey does not subset a calibrated design) and deff is NaN. */
int mi_stats_design_mean_cal(const mi_stats_design *d, const double *w, const double *x,
                             const unsigned char *miss, double conf, mi_stats_resid_fn resid,
                             void *ctx, mi_stats_design_mean_result *out, mi_err *e);

/* The bootstrap's percentile intervals of the driver shares (bootstrap.c):
 * rw and sh hold the used fitted replicates of each driver j at j * B
 * (sorted here); blk (4 * out->k numbers) becomes out's intervals. */
void mi_stats_drivers_intervals(double *rw, double *sh, size_t B, size_t used, double conf,
                                double *blk, mi_stats_drivers_boot_result *out);

#endif
