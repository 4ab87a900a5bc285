#include "service/survey_score.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "service/survey_score_internal.h"
#include "store/survey_rows.h"
#include "store/survey_waves.h"
#include "util/lines.h"

double mi_score_item(const mi_config_question *q, double v) {
  return q->reverse ? q->scale_min + q->scale_max - v : v;
}

/* The rows as an analysis table: the scale questions (reverse-scored ones
 * turned round: min + max - value), "weight", "group" and the design's. */
typedef struct table {
  mi_analysis_table t;
  const char **cols;
  mi_analysis_cell *cells;
} table;

static const char *const by_names[] = {"tier", "region", "stratum", "channel", "department", NULL};

static const char *group_of(const mi_survey_rows *rows, const char *by, size_t i) {
  if (!by) return NULL;
  const char **const cols[] = {rows->tier, rows->region, rows->stratum, rows->channel,
                               rows->department};
  for (int k = 0; by_names[k]; k++)
    if (!strcmp(by, by_names[k])) return cols[k][i];
  return NULL;
}

static int make_table(const mi_config_survey *sv, const mi_survey_rows *rows,
                      const mi_config_question *const *qs, const mi_score_design *des,
                      const mi_score_request *r, table *out, mi_err *e) {
  size_t k = rows->nquestions, j = 0;
  out->cols = calloc(k + 4, sizeof *out->cols);
  if (!out->cols) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t q = 0; q < k; q++) out->cols[q] = qs[q]->code;
  out->cols[k] = "weight";
  out->cols[k + 1] = "group";
  size_t ncols = k + 2 + mi_score_design_columns(des, out->cols + k + 2);
  out->cells = calloc((rows->nrows ? rows->nrows : 1) * ncols, sizeof *out->cells);
  if (!out->cells) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; i < rows->nrows; i++) {
    mi_analysis_cell *row = &out->cells[j++ * ncols];
    for (size_t q = 0; q < k; q++) {
      double v = rows->values[i * k + q];
      if (isnan(v)) continue; /* kind NIL: not answered */
      row[q] = (mi_analysis_cell){.kind = MI_ANALYSIS_NUM, .num = mi_score_item(qs[q], v)};
    }
    row[k] = (mi_analysis_cell){.kind = MI_ANALYSIS_NUM, .num = rows->weight[i]};
    const char *g = group_of(rows, r->by, i);
    if (g && *g) row[k + 1] = (mi_analysis_cell){.kind = MI_ANALYSIS_STR, .str = g};
    mi_score_design_cells(des, rows, i, &row[k + 2]);
  }
  out->t = (mi_analysis_table){.name = sv->code, .nrows = j, .ncols = ncols,
                               .cols = out->cols, .cells = out->cells};
  return 0;
}

json_t *mi_score_run(const char *name, const mi_analysis_table *t, mi_err *e, ...) {
  mi_analysis_args a = {.sub = name, .file = t->name, .table = t};
  va_list ap;
  va_start(ap, e);
  const char *k;
  while ((k = va_arg(ap, const char *)) && a.n < MI_ANALYSIS_MAX_OPTS) {
    const char *v = va_arg(ap, const char *);
    if (!v) continue; /* an option not given */
    a.names[a.n] = k, a.vals[a.n] = v, a.n++;
  }
  va_end(ap);
  return mi_analysis_find(name)->run(&a, e);
}

/* Too few answers, one sampling unit, a dimension without answers: a fact
 * about the data, not a failure of the other figures. */
int mi_score_add_figure(json_t *out, const char *name, const char *question, json_t *v,
                        mi_err *e) {
  if (v) {
    if (question) json_object_set_new(v, "question", json_string(question));
    json_object_set_new(out, name, v);
    return 0;
  }
  if (e->code == MI_ENOMEM) return e->code;
  char key[32];
  snprintf(key, sizeof key, "%s_error", name);
  json_object_set_new(out, key, json_string(e->msg));
  mi_err_clear(e);
  return 0;
}

/* "overall:1:1:5:q_overall,...;price:..." from the survey's weighted
 * dimensions and their scale questions (a dimension's items share a scale). */
static int dims_spec(const mi_config_survey *sv, char *buf, size_t size, mi_err *e) {
  size_t len = 0;
  buf[0] = 0;
  for (size_t d = 0; d < sv->ndimensions; d++) {
    const mi_config_dimension *dim = &sv->dimensions[d];
    int first = 1, lo = 0, hi = 0;
    for (size_t q = 0; q < sv->nquestions; q++) {
      const mi_config_question *qq = &sv->questions[q];
      if (qq->open || !qq->dimension || strcmp(qq->dimension, dim->name)) continue;
      if (first) {
        lo = qq->scale_min, hi = qq->scale_max;
        len += (size_t)snprintf(buf + len, size - len, "%s%s:%.17g:%d:%d:%s", len ? ";" : "",
                                dim->name, dim->weight, lo, hi, qq->code);
        first = 0;
      } else if (qq->scale_min != lo || qq->scale_max != hi) {
        return mi_err_set(e, MI_EINVAL, "dimension %s mixes scales (%d-%d and %s: %d-%d): the "
                          "index needs one scale per dimension", dim->name, lo, hi, qq->code,
                          qq->scale_min, qq->scale_max);
      } else {
        len += (size_t)snprintf(buf + len, size - len, ",%s", qq->code);
      }
      if (len >= size) return mi_err_set(e, MI_EINVAL, "too many dimensions and questions");
    }
  }
  return 0;
}

/* The request's responses read and put in a table; the overall and
 * recommendation questions found. Free with scored_free. */
typedef struct scored {
  const mi_config_survey *sv;
  const mi_config_question **qs, *overall, *recommend;
  const char **codes;
  mi_survey_scale *scales; /* the configuration's version: older answers are put in its terms */
  json_t *post;            /* what post-stratification did, or NULL */
  mi_score_design des;
  size_t k;
  mi_survey_rows rows;
  table t;
} scored;

static void scored_free(scored *c) {
  mi_survey_rows_free(&c->rows);
  free(c->t.cols), free(c->t.cells), free(c->qs), free(c->codes), free(c->scales);
  mi_score_design_free(&c->des);
  json_decref(c->post);
}

/* The customer base's levels (tier or region) with their counts, and the
 * rows' sum of weights in each. */
typedef struct population {
  size_t n, cap;
  struct level {
    char *name;
    double customers, weight;
  } *l;
} population;

static int add_level(void *ctx, const char *name, int64_t customers) {
  population *p = ctx;
  if (p->n == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 16;
    struct level *g = realloc(p->l, cap * sizeof *g);
    if (!g) return MI_ENOMEM;
    p->l = g, p->cap = cap;
  }
  p->l[p->n] = (struct level){strdup(name ? name : ""), (double)customers, 0};
  return p->l[p->n++].name ? 0 : MI_ENOMEM;
}

/* Post-stratification: each row's weight times N_level / (the level's sum of
 * weights), so the levels weigh as in the customer base. The standard errors
 * then treat these weights as given. */
static int poststratify(mi_store *s, const mi_score_request *r, scored *c, mi_err *e) {
  const char *by = r->poststratify;
  if (!by) return 0;
  population p = {0};
  int rc = mi_survey_population(s, by, add_level, &p, e);
  if (rc == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  const char **col = !strcmp(by, "tier") ? c->rows.tier : c->rows.region;
  size_t *of = rc ? NULL : calloc(c->rows.nrows ? c->rows.nrows : 1, sizeof *of);
  if (!rc && !of) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; !rc && i < c->rows.nrows; i++) {
    size_t j = i && col[i] == col[i - 1] ? of[i - 1] : 0; /* texts are stored once */
    while (j < p.n && strcmp(p.l[j].name, col[i])) j++;
    if (j == p.n) {
      rc = mi_err_set(e, MI_EINVAL, "post-stratifying: %s '%s' of a response is not in the "
                      "customer base", by, col[i]);
    } else {
      of[i] = j;
      p.l[j].weight += c->rows.weight[i];
    }
  }
  json_t *levels = json_object(), *missing = json_array();
  for (size_t j = 0; !rc && j < p.n; j++) {
    json_object_set_new(levels, p.l[j].name,
                        json_pack("{s:I, s:f}", "customers", (json_int_t)p.l[j].customers,
                                  "sample_weight", p.l[j].weight));
    if (p.l[j].weight <= 0) json_array_append_new(missing, json_string(p.l[j].name));
  }
  for (size_t i = 0; !rc && i < c->rows.nrows; i++)
    if (p.l[of[i]].weight > 0) c->rows.weight[i] *= p.l[of[i]].customers / p.l[of[i]].weight;
  if (!rc)
    c->post = json_pack("{s:s, s:O, s:O}", "by", by, "levels", levels, "without_responses", missing);
  json_decref(levels), json_decref(missing);
  for (size_t j = 0; j < p.n; j++) free(p.l[j].name);
  free(p.l), free(of);
  return rc;
}

/* The survey's scale questions (codes, scales, the overall and
 * recommendation questions) and the wave's id, before any row is read. */
static int prepare(mi_store *s, const mi_config *cfg, const mi_score_request *r, scored *c,
                   int64_t *wave_id, mi_err *e) {
  memset(c, 0, sizeof *c);
  *wave_id = 0;
  const mi_config_survey *sv = c->sv = mi_config_find_survey(cfg, r->survey);
  if (!sv) return mi_err_set(e, MI_EINVAL, "no survey '%s' in the configuration", r->survey);
  int known = !r->by;
  for (int k = 0; !known && by_names[k]; k++) known = !strcmp(r->by, by_names[k]);
  if (!known)
    return mi_err_set(e, MI_EINVAL, "--by '%s': use tier, region, stratum, channel or department",
                      r->by);
  c->qs = calloc(sv->nquestions ? sv->nquestions : 1, sizeof *c->qs);
  c->codes = calloc(sv->nquestions ? sv->nquestions : 1, sizeof *c->codes);
  c->scales = calloc(sv->nquestions ? sv->nquestions : 1, sizeof *c->scales);
  if (!c->qs || !c->codes || !c->scales) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t q = 0; q < sv->nquestions; q++) {
    const mi_config_question *qq = &sv->questions[q];
    if (qq->open) continue;
    c->scales[c->k] = (mi_survey_scale){qq->reverse, qq->scale_min, qq->scale_max};
    c->qs[c->k] = qq, c->codes[c->k++] = qq->code;
    const char *dim = qq->dimension ? qq->dimension : "";
    if (!c->overall && !strcmp(dim, "overall")) c->overall = qq;
    if (!c->recommend && !strcmp(dim, "recommendation") && qq->scale_min == 0 && qq->scale_max == 10)
      c->recommend = qq;
  }
  return r->wave ? mi_wave_get(s, r->survey, r->wave, wave_id, NULL, 0, e) : 0;
}

static int load(mi_store *s, const mi_config *cfg, const mi_score_request *r, scored *c, mi_err *e) {
  int64_t wave_id;
  int rc;
  if ((rc = prepare(s, cfg, r, c, &wave_id, e)) ||
      (rc = mi_survey_rows_read(s, r->survey, wave_id, r->from, r->to, r->include_flagged,
                                c->codes, c->scales, c->k, &c->rows, e)) ||
      (rc = poststratify(s, r, c, e)) || (rc = mi_score_design_init(&c->des, &c->rows, e)) ||
      (rc = make_table(c->sv, &c->rows, c->qs, &c->des, r, &c->t, e)))
    return rc;
  if (!c->t.t.nrows)
    return mi_err_set(e, MI_ENOTFOUND, "no responses to %s%s%s in the period%s", r->survey,
                      r->wave ? " in wave " : "", r->wave ? r->wave : "",
                      c->rows.flagged_left_out ? " (all flagged: see --include-flagged)" : "");
  return 0;
}

/* in[i] = 1 for the rows whose group (by) is level; the rows' texts are
 * stored once, so a pointer comparison is enough. */
static void mark(const mi_survey_rows *rows, const char *by, const char *level, unsigned char *in) {
  for (size_t i = 0; i < rows->nrows; i++) in[i] = group_of(rows, by, i) == level;
}

static int by_text(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "groups": per level of r->by its CSAT, dimensions and CES, each group a
 * domain of the whole design (NPS and the index carry their own groups). */
static int score_groups(json_t *out, const scored *c, const mi_score_request *r, size_t overall,
                        mi_err *e) {
  size_t n = 0;
  const char **levels = malloc((c->rows.nrows ? c->rows.nrows : 1) * sizeof *levels);
  unsigned char *in = malloc(c->rows.nrows ? c->rows.nrows : 1);
  int rc = levels && in ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; !rc && i < c->rows.nrows; i++) {
    const char *g = group_of(&c->rows, r->by, i);
    size_t j = 0;
    while (j < n && levels[j] != g) j++;
    if (j == n && *g) levels[n++] = g;
  }
  qsort(levels, n, sizeof *levels, by_text);
  json_t *groups = json_object();
  for (size_t j = 0; !rc && j < n; j++) {
    json_t *g = json_object();
    mark(&c->rows, r->by, levels[j], in);
    size_t m = 0;
    for (size_t i = 0; i < c->rows.nrows; i++) m += in[i];
    json_object_set_new(g, "responses", json_integer((json_int_t)m));
    if ((overall < c->k &&
         (rc = mi_score_csat(g, &c->rows, c->qs, overall, &c->des, in, r->conf, e))) ||
        (rc = mi_score_dimensions(g, c->sv, &c->rows, c->qs, &c->des, in, r->conf, e)) ||
        (rc = mi_score_ces(g, c->sv, &c->rows, c->qs, &c->des, in, r->conf, e))) {
      json_decref(g);
      break;
    }
    json_object_set_new(groups, levels[j], g);
  }
  if (!rc) json_object_set(out, "groups", groups);
  json_decref(groups);
  free(levels), free(in);
  return rc;
}

static int same_text(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

int mi_survey_score_many(mi_store *s, const mi_config *cfg, const mi_score_request *rs, size_t n,
                         json_t **outs, mi_err *errs, mi_err *e) {
  int together = n > 0 && !getenv("MANYI_SCORE_ROWS");
  for (size_t i = 0; together && i < n; i++) {
    int known = !rs[i].by;
    for (int k = 0; !known && by_names[k]; k++) known = !strcmp(rs[i].by, by_names[k]);
    together = known && !rs[i].poststratify && !strcmp(rs[i].survey, rs[0].survey) &&
               same_text(rs[i].wave, rs[0].wave);
  }
  if (!together) {
    for (size_t i = 0; i < n; i++) {
      mi_err_clear(&errs[i]);
      if (!(outs[i] = mi_survey_score(s, cfg, &rs[i], &errs[i])) && errs[i].code == MI_ENOMEM) {
        while (i > 0) json_decref(outs[--i]), outs[i] = NULL;
        return mi_err_set(e, MI_ENOMEM, "out of memory");
      }
    }
    return 0;
  }
  scored c;
  int64_t wave_id;
  int rc = prepare(s, cfg, &rs[0], &c, &wave_id, e);
  if (!rc)
    rc = mi_score_pass(s, rs, n, c.sv, c.qs, c.codes, c.scales, c.k, c.overall, c.recommend,
                       wave_id, outs, errs, e);
  scored_free(&c);
  return rc;
}

static json_t *score(mi_store *s, const mi_config *cfg, const mi_score_request *r, mi_err *e) {
  scored c;
  json_t *out = NULL;
  /* one pass in bounded memory, unless the rows are needed twice */
  if (!r->poststratify && !getenv("MANYI_SCORE_ROWS")) {
    int64_t wave_id;
    mi_err one;
    if (!prepare(s, cfg, r, &c, &wave_id, e) &&
        !mi_score_pass(s, r, 1, c.sv, c.qs, c.codes, c.scales, c.k, c.overall, c.recommend,
                       wave_id, &out, &one, e) && !out)
      *e = one;
    scored_free(&c);
    return out;
  }
  if (load(s, cfg, r, &c, e)) goto done;
  const mi_config_question *recommend = c.recommend;
  const table *t = &c.t;
  size_t overall = 0;
  while (overall < c.k && c.qs[overall] != c.overall) overall++;
  out = json_pack("{s:s, s:I, s:I}", "survey", r->survey, "responses", (json_int_t)t->t.nrows,
                  "flagged_left_out", (json_int_t)c.rows.flagged_left_out);
  if (c.post) json_object_set(out, "poststratified", c.post);
  const char *by = r->by ? "group" : NULL;
  char dims[4096];
  if (dims_spec(c.sv, dims, sizeof dims, e)) goto fail;
  if (overall < c.k && mi_score_csat(out, &c.rows, c.qs, overall, &c.des, NULL, r->conf, e))
    goto fail;
  if (recommend &&
      mi_score_add_figure(out, "nps", recommend->code,
                          mi_score_run("nps", &t->t, e, "col", recommend->code, "weight", "weight",
                                       "by", by, "conf", r->conf, MI_SCORE_DESIGN_OPTS(&c.des),
                                       NULL), e))
    goto fail;
  if (*dims && mi_score_add_figure(out, "index", NULL,
                                   mi_score_run("index", &t->t, e, "dims", dims, "weight", "weight",
                                                "by", by, MI_SCORE_DESIGN_OPTS(&c.des), NULL), e))
    goto fail;
  if ((mi_score_dimensions(out, c.sv, &c.rows, c.qs, &c.des, NULL, r->conf, e) ||
       mi_score_ces(out, c.sv, &c.rows, c.qs, &c.des, NULL, r->conf, e) ||
       (r->by && score_groups(out, &c, r, overall, e))))
    goto fail;
  goto done;
fail:
  json_decref(out);
  out = NULL;
done:
  scored_free(&c);
  return out;
}

int mi_drivers_row(void *ctx, const mi_survey_row *row) {
  mi_drivers_pass *d = ctx;
  d->rows++;
  int complete = !isnan(row->values[d->y]);
  d->z[0] = complete ? mi_score_item(d->qs[d->y], row->values[d->y]) : NAN;
  for (size_t j = 0; j < d->k; j++) {
    double v = row->values[d->item[j]];
    if (isnan(v)) {
      complete = 0;
      continue;
    }
    d->z[1 + j] = mi_score_item(d->qs[d->item[j]], v);
    d->perf_sum[j] += d->z[1 + j], d->perf_n[j]++;
  }
  if (complete) mi_stats_drivers_acc_add(d->acc, d->z);
  return 0;
}

static json_t *named_values(const mi_config_question *const *qs, const size_t *item,
                            const double *v, size_t k) {
  json_t *o = json_object();
  for (size_t j = 0; j < k; j++) mi_analysis_jset(o, qs[item[j]]->code, v[j]);
  return o;
}

static json_t *named_intervals(const mi_config_question *const *qs, const size_t *item,
                               const double *lo, const double *hi, size_t k) {
  json_t *o = json_object();
  for (size_t j = 0; j < k; j++) {
    json_t *x = json_object();
    mi_analysis_jset(x, "lower", lo[j]);
    mi_analysis_jset(x, "upper", hi[j]);
    json_object_set_new(o, qs[item[j]]->code, x);
  }
  return o;
}

/* The drivers' JSON, with the fields of `manyi stats drivers --performance`. */
static json_t *drivers_json(const mi_drivers_pass *d, const mi_stats_drivers_result *r,
                            const mi_stats_drivers_boot_result *b, int bootstrap, mi_err *e) {
  size_t k = d->k;
  double *perf = malloc(k * sizeof *perf);
  mi_stats_ipa_quadrant *quad = malloc(k * sizeof *quad);
  if (!perf || !quad) return free(perf), free(quad), mi_err_set(e, MI_ENOMEM, "out of memory"), NULL;
  for (size_t j = 0; j < k; j++) perf[j] = d->perf_sum[j] / (double)d->perf_n[j];
  if (mi_stats_ipa(r->shapley_share, perf, k, quad, e)) return free(perf), free(quad), NULL;
  json_t *o = json_object();
  mi_analysis_jset_n(o, "n", r->n);
  mi_analysis_jset_n(o, "n_missing", d->rows - r->n);
  mi_analysis_jset(o, "r_squared", r->r_squared);
  json_object_set_new(o, "standardized_beta", named_values(d->qs, d->item, r->standardized_beta, k));
  json_object_set_new(o, "relative_weights_raw", named_values(d->qs, d->item, r->relative_weights_raw, k));
  json_object_set_new(o, "relative_weights_share", named_values(d->qs, d->item, r->relative_weights_share, k));
  json_object_set_new(o, "shapley_raw", named_values(d->qs, d->item, r->shapley_raw, k));
  json_object_set_new(o, "shapley_share", named_values(d->qs, d->item, r->shapley_share, k));
  json_t *q = json_object();
  double mi = 0, mp = 0;
  for (size_t j = 0; j < k; j++) {
    json_t *x = json_object();
    mi_analysis_jset(x, "importance", r->shapley_share[j]);
    mi_analysis_jset(x, "performance", perf[j]);
    json_object_set_new(x, "quadrant", json_string(mi_stats_ipa_name(quad[j])));
    json_object_set_new(q, d->qs[d->item[j]]->code, x);
    mi += r->shapley_share[j] / (double)k, mp += perf[j] / (double)k;
  }
  json_object_set_new(o, "quadrant", q);
  json_object_set_new(o, "quadrant_split", json_pack("{s:f, s:f}", "importance", mi, "performance", mp));
  if (bootstrap > 1) {
    json_t *bo = json_pack("{s:i, s:i, s:f, s:I, s:s}", "replicates", bootstrap, "seed", 1, "conf",
                           0.95, "skipped", (json_int_t)b->skipped, "method",
                           "Poisson(1) replicate weights per response, drawn in the same pass "
                           "(folded in two threads: random streams of seeds 1 and 2)");
    json_object_set_new(bo, "relative_weights_share",
                        named_intervals(d->qs, d->item, b->rw_lower, b->rw_upper, k));
    json_object_set_new(bo, "shapley_share", named_intervals(d->qs, d->item, b->sh_lower, b->sh_upper, k));
    json_object_set_new(o, "bootstrap", bo);
  }
  free(perf), free(quad);
  return o;
}

int mi_drivers_setup(mi_drivers_pass *d, const char *survey, const mi_config_question *const *qs,
                     size_t k, const mi_config_question *overall, int bootstrap, unsigned long seed,
                     mi_err *e) {
  memset(d, 0, sizeof *d);
  d->qs = qs;
  if (!overall)
    return mi_err_set(e, MI_EINVAL, "survey %s has no overall question (dimension overall)", survey);
  d->item = calloc(k ? k : 1, sizeof *d->item);
  d->z = mi_line_calloc((k + 1) * sizeof *d->z);
  d->perf_sum = mi_line_calloc((k ? k : 1) * sizeof *d->perf_sum);
  d->perf_n = mi_line_calloc((k ? k : 1) * sizeof *d->perf_n);
  if (!d->item || !d->z || !d->perf_sum || !d->perf_n) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t q = 0; q < k; q++) {
    const char *dim = qs[q]->dimension;
    if (qs[q] == overall) d->y = q;
    if (!dim || !strcmp(dim, "overall") || !strcmp(dim, "recommendation")) continue;
    d->item[d->k++] = q;
  }
  if (!d->k) return mi_err_set(e, MI_EINVAL, "survey %s has no dimension questions to be drivers", survey);
  if (d->k > MI_STATS_DRIVERS_MAX)
    return mi_err_set(e, MI_EINVAL, "%zu driver questions: at most %d", d->k, MI_STATS_DRIVERS_MAX);
  if (!(d->acc = mi_stats_drivers_acc_new(d->k, bootstrap > 1 ? (size_t)bootstrap : 0, seed)))
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  /* centred on the scales' middles, so that parts folded apart can be added */
  double centre[MI_STATS_DRIVERS_MAX + 1];
  centre[0] = (qs[d->y]->scale_min + qs[d->y]->scale_max) / 2.0;
  for (size_t j = 0; j < d->k; j++)
    centre[1 + j] = (qs[d->item[j]]->scale_min + qs[d->item[j]]->scale_max) / 2.0;
  mi_stats_drivers_acc_centre(d->acc, centre);
  d->bootstrap = bootstrap;
  return 0;
}

void mi_drivers_free(mi_drivers_pass *d) {
  mi_stats_drivers_acc_free(d->acc);
  free(d->item), free(d->z), free(d->perf_sum), free(d->perf_n);
  memset(d, 0, sizeof *d);
}

int mi_drivers_merge(mi_drivers_pass *a, const mi_drivers_pass *b, mi_err *e) {
  if (mi_stats_drivers_acc_merge(a->acc, b->acc, e)) return e->code;
  a->rows += b->rows;
  for (size_t j = 0; j < a->k; j++) a->perf_sum[j] += b->perf_sum[j], a->perf_n[j] += b->perf_n[j];
  return 0;
}

json_t *mi_drivers_result(const mi_drivers_pass *d, mi_err *e) {
  mi_stats_drivers_result pr;
  mi_stats_drivers_boot_result br;
  if (mi_stats_drivers_acc_result(d->acc, 0.95, &pr, &br, e)) return NULL;
  json_t *out = drivers_json(d, &pr, &br, d->bootstrap, e);
  mi_stats_drivers_free(&pr);
  mi_stats_drivers_boot_free(&br);
  return out;
}

json_t *mi_survey_drivers(mi_store *s, const mi_config *cfg, const mi_score_request *r,
                          int bootstrap, mi_err *e) {
  scored c;
  int64_t wave_id;
  json_t *out = NULL;
  /* two parts folded in two threads, each with its own replicates' random
   * stream (seeds 1 and 2), added up */
  mi_drivers_pass d[2];
  memset(d, 0, sizeof d);
  if (prepare(s, cfg, r, &c, &wave_id, e)) return NULL;
  size_t flagged;
  mi_survey_row_fn cbs[2] = {mi_drivers_row, mi_drivers_row};
  void *ctxs[2] = {&d[0], &d[1]};
  if (!mi_drivers_setup(&d[0], r->survey, c.qs, c.k, c.overall, bootstrap, 1, e) &&
      !mi_drivers_setup(&d[1], r->survey, c.qs, c.k, c.overall, bootstrap, 2, e) &&
      !mi_survey_rows_scan_parts(s, r->survey, wave_id, r->from, r->to, r->include_flagged, 0,
                                 c.codes, c.scales, c.k, 2, cbs, ctxs, &flagged, e) &&
      !mi_drivers_merge(&d[0], &d[1], e))
    out = mi_drivers_result(&d[0], e);
  mi_drivers_free(&d[0]), mi_drivers_free(&d[1]);
  scored_free(&c);
  return out;
}

json_t *mi_survey_score(mi_store *s, const mi_config *cfg, const mi_score_request *r, mi_err *e) {
  json_t *out = score(s, cfg, r, e);
  if (out && mi_score_choices(out, s, cfg, r, e)) {
    json_decref(out);
    return NULL;
  }
  return out;
}
