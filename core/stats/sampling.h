/* Sample designs: how many units to take from each stratum, and which.
 * Pure functions (no I/O); the survey service builds frames and stores the
 * sample. References: Cochran, Sampling Techniques (3rd ed.), 5.5 and 5.9;
 * Lohr, Sampling: Design and Analysis, 3.4. */
#ifndef MI_STATS_SAMPLING_H
#define MI_STATS_SAMPLING_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Splits n over k strata of sizes N[h]: proportional (sd == NULL:
 * n_h ∝ N_h) or Neyman (n_h ∝ N_h * sd_h). Each n_h is at most N_h (a
 * stratum that would get more is taken whole and the rest shared again among
 * the others) and the n_h sum to n exactly: the integer parts first, then one
 * more to the strata with the largest fractional parts (ties: the lower h).
 * MI_EINVAL if n > sum N, any N_h or sd_h < 0, or Neyman with every N_h sd_h
 * = 0 while n > 0. out has k entries. */
int mi_stats_allocate(size_t k, const int64_t *N, const double *sd, int64_t n, int64_t *out,
                      mi_err *e);

/* Chooses n of the population 0..N-1 without replacement, each subset
 * equally likely, from the GSL generator mt19937 seeded with seed (the same
 * seed gives the same sample on every machine). out gets n indices in
 * increasing order. MI_EINVAL if n > N. */
int mi_stats_choose(uint64_t seed, size_t N, size_t n, size_t *out, mi_err *e);

#endif
