/* manyi-stats-gen — deterministic input for bench/stats.sh.
 *
 *   manyi-stats-gen --out DIR [--responses N] [--ols-rows N] [--seed S]
 *                   [--only responses,ols]
 *
 * Writes two CSV files (header row, LF line ends, no quoting needed: no
 * field holds a comma, a quote or a line break):
 *
 *   responses.csv  id,region,nps,csat,score          (default 10,000,000 rows)
 *     id      R000000001 ...
 *     region  North, South, East, West, Central (22/22/26/12/18 %)
 *     nps     0..10, about 47.5 % promoters (9-10) and 24.7 % detractors (0-6)
 *     csat    1..5, about 72 % in the top two boxes (4-5)
 *     score   0.00..100.00 (two decimals), a satisfaction index (mean about
 *             64, East highest, West lowest; sd about 18)
 *     nps, csat and score follow one latent satisfaction per row (region
 *     effect plus noise); each is empty (missing) in about 2 % of the rows.
 *
 *   ols.csv        y,x1,...,x10                      (default 1,000,000 rows)
 *     x1..x10 three decimals, mean 0.1..1.0 and sd about 1, correlated
 *     through a common factor (pairwise r about 0.25); y (four decimals) =
 *     2 + sum b_j x_j + noise (sd about 1.5; R^2 about 0.79),
 *     b = .5 -.3 .8 1.2 -.7 .4 1 -.2 .6 .9. About 0.2 % of the rows have
 *     one empty field.
 *
 * Every value comes from integer arithmetic on a splitmix64 stream per row,
 * keyed by (seed, file, row number): the same arguments give byte-identical
 * files on every machine. Files are written as NAME.tmp and renamed when
 * complete. N takes a k or M suffix. Libc only.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "manyi-stats-gen"

static uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

typedef struct stream {
  uint64_t s;
} stream;

static stream row_stream(uint64_t seed, uint64_t file, uint64_t row) {
  stream st = {mix(mix(seed * 0x9e3779b97f4a7c15ULL + file) ^ (row * 0xd1b54a32d192ed03ULL))};
  return st;
}

static uint64_t draw(stream *st) {
  st->s += 0x9e3779b97f4a7c15ULL;
  return mix(st->s);
}

/* Uniform in [0, n), n < 2^32. */
static int64_t uniform(stream *st, uint32_t n) {
  return (int64_t)(((draw(st) >> 32) * (uint64_t)n) >> 32);
}

/* Roughly normal, mean 0, sd about sd: the sum of four uniforms (Irwin-Hall).
 * Four uniforms on [-a, a] have sd a * 2 / sqrt(3); a = sd * 0.866. */
static int64_t noise(stream *st, int64_t sd) {
  int64_t a = sd * 866 / 1000, s = 0;
  if (a < 1) a = 1;
  for (int i = 0; i < 4; i++) s += uniform(st, (uint32_t)(2 * a + 1)) - a;
  return s;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

static void fail(const char *what, const char *path) {
  fprintf(stderr, PROG ": %s %s: %s\n", what, path, strerror(errno));
  exit(1);
}

static FILE *open_tmp(const char *dir, const char *name, char *tmp, char *final, size_t cap) {
  snprintf(final, cap, "%s/%s", dir, name);
  snprintf(tmp, cap, "%s/%s.tmp", dir, name);
  FILE *f = fopen(tmp, "w");
  if (!f) fail("cannot create", tmp);
  static char buf[1 << 20];
  setvbuf(f, buf, _IOFBF, sizeof buf);
  return f;
}

static void close_rename(FILE *f, const char *tmp, const char *final) {
  if (ferror(f) || fclose(f)) fail("cannot write", tmp);
  if (rename(tmp, final)) fail("cannot rename to", final);
}

/* Two decimals of v hundredths, or four of v ten-thousandths, with a sign. */
static void fixed(FILE *f, int64_t v, int decimals) {
  int64_t unit = decimals == 2 ? 100 : decimals == 3 ? 1000 : 10000;
  uint64_t a = (uint64_t)(v < 0 ? -v : v);
  fprintf(f, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)(a / (uint64_t)unit),
          decimals, (unsigned long long)(a % (uint64_t)unit));
}

static void responses(const char *dir, uint64_t seed, uint64_t n) {
  static const char *const region[] = {"North", "South", "East", "West", "Central"};
  static const int share[] = {22, 22, 26, 12, 18};           /* percent */
  static const int effect[] = {10, 0, 50, -60, -10};         /* latent units */
  char tmp[4096], final[4096];
  FILE *f = open_tmp(dir, "responses.csv", tmp, final, sizeof tmp);
  fputs("id,region,nps,csat,score\n", f);
  for (uint64_t i = 0; i < n; i++) {
    stream st = row_stream(seed, 1, i);
    int64_t u = uniform(&st, 100), r = 0;
    for (int acc = share[0]; u >= acc; acc += share[++r]) {}
    /* latent satisfaction on 0..1000 */
    int64_t latent = 640 + effect[r] + noise(&st, 170);
    fprintf(f, "R%09llu,%s,", (unsigned long long)(i + 1), region[r]);
    if (uniform(&st, 1000) >= 20) fprintf(f, "%lld", (long long)clamp((latent + 60 + noise(&st, 120)) / 80, 0, 10));
    fputc(',', f);
    if (uniform(&st, 1000) >= 20) fprintf(f, "%lld", (long long)clamp(1 + (latent + noise(&st, 150)) / 170, 1, 5));
    fputc(',', f);
    if (uniform(&st, 1000) >= 20) fixed(f, clamp(latent * 10 + noise(&st, 800), 0, 10000), 2);
    fputc('\n', f);
  }
  close_rename(f, tmp, final);
}

static void ols(const char *dir, uint64_t seed, uint64_t n) {
  enum { K = 10 };
  static const int64_t b[K] = {5, -3, 8, 12, -7, 4, 10, -2, 6, 9}; /* tenths */
  char tmp[4096], final[4096];
  FILE *f = open_tmp(dir, "ols.csv", tmp, final, sizeof tmp);
  fputs("y", f);
  for (int j = 0; j < K; j++) fprintf(f, ",x%d", j + 1);
  fputc('\n', f);
  for (uint64_t i = 0; i < n; i++) {
    stream st = row_stream(seed, 2, i);
    int64_t x[K], common = noise(&st, 500), y = 20000; /* y in 1e-4 */
    for (int j = 0; j < K; j++) {
      x[j] = (j + 1) * 100 + common + noise(&st, 870); /* thousandths */
      y += b[j] * x[j];                                /* tenths * thousandths */
    }
    y += noise(&st, 15000);
    int hole = uniform(&st, 1000) < 2 ? (int)uniform(&st, K + 1) : -1;
    if (hole != 0) fixed(f, y, 4);
    for (int j = 0; j < K; j++) {
      fputc(',', f);
      if (hole != j + 1) fixed(f, x[j], 3);
    }
    fputc('\n', f);
  }
  close_rename(f, tmp, final);
}

static int count_arg(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  if (*s < '0' || *s > '9') return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno) return -1;
  if (*end == 'k' || *end == 'K') v *= 1000, end++;
  else if (*end == 'M') v *= 1000000, end++;
  if (*end) return -1;
  *out = v;
  return 0;
}

static void usage(FILE *o) {
  fputs("Usage: " PROG " --out DIR [--responses N] [--ols-rows N] [--seed S]\n"
        "                       [--only responses,ols]\n"
        "Writes DIR/responses.csv (id,region,nps,csat,score; default 10M rows) and\n"
        "DIR/ols.csv (y,x1..x10; default 1M rows) for bench/stats.sh. N takes a k\n"
        "or M suffix. Same arguments, same bytes.\n",
        o);
}

int main(int argc, char **argv) {
  const char *out = NULL, *only = NULL;
  uint64_t nresp = 10000000, nols = 1000000, seed = 42;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, PROG ": %s: unknown option or missing value\n", a);
      usage(stderr);
      return 2;
    }
    const char *v = argv[++i];
    uint64_t *num = !strcmp(a, "--responses") ? &nresp
                    : !strcmp(a, "--ols-rows") ? &nols
                    : !strcmp(a, "--seed")     ? &seed
                                               : NULL;
    if (num) {
      if (count_arg(v, num)) {
        fprintf(stderr, PROG ": %s: '%s' is not a whole number (a k or M suffix is allowed)\n", a, v);
        return 2;
      }
    } else if (!strcmp(a, "--out")) {
      out = v;
    } else if (!strcmp(a, "--only")) {
      only = v;
    } else {
      fprintf(stderr, PROG ": unknown option '%s'\n", a);
      usage(stderr);
      return 2;
    }
  }
  if (!out) {
    fputs(PROG ": give --out DIR\n", stderr);
    usage(stderr);
    return 2;
  }
  int want_resp = 1, want_ols = 1;
  if (only) {
    want_resp = want_ols = 0;
    char *list = strdup(only);
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
      if (!strcmp(t, "responses")) want_resp = 1;
      else if (!strcmp(t, "ols")) want_ols = 1;
      else {
        fprintf(stderr, PROG ": --only: '%s' is not responses or ols\n", t);
        return 2;
      }
    }
    free(list);
  }
  if (want_resp) responses(out, seed, nresp);
  if (want_ols) ols(out, seed, nols);
  return 0;
}
