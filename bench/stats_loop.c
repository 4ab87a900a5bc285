/* manyi-stats-loop — the plain C peer of bench/stats.sh: the memory-bound
 * limit for manyi's survey statistics.
 *
 *   manyi-stats-loop nps      FILE COL GROUP     NPS overall and by group
 *   manyi-stats-loop prop     FILE COL 4,5       share of COL in the list (top-2-box)
 *   manyi-stats-loop groupvar FILE COL GROUP     n, mean, variance by group, one-way ANOVA
 *   manyi-stats-loop ols      FILE Y X1,X2,...   OLS with an intercept, complete cases
 *   manyi-stats-loop flatten  FILE.json          print a JSON document as "path value" lines
 *   [--reps N]  time the pass N times (default 3) and report the fastest
 *
 * It reads the named columns of a CSV file (header row, LF line ends, no
 * quoted fields: the files of manyi-stats-gen) into arrays — doubles, NaN for
 * an empty field or NA; a group as a one-byte level number — and then makes
 * one pass over those arrays, accumulating counts, sums and cross products.
 * The results follow from the accumulators in O(groups) or O(k^3) work.
 * Only the pass is "compute"; reading and parsing the file is "load", and
 * both are printed (time.load, time.compute). Results are "key value" lines
 * with 17 significant digits, keyed as manyi's --json output (flattened);
 * quantities manyi does not print start with "extra.".
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <jansson.h>

#define PROG "manyi-stats-loop"
#define MAXLEV 255 /* level 255 = no group */
#define NOGROUP 255

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs(PROG ": ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) die("out of memory");
  return q;
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct column {
  const char *name;
  int text;        /* group: levels; else numeric */
  double *x;       /* numeric */
  uint8_t *g;      /* text: level number, NOGROUP when empty */
} column;

typedef struct table {
  size_t nrows, ncols;
  column *cols;
  char *lev[MAXLEV];
  size_t nlev;
} table;

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open %s: %s", path, strerror(errno));
  size_t cap = 1 << 24, n = 0;
  char *buf = xrealloc(NULL, cap + 1);
  for (;;) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap) break;
    cap *= 2;
    buf = xrealloc(buf, cap + 1);
  }
  if (ferror(f)) die("cannot read %s: %s", path, strerror(errno));
  fclose(f);
  buf[n] = 0;
  *len = n;
  return buf;
}

static uint8_t level(table *t, const char *s, size_t len, const char *path) {
  if (len == 0 || (len == 2 && !memcmp(s, "NA", 2))) return NOGROUP;
  for (size_t k = 0; k < t->nlev; k++)
    if (!strncmp(t->lev[k], s, len) && !t->lev[k][len]) return (uint8_t)k;
  if (t->nlev == MAXLEV - 1) die("%s: more than 254 groups", path);
  t->lev[t->nlev] = strndup(s, len);
  return (uint8_t)t->nlev++;
}

/* Reads the columns names[0..n) (text[j]: a group) of path. */
static void load(const char *path, const char *const *names, const int *text, size_t n,
                 table *t) {
  memset(t, 0, sizeof *t);
  size_t len;
  char *buf = slurp(path, &len), *p = buf, *end = buf + len;
  if (memchr(buf, '"', len)) die("%s: quoted fields: this loop reads only unquoted CSV", path);
  char *eol = memchr(p, '\n', (size_t)(end - p));
  if (!eol) die("%s: no header line", path);
  /* header: which slot each field goes to */
  int slot[256];
  size_t nf = 0;
  for (char *f = p; f <= eol && nf < 256; nf++) {
    char *c = f;
    while (c < eol && *c != ',') c++;
    slot[nf] = -1;
    for (size_t j = 0; j < n; j++)
      if ((size_t)(c - f) == strlen(names[j]) && !memcmp(f, names[j], (size_t)(c - f))) slot[nf] = (int)j;
    f = c + 1;
  }
  t->ncols = n;
  t->cols = calloc(n, sizeof *t->cols);
  for (size_t j = 0; j < n; j++) {
    int found = 0;
    for (size_t i = 0; i < nf; i++) found |= slot[i] == (int)j;
    if (!found) die("%s: no column '%s'", path, names[j]);
    t->cols[j].name = names[j];
    t->cols[j].text = text[j];
  }
  size_t cap = 0;
  for (p = eol + 1; p < end;) {
    eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    if (eol == p) { /* empty line */
      p = eol + 1;
      continue;
    }
    if (t->nrows == cap) {
      cap = cap ? cap * 2 : 1 << 16;
      for (size_t j = 0; j < n; j++) {
        column *c = &t->cols[j];
        if (c->text) c->g = xrealloc(c->g, cap);
        else c->x = xrealloc(c->x, cap * sizeof *c->x);
      }
    }
    size_t i = t->nrows++, fi = 0;
    char *f = p;
    for (;;) {
      char *c = f;
      while (c < eol && *c != ',') c++;
      int s = fi < nf ? slot[fi] : -1;
      if (s >= 0) {
        column *col = &t->cols[s];
        size_t fl = (size_t)(c - f);
        if (col->text) {
          col->g[i] = level(t, f, fl, path);
        } else if (fl == 0 || (fl == 2 && f[0] == 'N' && f[1] == 'A')) {
          col->x[i] = NAN;
        } else {
          char *e;
          col->x[i] = strtod(f, &e);
          if (e != c || !isfinite(col->x[i])) {
            fprintf(stderr, PROG ": %s: row %zu, column %s: '%.*s' is not a finite number\n",
                    path, i + 1, col->name, (int)fl, f);
            exit(2);
          }
        }
      }
      fi++;
      if (c >= eol) break;
      f = c + 1;
    }
    if (fi != nf) {
      fprintf(stderr, PROG ": %s: row %zu has %zu fields, the header %zu\n", path, i + 1, fi, nf);
      exit(2);
    }
    p = eol + 1;
  }
  free(buf);
}

static void table_free(table *t) {
  for (size_t j = 0; j < t->ncols; j++) {
    free(t->cols[j].x);
    free(t->cols[j].g);
  }
  for (size_t k = 0; k < t->nlev; k++) free(t->lev[k]);
  free(t->cols);
}

/* Level order as manyi's: numerically when every level is a number, else
 * by strcmp. perm[r] = level number of rank r. */
static void level_order(const table *t, size_t *perm) {
  int numeric = 1;
  for (size_t k = 0; k < t->nlev; k++) {
    char *e;
    double v = strtod(t->lev[k], &e);
    numeric &= e != t->lev[k] && !*e && isfinite(v);
  }
  for (size_t k = 0; k < t->nlev; k++) perm[k] = k;
  for (size_t a = 1; a < t->nlev; a++) /* insertion sort: few levels */
    for (size_t b = a; b > 0; b--) {
      const char *x = t->lev[perm[b - 1]], *y = t->lev[perm[b]];
      int cmp = numeric && strtod(x, NULL) != strtod(y, NULL) ? (strtod(x, NULL) < strtod(y, NULL) ? -1 : 1)
                                                            : strcmp(x, y);
      if (cmp <= 0) break;
      size_t s = perm[b];
      perm[b] = perm[b - 1];
      perm[b - 1] = s;
    }
}

/* ---- output --------------------------------------------------------------- */

static void put(const char *prefix, const char *key, double v) {
  if (isfinite(v)) printf("%s%s %.17g\n", prefix, key, v);
  else printf("%s%s null\n", prefix, key);
}

static void put_n(const char *prefix, const char *key, uint64_t v) {
  printf("%s%s %llu\n", prefix, key, (unsigned long long)v);
}

static void timing(double load_s, double pass_s, size_t bytes, int reps) {
  printf("time.load %.6f\ntime.compute %.6f\n", load_s, pass_s);
  printf("# pass over %.1f MB of arrays, fastest of %d: %.1f GB/s\n", (double)bytes / 1e6, reps,
         pass_s > 0 ? (double)bytes / pass_s / 1e9 : 0.0);
}

/* ---- NPS ------------------------------------------------------------------ */

typedef struct npsc {
  uint64_t c[4]; /* detractors, passives, promoters, missing */
} npsc;

static __attribute__((noinline)) void nps_pass(const double *x, const uint8_t *g, size_t n,
                                               npsc *acc) {
  memset(acc, 0, 256 * sizeof *acc);
  for (size_t i = 0; i < n; i++) {
    double v = x[i];
    int cat = v != v ? 3 : (v >= 7) + (v >= 9);
    acc[g[i]].c[cat]++;
  }
}

static double nps_put(const char *prefix, const npsc *a, double z, double *se_out) {
  uint64_t d = a->c[0], pa = a->c[1], pr = a->c[2], n = d + pa + pr;
  double dn = (double)n, m = ((double)pr - (double)d) / dn;
  double var = ((double)pr + (double)d - dn * m * m) / (dn - 1); /* var of s = +1/0/-1 */
  double se = n > 1 ? 100 * sqrt(var / dn) : NAN;
  put_n(prefix, "n", n);
  put_n(prefix, "n_missing", a->c[3]);
  put_n(prefix, "n_promoters", pr);
  put_n(prefix, "n_passives", pa);
  put_n(prefix, "n_detractors", d);
  put(prefix, "promoters", 100 * (double)pr / dn);
  put(prefix, "passives", 100 * (double)pa / dn);
  put(prefix, "detractors", 100 * (double)d / dn);
  put(prefix, "nps", 100 * m);
  put(prefix, "se", se);
  put(prefix, "ci_lower", 100 * m - z * se);
  put(prefix, "ci_upper", 100 * m + z * se);
  *se_out = se;
  return 100 * m;
}

static int run_nps(const char *path, const char *col, const char *grp, int reps) {
  double t0 = now();
  table t;
  load(path, (const char *[]){col, grp}, (const int[]){0, 1}, 2, &t);
  const double *x = t.cols[0].x;
  const uint8_t *g = t.cols[1].g;
  for (size_t i = 0; i < t.nrows; i++)
    if (!isnan(x[i]) && !(x[i] >= 0 && x[i] <= 10 && x[i] == floor(x[i]))) {
      fprintf(stderr, PROG ": %s: row %zu: NPS score %g is not a whole number from 0 to 10\n",
              path, i + 1, x[i]);
      return 2;
    }
  double load_s = now() - t0, best = INFINITY;
  static npsc acc[256];
  for (int r = 0; r < reps; r++) {
    double a = now();
    nps_pass(x, g, t.nrows, acc);
    best = fmin(best, now() - a);
  }
  double z = gsl_cdf_ugaussian_Pinv(0.975), se, nps[MAXLEV], ses[MAXLEV];
  npsc all = {{0}};
  for (int k = 0; k < 256; k++)
    for (int c = 0; c < 4; c++) all.c[c] += acc[k].c[c];
  nps_put("", &all, z, &se);
  size_t perm[MAXLEV];
  level_order(&t, perm);
  char prefix[600];
  for (size_t r = 0; r < t.nlev; r++) {
    snprintf(prefix, sizeof prefix, "groups.%s.", t.lev[perm[r]]);
    nps[r] = nps_put(prefix, &acc[perm[r]], z, &ses[r]);
  }
  for (size_t a = 0; a < t.nlev; a++)
    for (size_t b = a + 1; b < t.nlev; b++) {
      snprintf(prefix, sizeof prefix, "differences.%s_minus_%s.", t.lev[perm[a]], t.lev[perm[b]]);
      double d = nps[a] - nps[b], s = sqrt(ses[a] * ses[a] + ses[b] * ses[b]);
      put(prefix, "diff", d);
      put(prefix, "se", s);
      put(prefix, "z", d / s);
    }
  timing(load_s, best, t.nrows * (sizeof *x + 1), reps);
  table_free(&t);
  return 0;
}

/* ---- top-2-box ------------------------------------------------------------- */

static __attribute__((noinline)) void prop_pass(const double *x, size_t n, double s1, double s2,
                                                uint64_t *nn, uint64_t *xx) {
  uint64_t a = 0, b = 0;
  for (size_t i = 0; i < n; i++) {
    double v = x[i];
    a += v == v;
    b += (v == s1) | (v == s2);
  }
  *nn = a;
  *xx = b;
}

static int run_prop(const char *path, const char *col, const char *list, int reps) {
  char *e;
  double s1 = strtod(list, &e), s2 = s1;
  if (*e == ',') s2 = strtod(e + 1, &e);
  if (*e) die("prop: '%s' is not one or two numbers like 4,5", list);
  double t0 = now();
  table t;
  load(path, (const char *[]){col}, (const int[]){0}, 1, &t);
  double load_s = now() - t0, best = INFINITY;
  uint64_t n = 0, x = 0;
  for (int r = 0; r < reps; r++) {
    double a = now();
    prop_pass(t.cols[0].x, t.nrows, s1, s2, &n, &x);
    best = fmin(best, now() - a);
  }
  double dn = (double)n, p = (double)x / dn, z = gsl_cdf_ugaussian_Pinv(0.975);
  double z2 = z * z, d = 1 + z2 / dn, c = (p + z2 / (2 * dn)) / d;
  double h = z * sqrt(p * (1 - p) / dn + z2 / (4 * dn * dn)) / d;
  put_n("", "n", n);
  put_n("", "n_missing", t.nrows - n);
  put_n("", "x", x);
  put("", "p", p);
  put("", "se", sqrt(p * (1 - p) / dn));
  put("", "ci_lower", c - h); /* Wilson, as prop.test(correct = FALSE) */
  put("", "ci_upper", c + h);
  timing(load_s, best, t.nrows * sizeof(double), reps);
  table_free(&t);
  return 0;
}

/* ---- mean and variance by group -------------------------------------------------- */

typedef struct gacc {
  double n, s1, s2; /* of x - shift */
} gacc;

static __attribute__((noinline)) void groupvar_pass(const double *x, const uint8_t *g, size_t n,
                                                    double shift, gacc *acc) {
  memset(acc, 0, 256 * sizeof *acc);
  for (size_t i = 0; i < n; i++) {
    double v = x[i] - shift;
    if (v != v) continue; /* missing */
    gacc *a = &acc[g[i]];
    a->n += 1;
    a->s1 += v;
    a->s2 += v * v;
  }
}

static int run_groupvar(const char *path, const char *col, const char *grp, int reps) {
  double t0 = now();
  table t;
  load(path, (const char *[]){col, grp}, (const int[]){0, 1}, 2, &t);
  const double *x = t.cols[0].x;
  const uint8_t *g = t.cols[1].g;
  double load_s = now() - t0, best = INFINITY;
  static gacc acc[256];
  double shift = 0;
  for (int r = 0; r < reps; r++) {
    double a = now();
    shift = 0; /* the first value: keeps the sums of squares small */
    for (size_t i = 0; i < t.nrows; i++)
      if (!isnan(x[i])) {
        shift = x[i];
        break;
      }
    groupvar_pass(x, g, t.nrows, shift, acc);
    best = fmin(best, now() - a);
  }
  double n = 0, s1 = 0;
  for (size_t k = 0; k < t.nlev; k++) n += acc[k].n, s1 += acc[k].s1;
  double grand = s1 / n, ssw = 0, ssb = 0;
  size_t perm[MAXLEV];
  level_order(&t, perm);
  char key[600];
  for (size_t q = 0; q < t.nlev; q++) {
    const gacc *a = &acc[perm[q]];
    double m = a->s1 / a->n, ss = a->s2 - a->s1 * m;
    ssw += ss;
    ssb += a->n * (m - grand) * (m - grand);
    snprintf(key, sizeof key, "group_means.%s", t.lev[perm[q]]);
    put("", key, m + shift);
    snprintf(key, sizeof key, "extra.var.%s", t.lev[perm[q]]);
    put("", key, ss / (a->n - 1));
    snprintf(key, sizeof key, "extra.n.%s", t.lev[perm[q]]);
    put_n("", key, (uint64_t)a->n);
  }
  double k = (double)t.nlev;
  put_n("", "n", (uint64_t)n);
  put_n("", "n_missing", t.nrows - (uint64_t)n);
  put("", "df_between", k - 1);
  put("", "df_within", n - k);
  put("", "ss_between", ssb);
  put("", "ss_within", ssw);
  put("", "eta_squared", ssb / (ssb + ssw));
  put("", "f", (ssb / (k - 1)) / (ssw / (n - k)));
  timing(load_s, best, t.nrows * (sizeof *x + 1), reps);
  table_free(&t);
  return 0;
}

/* ---- OLS -------------------------------------------------------------------- */

enum { MAXK = 64 };

/* Accumulates the upper triangle of Z'Z, Z = [1, x - x0, y - y0], over the
 * rows of the row-major matrix r (each row y, x1..xk). */
static __attribute__((noinline)) void ols_pass(const double *r, size_t n, size_t k, double *m) {
  size_t q = k + 2; /* 1, x1..xk, y */
  memset(m, 0, q * q * sizeof *m);
  const double *r0 = r;
  for (size_t i = 0; i < n; i++) {
    const double *row = r + i * (k + 1);
    double z[MAXK + 2];
    z[0] = 1;
    for (size_t j = 0; j < k; j++) z[j + 1] = row[j + 1] - r0[j + 1];
    z[k + 1] = row[0] - r0[0];
    for (size_t a = 0; a < q; a++) {
      double za = z[a];
      double *ma = m + a * q;
      for (size_t b = a; b < q; b++) ma[b] += za * z[b];
    }
  }
}

static int run_ols(const char *path, const char *y, const char *xlist, int reps) {
  char *copy = strdup(xlist), *save = NULL;
  const char *names[MAXK + 1] = {y};
  int text[MAXK + 1] = {0};
  size_t k = 0;
  for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
    if (k == MAXK) die("ols: more than 64 predictors");
    names[++k] = s;
  }
  double t0 = now();
  table t;
  load(path, names, text, k + 1, &t);
  /* complete cases, row-major */
  double *r = xrealloc(NULL, t.nrows * (k + 1) * sizeof *r);
  size_t n = 0;
  for (size_t i = 0; i < t.nrows; i++) {
    int ok = 1;
    for (size_t j = 0; j <= k; j++) ok &= !isnan(t.cols[j].x[i]);
    if (!ok) continue;
    for (size_t j = 0; j <= k; j++) r[n * (k + 1) + j] = t.cols[j].x[i];
    n++;
  }
  table_free(&t);
  double load_s = now() - t0, best = INFINITY;
  size_t q = k + 2, p = k + 1;
  double *m = xrealloc(NULL, q * q * sizeof *m);
  if (n <= p) die("ols: %zu complete rows for %zu coefficients: need more", n, p);
  for (int rep = 0; rep < reps; rep++) {
    double a = now();
    ols_pass(r, n, k, m);
    best = fmin(best, now() - a);
  }
  /* Solve (Z'Z)[0..p) beta = Z'y by Cholesky. */
  gsl_matrix *A = gsl_matrix_alloc(p, p);
  gsl_vector *bv = gsl_vector_alloc(p), *beta = gsl_vector_alloc(p);
  for (size_t a = 0; a < p; a++) {
    for (size_t b = a; b < p; b++) {
      gsl_matrix_set(A, a, b, m[a * q + b]);
      gsl_matrix_set(A, b, a, m[a * q + b]);
    }
    gsl_vector_set(bv, a, m[a * q + p]);
  }
  gsl_set_error_handler_off();
  if (gsl_linalg_cholesky_decomp1(A)) die("ols: X'X is not positive definite (collinear predictors)");
  gsl_linalg_cholesky_solve(A, bv, beta);
  gsl_linalg_cholesky_invert(A); /* A = (Z'Z)^-1 */
  double dn = (double)n, syy = m[p * q + p], sy = m[0 * q + p];
  double rss = syy;
  for (size_t a = 0; a < p; a++) rss -= gsl_vector_get(beta, a) * m[a * q + p];
  double tss = syy - sy * sy / dn, df = dn - (double)p, s2 = rss / df;
  /* Undo the shift: intercept = c' + y0 - sum b_j x0_j; its variance a'Ca,
   * a = (1, -x0). */
  double b0 = gsl_vector_get(beta, 0) + r[0], va = 0;
  double av[MAXK + 1];
  av[0] = 1;
  for (size_t j = 1; j < p; j++) {
    b0 -= gsl_vector_get(beta, j) * r[j];
    av[j] = -r[j];
  }
  for (size_t a = 0; a < p; a++)
    for (size_t b = 0; b < p; b++) va += av[a] * av[b] * gsl_matrix_get(A, a, b);
  put_n("", "n", n);
  put_n("", "n_missing", t.nrows - n);
  char prefix[600];
  for (size_t j = 0; j < p; j++) {
    double est = j ? gsl_vector_get(beta, j) : b0;
    double se = sqrt(s2 * (j ? gsl_matrix_get(A, j, j) : va));
    snprintf(prefix, sizeof prefix, "coefficients.%s.", j ? names[j] : "intercept");
    put(prefix, "estimate", est);
    put(prefix, "se", se);
    put(prefix, "t", est / se);
  }
  double r2 = 1 - rss / tss;
  put("", "r_squared", r2);
  put("", "adj_r_squared", 1 - (1 - r2) * (dn - 1) / df);
  put("", "sigma", sqrt(s2));
  put("", "f", ((tss - rss) / (double)k) / s2);
  put("", "f_df1", (double)k);
  put("", "f_df2", df);
  timing(load_s, best, n * (k + 1) * sizeof *r, reps);
  gsl_matrix_free(A);
  gsl_vector_free(bv);
  gsl_vector_free(beta);
  free(r);
  free(m);
  free(copy);
  return 0;
}

/* ---- flatten ------------------------------------------------------------------ */

static void flatten(const json_t *v, const char *path) {
  char sub[1024];
  if (json_is_object(v)) {
    const char *key;
    json_t *x;
    json_object_foreach((json_t *)v, key, x) {
      snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
      flatten(x, sub);
    }
  } else if (json_is_array(v)) {
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
      snprintf(sub, sizeof sub, "%s%s%zu", path, *path ? "." : "", i);
      flatten(x, sub);
    }
  } else if (json_is_integer(v)) {
    printf("%s %lld\n", path, (long long)json_integer_value(v));
  } else if (json_is_real(v)) {
    printf("%s %.17g\n", path, json_real_value(v));
  } else if (json_is_string(v)) {
    printf("%s %s\n", path, json_string_value(v));
  } else {
    printf("%s %s\n", path, json_is_null(v) ? "null" : json_is_true(v) ? "true" : "false");
  }
}

static int run_flatten(const char *path) {
  json_error_t err;
  json_t *j = json_load_file(path, 0, &err);
  if (!j) {
    fprintf(stderr, PROG ": %s:%d:%d: %s\n", path, err.line, err.column, err.text);
    return 2;
  }
  flatten(j, "");
  json_decref(j);
  return 0;
}

static void usage(FILE *o) {
  fputs("Usage: " PROG " nps FILE COL GROUP | prop FILE COL 4,5 | groupvar FILE COL GROUP\n"
        "       " PROG " ols FILE Y X1,X2,... | flatten FILE.json      [--reps N]\n"
        "The plain single-pass C peer of bench/stats.sh (see the comment at the top of\n"
        "bench/stats_loop.c).\n",
        o);
}

int main(int argc, char **argv) {
  int reps = 3;
  if (argc >= 3 && !strcmp(argv[argc - 2], "--reps")) {
    reps = atoi(argv[argc - 1]);
    if (reps < 1) die("--reps: '%s' is not a whole number >= 1", argv[argc - 1]);
    argc -= 2;
  }
  if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    usage(stdout);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "flatten")) return run_flatten(argv[2]);
  if (argc == 5 && !strcmp(argv[1], "nps")) return run_nps(argv[2], argv[3], argv[4], reps);
  if (argc == 5 && !strcmp(argv[1], "prop")) return run_prop(argv[2], argv[3], argv[4], reps);
  if (argc == 5 && !strcmp(argv[1], "groupvar")) return run_groupvar(argv[2], argv[3], argv[4], reps);
  if (argc == 5 && !strcmp(argv[1], "ols")) return run_ols(argv[2], argv[3], argv[4], reps);
  usage(stderr);
  return 2;
}
