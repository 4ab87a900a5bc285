/* Sections 6-9 of the satisfaction report: key drivers with the
 * importance-performance quadrant, open-text and complaint categories as a
 * Pareto, the stored department evaluation, improvement actions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "service/improvement.h"
#include "service/survey_score.h"
#include "service/text_coding.h"
#include "store/evaluations.h"
#include "store/text_codes.h"

static json_t *jnum(double x) { return isfinite(x) ? json_real(x) : json_null(); }

static double num(const json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *dimension_of(const mi_config_survey *sv, const char *question) {
  for (size_t q = 0; q < sv->nquestions; q++)
    if (!strcmp(sv->questions[q].code, question) && sv->questions[q].dimension)
      return sv->questions[q].dimension;
  return NULL;
}

static const char *overall_of(const mi_config_survey *sv) {
  for (size_t q = 0; q < sv->nquestions; q++)
    if (sv->questions[q].dimension && !strcmp(sv->questions[q].dimension, "overall"))
      return sv->questions[q].code;
  return NULL;
}

/* Section 6, from the period's score (its "drivers", computed in the
 * report's pass). A failure of the data (too few complete answers, a
 * constant item) is reported in the section, not as an error of the report. */
static int drivers(const mi_config *cfg, json_t *doc, const json_t *cur) {
  const char *survey = json_string_value(json_object_get(doc, "survey"));
  const json_t *d = json_object_get(cur, "drivers");
  if (!d) {
    const char *why = json_string_value(json_object_get(cur, "drivers_error"));
    json_object_set_new(doc, "drivers", json_pack("{s:n, s:s}", "items", "reason",
                                                  why ? why : "no drivers were computed"));
    return 0;
  }
  const mi_config_survey *sv = mi_config_find_survey(cfg, survey);
  json_t *items = json_array(), *share;
  json_t *boot = json_object_get(json_object_get(d, "bootstrap"), "relative_weights_share");
  const char *q;
  json_object_foreach(json_object_get(d, "relative_weights_share"), q, share) {
    const json_t *quad = json_object_get(json_object_get(d, "quadrant"), q);
    const json_t *ci = json_object_get(boot, q);
    json_array_append_new(
        items, json_pack("{s:s, s:s?, s:o, s:o, s:o, s:o, s:o, s:s?}", "question", q,
                         "dimension", dimension_of(sv, q), "share", jnum(json_number_value(share)),
                         "share_lower", jnum(num(ci, "lower")), "share_upper",
                         jnum(num(ci, "upper")), "importance", jnum(num(quad, "importance")),
                         "performance", jnum(num(quad, "performance")), "quadrant",
                         json_string_value(json_object_get(quad, "quadrant"))));
  }
  json_t *split = json_object_get(d, "quadrant_split");
  json_object_set_new(
      doc, "drivers",
      json_pack("{s:s?, s:I, s:o, s:o, s:o, s:o, s:I, s:i}", "outcome", overall_of(sv), "n",
                json_integer_value(json_object_get(d, "n")), "r_squared",
                jnum(num(d, "r_squared")), "items", items, "split_importance",
                jnum(num(split, "importance")), "split_performance",
                jnum(num(split, "performance")), "bootstrap", (json_int_t)MI_REPORT_BOOTSTRAP,
                "seed", 1));
  json_object_set_new(json_object_get(doc, "drivers"), "method",
                      json_string("relative weights (Johnson 2000) of the dimension items in "
                                  "the regression of the overall question, share of R^2, with "
                                  "bootstrap percentile intervals (each replicate a Poisson(1) weight per "
                                  "response, drawn in the same pass as the estimate); unweighted, complete "
                                  "answers. Quadrant: importance = Shapley share, performance "
                                  "= the item's mean answer, split at their means over the items"));
  return 0;
}

static json_t *pareto(mi_store *s, const char *source, const char *survey, int64_t from,
                      int64_t to, mi_err *e) {
  mi_code_count *c;
  size_t n;
  int64_t texts, total = 0;
  if (mi_text_code_counts_between(s, source, survey, from, to, &c, &n, &texts, e)) return NULL;
  for (size_t i = 0; i < n; i++) total += c[i].count;
  json_t *o = json_pack("{s:I, s:I, s:o}", "texts_with_a_category", (json_int_t)texts,
                        "mentions", (json_int_t)total, "categories", mi_code_pareto(c, n));
  free(c);
  return o;
}

/* Section 7. */
static int categories(mi_store *s, json_t *doc, int64_t from, int64_t to, mi_err *e) {
  const char *survey = json_string_value(json_object_get(doc, "survey"));
  json_t *ans = pareto(s, "survey", survey, from, to, e);
  json_t *com = ans ? pareto(s, "complaint", NULL, from, to, e) : NULL;
  if (!com) {
    json_decref(ans);
    return e->code;
  }
  char note[200];
  snprintf(note, sizeof note, "categories stored by `manyi survey code %s --complaints` (texts "
           "not coded yet are not counted)", survey);
  json_object_set_new(doc, "categories", json_pack("{s:o, s:o, s:s}", "answers", ans,
                                                   "complaints", com, "note", note));
  return 0;
}

typedef struct evals {
  json_t *rows; /* by department code */
} evals;

static int one_eval(void *ud, const mi_evaluation_row *r) {
  evals *c = ud;
  json_t *row = json_object_get(c->rows, r->department);
  if (!row) {
    row = json_pack("{s:s, s:{}}", "department", r->department, "metrics");
    json_object_set_new(c->rows, r->department, row);
  }
  json_t *detail = r->detail_json ? json_loads(r->detail_json, 0, NULL) : NULL;
  if (!strcmp(r->metric, "score")) {
    json_object_set_new(row, "score", jnum(r->value));
    const char *keys[] = {"grade", "passed", "reasons"};
    for (int i = 0; i < 3; i++) {
      json_t *v = json_object_get(detail, keys[i]);
      json_object_set(row, keys[i], v ? v : json_null());
    }
    /* evaluations stored before the status was: judged from passed */
    const char *st = json_string_value(json_object_get(detail, "status"));
    json_t *passed = json_object_get(detail, "passed");
    if (!st) st = json_is_true(passed) ? "passed" : json_is_false(passed) ? "failed" : "not_assessed";
    json_object_set_new(row, "status", json_string(st));
  } else {
    /* a target that was not judged: met null, status not_assessed */
    int has_target = isfinite(r->target);
    json_object_set_new(json_object_get(row, "metrics"), r->metric,
                        json_pack("{s:o, s:o, s:o, s:s?}", "value", jnum(r->value), "target",
                                  jnum(r->target), "met",
                                  r->met < 0 ? json_null() : json_boolean(r->met), "status",
                                  !has_target ? NULL : r->met < 0 ? "not_assessed"
                                                     : r->met ? "met" : "not_met"));
  }
  json_decref(detail);
  return 0;
}

/* Section 8: what `manyi eval departments` stored for the period. */
static int departments(mi_store *s, const mi_config *cfg, json_t *doc, const char *label,
                       mi_err *e) {
  evals c = {json_object()};
  if (mi_evaluation_each(s, label, one_eval, &c, e)) {
    json_decref(c.rows);
    return e->code;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < cfg->ndepartments; i++) { /* in the configuration's order */
    json_t *row = json_object_get(c.rows, cfg->departments[i].code);
    if (!row) continue;
    json_object_set_new(row, "name", json_string(cfg->departments[i].name));
    json_array_append(arr, row);
  }
  const char *code = json_string_value(json_object_get(json_object_get(doc, "period"), "code"));
  char note[200];
  if (json_array_size(arr))
    snprintf(note, sizeof note, "as stored by `manyi eval departments --period %s`", code);
  else
    snprintf(note, sizeof note, "no evaluation of %s is stored: run `manyi eval departments "
             "--period %s`", label, code);
  json_object_set_new(doc, "departments", json_pack("{s:b, s:s, s:o}", "evaluated",
                                                    json_array_size(arr) > 0, "note", note,
                                                    "rows", arr));
  json_decref(c.rows);
  return 0;
}

typedef struct acts {
  int64_t from, to;
  json_t *arr;
} acts;

static int one_action(const mi_action_row *a, void *ud) {
  acts *c = ud;
  int done = !strcmp(a->stage, "done");
  if (a->created_at >= c->to || (done && a->updated_at < c->from)) return 0;
  json_t *o = mi_action_json(a);
  json_object_del(o, "notes"); /* a free-text log: may name people */
  json_object_del(o, "problem");
  json_object_set_new(o, "opened_in_period", json_boolean(a->created_at >= c->from));
  json_object_set_new(o, "closed_in_period", json_boolean(done && a->updated_at < c->to));
  double b = a->baseline_n ? (double)a->baseline_x / (double)a->baseline_n : NAN;
  double f = a->after_n ? (double)a->after_x / (double)a->after_n : NAN;
  json_object_set_new(o, "baseline_rate", jnum(b));
  json_object_set_new(o, "after_rate", jnum(f));
  json_object_set_new(o, "change", jnum(f - b));
  json_object_set_new(o, "significant", isnan(a->p_value) ? json_null()
                                                          : json_boolean(a->p_value < MI_REPORT_ALPHA));
  json_array_append_new(c->arr, o);
  return 0;
}

/* Section 9: actions open at some time in the period or closed in it. */
static int actions(mi_store *s, json_t *doc, int64_t from, int64_t to, mi_err *e) {
  acts c = {from, to, json_array()};
  if (mi_action_each(s, NULL, one_action, &c, e)) {
    json_decref(c.arr);
    return e->code;
  }
  json_object_set_new(doc, "actions", c.arr);
  return 0;
}

int mi_report_gather_more(mi_store *s, const mi_config *cfg, json_t *doc, const json_t *cur,
                          int64_t from, int64_t to, const char *label, mi_err *e) {
  int rc;
  if ((rc = drivers(cfg, doc, cur)) || (rc = categories(s, doc, from, to, e)) ||
      (rc = departments(s, cfg, doc, label, e)) || (rc = actions(s, doc, from, to, e)))
    return rc;
  return 0;
}
