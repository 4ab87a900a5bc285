/* Raking (iterative proportional fitting) and post-stratification of design
 * weights to population totals, and the mean on the calibrated design.
 *
 * Method: R's survey::rake and survey::postStratify (survey 4.1): each step
 * post-stratifies on one margin, prob_i <- prob_i / (total_l / sum_{level l}
 * 1/prob) with prob = 1/w kept as survey keeps it; a pass steps through all
 * margins; passes stop when max |change| of the weighted cross-table of all
 * margins is below epsilon (control$epsilon: >= 1 absolute, < 1 times the
 * sum of the initial weights), at most maxit. The standard error follows
 * svyrecvar on a calibrated design: "raking" residuals (ten sweeps over the
 * margins with the weights of the last pass) or post-stratification
 * residuals, then the stratum/PSU sums of design.c.
 * Missing values: rows with a missing x stay in the design and in the
 * calibration; they leave the mean (svymean(na.rm = TRUE)).
 * Reference: tests/data/stats/reference.R, cases rake_* and poststrat_*. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "stats/stats_internal.h"

void mi_stats_rake_free(mi_stats_rake_result *r) {
  if (!r) return;
  free(r->weights); /* the start of the one block */
  r->cell_level = r->cell_n = NULL;
  r->cell_sum = r->cell_factor = r->weights = NULL;
  r->ncells = 0;
}

static int check_margins(const mi_stats_design *d, const mi_stats_margin *m, size_t nm,
                         const mi_stats_rake_control *c, mi_err *e) {
  if (!d || !d->w) return mi_err_set(e, MI_EINVAL, "no design given");
  if (!m || nm == 0) return mi_err_set(e, MI_EINVAL, "no margins given");
  if (!c) return mi_err_set(e, MI_EINVAL, "no control given");
  if (c->poststratify && nm != 1)
    return mi_err_set(e, MI_EINVAL, "post-stratification takes one margin, not %zu", nm);
  if (!c->poststratify && !(c->epsilon > 0 && isfinite(c->epsilon)))
    return mi_err_set(e, MI_EINVAL, "epsilon %g must be a finite number > 0", c->epsilon);
  if (!c->poststratify && c->maxit == 0)
    return mi_err_set(e, MI_EINVAL, "maxit must be at least 1");
  double first = 0;
  for (size_t k = 0; k < nm; k++) {
    if (!m[k].level || !m[k].total || m[k].nlevels == 0)
      return mi_err_set(e, MI_EINVAL, "margin %zu has no levels", k + 1);
    double tot = 0;
    for (size_t l = 0; l < m[k].nlevels; l++) {
      if (!(m[k].total[l] > 0 && isfinite(m[k].total[l])))
        return mi_err_set(e, MI_EINVAL, "margin %zu level %zu: total %g must be a finite "
                          "number > 0", k + 1, l + 1, m[k].total[l]);
      tot += m[k].total[l];
    }
    if (k == 0) first = tot;
    else if (fabs(tot - first) > 1e-9 * first)
      return mi_err_set(e, MI_EINVAL, "margin %zu totals %.17g but margin 1 totals %.17g: "
                        "raking cannot match both", k + 1, tot, first);
    for (size_t i = 0; i < d->n; i++)
      if (m[k].level[i] >= m[k].nlevels)
        return mi_err_set(e, MI_EINVAL, "row %zu: level number %zu of margin %zu is not below "
                          "%zu", i + 1, m[k].level[i], k + 1, m[k].nlevels);
  }
  return 0;
}

/* ---- cells: the combinations of levels present ------------------------------------- */

typedef struct cell_key {
  size_t key, row; /* key: the levels as digits of a mixed radix, first margin first */
} cell_key;

static int cmp_cell(const void *a, const void *b) {
  const cell_key *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

/* cell[i] for every row, numbered in lexicographic order of the levels;
 * order[] holds the rows sorted by cell; *ncells the number of cells. */
static int make_cells(const mi_stats_margin *m, size_t nm, size_t n, size_t *order,
                      size_t *cell, size_t *ncells, mi_err *e) {
  size_t span = 1;
  for (size_t k = 0; k < nm; k++) {
    if (span > SIZE_MAX / m[k].nlevels)
      return mi_err_set(e, MI_EINVAL, "the margins have too many combinations of levels");
    span *= m[k].nlevels;
  }
  cell_key *ck = malloc((n ? n : 1) * sizeof *ck);
  if (!ck) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    size_t key = 0;
    for (size_t k = 0; k < nm; k++) key = key * m[k].nlevels + m[k].level[i];
    ck[i].key = key, ck[i].row = i;
  }
  qsort(ck, n, sizeof *ck, cmp_cell);
  size_t c = 0;
  for (size_t j = 0; j < n; j++) {
    if (j && ck[j].key != ck[j - 1].key) c++;
    order[j] = ck[j].row;
    cell[ck[j].row] = c;
  }
  *ncells = n ? c + 1 : 0;
  free(ck);
  return 0;
}

/* ---- calibration ------------------------------------------------------------------------ */

/* One post-stratification step on margin k (survey's postStratify): prob /=
 * total / weighted count per level. oldw/psw (n each, may be NULL) receive the
 * weights before and after. */
static int post_step(const mi_stats_margin *mk, size_t k, size_t n, double *prob, double *freq,
                     double *oldw, double *psw, mi_err *e) {
  memset(freq, 0, mk->nlevels * sizeof *freq);
  for (size_t i = 0; i < n; i++) freq[mk->level[i]] += 1 / prob[i];
  for (size_t l = 0; l < mk->nlevels; l++)
    if (!(freq[l] > 0))
      return mi_err_set(e, MI_EINVAL, "margin %zu level %zu has no rows with a weight > 0 in "
                        "the sample, so no weight can be scaled to its total", k + 1, l + 1);
  for (size_t i = 0; i < n; i++) {
    if (oldw) oldw[i] = 1 / prob[i];
    prob[i] = prob[i] / (mk->total[mk->level[i]] / freq[mk->level[i]]);
    if (psw) psw[i] = 1 / prob[i];
  }
  return 0;
}

/* ---- residuals for the variance -------------------------------------------------------- */

typedef struct resid_ctx {
  const mi_stats_margin *m;
  size_t nm, n;
  const double *psw;  /* nm * n: weights after margin k in the last pass */
  const double *oldw; /* n: weights before (post-stratification) */
  double *acc;        /* 2 * max nlevels scratch */
} resid_ctx;

/* svyrecvar, class "raking": for (iterations in 1:10) for (margin) x <- x -
 * psw * ave(x / psw, margin). */
static void resid_rake(void *vctx, double *u) {
  resid_ctx *c = vctx;
  for (int it = 0; it < 10; it++)
    for (size_t k = 0; k < c->nm; k++) {
      const mi_stats_margin *mk = &c->m[k];
      const double *psw = c->psw + k * c->n;
      double *sum = c->acc, *cnt = c->acc + mk->nlevels;
      memset(c->acc, 0, 2 * mk->nlevels * sizeof *c->acc);
      for (size_t i = 0; i < c->n; i++) {
        sum[mk->level[i]] += psw[i] != 0 ? u[i] / psw[i] : NAN; /* R: 0/0 */
        cnt[mk->level[i]] += 1;
      }
      for (size_t i = 0; i < c->n; i++) u[i] -= psw[i] * (sum[mk->level[i]] / cnt[mk->level[i]]);
    }
}

/* svyrecvar, post-strata: psmeans = rowsum(x oldw / psw) / sum(oldw) per
 * level; x <- x - psmeans * psw; psw = 1 where both weights are 0. */
static void resid_post(void *vctx, double *u) {
  resid_ctx *c = vctx;
  const mi_stats_margin *mk = &c->m[0];
  double *num = c->acc, *den = c->acc + mk->nlevels;
  memset(c->acc, 0, 2 * mk->nlevels * sizeof *c->acc);
  for (size_t i = 0; i < c->n; i++) {
    double psw = c->psw[i] == 0 && c->oldw[i] == 0 ? 1 : c->psw[i];
    num[mk->level[i]] += u[i] * c->oldw[i] / psw;
    den[mk->level[i]] += c->oldw[i];
  }
  for (size_t i = 0; i < c->n; i++) {
    double psw = c->psw[i] == 0 && c->oldw[i] == 0 ? 1 : c->psw[i];
    u[i] -= num[mk->level[i]] / den[mk->level[i]] * psw;
  }
}

/* ---- the whole ---------------------------------------------------------------------------- */

int mi_stats_rake(const mi_stats_design *d, const mi_stats_margin *m, size_t nm,
                  const mi_stats_rake_control *c, const double *x, const unsigned char *miss,
                  double conf, mi_stats_rake_result *out, mi_err *e) {
  if (!out) return mi_err_set(e, MI_EINVAL, "no result given");
  memset(out, 0, sizeof *out);
  int rc = check_margins(d, m, nm, c, e);
  if (rc) return rc;
  size_t n = d->n, maxlev = 0;
  for (size_t k = 0; k < nm; k++)
    if (m[k].nlevels > maxlev) maxlev = m[k].nlevels;
  double *prob = malloc(n * sizeof *prob), *psw = malloc(nm * n * sizeof *psw);
  double *oldw = malloc(n * sizeof *oldw), *acc = malloc(2 * maxlev * sizeof *acc);
  size_t *order = malloc(n * sizeof *order), *cell = malloc(n * sizeof *cell);
  double *oldtab = NULL, *newtab = NULL;
  if (!prob || !psw || !oldw || !acc || !order || !cell) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  double sw0 = 0;
  for (size_t i = 0; i < n; i++) {
    prob[i] = 1 / d->w[i]; /* Inf for weight 0, as survey's prob */
    sw0 += d->w[i];
  }
  size_t ncells = 0;
  if ((rc = make_cells(m, nm, n, order, cell, &ncells, e))) goto done;
  oldtab = calloc(ncells, sizeof *oldtab);
  newtab = calloc(ncells, sizeof *newtab);
  if (!oldtab || !newtab) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  if (c->poststratify) {
    rc = post_step(&m[0], 0, n, prob, acc, oldw, psw, e);
    out->iterations = 1;
    out->converged = 1;
    out->epsilon = NAN;
  } else {
    double eps = c->epsilon < 1 ? c->epsilon * sw0 : c->epsilon;
    out->epsilon = eps;
    for (size_t i = 0; i < n; i++) oldtab[cell[i]] += 1 / prob[i];
    for (size_t iter = 0; !rc && iter < c->maxit; iter++) {
      for (size_t k = 0; !rc && k < nm; k++)
        rc = post_step(&m[k], k, n, prob, acc, NULL, psw + k * n, e);
      if (rc) break;
      memset(newtab, 0, ncells * sizeof *newtab);
      for (size_t i = 0; i < n; i++) newtab[cell[i]] += 1 / prob[i];
      double delta = 0;
      for (size_t j = 0; j < ncells; j++)
        if (fabs(oldtab[j] - newtab[j]) > delta) delta = fabs(oldtab[j] - newtab[j]);
      out->iterations = iter + 1;
      if (delta < eps) {
        out->converged = 1;
        break;
      }
      double *t = oldtab;
      oldtab = newtab, newtab = t;
    }
  }
  if (rc) goto done;
  /* results: one block for the cells and the weights */
  size_t nz = ncells * nm + ncells, nd = 2 * ncells + n;
  char *block = malloc(nz * sizeof(size_t) + nd * sizeof(double) + 1);
  if (!block) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto done;
  }
  out->weights = (double *)(void *)block;
  out->cell_sum = out->weights + n;
  out->cell_factor = out->cell_sum + ncells;
  out->cell_level = (size_t *)(void *)(out->cell_factor + ncells);
  out->cell_n = out->cell_level + ncells * nm;
  out->nmargins = nm;
  out->ncells = ncells;
  for (size_t j = 0; j < ncells; j++) out->cell_n[j] = 0, out->cell_sum[j] = 0, out->cell_factor[j] = NAN;
  for (size_t j = 0; j < n; j++) {
    size_t i = order[j], cj = cell[i];
    out->weights[i] = 1 / prob[i];
    out->sum_weights += out->weights[i];
    if (out->cell_n[cj]++ == 0)
      for (size_t k = 0; k < nm; k++) out->cell_level[cj * nm + k] = m[k].level[i];
    out->cell_sum[cj] += out->weights[i];
    if (isnan(out->cell_factor[cj]) && d->w[i] > 0) out->cell_factor[cj] = out->weights[i] / d->w[i];
  }
  resid_ctx rctx = {m, nm, n, psw, oldw, acc};
  rc = mi_stats_design_mean_cal(d, out->weights, x, miss, conf,
                                c->poststratify ? resid_post : resid_rake, &rctx, &out->m, e);
done:
  free(prob), free(psw), free(oldw), free(acc), free(order), free(cell), free(oldtab), free(newtab);
  if (rc) mi_stats_rake_free(out);
  return rc;
}
