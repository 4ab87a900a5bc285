#include "stats/sampling.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

/* One round of allocation over the strata not yet taken whole. Returns 1 if
 * some stratum had to be capped (and was fixed at N_h), 0 when done. */
static int share(size_t k, const int64_t *N, const double *sd, int64_t n, int64_t *out,
                 char *whole, double *frac) {
  double total = 0;
  int64_t left = n;
  for (size_t h = 0; h < k; h++) {
    if (whole[h]) left -= out[h];
    else total += (double)N[h] * (sd ? sd[h] : 1.0);
  }
  int capped = 0;
  for (size_t h = 0; h < k; h++) {
    if (whole[h]) continue;
    double exact = total > 0 ? (double)left * (double)N[h] * (sd ? sd[h] : 1.0) / total : 0;
    if (exact >= (double)N[h]) {
      out[h] = N[h], whole[h] = 1, capped = 1;
      continue;
    }
    out[h] = (int64_t)floor(exact);
    frac[h] = exact - (double)out[h];
  }
  if (capped) return 1;
  int64_t given = 0;
  for (size_t h = 0; h < k; h++) given += out[h];
  for (int64_t extra = n - given; extra > 0; extra--) { /* largest remainders */
    size_t best = k;
    for (size_t h = 0; h < k; h++)
      if (!whole[h] && out[h] < N[h] && (best == k || frac[h] > frac[best])) best = h;
    if (best == k) break;
    out[best]++;
    frac[best] = -1;
  }
  return 0;
}

int mi_stats_allocate(size_t k, const int64_t *N, const double *sd, int64_t n, int64_t *out,
                      mi_err *e) {
  int64_t pop = 0;
  double weight = 0;
  for (size_t h = 0; h < k; h++) {
    if (N[h] < 0 || (sd && !(sd[h] >= 0)))
      return mi_err_set(e, MI_EINVAL, "stratum %zu: sizes and standard deviations must be >= 0", h + 1);
    pop += N[h];
    weight += (double)N[h] * (sd ? sd[h] : 1.0);
  }
  if (n < 0 || n > pop)
    return mi_err_set(e, MI_EINVAL, "a sample of %lld from a population of %lld", (long long)n,
                      (long long)pop);
  if (n > 0 && weight <= 0)
    return mi_err_set(e, MI_EINVAL, "Neyman allocation needs a stratum with a spread above 0");
  char *whole = calloc(k ? k : 1, 1);
  double *frac = calloc(k ? k : 1, sizeof *frac);
  if (!whole || !frac) {
    free(whole), free(frac);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  for (size_t h = 0; h < k; h++) out[h] = 0;
  while (share(k, N, sd, n, out, whole, frac)) {
  }
  free(whole), free(frac);
  return 0;
}

int mi_stats_choose(uint64_t seed, size_t N, size_t n, size_t *out, mi_err *e) {
  if (n > N) return mi_err_set(e, MI_EINVAL, "cannot choose %zu of %zu", n, N);
  if (n == 0) return 0;
  size_t *all = malloc(N * sizeof *all);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!all || !rng) {
    free(all);
    if (rng) gsl_rng_free(rng);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < N; i++) all[i] = i;
  gsl_rng_set(rng, (unsigned long)seed);
  gsl_ran_choose(rng, out, n, all, N, sizeof *all); /* keeps the input order */
  gsl_rng_free(rng);
  free(all);
  return 0;
}
