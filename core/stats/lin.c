/* One-pass design-based means: each row is added once and forgotten, and the
 * estimates, their linearised standard errors and their degrees of freedom
 * come out of sums whose size is strata x domains (plus one vector per
 * cluster PSU), never rows.
 *
 * Why it is exact: an estimate here is a ratio mean m = sum w y / sum w over
 * the rows with a value (or a linear combination of such means), so its
 * linearised value summed over a PSU is t_p = (A_p - m B_p) / S with A_p =
 * sum w y and B_p = sum w over the PSU's rows. The stratum's sum of squared
 * deviations of t_p (mi_stats_design_var) needs only sum_p A_p, sum_p B_p and
 * the sums of their squares and cross-products, which are added row by row
 * when each row is its own PSU, and per PSU at the end for clusters.
 * Values are centred on a per-estimate constant (`shift`) so that the squares
 * do not swamp the deviations. Reference: the array functions of design.c,
 * which the unit tests compare this with on random designs. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"
#include "util/lines.h"

/* A cell's doubles: sums s[2E] (A, B per estimate), q[3E] (AA, AB, BB per
 * estimate), the block's matrix bq[(2 nb)^2] (upper triangle), then counts:
 * npsu_val[E] (PSUs with a value and a weight > 0), pres[E] (PSUs with a
 * value); then the rows with every value (complete rows, each its own PSU)
 * in short, as their B's are all w: the block's matrix cq (sums of A_i A_j,
 * upper triangle of nb x nb; of w A_i, nb; of w^2, 1) and cr: the rows,
 * those with w > 0, sum w, sum w^2, then per estimate sum w dy, w dy^2,
 * w^2 dy, w^2 dy^2; settle adds cr into the sums above and the domain's. */
typedef struct layout {
  size_t s, q, bq, npsu, pres, cq, cr, size;
} layout;

/* A cluster PSU: its stratum and, per domain (allocated when first used),
 * its sums and flags: v[2E] (as a cell's s), then has[E] (a value) and
 * pos[E] (a value with a weight > 0). */
typedef struct psu {
  size_t stratum, ndom;
  int seen;
  double **dom;
} psu;

/* A domain: its cells (one per stratum) and, per estimate, the rows with a
 * value, those with a weight > 0, and the sums of w, w y, w y^2. */
typedef struct dom_acc {
  double *cells;
  size_t rows, *n, *nobs;
  double *sw, *swy, *swyy;
} dom_acc;

struct mi_stats_lin {
  size_t ne, blo, bhi;       /* estimates, the block [blo, bhi) */
  double *shift;             /* ne */
  layout L;
  size_t nstrata, cap;       /* strata seen, cells allocated for */
  size_t *npsu;              /* cap: PSUs of the stratum, all domains */
  dom_acc **doms;             /* nd, found as rows come */
  size_t nd;
  size_t nany;               /* rows with a value of the block */
  psu *psus;
  size_t npsus;
  int settled;  /* the groups' sums added to domain 0 (settle) */
  int finished;
};

static void domain_free(dom_acc *d) {
  if (d) free(d->cells), free(d->n), free(d->sw);
  free(d);
}

static int need_domain(mi_stats_lin *l, size_t d);

mi_stats_lin *mi_stats_lin_new(size_t nest, size_t block_lo, size_t block_hi,
                               const double *shift) {
  if (!nest || block_lo > block_hi || block_hi > nest || block_hi - block_lo > 64) return NULL;
  mi_stats_lin *l = mi_line_calloc(sizeof *l); /* whole lines: threads fill two side by side */
  if (!l) return NULL;
  l->ne = nest, l->blo = block_lo, l->bhi = block_hi;
  size_t nb = 2 * (block_hi - block_lo);
  l->L.s = 0;
  l->L.q = 2 * nest;
  l->L.bq = l->L.q + 3 * nest;
  l->L.npsu = l->L.bq + nb * nb;
  l->L.pres = l->L.npsu + nest;
  l->L.cq = l->L.pres + nest;
  l->L.cr = l->L.cq + nb * nb / 4 + nb / 2 + 1;
  l->L.size = l->L.cr + 4 + 4 * nest;
  if (!(l->shift = calloc(nest, sizeof *l->shift)) || need_domain(l, 0)) {
    mi_stats_lin_free(l);
    return NULL;
  }
  if (shift) memcpy(l->shift, shift, nest * sizeof *shift);
  return l;
}

void mi_stats_lin_free(mi_stats_lin *l) {
  if (!l) return;
  for (size_t p = 0; p < l->npsus; p++) {
    for (size_t d = 0; d < l->psus[p].ndom; d++) free(l->psus[p].dom[d]);
    free(l->psus[p].dom);
  }
  for (size_t d = 0; d < l->nd; d++) domain_free(l->doms[d]);
  free(l->doms), free(l->psus), free(l->npsu), free(l->shift);
  free(l);
}

static double *cell(const mi_stats_lin *l, size_t h, size_t d) {
  return l->doms[d]->cells + h * l->L.size;
}

/* Domains up to d exist (their cells zero for the strata seen). */
static int need_domain(mi_stats_lin *l, size_t d) {
  if (d < l->nd) return 0;
  dom_acc **g = realloc(l->doms, (d + 1) * sizeof *g);
  if (!g) return MI_ENOMEM;
  l->doms = g;
  for (; l->nd <= d; l->nd++) {
    dom_acc *x = mi_line_calloc(sizeof *x);
    if (!x) return MI_ENOMEM;
    x->cells = mi_line_calloc((l->cap ? l->cap : 1) * l->L.size * sizeof *x->cells);
    x->n = mi_line_calloc(2 * l->ne * sizeof *x->n);
    x->sw = mi_line_calloc(3 * l->ne * sizeof *x->sw);
    if (!x->cells || !x->n || !x->sw) {
      domain_free(x);
      return MI_ENOMEM;
    }
    x->nobs = x->n + l->ne;
    x->swy = x->sw + l->ne, x->swyy = x->swy + l->ne;
    l->doms[l->nd] = x;
  }
  return 0;
}

static int need_stratum(mi_stats_lin *l, size_t h) {
  if (h < l->nstrata) return 0;
  if (h >= l->cap) {
    size_t cap = l->cap ? l->cap : 4;
    while (cap <= h) cap *= 2;
    size_t had = (l->cap ? l->cap : 1) * l->L.size * sizeof(double);
    for (size_t d = 0; d < l->nd; d++) {
      double *c = mi_line_grow(l->doms[d]->cells, had, cap * l->L.size * sizeof *c);
      if (!c) return MI_ENOMEM;
      l->doms[d]->cells = c;
    }
    size_t *n = mi_line_grow(l->npsu, l->cap * sizeof *n, cap * sizeof *n);
    if (!n) return MI_ENOMEM;
    l->npsu = n, l->cap = cap;
  }
  for (size_t d = 0; d < l->nd; d++)
    memset(cell(l, l->nstrata, d), 0, (h + 1 - l->nstrata) * l->L.size * sizeof(double));
  memset(l->npsu + l->nstrata, 0, (h + 1 - l->nstrata) * sizeof *l->npsu);
  l->nstrata = h + 1;
  return 0;
}

/* Adds a PSU's sums v (2E values) and flags (E values each: a value; a value
 * with a weight > 0) to cell c. */
static void fold(const mi_stats_lin *l, double *c, const double *v, const double *has,
                 const double *pos) {
  for (size_t e = 0; e < l->ne; e++) {
    if (!has[e]) continue;
    double a = v[2 * e], b = v[2 * e + 1];
    c[l->L.s + 2 * e] += a, c[l->L.s + 2 * e + 1] += b;
    double *q = c + l->L.q + 3 * e;
    q[0] += a * a, q[1] += a * b, q[2] += b * b;
    c[l->L.pres + e] += 1;
    c[l->L.npsu + e] += pos[e] != 0;
  }
  /* the block's matrix is symmetric: its upper triangle only (bq_sym reads it) */
  size_t nb = 2 * (l->bhi - l->blo);
  const double *bv = v + 2 * l->blo;
  double *bq = c + l->L.bq;
  for (size_t i = 0; i < nb; i++) {
    double x = bv[i];
    if (x == 0) continue;
    double *row = bq + i * nb;
    for (size_t j = i; j < nb; j++) row[j] += x * bv[j];
  }
}

/* Adds a complete row (a value for every estimate; its own PSU) to cell c
 * in short (layout's cq and cr). */
static void add_complete(const mi_stats_lin *l, double *c, double w, const double *y) {
  size_t ne = l->ne, nb = l->bhi - l->blo;
  double *cr = c + l->L.cr, *pe = cr + 4, a[64];
  cr[0] += 1, cr[1] += w != 0, cr[2] += w, cr[3] += w * w;
  for (size_t k = 0; k < ne; k++, pe += 4) {
    double dy = y[k] - l->shift[k], wd = w * dy;
    pe[0] += wd, pe[1] += wd * dy, pe[2] += w * wd, pe[3] += wd * wd;
    if (k >= l->blo && k < l->bhi) a[k - l->blo] = wd;
  }
  double *cq = c + l->L.cq, *wa = cq + nb * nb;
  for (size_t i = 0; i < nb; i++) {
    double x = a[i], *row = cq + i * nb;
    for (size_t j = i; j < nb; j++) row[j] += x * a[j];
    wa[i] += w * x;
  }
  if (nb) wa[nb] += w * w;
}

/* Moves cell c's complete rows (cr) into its sums and domain x's. */
static void expand_complete(const mi_stats_lin *l, double *c, dom_acc *x) {
  double *cr = c + l->L.cr, *pe = cr + 4;
  if (!cr[0]) return;
  for (size_t e = 0; e < l->ne; e++, pe += 4) {
    c[l->L.s + 2 * e] += pe[0], c[l->L.s + 2 * e + 1] += cr[2];
    double *q = c + l->L.q + 3 * e;
    q[0] += pe[3], q[1] += pe[2], q[2] += cr[3];
    c[l->L.pres + e] += cr[0], c[l->L.npsu + e] += cr[1];
    x->n[e] += (size_t)cr[0], x->nobs[e] += (size_t)cr[1];
    x->sw[e] += cr[2], x->swy[e] += pe[0], x->swyy[e] += pe[1];
  }
  memset(cr, 0, (4 + 4 * l->ne) * sizeof *cr);
}

/* Entry (i, j) of a cell's block matrix: the upper triangle that fold keeps
 * plus the short form of add_complete (i, j even: A's; odd: B's). */
static double bq_sym(const mi_stats_lin *l, const double *c, size_t i, size_t j) {
  size_t m2 = 2 * (l->bhi - l->blo), nb = m2 / 2;
  if (i > j) {
    size_t t = i;
    i = j, j = t;
  }
  const double *cq = c + l->L.cq, *wa = cq + nb * nb;
  double x = c[l->L.bq + i * m2 + j];
  if (i % 2 == 0 && j % 2 == 0) return x + cq[(i / 2) * nb + j / 2];
  if (i % 2 == 1 && j % 2 == 1) return x + wa[nb];
  return x + wa[i % 2 == 0 ? i / 2 : j / 2];
}

/* Cluster PSU p of l, made room for (not yet seen); NULL when out of memory. */
static psu *psu_at(mi_stats_lin *l, size_t p) {
  if (p >= l->npsus) {
    size_t cap = p + 1 > 2 * l->npsus ? p + 1 : 2 * l->npsus;
    psu *g = realloc(l->psus, cap * sizeof *g);
    if (!g) return NULL;
    memset(g + l->npsus, 0, (cap - l->npsus) * sizeof *g);
    l->psus = g, l->npsus = cap;
  }
  psu *u = &l->psus[p];
  if (u->ndom < l->nd) {
    double **g = realloc(u->dom, l->nd * sizeof *g);
    if (!g) return NULL;
    memset(g + u->ndom, 0, (l->nd - u->ndom) * sizeof *g);
    u->dom = g, u->ndom = l->nd;
  }
  return u;
}

int mi_stats_lin_add(mi_stats_lin *l, size_t stratum, size_t cluster, double w, const double *y,
                     size_t group, mi_err *e) {
  if (l->settled) return mi_err_set(e, MI_EINVAL, "rows added after the results were read");
  if (!isfinite(w) || w < 0)
    return mi_err_set(e, MI_EINVAL, "weight %g; weights must be finite and >= 0", w);
  if (need_domain(l, group) || need_stratum(l, stratum))
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  size_t ne = l->ne;
  /* a complete row that is its own PSU (most rows): in short */
  size_t have = 0;
  while (have < ne && isfinite(y[have])) have++;
  if (have == ne && cluster == MI_STATS_LIN_OWN) {
    l->doms[group]->rows++;
    l->npsu[stratum]++;
    l->nany += l->blo < l->bhi;
    add_complete(l, cell(l, stratum, group), w, y);
    return 0;
  }
  /* the row's sums and flags: v[2E] | has[E] | pos[E] */
  double buf[4 * 64], *v = ne <= 64 ? buf : malloc(4 * ne * sizeof *v);
  if (!v) return mi_err_set(e, MI_ENOMEM, "out of memory");
  double *has = v + 2 * ne, *pos = has + ne;
  int any_block = 0;
  for (size_t k = 0; k < ne; k++) {
    int ok = isfinite(y[k]);
    double dy = ok ? y[k] - l->shift[k] : 0;
    v[2 * k] = ok ? w * dy : 0, v[2 * k + 1] = ok ? w : 0;
    has[k] = ok, pos[k] = ok && w != 0;
    if (ok && k >= l->blo && k < l->bhi) any_block = 1;
  }
  /* a row goes to its group only (or domain 0 without one): settle adds the
   * groups to domain 0 when the rows are all in, so each row is folded once */
  dom_acc *x = l->doms[group];
  x->rows++;
  for (size_t k = 0; k < ne; k++) {
    if (!has[k]) continue;
    double dy = y[k] - l->shift[k];
    x->n[k]++, x->nobs[k] += w != 0;
    x->sw[k] += w, x->swy[k] += w * dy, x->swyy[k] += w * dy * dy;
  }
  if (any_block) l->nany++;
  int rc = 0;
  if (cluster == MI_STATS_LIN_OWN) {
    l->npsu[stratum]++;
    fold(l, cell(l, stratum, group), v, has, pos);
  } else {
    psu *p = psu_at(l, cluster);
    if (!p) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    else if (!p->seen) {
      p->seen = 1, p->stratum = stratum;
      l->npsu[stratum]++;
    } else if (p->stratum != stratum) {
      rc = mi_err_set(e, MI_EINVAL, "PSU %zu is in stratum %zu and in stratum %zu: PSUs must be "
                      "nested in strata", cluster + 1, p->stratum + 1, stratum + 1);
    }
    double **pv = rc ? NULL : &p->dom[group];
    if (pv && !*pv && !(*pv = mi_line_calloc(4 * ne * sizeof **pv)))
      rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    for (size_t k = 0; !rc && k < 4 * ne; k++) (*pv)[k] += v[k]; /* flags as counts of rows */
  }
  if (v != buf) free(v);
  return rc;
}

int mi_stats_lin_merge(mi_stats_lin *a, const mi_stats_lin *b, const size_t *smap,
                       const size_t *cmap, const size_t *dmap, mi_err *e) {
  if (a->settled || b->settled || a->ne != b->ne || a->blo != b->blo || a->bhi != b->bhi)
    return mi_err_set(e, MI_EINVAL, "accumulators that cannot be merged");
  size_t ne = a->ne;
  for (size_t d = 0; d < b->nd; d++)
    if (need_domain(a, dmap[d])) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t h = 0; h < b->nstrata; h++)
    if (need_stratum(a, smap[h])) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t d = 0; d < b->nd; d++) {
    dom_acc *x = a->doms[dmap[d]];
    const dom_acc *y = b->doms[d];
    x->rows += y->rows;
    for (size_t k = 0; k < ne; k++) {
      x->n[k] += y->n[k], x->nobs[k] += y->nobs[k];
      x->sw[k] += y->sw[k], x->swy[k] += y->swy[k], x->swyy[k] += y->swyy[k];
    }
    for (size_t h = 0; h < b->nstrata; h++) {
      double *ca = cell(a, smap[h], dmap[d]);
      const double *cb = cell(b, h, d);
      for (size_t k = 0; k < a->L.size; k++) ca[k] += cb[k];
    }
  }
  /* PSUs: b's rows that were their own count as they are; b's clusters once
   * in a, whether a has seen them or not */
  for (size_t h = 0; h < b->nstrata; h++) a->npsu[smap[h]] += b->npsu[h];
  for (size_t p = 0; p < b->npsus; p++) {
    const psu *v = &b->psus[p];
    if (!v->seen) continue;
    a->npsu[smap[v->stratum]]--;
    psu *u = psu_at(a, cmap[p]);
    if (!u) return mi_err_set(e, MI_ENOMEM, "out of memory");
    if (!u->seen) {
      u->seen = 1, u->stratum = smap[v->stratum];
      a->npsu[u->stratum]++;
    } else if (u->stratum != smap[v->stratum]) {
      return mi_err_set(e, MI_EINVAL, "PSU %zu is in stratum %zu and in stratum %zu: PSUs must "
                        "be nested in strata", cmap[p] + 1, u->stratum + 1, smap[v->stratum] + 1);
    }
    for (size_t d = 0; d < v->ndom; d++) {
      if (!v->dom[d]) continue;
      double **pv = &u->dom[dmap[d]];
      if (!*pv && !(*pv = mi_line_calloc(4 * ne * sizeof **pv))) return mi_err_set(e, MI_ENOMEM, "out of memory");
      for (size_t k = 0; k < 4 * ne; k++) (*pv)[k] += v->dom[d][k];
    }
  }
  a->nany += b->nany;
  return 0;
}

/* Adds every group's sums (rows, cells, cluster PSUs' vectors) to domain 0,
 * once, after the last row: domain 0 then holds every row. 0 or MI_ENOMEM. */
static int settle(mi_stats_lin *l) {
  if (l->settled) return 0;
  for (size_t d = 0; d < l->nd; d++)
    for (size_t h = 0; h < l->nstrata; h++) expand_complete(l, cell(l, h, d), l->doms[d]);
  dom_acc *all = l->doms[0];
  for (size_t d = 1; d < l->nd; d++) {
    const dom_acc *g = l->doms[d];
    all->rows += g->rows;
    for (size_t k = 0; k < l->ne; k++) {
      all->n[k] += g->n[k], all->nobs[k] += g->nobs[k];
      all->sw[k] += g->sw[k], all->swy[k] += g->swy[k], all->swyy[k] += g->swyy[k];
    }
    for (size_t h = 0; h < l->nstrata; h++) {
      double *ca = cell(l, h, 0);
      const double *cg = cell(l, h, d);
      for (size_t k = 0; k < l->L.size; k++) ca[k] += cg[k];
    }
  }
  for (size_t p = 0; p < l->npsus; p++) {
    psu *u = &l->psus[p];
    for (size_t d = 1; u->seen && d < u->ndom; d++) {
      if (!u->dom[d]) continue;
      if (!u->dom[0] && !(u->dom[0] = calloc(4 * l->ne, sizeof *u->dom[0]))) return MI_ENOMEM;
      for (size_t k = 0; k < 4 * l->ne; k++) u->dom[0][k] += u->dom[d][k];
    }
  }
  l->settled = 1;
  return 0;
}

size_t mi_stats_lin_complement(mi_stats_lin *l, size_t group) {
  if (l->finished || !group || group >= l->nd || settle(l)) return (size_t)-1;
  size_t c = l->nd;
  if (need_domain(l, c)) return (size_t)-1;
  dom_acc *x = l->doms[c];
  const dom_acc *all = l->doms[0], *g = l->doms[group];
  x->rows = all->rows - g->rows;
  for (size_t k = 0; k < l->ne; k++) {
    x->n[k] = all->n[k] - g->n[k], x->nobs[k] = all->nobs[k] - g->nobs[k];
    x->sw[k] = all->sw[k] - g->sw[k], x->swy[k] = all->swy[k] - g->swy[k];
    x->swyy[k] = all->swyy[k] - g->swyy[k];
  }
  /* rows that are their own PSUs: every sum and count is all's minus the group's */
  for (size_t h = 0; h < l->nstrata; h++) {
    double *cc = cell(l, h, c);
    const double *ca = cell(l, h, 0), *cg = cell(l, h, group);
    for (size_t k = 0; k < l->L.size; k++) cc[k] = ca[k] - cg[k];
  }
  /* a cluster PSU's rows outside the group: its sums and counts minus the group's */
  for (size_t p = 0; p < l->npsus; p++) {
    psu *u = &l->psus[p];
    if (!u->seen || !u->dom[0]) continue;
    double **g2 = realloc(u->dom, l->nd * sizeof *g2);
    if (!g2) return (size_t)-1;
    memset(g2 + u->ndom, 0, (l->nd - u->ndom) * sizeof *g2);
    u->dom = g2, u->ndom = l->nd;
    const double *va = u->dom[0], *vg = group < u->ndom ? u->dom[group] : NULL;
    if (!(u->dom[c] = malloc(4 * l->ne * sizeof *u->dom[c]))) return (size_t)-1;
    for (size_t k = 0; k < 4 * l->ne; k++) u->dom[c][k] = va[k] - (vg ? vg[k] : 0);
  }
  return c;
}

/* Folds the cluster PSUs into their strata, once. */
static int finish(mi_stats_lin *l) {
  if (l->finished) return 0;
  if (settle(l)) return MI_ENOMEM;
  l->finished = 1;
  for (size_t p = 0; p < l->npsus; p++) {
    psu *u = &l->psus[p];
    for (size_t d = 0; u->seen && d < u->ndom; d++) {
      const double *v = u->dom[d];
      if (v) fold(l, cell(l, u->stratum, d), v, v + 2 * l->ne, v + 3 * l->ne);
    }
  }
  return 0;
}

size_t mi_stats_lin_rows(const mi_stats_lin *l, size_t domain) {
  if (domain >= l->nd) return 0;
  size_t n = l->doms[domain]->rows;
  for (size_t d = 1; !domain && !l->settled && d < l->nd; d++) n += l->doms[d]->rows;
  return n;
}

double mi_stats_lin_point(mi_stats_lin *l, size_t est, size_t domain, size_t *n) {
  *n = 0;
  if (est >= l->ne || domain >= l->nd || settle(l)) return NAN;
  const dom_acc *x = l->doms[domain];
  *n = x->n[est];
  return x->sw[est] > 0 ? l->shift[est] + x->swy[est] / x->sw[est] : NAN;
}

size_t mi_stats_lin_psus(const mi_stats_lin *l) {
  size_t n = 0;
  for (size_t h = 0; h < l->nstrata; h++) n += l->npsu[h];
  return n;
}

size_t mi_stats_lin_strata(const mi_stats_lin *l) { return l->nstrata; }

/* The variance from per-stratum sums of the PSU totals (t1) and of their
 * squares (t2), as mi_stats_design_var with f = 1; present[h] marks strata
 * in the estimate. */
static int variance(const mi_stats_lin *l, const double *t1, const double *t2,
                    const unsigned char *present, const size_t *npsu, mi_stats_lonely_psu lonely,
                    double *var, mi_err *e) {
  double total = 0;
  size_t nstrat = 0, nok = 0;
  for (size_t h = 0; h < l->nstrata; h++) {
    if (!present[h]) continue;
    nstrat++;
    double nh = (double)npsu[h];
    if (npsu[h] > 1) {
      double ss = t2[h] - t1[h] * t1[h] / nh;
      total += nh / (nh - 1) * (ss > 0 ? ss : 0);
      nok++;
      continue;
    }
    switch (lonely) {
    case MI_STATS_LONELY_FAIL:
      return mi_err_set(e, MI_EINVAL, "stratum %zu has only one PSU, so its variance cannot be "
                        "estimated", h + 1);
    case MI_STATS_LONELY_REMOVE:
    case MI_STATS_LONELY_CERTAINTY: nok++; break;
    case MI_STATS_LONELY_ADJUST: total += t1[h] * t1[h]; nok++; break;
    case MI_STATS_LONELY_AVERAGE: break;
    }
  }
  *var = nok ? total * (double)nstrat / (double)nok : NAN;
  return 0;
}

/* Per-stratum scratch: t1, t2 (nstrata each), present flags. */
typedef struct scratch {
  double *t1, *t2;
  unsigned char *present;
} scratch;

static int scratch_new(const mi_stats_lin *l, scratch *s, mi_err *e) {
  size_t ns = l->nstrata ? l->nstrata : 1;
  s->t1 = calloc(2 * ns, sizeof *s->t1);
  s->present = calloc(ns, 1);
  if (s->t1 && s->present) {
    s->t2 = s->t1 + ns;
    return 0;
  }
  free(s->t1), free(s->present);
  return mi_err_set(e, MI_ENOMEM, "out of memory");
}

static void scratch_free(scratch *s) { free(s->t1), free(s->present); }

int mi_stats_lin_mean(mi_stats_lin *l, size_t est, size_t domain, double conf,
                      mi_stats_lonely_psu lonely, mi_stats_design_mean_result *out, mi_err *e) {
  memset(out, 0, sizeof *out);
  out->deff = NAN;
  if (est >= l->ne || domain >= l->nd) return mi_err_set(e, MI_EINVAL, "no such estimate or domain");
  int rc = mi_stats_check_conf(conf, e);
  if (rc) return rc;
  if (finish(l)) return mi_err_set(e, MI_ENOMEM, "out of memory");
  const dom_acc *x = l->doms[domain];
  size_t rows = l->doms[0]->rows;
  out->n = x->n[est];
  out->n_missing = rows - out->n;
  out->sum_weights = x->sw[est];
  if (!out->n) return mi_err_set(e, MI_EINVAL, "no values: all %zu rows are missing", rows);
  double S = x->sw[est];
  if (!(S > 0)) return mi_err_set(e, MI_EINVAL, "all %zu weights are 0", out->n);
  if (mi_stats_lin_psus(l) == 1)
    return mi_err_set(e, MI_EINVAL, "the design has only one PSU: a variance needs at least two "
                      "(survey: \"Design has only one primary sampling unit\")");
  double m = x->swy[est] / S; /* about the shift */
  scratch s;
  if ((rc = scratch_new(l, &s, e))) return rc;
  for (size_t h = 0; h < l->nstrata; h++) {
    const double *c = cell(l, h, domain);
    double a = c[l->L.s + 2 * est], b = c[l->L.s + 2 * est + 1];
    const double *q = c + l->L.q + 3 * est;
    s.t1[h] = (a - m * b) / S;
    s.t2[h] = (q[0] - 2 * m * q[1] + m * m * q[2]) / (S * S);
    s.present[h] = c[l->L.pres + est] != 0;
    out->n_psu += (size_t)c[l->L.npsu + est];
    out->n_strata += c[l->L.npsu + est] > 0;
  }
  double var = NAN;
  rc = variance(l, s.t1, s.t2, s.present, l->npsu, lonely, &var, e);
  scratch_free(&s);
  if (rc) return rc;
  out->mean = l->shift[est] + m;
  out->se = sqrt(var);
  out->df = (double)out->n_psu - (double)out->n_strata;
  if (out->df >= 1) {
    double qt = mi_stats_crit(conf, out->df);
    out->ci_lower = out->mean - qt * out->se;
    out->ci_upper = out->mean + qt * out->se;
  } else {
    out->ci_lower = out->ci_upper = NAN;
  }
  size_t nobs = x->nobs[est];
  if (nobs >= 2 && S >= (double)nobs) {
    double dn = (double)nobs, svy = x->swyy[est] - x->swy[est] * m;
    double vsrs = svy / S * dn / (dn - 1) * (S - dn) / (S * dn);
    out->deff = vsrs > 0 ? var / vsrs : INFINITY;
  }
  return 0;
}

int mi_stats_lin_diff(mi_stats_lin *l, size_t est, size_t da, size_t db, double conf,
                      mi_stats_lonely_psu lonely, mi_stats_diff_result *out, mi_err *e) {
  if (est >= l->ne || da >= l->nd || db >= l->nd || da == db)
    return mi_err_set(e, MI_EINVAL, "no such estimate or domains");
  if (finish(l)) return mi_err_set(e, MI_ENOMEM, "out of memory");
  const dom_acc *xa = l->doms[da], *xb = l->doms[db];
  double Sa = xa->sw[est], Sb = xb->sw[est];
  if (!(Sa > 0) || !(Sb > 0)) return mi_err_set(e, MI_EINVAL, "a domain has no value with a weight > 0");
  double ma = xa->swy[est] / Sa, mb = xb->swy[est] / Sb;
  scratch s;
  int rc = scratch_new(l, &s, e);
  if (rc) return rc;
  /* sum (t_a - t_b)^2 = sum t_a^2 + sum t_b^2 - 2 sum t_a t_b, the last only
   * over the cluster PSUs with rows in both domains (a row is in one) */
  for (size_t p = 0; p < l->npsus; p++) {
    const psu *u = &l->psus[p];
    if (!u->seen || u->ndom <= (da > db ? da : db) || !u->dom[da] || !u->dom[db]) continue;
    const double *va = u->dom[da] + 2 * est, *vb = u->dom[db] + 2 * est;
    s.t2[u->stratum] -= 2 * ((va[0] - ma * va[1]) / Sa) * ((vb[0] - mb * vb[1]) / Sb);
  }
  for (size_t h = 0; h < l->nstrata; h++) {
    const double *ca = cell(l, h, da), *cb = cell(l, h, db);
    const double *qa = ca + l->L.q + 3 * est, *qb = cb + l->L.q + 3 * est;
    double ta = (ca[l->L.s + 2 * est] - ma * ca[l->L.s + 2 * est + 1]) / Sa;
    double tb = (cb[l->L.s + 2 * est] - mb * cb[l->L.s + 2 * est + 1]) / Sb;
    s.t1[h] = ta - tb;
    s.t2[h] += (qa[0] - 2 * ma * qa[1] + ma * ma * qa[2]) / (Sa * Sa) +
              (qb[0] - 2 * mb * qb[1] + mb * mb * qb[2]) / (Sb * Sb);
    s.present[h] = ca[l->L.pres + est] != 0 || cb[l->L.pres + est] != 0;
  }
  double var = NAN;
  rc = variance(l, s.t1, s.t2, s.present, l->npsu, lonely, &var, e);
  scratch_free(&s);
  if (rc) return rc;
  mi_stats_diff_independent(l->shift[est] + ma, sqrt(var), l->shift[est] + mb, 0, conf, out);
  return 0;
}

int mi_stats_lin_combo(mi_stats_lin *l, const double *coef, size_t domain, int design,
                       mi_stats_lonely_psu lonely, double *value, double *se, mi_err *e) {
  if (domain >= l->nd) return mi_err_set(e, MI_EINVAL, "no such domain");
  if (design && mi_stats_lin_psus(l) == 1)
    return mi_err_set(e, MI_EINVAL, "the design has only one PSU: a variance needs at least two "
                      "(survey: \"Design has only one primary sampling unit\")");
  if (finish(l)) return mi_err_set(e, MI_ENOMEM, "out of memory");
  size_t nb = l->bhi - l->blo, m2 = 2 * nb;
  double g[2 * 64];
  if (nb > 64) return mi_err_set(e, MI_EINVAL, "more than 64 estimates in a combination");
  *value = 0;
  for (size_t j = 0; j < nb; j++) {
    const dom_acc *x = l->doms[domain];
    double S = x->sw[l->blo + j];
    if (!coef[j] || !(S > 0)) {
      g[2 * j] = g[2 * j + 1] = 0;
      continue;
    }
    double m = x->swy[l->blo + j] / S;
    *value += coef[j] * (l->shift[l->blo + j] + m);
    g[2 * j] = coef[j] / S, g[2 * j + 1] = -coef[j] * m / S;
  }
  scratch s;
  int rc = scratch_new(l, &s, e);
  if (rc) return rc;
  size_t *npsu = l->npsu, any = l->nany;
  for (size_t h = 0; h < l->nstrata; h++) {
    const double *c = cell(l, h, domain), *bs = c + l->L.s + 2 * l->blo;
    double t1 = 0, t2 = 0;
    for (size_t i = 0; i < m2; i++) {
      t1 += g[i] * bs[i];
      for (size_t j = 0; j < m2; j++) t2 += g[i] * bq_sym(l, c, i, j) * g[j];
    }
    s.t1[h] = t1, s.t2[h] = t2;
    for (size_t j = 0; j < nb; j++) s.present[h] |= cell(l, h, 0)[l->L.pres + l->blo + j] != 0;
  }
  /* without a design the units are the rows with a value of the block */
  if (!design) npsu = &any;
  double var = NAN;
  rc = !design && any < 2 ? 0 : variance(l, s.t1, s.t2, s.present, npsu, lonely, &var, e);
  scratch_free(&s);
  if (!rc) *se = sqrt(var > 0 ? var : 0);
  if (!rc && !design && any < 2) *se = NAN;
  return rc;
}
