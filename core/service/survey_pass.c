/* `manyi survey score` in one pass: the responses stream from the store
 * once, each row is folded into one-pass accumulators (core/stats lin.c) for
 * every figure and every group of --by at once, and nothing per row is kept,
 * so memory is bounded by strata x PSUs x groups, never by responses.
 *
 * The figures and their JSON are those of the row-table path (survey_score.c,
 * survey_dims.c over core/analysis), which stays for what needs the rows:
 * post-stratification (weights known only after a first pass) and key
 * drivers (a regression with bootstrap resamples of the rows). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/survey_score_internal.h"
#include "stats/stats.h"
#include "util/lines.h"
#include "util/textset.h"

/* A weighted dimension of the survey and its items (indices into qs). */
typedef struct pdim {
  const char *name;
  double weight, lo, hi;
  size_t *items, nitems;
} pdim;

/* What a domain needs beyond the accumulators: NPS counts, rows with any
 * dimension, and per dimension of 2+ items the complete cases' sums for
 * Cronbach's alpha (n, sum x_j, sum x_j x_l about the scale's middle). */
typedef struct dstat {
  size_t nps_n[3], nany;
  double nps_w[3];
  double **alpha; /* ndims, NULL for a dimension of one item */
} dstat;

typedef struct pass {
  const mi_config_survey *sv;
  const mi_config_question *const *qs;
  size_t k;
  size_t overall, recommend, effort; /* indices into qs; k = none */
  pdim *dims;
  size_t ndims;
  /* estimates (SIZE_MAX: none): CSAT, NPS, the dimensions from e_dim, CES
   * mean, low- and high-effort shares */
  size_t e_csat, e_nps, e_dim, e_ces, e_low, e_high, ne;
  double ces_low[2], ces_high[2]; /* the boxes' scale points (a second NAN) */
  double *y, *v;                  /* ne and k: the row at hand */
  mi_stats_lin *lin;
  mi_textset strata, clusters, groups;
  int any_stratum, any_cluster;
  dstat *ds;
  size_t nds;
  const char *by;
  int by_kind;          /* mi_score_by_kind(by) */
  size_t by_no[1024];   /* a tier's or region's scan number -> its group + 1 (0: not yet) */
  mi_err *e;
} pass;

static void pass_free(pass *p) {
  for (size_t d = 0; d < p->nds; d++) {
    for (size_t j = 0; p->ds[d].alpha && j < p->ndims; j++) free(p->ds[d].alpha[j]);
    free(p->ds[d].alpha);
  }
  for (size_t j = 0; j < p->ndims; j++) free(p->dims[j].items);
  free(p->ds), free(p->dims), free(p->y), free(p->v);
  mi_stats_lin_free(p->lin);
  mi_textset_free(&p->strata), mi_textset_free(&p->clusters), mi_textset_free(&p->groups);
}

static dstat *domain_stat(pass *p, size_t d) {
  if (d >= p->nds) {
    dstat *g = mi_line_grow(p->ds, p->nds * sizeof *g, (d + 1) * sizeof *g);
    if (!g) return NULL;
    p->ds = g;
    for (; p->nds <= d; p->nds++) {
      dstat *s = &p->ds[p->nds];
      memset(s, 0, sizeof *s);
      if (!(s->alpha = mi_line_calloc((p->ndims ? p->ndims : 1) * sizeof *s->alpha))) return NULL;
      for (size_t j = 0; j < p->ndims; j++) {
        size_t m = p->dims[j].nitems;
        if (m >= 2 && !(s->alpha[j] = mi_line_calloc((1 + m + m * m) * sizeof **s->alpha)))
          return NULL;
      }
    }
  }
  return &p->ds[d];
}

/* The two scale points at the low (or high) end, as survey_dims.c's box. */
static void box(const mi_config_question *q, int low, double pts[2]) {
  int two = q->scale_max - q->scale_min >= 4;
  int a = low ? q->scale_min : q->scale_max - two;
  pts[0] = two || low ? a : q->scale_max;
  pts[1] = two ? a + two : NAN;
}

static int setup(pass *p, const mi_config_survey *sv, const mi_config_question *const *qs,
                 size_t k, const mi_config_question *overall, const mi_config_question *recommend,
                 mi_err *e) {
  p->sv = sv, p->qs = qs, p->k = k, p->e = e, p->by_kind = mi_score_by_kind(p->by);
  p->overall = p->recommend = p->effort = k;
  for (size_t q = 0; q < k; q++) {
    if (qs[q] == overall) p->overall = q;
    if (qs[q] == recommend) p->recommend = q;
    if (p->effort == k && qs[q]->dimension && !strcmp(qs[q]->dimension, "effort")) p->effort = q;
  }
  p->dims = calloc(sv->ndimensions ? sv->ndimensions : 1, sizeof *p->dims);
  if (!p->dims) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t d = 0; d < sv->ndimensions; d++) {
    pdim *pd = &p->dims[p->ndims];
    pd->items = calloc(k ? k : 1, sizeof *pd->items);
    if (!pd->items) return mi_err_set(e, MI_ENOMEM, "out of memory");
    pd->name = sv->dimensions[d].name, pd->weight = sv->dimensions[d].weight;
    for (size_t q = 0; q < k; q++)
      if (qs[q]->dimension && !strcmp(qs[q]->dimension, pd->name)) pd->items[pd->nitems++] = q;
    if (!pd->nitems) {
      free(pd->items);
      pd->items = NULL;
      continue;
    }
    pd->lo = qs[pd->items[0]]->scale_min, pd->hi = qs[pd->items[0]]->scale_max;
    p->ndims++;
  }
  size_t n = 0;
  p->e_csat = p->overall < k ? n++ : SIZE_MAX;
  p->e_nps = p->recommend < k ? n++ : SIZE_MAX;
  p->e_dim = n, n += p->ndims;
  p->e_ces = p->effort < k ? n++ : SIZE_MAX;
  p->e_low = p->effort < k ? n++ : SIZE_MAX;
  p->e_high = p->effort < k ? n++ : SIZE_MAX;
  p->ne = n ? n : 1;
  if (p->effort < k) box(qs[p->effort], 1, p->ces_low), box(qs[p->effort], 0, p->ces_high);
  /* centres that keep the sums of squares accurate: the middle of each scale */
  double *shift = calloc(p->ne, sizeof *shift);
  p->y = mi_line_calloc(p->ne * sizeof *p->y);
  p->v = mi_line_calloc((k ? k : 1) * sizeof *p->v);
  if (!shift || !p->y || !p->v) return free(shift), mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t j = 0; j < p->ndims; j++) shift[p->e_dim + j] = (p->dims[j].lo + p->dims[j].hi) / 2;
  if (p->effort < k)
    shift[p->e_ces] = (qs[p->effort]->scale_min + qs[p->effort]->scale_max) / 2.0;
  p->lin = mi_stats_lin_new(p->ne, p->e_dim, p->e_dim + p->ndims, shift);
  free(shift);
  return p->lin && domain_stat(p, 0) ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
}

static int in_box(double v, const double pts[2]) { return v == pts[0] || v == pts[1]; }

static void add_alpha(const pass *p, const double *v, dstat *s) {
  for (size_t j = 0; j < p->ndims; j++) {
    const pdim *pd = &p->dims[j];
    double *a = s->alpha[j], mid = (pd->lo + pd->hi) / 2;
    size_t m = pd->nitems, i;
    if (!a) continue;
    for (i = 0; i < m && !isnan(v[pd->items[i]]); i++) {}
    if (i < m) continue; /* not a complete case */
    a[0]++;
    for (size_t x = 0; x < m; x++) {
      double vx = v[pd->items[x]] - mid;
      a[1 + x] += vx;
      for (size_t z = 0; z < m; z++) a[1 + m + x * m + z] += vx * (v[pd->items[z]] - mid);
    }
  }
}

/* The row's scored answers (p->v) and figures (p->y), the same for every
 * request of a pass (they differ in periods and groups only); *nps: its
 * NPS class (-1 without an answer), *any: it has a dimension. */
static void row_figures(pass *p, const mi_survey_row *r, int *nps_class, int *any_dim) {
  const mi_config_question *const *qs = p->qs;
  for (size_t q = 0; q < p->k; q++)
    p->v[q] = isnan(r->values[q]) ? NAN : mi_score_item(qs[q], r->values[q]);
  double *y = p->y;
  if (p->e_csat != SIZE_MAX) {
    double v = p->v[p->overall], hi = qs[p->overall]->scale_max;
    y[p->e_csat] = isnan(v) ? NAN : v == hi || v == hi - 1;
  }
  int nps = 1; /* detractor 0, passive 1, promoter 2 */
  if (p->e_nps != SIZE_MAX) {
    double v = p->v[p->recommend];
    nps = isnan(v) ? -1 : v >= 9 ? 2 : v >= 7 ? 1 : 0;
    y[p->e_nps] = nps < 0 ? NAN : nps - 1;
  }
  int any = 0;
  for (size_t j = 0; j < p->ndims; j++) {
    double sum = 0;
    size_t cnt = 0;
    for (size_t i = 0; i < p->dims[j].nitems; i++) {
      double v = p->v[p->dims[j].items[i]];
      if (!isnan(v)) sum += v, cnt++;
    }
    /* most dimensions have one item: no division (a long one) for them */
    y[p->e_dim + j] = cnt == 1 ? sum : cnt ? sum / (double)cnt : NAN;
    any |= cnt > 0;
  }
  if (p->e_ces != SIZE_MAX) {
    double v = p->v[p->effort];
    y[p->e_ces] = v;
    y[p->e_low] = isnan(v) ? NAN : in_box(v, p->ces_low);
    y[p->e_high] = isnan(v) ? NAN : in_box(v, p->ces_high);
  }
  *nps_class = nps, *any_dim = any;
}

/* The number of group text gt in p->groups; a tier's or region's through
 * the number the scan gave it (no text compared), memo'd in p->by_no. */
static size_t group_number(pass *p, const mi_survey_row *r, const char *gt) {
  int no = p->by_kind == MI_BY_TIER ? r->tier_no : p->by_kind == MI_BY_REGION ? r->region_no : -1;
  if (no < 0 || no >= (int)(sizeof p->by_no / sizeof *p->by_no))
    return mi_textset_number(&p->groups, gt);
  if (!p->by_no[no]) {
    size_t g = mi_textset_number(&p->groups, gt);
    if (g == (size_t)-1) return g;
    p->by_no[no] = g + 1;
  }
  return p->by_no[no] - 1;
}

/* Folds row r, whose figures row_figures put in src, into p. */
static int fold_figures(pass *p, const pass *src, const mi_survey_row *r, int nps, int any) {
  const size_t none = (size_t)-1;
  size_t h = mi_textset_number(&p->strata, r->design_stratum);
  size_t c = *r->design_cluster ? mi_textset_number(&p->clusters, r->design_cluster)
                                 : MI_STATS_LIN_OWN;
  const char *gt = mi_score_group_text(r, p->by_kind);
  size_t g = *gt ? group_number(p, r, gt) : 0;
  if (h == none || (*r->design_cluster && c == none) || (*gt && g == none))
    return mi_err_set(p->e, MI_ENOMEM, "out of memory");
  if (*gt) g++; /* domain 0 is every row */
  p->any_stratum |= *r->design_stratum != 0;
  p->any_cluster |= *r->design_cluster != 0;
  int rc = mi_stats_lin_add(p->lin, h, c, r->weight, src->y, g, p->e);
  /* into the row's group only (domain 0 without one); settle_groups adds
   * the groups to domain 0 after the last row */
  dstat *s = rc ? NULL : domain_stat(p, g);
  if (!rc && !s) return mi_err_set(p->e, MI_ENOMEM, "out of memory");
  if (!rc && nps >= 0 && p->e_nps != SIZE_MAX) s->nps_n[nps]++, s->nps_w[nps] += r->weight;
  if (!rc) s->nany += any, add_alpha(p, src->v, s);
  return rc;
}

/* Adds the groups' counts and sums (of dstat) to domain 0's, once, after
 * the last row (and after the parts are merged). */
static void settle_groups(pass *p) {
  dstat *all = &p->ds[0];
  for (size_t d = 1; d < p->nds; d++) {
    const dstat *g = &p->ds[d];
    for (int k = 0; k < 3; k++) all->nps_n[k] += g->nps_n[k], all->nps_w[k] += g->nps_w[k];
    all->nany += g->nany;
    for (size_t j = 0; j < p->ndims; j++) {
      size_t m = p->dims[j].nitems;
      for (size_t k = 0; all->alpha[j] && k < 1 + m + m * m; k++) all->alpha[j][k] += g->alpha[j][k];
    }
  }
}

/* ---- the figures as JSON (the fields of core/analysis's mean, prop, nps, index, alpha) ---- */

typedef struct figs {
  pass *p;
  double conf;
  mi_stats_lonely_psu lonely;
  const char *what; /* the table name of the row path, that its messages start with */
} figs;

/* e's message prefixed as the row path's (except running out of memory). */
static void name_err(const figs *f, const char *sub, mi_err *e) {
  if (e->code == MI_ENOMEM) return;
  if (sub) mi_err_prefix(e, "%s: %s", f->what, sub);
  else mi_err_prefix(e, "%s", f->what);
}

static json_t *design_json(const figs *f) {
  const pass *p = f->p;
  json_t *o = json_pack("{s:s}", "weight", "weight");
  if (p->any_stratum) json_object_set_new(o, "strata", json_string(MI_SCORE_STRATUM));
  if (p->any_cluster) json_object_set_new(o, "cluster", json_string(MI_SCORE_CLUSTER));
  if (p->any_stratum) {
    json_object_set_new(o, "nest", json_false());
    json_object_set_new(o, "lonely_psu", json_string(mi_stats_lonely_psu_name(f->lonely)));
  }
  mi_analysis_jset_n(o, "psus", mi_stats_lin_psus(p->lin));
  mi_analysis_jset_n(o, "strata_count", mi_stats_lin_strata(p->lin));
  return o;
}

/* The fields that end a mean or a proportion, as core/analysis writes them. */
static void design_fields(json_t *o, const figs *f, const mi_stats_design_mean_result *r) {
  mi_analysis_jset(o, "deff", r->deff);
  mi_analysis_jset(o, "sum_weights", r->sum_weights);
  mi_analysis_jset_n(o, "n_psu", r->n_psu);
  mi_analysis_jset_n(o, "n_strata", r->n_strata);
  json_object_set_new(o, "design", design_json(f));
}

static json_t *prop_json(const figs *f, size_t est, size_t dom, mi_err *e) {
  mi_stats_design_mean_result r;
  if (mi_stats_lin_mean(f->p->lin, est, dom, f->conf, f->lonely, &r, e))
    return name_err(f, est == f->p->e_csat ? NULL : "effort", e), NULL;
  json_t *o = json_object();
  mi_analysis_jset_n(o, "n", r.n);
  mi_analysis_jset_n(o, "n_missing", r.n_missing);
  mi_analysis_jset(o, "x", r.mean * r.sum_weights);
  mi_analysis_jset(o, "p", r.mean);
  mi_analysis_jset(o, "se", r.se);
  mi_analysis_jset(o, "ci_lower", r.ci_lower);
  mi_analysis_jset(o, "ci_upper", r.ci_upper);
  json_object_set_new(o, "method", json_string("wald"));
  mi_analysis_jset(o, "conf", f->conf);
  mi_analysis_jset(o, "df", r.df);
  design_fields(o, f, &r);
  return o;
}

static json_t *mean_json(const figs *f, size_t est, size_t dom, mi_stats_design_mean_result *r,
                         mi_err *e) {
  if (mi_stats_lin_mean(f->p->lin, est, dom, f->conf, f->lonely, r, e))
    return name_err(f, "effort", e), NULL;
  json_t *o = mi_analysis_mean_json(r, f->conf);
  json_object_set_new(o, "design", design_json(f));
  return o;
}

/* Cronbach's alpha of dimension j's complete cases in domain d (psych's
 * raw_alpha from the covariance matrix); NAN with the reason in e. */
static double alpha_of(const pass *p, size_t d, size_t j, size_t *n, mi_err *e) {
  const double *a = p->ds[d].alpha[j];
  size_t m = p->dims[j].nitems;
  *n = (size_t)a[0];
  if (*n < 2) {
    mi_err_set(e, MI_EINVAL, "%zu complete case%s: alpha needs at least 2", *n, *n == 1 ? "" : "s");
    return NAN;
  }
  double dn = a[0], items = 0, total = 0;
  for (size_t x = 0; x < m; x++)
    for (size_t z = 0; z < m; z++) {
      double cov = (a[1 + m + x * m + z] - a[1 + x] * a[1 + z] / dn) / (dn - 1);
      total += cov;
      if (x == z) {
        if (!(cov > 1e-12 * (1 + fabs(a[1 + x] / dn)))) {
          mi_err_set(e, MI_EINVAL, "item '%s' has the same value in every complete case: alpha "
                     "needs items that vary", p->qs[p->dims[j].items[x]]->code);
          return NAN;
        }
        items += cov;
      }
    }
  return (double)m / (double)(m - 1) * (1 - items / total);
}

static int dimensions_json(json_t *out, const figs *f, size_t dom, mi_err *e) {
  const pass *p = f->p;
  json_t *dims = json_object();
  for (size_t j = 0; j < p->ndims; j++) {
    const pdim *pd = &p->dims[j];
    mi_stats_design_mean_result m;
    json_t *o;
    if (mi_stats_lin_mean(p->lin, p->e_dim + j, dom, f->conf, f->lonely, &m, e)) {
      if (e->code == MI_ENOMEM) return json_decref(dims), e->code;
      char sub[160];
      snprintf(sub, sizeof sub, "dimension %s", pd->name);
      name_err(f, sub, e);
      o = json_pack("{s:s}", "error", e->msg);
      mi_err_clear(e);
    } else {
      double span = pd->hi - pd->lo;
      json_t *items = json_array();
      for (size_t i = 0; i < pd->nitems; i++)
        json_array_append_new(items, json_string(p->qs[pd->items[i]]->code));
      o = json_object();
      mi_analysis_jset_n(o, "n", m.n);
      mi_analysis_jset(o, "mean_raw", m.mean);
      mi_analysis_jset(o, "se_raw", m.se);
      mi_analysis_jset(o, "ci_lower_raw", m.ci_lower);
      mi_analysis_jset(o, "ci_upper_raw", m.ci_upper);
      mi_analysis_jset(o, "score", 100 * (m.mean - pd->lo) / span);
      mi_analysis_jset(o, "se", 100 * m.se / span);
      mi_analysis_jset(o, "ci_lower", 100 * (m.ci_lower - pd->lo) / span);
      mi_analysis_jset(o, "ci_upper", 100 * (m.ci_upper - pd->lo) / span);
      mi_analysis_jset(o, "df", m.df);
      json_object_set_new(o, "items", items);
      if (pd->nitems < 2) {
        json_object_set_new(o, "alpha", json_null());
      } else {
        size_t n;
        double a = alpha_of(p, dom, j, &n, e);
        json_object_set_new(o, "alpha", mi_analysis_jnum(a));
        if (!isnan(a)) mi_analysis_jset_n(o, "alpha_n", n);
        else json_object_set_new(o, "alpha_error", json_string(e->msg)), mi_err_clear(e);
      }
    }
    json_object_set_new(dims, pd->name, o);
  }
  if (json_object_size(dims)) json_object_set(out, "dimensions", dims);
  json_decref(dims);
  return 0;
}

static int ces_json(json_t *out, const figs *f, size_t dom, mi_err *e) {
  const pass *p = f->p;
  if (p->e_ces == SIZE_MAX) return 0;
  const mi_config_question *q = p->qs[p->effort];
  mi_stats_design_mean_result r;
  json_t *ces = mean_json(f, p->e_ces, dom, &r, e);
  if (ces) {
    char low[32], high[32];
    const double *pts[2] = {p->ces_low, p->ces_high};
    char *txt[2] = {low, high};
    for (int i = 0; i < 2; i++)
      if (isnan(pts[i][1])) snprintf(txt[i], 32, "%g", pts[i][0]);
      else snprintf(txt[i], 32, "%g,%g", pts[i][0], pts[i][1]);
    json_object_set_new(ces, "scale_min", json_integer(q->scale_min));
    json_object_set_new(ces, "scale_max", json_integer(q->scale_max));
    json_object_set_new(ces, "reversed", json_boolean(q->reverse));
    if (mi_score_add_figure(ces, "low_effort", NULL, prop_json(f, p->e_low, dom, e), e) ||
        mi_score_add_figure(ces, "high_effort", NULL, prop_json(f, p->e_high, dom, e), e))
      return json_decref(ces), e->code;
    json_t *lo = json_object_get(ces, "low_effort"), *hi = json_object_get(ces, "high_effort");
    if (lo) json_object_set_new(lo, "values", json_string(low));
    if (hi) json_object_set_new(hi, "values", json_string(high));
  }
  return mi_score_add_figure(out, "ces", q->code, ces, e);
}

/* The NPS fields of domain d (n_missing: the domain's rows without a value). */
static json_t *nps_one(const figs *f, size_t d, double *nps, double *se, mi_err *e) {
  const pass *p = f->p;
  mi_stats_design_mean_result r;
  if (mi_stats_lin_mean(p->lin, p->e_nps, d, f->conf, f->lonely, &r, e))
    return name_err(f, NULL, e), NULL;
  const dstat *s = &p->ds[d];
  *nps = 100 * r.mean, *se = 100 * r.se;
  return mi_analysis_nps_json(&r, mi_stats_lin_rows(p->lin, d) - r.n, s->nps_n, s->nps_w);
}

/* The groups' names in order of their texts, and their domain numbers. */
typedef struct level {
  const char *name;
  size_t dom, rest; /* rest: the domain of the other rows, or 0 */
} level;

static int by_name(const void *a, const void *b) {
  return strcmp(((const level *)a)->name, ((const level *)b)->name);
}

static level *levels_of(const pass *p, size_t *n) {
  *n = p->groups.n;
  const char **names = mi_textset_texts(&p->groups);
  level *l = names ? malloc((*n ? *n : 1) * sizeof *l) : NULL;
  for (size_t g = 0; l && g < *n; g++) l[g] = (level){names[g], 1 + g, 0};
  free(names);
  if (l) qsort(l, *n, sizeof *l, by_name);
  return l;
}

static json_t *nps_json(const figs *f, const level *lv, size_t nl, mi_err *e) {
  double nps, se;
  json_t *o = nps_one(f, 0, &nps, &se, e);
  if (!o) return NULL;
  mi_analysis_jset(o, "conf", f->conf);
  json_object_set_new(o, "design", design_json(f));
  if (!f->p->by) return o;
  json_t *groups = json_object(), *diffs = json_object();
  json_object_set_new(o, "groups", groups);
  json_object_set_new(o, "differences", diffs);
  for (size_t i = 0; i < nl; i++) {
    json_t *g = nps_one(f, lv[i].dom, &nps, &se, e);
    if (!g) {
      mi_err_prefix(e, "--by %s: group '%s'", f->p->by, lv[i].name);
      return json_decref(o), NULL;
    }
    json_object_set_new(groups, lv[i].name, g);
  }
  for (size_t i = 0; i < nl; i++)
    for (size_t j = i + 1; j < nl; j++) {
      mi_stats_diff_result d;
      if (mi_stats_lin_diff(f->p->lin, f->p->e_nps, lv[i].dom, lv[j].dom, f->conf, f->lonely, &d, e))
        return json_decref(o), NULL;
      char key[256];
      snprintf(key, sizeof key, "%s_minus_%s", lv[i].name, lv[j].name);
      json_object_set_new(diffs, key,
                          json_pack("{s:f, s:f, s:f, s:f, s:f, s:f}", "diff", 100 * d.diff, "se",
                                    100 * d.se, "z", d.z, "p_value", d.p_value, "ci_lower",
                                    100 * d.ci_lower, "ci_upper", 100 * d.ci_upper));
    }
  return o;
}

/* The index fields of domain d (as core/analysis index_json). */
static json_t *index_one(const figs *f, size_t d, mi_err *e) {
  const pass *p = f->p;
  int design = p->any_stratum || p->any_cluster;
  if (design && mi_stats_lin_psus(p->lin) == 1) { /* checked first, as the row path does */
    double v, se, zero[64] = {0};
    mi_stats_lin_combo(p->lin, zero, d, 1, f->lonely, &v, &se, e);
    return name_err(f, NULL, e), NULL;
  }
  json_t *o = json_object(), *raw = json_object(), *sc = json_object(), *dn = json_object();
  double wsum = 0, coef[64];
  for (size_t j = 0; j < p->ndims; j++) wsum += p->dims[j].weight;
  mi_analysis_jset_n(o, "n", p->ds[d].nany);
  for (size_t j = 0; j < p->ndims; j++) {
    const pdim *pd = &p->dims[j];
    coef[j] = pd->weight / wsum * 100 / (pd->hi - pd->lo);
    size_t n;
    double mean = mi_stats_lin_point(p->lin, p->e_dim + j, d, &n);
    if (!n) {
      json_decref(o), json_decref(raw), json_decref(sc), json_decref(dn);
      mi_err_set(e, MI_EINVAL, "dimension '%s' has no values", pd->name);
      return NULL;
    }
    mi_analysis_jset(raw, pd->name, mean);
    mi_analysis_jset(sc, pd->name, 100 * (mean - pd->lo) / (pd->hi - pd->lo));
    mi_analysis_jset_n(dn, pd->name, n);
  }
  json_object_set_new(o, "dimension_n", dn);
  json_object_set_new(o, "dimension_mean_raw", raw);
  json_object_set_new(o, "dimension_score_0_100", sc);
  double value, se;
  if (mi_stats_lin_combo(p->lin, coef, d, design, f->lonely, &value, &se, e))
    return name_err(f, NULL, e), json_decref(o), NULL;
  /* the combination of (mean - lo) terms: add back the constant */
  for (size_t j = 0; j < p->ndims; j++) value -= coef[j] * p->dims[j].lo;
  mi_analysis_jset(o, "index", value);
  mi_analysis_jset(o, "se", se);
  mi_analysis_jset(o, "ci_lower", value - 1.959963984540054 * se);
  mi_analysis_jset(o, "ci_upper", value + 1.959963984540054 * se);
  return o;
}

static json_t *index_json(const figs *f, const level *lv, size_t nl, mi_err *e) {
  const pass *p = f->p;
  json_t *o = index_one(f, 0, e);
  if (!o) return NULL;
  mi_analysis_jset_n(o, "n_rows", mi_stats_lin_rows(p->lin, 0));
  json_t *w = json_object();
  double ws = 0;
  for (size_t j = 0; j < p->ndims; j++) ws += p->dims[j].weight;
  for (size_t j = 0; j < p->ndims; j++) mi_analysis_jset(w, p->dims[j].name, p->dims[j].weight / ws);
  json_object_set_new(o, "weights", w);
  if (p->any_stratum || p->any_cluster) json_object_set_new(o, "design", design_json(f));
  if (!p->by) return o;
  json_t *groups = json_object();
  json_object_set_new(o, "groups", groups);
  for (size_t i = 0; i < nl; i++) {
    json_t *g = index_one(f, lv[i].dom, e);
    if (!g) {
      mi_err_prefix(e, "--by %s: group '%s'", p->by, lv[i].name);
      return json_decref(o), NULL;
    }
    json_object_set_new(groups, lv[i].name, g);
  }
  return o;
}

/* Each group's rest: a domain of the rows outside it, with its NPS counts,
 * rows with a dimension and alpha sums (all's minus the group's). */
static int add_rest(pass *p, level *lv, size_t nl, mi_err *e) {
  for (size_t i = 0; i < nl; i++) {
    size_t c = mi_stats_lin_complement(p->lin, lv[i].dom);
    dstat *s = c == (size_t)-1 ? NULL : domain_stat(p, c);
    if (!s) return mi_err_set(e, MI_ENOMEM, "out of memory");
    const dstat *all = &p->ds[0], *g = &p->ds[lv[i].dom];
    for (int k = 0; k < 3; k++)
      s->nps_n[k] = all->nps_n[k] - g->nps_n[k], s->nps_w[k] = all->nps_w[k] - g->nps_w[k];
    s->nany = all->nany - g->nany;
    for (size_t j = 0; j < p->ndims; j++) {
      size_t m = p->dims[j].nitems;
      for (size_t k = 0; s->alpha[j] && k < 1 + m + m * m; k++)
        s->alpha[j][k] = all->alpha[j][k] - g->alpha[j][k];
    }
    lv[i].rest = c;
  }
  return 0;
}

/* The NPS of domain d with its conf (as the score's own, without groups). */
static json_t *nps_of(const figs *f, size_t d, mi_err *e) {
  double nps, se;
  json_t *o = nps_one(f, d, &nps, &se, e);
  if (o) mi_analysis_jset(o, "conf", f->conf);
  return o;
}

/* "nps", "index" and "rest" of a group for the report's group-against-rest. */
static int rest_json(json_t *g, const figs *f, const level *lv, mi_err *e) {
  const pass *p = f->p;
  json_t *rest = json_object();
  json_object_set_new(g, "rest", rest);
  json_object_set_new(rest, "responses", json_integer((json_int_t)mi_stats_lin_rows(p->lin, lv->rest)));
  size_t doms[2] = {lv->dom, lv->rest};
  json_t *objs[2] = {g, rest};
  for (int k = 0; k < 2; k++) {
    int rc = 0;
    if ((k == 1 && p->e_csat != SIZE_MAX &&
         (rc = mi_score_add_figure(objs[k], "csat", p->qs[p->overall]->code,
                                   prop_json(f, p->e_csat, doms[k], e), e))) ||
        (p->e_nps != SIZE_MAX &&
         (rc = mi_score_add_figure(objs[k], "nps", p->qs[p->recommend]->code,
                                   nps_of(f, doms[k], e), e))) ||
        (p->ndims && (rc = mi_score_add_figure(objs[k], "index", NULL, index_one(f, doms[k], e), e))))
      return rc;
  }
  return 0;
}

static int groups_json(json_t *out, const figs *f, const level *lv, size_t nl, mi_err *e) {
  const pass *p = f->p;
  json_t *groups = json_object();
  int rc = 0;
  for (size_t i = 0; !rc && i < nl; i++) {
    json_t *g = json_object();
    json_object_set_new(groups, lv[i].name, g);
    json_object_set_new(g, "responses", json_integer((json_int_t)mi_stats_lin_rows(p->lin, lv[i].dom)));
    if ((p->e_csat != SIZE_MAX &&
         (rc = mi_score_add_figure(g, "csat", p->qs[p->overall]->code,
                                   prop_json(f, p->e_csat, lv[i].dom, e), e))) ||
        (rc = dimensions_json(g, f, lv[i].dom, e)) || (rc = ces_json(g, f, lv[i].dom, e)) ||
        (lv[i].rest && (rc = rest_json(g, f, &lv[i], e))))
      break;
  }
  if (!rc) json_object_set(out, "groups", groups);
  json_decref(groups);
  return rc;
}

/* One request of a pass: its accumulators and where its result goes. */
typedef struct one {
  const mi_score_request *r;
  pass p;
  figs f;
  size_t flagged;
  mi_err *e;
  int live; /* set up without error */
  /* derived: its period is tiled by other requests' (nsrc of them, in src),
   * whose sums are added to it after the scan; source: one of those */
  int derived, source;
  size_t src[8], nsrc;
  mi_drivers_pass *drv; /* the key drivers, when asked for */
  struct wave_count *waves; /* count_waves: by wave code, in code order */
  size_t nwaves;
} one;

typedef struct wave_count {
  char wave[65];
  size_t responses, flagged;
} wave_count;

/* The count of wave code in o's list (added if new); NULL when out of memory. */
static wave_count *count_of(one *o, const char *code) {
  size_t i = 0;
  while (i < o->nwaves && strcmp(o->waves[i].wave, code) < 0) i++;
  if (i < o->nwaves && !strcmp(o->waves[i].wave, code)) return &o->waves[i];
  wave_count *w = mi_line_grow(o->waves, o->nwaves * sizeof *w, (o->nwaves + 1) * sizeof *w);
  if (!w) return NULL;
  memmove(w + i + 1, w + i, (o->nwaves - i) * sizeof *w);
  memset(&w[i], 0, sizeof w[i]);
  snprintf(w[i].wave, sizeof w[i].wave, "%s", code);
  o->waves = w, o->nwaves++;
  return &w[i];
}

/* Adds b's wave counts to a's. */
static int counts_merge(one *a, const one *b) {
  for (size_t i = 0; i < b->nwaves; i++) {
    wave_count *w = count_of(a, b->waves[i].wave);
    if (!w) return MI_ENOMEM;
    w->responses += b->waves[i].responses, w->flagged += b->waves[i].flagged;
  }
  return 0;
}

/* o's key drivers' accumulation (seed: its part's random stream). */
static int drivers_new(one *o, const mi_config_question *const *qs, size_t k,
                       const mi_config_question *overall, unsigned long seed) {
  if (!o->r->drivers) return 0;
  if (!(o->drv = mi_line_calloc(sizeof *o->drv))) return mi_err_set(o->e, MI_ENOMEM, "out of memory");
  return mi_drivers_setup(o->drv, o->r->survey, qs, k, overall, o->r->drivers, seed, o->e);
}

static void one_free(one *o) {
  pass_free(&o->p);
  free(o->waves);
  if (o->drv) mi_drivers_free(o->drv), free(o->drv);
}

static int same_text(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

/* Marks the requests whose period other requests with the same groups and
 * flags tile exactly (the report's year to date, from its quarters; a
 * period asked for twice), so that each row is folded once for them. */
static void find_derived(one *reqs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    one *o = &reqs[i];
    const mi_score_request *r = o->r;
    if (!o->live || o->source || r->poststratify || r->drivers || r->count_waves) continue;
    int64_t at = r->from;
    size_t k = 0;
    while (at < r->to && k < sizeof o->src / sizeof *o->src) {
      size_t best = n;
      for (size_t j = 0; j < n; j++) {
        const mi_score_request *q = reqs[j].r;
        if (j == i || !reqs[j].live || reqs[j].derived || q->poststratify || q->from != at ||
            q->to > r->to || q->to <= q->from || !same_text(q->by, r->by) ||
            q->include_flagged != r->include_flagged)
          continue;
        if (best == n || q->to > reqs[best].r->to) best = j;
      }
      if (best == n) break;
      o->src[k++] = best, at = reqs[best].r->to;
    }
    if (at < r->to || !k) continue;
    o->derived = 1, o->nsrc = k;
    for (size_t s = 0; s < k; s++) reqs[o->src[s]].source = 1;
  }
}

typedef struct route {
  _Alignas(64) one *reqs; /* a line of its own: each part's thread writes its route */
  size_t n;
  int filter_flagged; /* the scan delivers flagged rows: each request decides */
  const mi_err *failed; /* the error that stopped the scan */
  /* the requests whose periods hold every time in [lo, hi) (no period starts
   * or ends inside it): the last row's, kept while rows stay in it (they
   * mostly come in time order) */
  int64_t lo, hi;
  size_t *hits, nhits;
} route;

/* Sets rt's span around time t and the requests that hold it. */
static void find_span(route *rt, int64_t t) {
  rt->lo = INT64_MIN, rt->hi = INT64_MAX, rt->nhits = 0;
  for (size_t i = 0; i < rt->n; i++) {
    const mi_score_request *r = rt->reqs[i].r;
    int64_t ends[2] = {r->from, r->to};
    for (int k = 0; k < 2; k++) {
      if (ends[k] <= t && ends[k] > rt->lo) rt->lo = ends[k];
      if (ends[k] > t && ends[k] < rt->hi) rt->hi = ends[k];
    }
    if (rt->reqs[i].live && !rt->reqs[i].derived && t >= r->from && t < r->to)
      rt->hits[rt->nhits++] = i;
  }
}

/* A row to every request whose period holds it. */
static int route_row(void *ctx, const mi_survey_row *row) {
  route *rt = ctx;
  const pass *src = NULL; /* the request whose buffers hold the row's figures */
  int nps = -1, any = 0;
  if (row->submitted_at < rt->lo || row->submitted_at >= rt->hi) find_span(rt, row->submitted_at);
  for (size_t h = 0; h < rt->nhits; h++) {
    one *o = &rt->reqs[rt->hits[h]];
    if (o->r->count_waves) {
      wave_count *w = count_of(o, row->wave);
      if (!w) return rt->failed = o->e, mi_err_set(o->e, MI_ENOMEM, "out of memory");
      w->responses++, w->flagged += row->flagged != 0;
    }
    if (rt->filter_flagged && row->flagged && !o->r->include_flagged) {
      o->flagged++;
      continue;
    }
    if (!src) row_figures(&o->p, row, &nps, &any), src = &o->p;
    int rc = fold_figures(&o->p, src, row, nps, any);
    if (!rc && o->drv) rc = mi_drivers_row(o->drv, row);
    if (rc) return rt->failed = o->e, rc;
  }
  return 0;
}

/* ---- two parts folded in two threads, then added up ---- */

/* The numbers in a of b's texts, by b's numbers (added to a if new); NULL
 * when out of memory. */
static size_t *renumber(mi_textset *a, const mi_textset *b) {
  const char **t = mi_textset_texts(b);
  size_t *map = t ? malloc((b->n ? b->n : 1) * sizeof *map) : NULL;
  for (size_t i = 0; map && i < b->n; i++)
    if ((map[i] = mi_textset_number(a, t[i])) == (size_t)-1) free(map), map = NULL;
  free(t);
  return map;
}

/* Adds what b folded to a (same request, other rows). */
static int pass_merge(pass *a, const pass *b, mi_err *e) {
  size_t *smap = renumber(&a->strata, &b->strata), *cmap = renumber(&a->clusters, &b->clusters);
  size_t *gmap = renumber(&a->groups, &b->groups);
  size_t *dmap = malloc((b->groups.n + 1) * sizeof *dmap);
  int rc = smap && cmap && gmap && dmap ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  if (!rc) {
    dmap[0] = 0;
    for (size_t g = 0; g < b->groups.n; g++) dmap[g + 1] = gmap[g] + 1;
    a->any_stratum |= b->any_stratum, a->any_cluster |= b->any_cluster;
    rc = mi_stats_lin_merge(a->lin, b->lin, smap, cmap, dmap, e);
  }
  for (size_t d = 0; !rc && d < b->nds; d++) {
    dstat *x = domain_stat(a, dmap[d]);
    const dstat *y = &b->ds[d];
    if (!x) {
      rc = mi_err_set(e, MI_ENOMEM, "out of memory");
      break;
    }
    for (int k = 0; k < 3; k++) x->nps_n[k] += y->nps_n[k], x->nps_w[k] += y->nps_w[k];
    x->nany += y->nany;
    for (size_t j = 0; j < a->ndims; j++) {
      size_t m = a->dims[j].nitems;
      for (size_t i = 0; x->alpha[j] && i < 1 + m + m * m; i++) x->alpha[j][i] += y->alpha[j][i];
    }
  }
  free(smap), free(cmap), free(gmap), free(dmap);
  return rc;
}

/* The JSON of one request after the scan (NULL with o->e set). */
static json_t *result(one *o, const mi_config_question *const *qs) {
  pass *p = &o->p;
  figs *f = &o->f;
  const mi_score_request *r = o->r;
  mi_err *e = o->e;
  size_t nl = 0;
  int rc = 0;
  if (!mi_stats_lin_rows(p->lin, 0))
    rc = mi_err_set(e, MI_ENOTFOUND, "no responses to %s%s%s in the period%s", r->survey,
                    r->wave ? " in wave " : "", r->wave ? r->wave : "",
                    o->flagged ? " (all flagged: see --include-flagged)" : "");
  if (!rc) settle_groups(p);
  level *lv = rc ? NULL : levels_of(p, &nl);
  if (!rc && !lv) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  if (!rc && r->by && r->with_rest) rc = add_rest(p, lv, nl, e);
  if (p->any_stratum) f->lonely = MI_STATS_LONELY_ADJUST;
  json_t *out = rc ? NULL
                   : json_pack("{s:s, s:I, s:I}", "survey", r->survey, "responses",
                               (json_int_t)mi_stats_lin_rows(p->lin, 0), "flagged_left_out",
                               (json_int_t)o->flagged);
  if (out && p->e_csat != SIZE_MAX)
    rc = mi_score_add_figure(out, "csat", qs[p->overall]->code, prop_json(f, p->e_csat, 0, e), e);
  if (out && !rc && p->e_nps != SIZE_MAX)
    rc = mi_score_add_figure(out, "nps", qs[p->recommend]->code, nps_json(f, lv, nl, e), e);
  if (out && !rc && p->ndims) rc = mi_score_add_figure(out, "index", NULL, index_json(f, lv, nl, e), e);
  if (out && !rc) rc = dimensions_json(out, f, 0, e);
  if (out && !rc) rc = ces_json(out, f, 0, e);
  if (out && !rc && r->by) rc = groups_json(out, f, lv, nl, e);
  free(lv);
  if (out && !rc && r->count_waves) {
    json_t *arr = json_array();
    for (size_t i = 0; i < o->nwaves; i++)
      json_array_append_new(arr, json_pack("{s:s, s:I, s:I}", "wave", o->waves[i].wave, "responses",
                                           (json_int_t)o->waves[i].responses, "flagged",
                                           (json_int_t)o->waves[i].flagged));
    json_object_set_new(out, "waves", arr);
  }
  if (out && !rc && o->drv) { /* a failure of the data is the section's, not the request's */
    mi_err de = {0};
    json_t *d = mi_drivers_result(o->drv, &de);
    if (!d && de.code == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    else if (d) json_object_set_new(out, "drivers", d);
    else json_object_set_new(out, "drivers_error", json_string(de.msg));
  }
  if (rc) json_decref(out), out = NULL;
  return out;
}

int mi_score_pass(mi_store *s, const mi_score_request *rs, size_t n, const mi_config_survey *sv,
                  const mi_config_question *const *qs, const char *const *codes,
                  const mi_survey_scale *scales, size_t k, const mi_config_question *overall,
                  const mi_config_question *recommend, int64_t wave_id, json_t **outs,
                  mi_err *errs, mi_err *e) {
  one *reqs = mi_line_calloc((n ? n : 1) * sizeof *reqs); /* whole lines: see util/lines.h */
  if (!reqs) return mi_err_set(e, MI_ENOMEM, "out of memory");
  int64_t from = INT64_MAX, to = INT64_MIN;
  unsigned need = 0;
  size_t live = 0;
  for (size_t i = 0; i < n; i++) {
    one *o = &reqs[i];
    const mi_score_request *r = &rs[i];
    outs[i] = NULL, mi_err_clear(&errs[i]);
    o->r = r, o->e = &errs[i];
    o->f = (figs){&o->p, 0.95, MI_STATS_LONELY_FAIL, r->survey};
    if (r->conf) {
      char *end;
      o->f.conf = strtod(r->conf, &end);
      if (*end || end == r->conf || !(o->f.conf > 0 && o->f.conf < 1)) {
        mi_err_set(o->e, MI_EINVAL, "--conf '%s': give a confidence level between 0 and 1, "
                   "e.g. 0.95", r->conf);
        continue;
      }
    }
    o->p.by = r->by;
    if (setup(&o->p, sv, qs, k, overall, recommend, o->e) || drivers_new(o, qs, k, overall, 1))
      continue;
    o->live = 1, live++;
    need |= mi_score_by_need(r->by);
    if (r->from < from) from = r->from;
    if (r->to > to) to = r->to;
  }
  find_derived(reqs, n);
  /* A second part of the rows folded in a thread of its own into a copy of
   * the accumulators, added up after the scan (one part if that cannot be
   * set up). */
  one *more = mi_line_calloc((n ? n : 1) * sizeof *more);
  mi_err *more_errs = calloc(n ? n : 1, sizeof *more_errs);
  size_t nparts = more && more_errs ? 2 : 1;
  for (size_t i = 0; nparts == 2 && i < n; i++) {
    more[i] = (one){.r = reqs[i].r, .e = &more_errs[i], .live = reqs[i].live,
                    .derived = reqs[i].derived};
    more[i].p.by = reqs[i].p.by;
    if (more[i].live && (setup(&more[i].p, sv, qs, k, overall, recommend, more[i].e) ||
                         drivers_new(&more[i], qs, k, overall, 2)))
      nparts = 1;
  }
  size_t *hits0 = mi_line_calloc((n ? n : 1) * sizeof *hits0);
  size_t *hits1 = mi_line_calloc((n ? n : 1) * sizeof *hits1);
  /* One request: the scan leaves out the flagged rows itself (unless it
   * counts them by wave); several: each request counts its own. */
  int own = n > 1 || rs[0].count_waves;
  route rt[2] = {{reqs, n, own, NULL, 0, 0, hits0, 0}, {more, n, own, NULL, 0, 0, hits1, 0}};
  mi_survey_row_fn cbs[2] = {route_row, route_row};
  void *ctxs[2] = {&rt[0], &rt[1]};
  size_t flagged = 0;
  int rc = !hits0 || !hits1 ? mi_err_set(e, MI_ENOMEM, "out of memory")
           : !live          ? 0
                 : mi_survey_rows_scan_parts(s, rs[0].survey, wave_id, from, to,
                                             own ? 1 : rs[0].include_flagged, need, codes,
                                             scales, k, nparts, cbs, ctxs, &flagged, e);
  if (rc && rt[0].failed) *e = *rt[0].failed;
  else if (rc && rt[1].failed) *e = *rt[1].failed;
  if (!own) reqs[0].flagged = flagged;
  for (size_t i = 0; !rc && nparts == 2 && i < n; i++) {
    if (!reqs[i].live) continue;
    reqs[i].flagged += own ? more[i].flagged : 0;
    if (!pass_merge(&reqs[i].p, &more[i].p, &errs[i]) &&
        (!reqs[i].drv || !mi_drivers_merge(reqs[i].drv, more[i].drv, &errs[i])) &&
        (!counts_merge(&reqs[i], &more[i]) || !mi_err_set(&errs[i], MI_ENOMEM, "out of memory")))
      continue;
    reqs[i].live = 0; /* its error stays in errs[i] */
    if (errs[i].code == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  for (size_t i = 0; more && i < n; i++) one_free(&more[i]);
  free(more), free(more_errs), free(hits0), free(hits1);
  for (size_t i = 0; !rc && i < n; i++) {
    one *o = &reqs[i];
    for (size_t j = 0; o->live && o->derived && j < o->nsrc; j++) {
      const one *src = &reqs[o->src[j]];
      o->flagged += src->flagged;
      if (pass_merge(&o->p, &src->p, &errs[i])) {
        o->live = 0; /* its error stays in errs[i] */
        if (errs[i].code == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
      }
    }
  }
  for (size_t i = 0; !rc && i < n; i++)
    if (reqs[i].live && !(outs[i] = result(&reqs[i], qs)) && errs[i].code == MI_ENOMEM)
      rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) one_free(&reqs[i]);
  free(reqs);
  if (rc)
    for (size_t i = 0; i < n; i++) json_decref(outs[i]), outs[i] = NULL;
  return rc;
}
