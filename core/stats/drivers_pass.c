/* Key drivers in one pass over the rows: the point estimate from the
 * complete cases' sums and cross-products, and a bootstrap whose replicates
 * are Poisson(1) weights drawn per row (each replicate keeps its own
 * weighted sums), so that no row is kept. Memory: B x (k+1)^2 numbers. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"
#include "util/lines.h"

struct mi_stats_drivers_acc {
  size_t k, m, B, per; /* m = k + 1: y then the k drivers; per: sums per replicate */
  double *shift;  /* m: the first complete case (keeps the sums of squares small) */
  double *sums;   /* (1 + B) x per: weight, sum z (m), sum z_i z_j for j <= i packed
                   * (tri; m (m + 1) / 2) (0: the sample) */
  uint64_t rng;
  int started;
};

/* splitmix64: a fast generator with a fixed sequence for a given seed. */
static uint64_t next64(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Poisson(1) by inversion of its distribution function, whose values
 * cdf[x] = P(X <= x) are summed once (in the order a draw would sum them,
 * so that every draw is what summing them each time gives). */
static double cdf[31];

static void cdf_init(void) {
  double p = exp(-1.0), c = p;
  cdf[0] = c;
  for (unsigned x = 1; x <= 30; x++) p /= x, c += p, cdf[x] = c;
}

static unsigned poisson1(uint64_t *s) {
  double u = (double)(next64(s) >> 11) * 0x1.0p-53;
  if (u > cdf[7]) { /* about one draw in 100,000 */
    unsigned x = 8;
    while (u > cdf[x] && x < 30) x++;
    return x;
  }
  /* the smallest x with u <= cdf[x], counted without branches (which the
   * processor would guess wrong half the time) */
  return (unsigned)(u > cdf[0]) + (u > cdf[1]) + (u > cdf[2]) + (u > cdf[3]) + (u > cdf[4]) +
         (u > cdf[5]) + (u > cdf[6]);
}

mi_stats_drivers_acc *mi_stats_drivers_acc_new(size_t k, size_t B, unsigned long seed) {
  if (k < 1 || k > MI_STATS_DRIVERS_MAX) return NULL;
  mi_stats_drivers_acc *a = mi_line_calloc(sizeof *a); /* whole lines: see util/lines.h */
  if (!a) return NULL;
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, cdf_init);
  a->k = k, a->m = k + 1, a->B = B, a->rng = seed;
  size_t per = a->per = 1 + a->m + a->m * (a->m + 1) / 2;
  a->shift = calloc(a->m, sizeof *a->shift);
  a->sums = mi_line_calloc((1 + B) * per * sizeof *a->sums);
  if (!a->shift || !a->sums) return mi_stats_drivers_acc_free(a), NULL;
  return a;
}

void mi_stats_drivers_acc_free(mi_stats_drivers_acc *a) {
  if (!a) return;
  free(a->shift), free(a->sums), free(a);
}

/* Where sum z_i z_j (j <= i) is among a replicate's sums. */
static size_t tri(size_t m, size_t i, size_t j) { return 1 + m + i * (i + 1) / 2 + j; }

/* Adds w times a row's terms p (1, its centred values, their products; per
 * of them, in the sums' order) to sums s, four at a time (the processor's
 * vector unit, two halves without AVX; the same sums as one at a time). */
typedef double quad __attribute__((vector_size(32)));

static inline void add(double *restrict s, const double *restrict p, size_t per, double w) {
  quad wv = {w, w, w, w};
  size_t t = 0;
  for (; t + 4 <= per; t += 4) {
    quad a, b;
    memcpy(&a, s + t, sizeof a), memcpy(&b, p + t, sizeof b);
    a += wv * b;
    memcpy(s + t, &a, sizeof a);
  }
  for (; t < per; t++) s[t] += w * p[t];
}

void mi_stats_drivers_acc_add(mi_stats_drivers_acc *a, const double *z) {
  size_t m = a->m, per = a->per;
  if (!a->started) memcpy(a->shift, z, m * sizeof *z), a->started = 1;
  double p[1 + (MI_STATS_DRIVERS_MAX + 1) * (MI_STATS_DRIVERS_MAX + 4) / 2], *d = p + 1;
  p[0] = 1;
  for (size_t i = 0; i < m; i++) d[i] = z[i] - a->shift[i];
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j <= i; j++) p[tri(m, i, j)] = d[i] * d[j];
  add(a->sums, p, per, 1);
  for (size_t b = 0; b < a->B; b++) {
    unsigned w = poisson1(&a->rng);
    if (w) add(a->sums + (1 + b) * per, p, per, w);
  }
}

void mi_stats_drivers_acc_centre(mi_stats_drivers_acc *a, const double *shift) {
  if (a->started) return;
  memcpy(a->shift, shift, a->m * sizeof *shift);
  a->started = 1;
}

int mi_stats_drivers_acc_merge(mi_stats_drivers_acc *a, const mi_stats_drivers_acc *b, mi_err *e) {
  if (a->m != b->m || a->B != b->B || (a->started && b->started &&
                                       memcmp(a->shift, b->shift, a->m * sizeof *a->shift)))
    return mi_err_set(e, MI_EINVAL, "drivers' sums of other shapes or centres cannot be merged");
  if (!b->started) return 0; /* b has no rows */
  if (!a->started) memcpy(a->shift, b->shift, a->m * sizeof *a->shift), a->started = 1;
  size_t n = (1 + a->B) * a->per;
  for (size_t i = 0; i < n; i++) a->sums[i] += b->sums[i];
  return 0;
}

/* The correlation matrix (column-major, m x m) of sums s; -1 when a
 * variable does not vary or there are fewer than 3 in weight. */
static int correlation(const double *s, size_t m, double *r) {
  double n = s[0];
  if (n < 3) return -1;
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j <= i; j++) {
      double c = s[tri(m, i, j)] - s[1 + i] * s[1 + j] / n;
      r[i * m + j] = r[j * m + i] = c;
    }
  for (size_t i = 0; i < m; i++)
    if (!(r[i * m + i] > 1e-12 * n)) return -1;
  double *sd = r + m * m; /* scratch after the matrix */
  for (size_t i = 0; i < m; i++) sd[i] = sqrt(r[i * m + i]);
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < m; j++) r[i * m + j] /= sd[i] * sd[j];
  return 0;
}

/* Replicates [from, to) of a fitted: per replicate whether it could be,
 * and its shares (k each). */
typedef struct replicates {
  const mi_stats_drivers_acc *a;
  size_t from, to;
  unsigned char *ok;
  double *rw, *sh, *r; /* r: the correlation matrix's room */
} replicates;

static int replicates_new(replicates *h) {
  size_t n = h->to - h->from ? h->to - h->from : 1, k = h->a->k, m = h->a->m;
  h->ok = calloc(n, 1);
  h->rw = malloc(2 * n * k * sizeof *h->rw);
  h->r = malloc((m * m + m) * sizeof *h->r);
  h->sh = h->rw ? h->rw + n * k : NULL;
  return h->ok && h->rw && h->r ? 0 : MI_ENOMEM;
}

static void replicates_free(replicates *h) { free(h->ok), free(h->rw), free(h->r); }

static void *fit_replicates(void *arg) {
  replicates *h = arg;
  const mi_stats_drivers_acc *a = h->a;
  for (size_t b = h->from; b < h->to; b++) {
    const double *s = a->sums + (1 + b) * a->per;
    mi_stats_drivers_result x;
    mi_err scratch;
    if (correlation(s, a->m, h->r) || mi_stats_drivers_cor(h->r, a->k, (size_t)s[0], &x, &scratch))
      continue;
    size_t i = b - h->from;
    h->ok[i] = 1;
    for (size_t j = 0; j < a->k; j++)
      h->rw[i * a->k + j] = x.relative_weights_share[j], h->sh[i * a->k + j] = x.shapley_share[j];
    mi_stats_drivers_free(&x);
  }
  return NULL;
}

int mi_stats_drivers_acc_result(const mi_stats_drivers_acc *a, double conf,
                                mi_stats_drivers_result *point, mi_stats_drivers_boot_result *boot,
                                mi_err *e) {
  memset(point, 0, sizeof *point);
  memset(boot, 0, sizeof *boot);
  size_t m = a->m, k = a->k, B = a->B;
  double *r = malloc((m * m + m) * sizeof *r);
  if (!r) return mi_err_set(e, MI_ENOMEM, "out of memory");
  size_t n = (size_t)a->sums[0];
  if (n <= k + 1) {
    free(r);
    return mi_err_set(e, MI_EINVAL, "%zu complete cases for %zu drivers: needs more than %zu", n,
                      k, k + 1);
  }
  if (correlation(a->sums, m, r)) {
    free(r);
    return mi_err_set(e, MI_EINVAL, "the outcome or a driver has the same value in every "
                      "complete case: its importance is undefined");
  }
  int rc = mi_stats_drivers_cor(r, k, n, point, e);
  if (rc || B < 2) {
    free(r);
    return rc;
  }
  double *rw = malloc(2 * B * k * sizeof *rw), *sh = rw ? rw + B * k : NULL; /* [j * B + b] */
  double *blk = malloc(4 * k * sizeof *blk);
  replicates half[2] = {{.a = a, .from = 0, .to = B / 2}, {.a = a, .from = B / 2, .to = B}};
  size_t used = 0;
  rc = rw && blk && !replicates_new(&half[0]) && !replicates_new(&half[1])
           ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  /* the replicates' fits in two threads (each some hundred regressions),
   * then taken in replicate order: the same as one after the other */
  pthread_t th;
  int threaded = !rc && !pthread_create(&th, NULL, fit_replicates, &half[1]);
  if (!rc) fit_replicates(&half[0]);
  if (threaded) pthread_join(th, NULL);
  else if (!rc) fit_replicates(&half[1]);
  for (size_t b = 0; !rc && b < B; b++) {
    const replicates *h = &half[b >= B / 2];
    size_t i = b - h->from;
    if (!h->ok[i]) {
      boot->skipped++; /* a replicate where a variable is constant or drivers collinear */
      continue;
    }
    for (size_t j = 0; j < k; j++)
      rw[j * B + used] = h->rw[i * k + j], sh[j * B + used] = h->sh[i * k + j];
    used++;
  }
  replicates_free(&half[0]), replicates_free(&half[1]);
  if (!rc && used < 2)
    rc = mi_err_set(e, MI_EINVAL, "only %zu of %zu replicates could be fitted: too few rows for "
                    "a bootstrap", used, B);
  if (!rc) {
    boot->B = B, boot->k = k;
    mi_stats_drivers_intervals(rw, sh, B, used, conf, blk, boot);
    blk = NULL;
  }
  if (rc) mi_stats_drivers_free(point);
  free(r), free(rw), free(blk);
  return rc;
}
