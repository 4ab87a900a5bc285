/* Per-dimension figures and the customer effort score of `manyi survey
 * score`: each dimension's design-based mean (R: svymean of the row's item
 * mean on the waves' design, survey_design.c) with its 0-100 score and interval, and
 * Cronbach's alpha of its items (psych::alpha, reverse items turned round);
 * CES as the design-based mean of the effort question with the low- and
 * high-effort shares (svyciprop). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/survey_score_internal.h"

/* Columns: the k items, "score" (the row's mean of its answered items),
 * "weight" and the design's; owned by the caller (free cols and cells). With
 * in, the rows outside it keep only their weight and design cells: they
 * stay units of the design (domain estimation, as R's svyby / subset). */
typedef struct dim_table {
  mi_analysis_table t;
  const char **cols;
  mi_analysis_cell *cells;
} dim_table;

/* qi[0..k) index the questions of rows / qs. */
static int build(const mi_survey_rows *rows, const mi_config_question *const *qs,
                 const size_t *qi, size_t k, const mi_score_design *des,
                 const unsigned char *in, const char *name, dim_table *out, mi_err *e) {
  out->cols = calloc(k + 4, sizeof *out->cols);
  if (!out->cols) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t j = 0; j < k; j++) out->cols[j] = qs[qi[j]]->code;
  out->cols[k] = "score";
  out->cols[k + 1] = "weight";
  size_t ncols = k + 2 + mi_score_design_columns(des, out->cols + k + 2);
  out->cells = calloc((rows->nrows ? rows->nrows : 1) * ncols, sizeof *out->cells);
  if (!out->cells) return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; i < rows->nrows; i++) {
    mi_analysis_cell *row = &out->cells[i * ncols];
    double sum = 0;
    size_t cnt = 0;
    for (size_t j = 0; j < k && (!in || in[i]); j++) {
      double v = rows->values[i * rows->nquestions + qi[j]];
      if (isnan(v)) continue;
      v = mi_score_item(qs[qi[j]], v);
      row[j] = (mi_analysis_cell){.kind = MI_ANALYSIS_NUM, .num = v};
      sum += v, cnt++;
    }
    if (cnt) row[k] = (mi_analysis_cell){.kind = MI_ANALYSIS_NUM, .num = sum / (double)cnt};
    row[k + 1] = (mi_analysis_cell){.kind = MI_ANALYSIS_NUM, .num = rows->weight[i]};
    mi_score_design_cells(des, rows, i, &row[k + 2]);
  }
  out->t = (mi_analysis_table){.name = name, .nrows = rows->nrows, .ncols = ncols,
                               .cols = out->cols, .cells = out->cells};
  return 0;
}

static double num(const json_t *o, const char *key) {
  const json_t *v = json_object_get(o, key);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The dimension's object from the `mean` result m (taken) and alpha. */
static json_t *dimension_json(json_t *m, const dim_table *t, size_t k, double lo, double hi,
                              mi_err *e) {
  double span = hi - lo;
  json_t *items = json_array(), *o = json_object();
  for (size_t j = 0; j < k; j++) json_array_append_new(items, json_string(t->cols[j]));
  json_object_set(o, "n", json_object_get(m, "n"));
  mi_analysis_jset(o, "mean_raw", num(m, "mean"));
  mi_analysis_jset(o, "se_raw", num(m, "se"));
  mi_analysis_jset(o, "ci_lower_raw", num(m, "ci_lower"));
  mi_analysis_jset(o, "ci_upper_raw", num(m, "ci_upper"));
  mi_analysis_jset(o, "score", 100 * (num(m, "mean") - lo) / span);
  mi_analysis_jset(o, "se", 100 * num(m, "se") / span);
  mi_analysis_jset(o, "ci_lower", 100 * (num(m, "ci_lower") - lo) / span);
  mi_analysis_jset(o, "ci_upper", 100 * (num(m, "ci_upper") - lo) / span);
  json_object_set(o, "df", json_object_get(m, "df"));
  json_object_set_new(o, "items", items);
  json_decref(m);
  if (k < 2) {
    json_object_set_new(o, "alpha", json_null());
    return o;
  }
  char cols[2048];
  size_t len = 0;
  for (size_t j = 0; j < k && len < sizeof cols; j++)
    len += (size_t)snprintf(cols + len, sizeof cols - len, "%s%s", j ? "," : "", t->cols[j]);
  json_t *a = mi_score_run("alpha", &t->t, e, "cols", cols, NULL);
  if (!a && e->code == MI_ENOMEM) return json_decref(o), NULL;
  json_object_set_new(o, "alpha", mi_analysis_jnum(a ? num(a, "raw_alpha") : NAN));
  if (a) json_object_set(o, "alpha_n", json_object_get(a, "n"));
  else json_object_set_new(o, "alpha_error", json_string(e->msg)), mi_err_clear(e);
  json_decref(a);
  return o;
}

int mi_score_dimensions(json_t *out, const mi_config_survey *sv, const mi_survey_rows *rows,
                        const mi_config_question *const *qs, const mi_score_design *des,
                        const unsigned char *in, const char *conf, mi_err *e) {
  size_t *qi = calloc(rows->nquestions ? rows->nquestions : 1, sizeof *qi);
  json_t *dims = json_object();
  int rc = qi ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t d = 0; d < sv->ndimensions && !rc; d++) {
    const char *name = sv->dimensions[d].name;
    size_t k = 0;
    for (size_t q = 0; q < rows->nquestions; q++)
      if (qs[q]->dimension && !strcmp(qs[q]->dimension, name)) qi[k++] = q;
    if (!k) continue;
    dim_table t = {0};
    char what[128];
    snprintf(what, sizeof what, "%s: dimension %s", sv->code, name);
    if (!(rc = build(rows, qs, qi, k, des, in, what, &t, e))) {
      json_t *m = mi_score_run("mean", &t.t, e, "col", "score", "weight", "weight", "conf", conf,
                               MI_SCORE_DESIGN_OPTS(des), NULL);
      json_t *o = m ? dimension_json(m, &t, k, qs[qi[0]]->scale_min, qs[qi[0]]->scale_max, e)
                    : NULL;
      if (!m && e->code != MI_ENOMEM) {
        o = json_pack("{s:s}", "error", e->msg);
        mi_err_clear(e);
      }
      if (o) json_object_set_new(dims, name, o);
      else rc = e->code;
    }
    free(t.cols), free(t.cells);
  }
  free(qi);
  if (!rc && json_object_size(dims)) json_object_set(out, "dimensions", dims);
  json_decref(dims);
  return rc;
}

/* "a,b" of the two scale points at the low (or high) end; one point on a
 * scale of fewer than five. */
static void box(const mi_config_question *q, int low, char *buf, size_t size) {
  int two = q->scale_max - q->scale_min >= 4;
  int a = low ? q->scale_min : q->scale_max - two, b = a + two;
  if (two) snprintf(buf, size, "%d,%d", a, b);
  else snprintf(buf, size, "%d", low ? q->scale_min : q->scale_max);
}

int mi_score_ces(json_t *out, const mi_config_survey *sv, const mi_survey_rows *rows,
                 const mi_config_question *const *qs, const mi_score_design *des,
                 const unsigned char *in, const char *conf, mi_err *e) {
  size_t qi = 0;
  while (qi < rows->nquestions && !(qs[qi]->dimension && !strcmp(qs[qi]->dimension, "effort")))
    qi++;
  if (qi == rows->nquestions) return 0;
  const mi_config_question *q = qs[qi];
  dim_table t = {0};
  char what[128], low[32], high[32];
  snprintf(what, sizeof what, "%s: effort", sv->code);
  box(q, 1, low, sizeof low);
  box(q, 0, high, sizeof high);
  int rc = build(rows, qs, &qi, 1, des, in, what, &t, e);
  json_t *ces = rc ? NULL : mi_score_run("mean", &t.t, e, "col", q->code, "weight", "weight",
                                          "conf", conf, MI_SCORE_DESIGN_OPTS(des), NULL);
  if (ces) {
    json_object_set_new(ces, "scale_min", json_integer(q->scale_min));
    json_object_set_new(ces, "scale_max", json_integer(q->scale_max));
    json_object_set_new(ces, "reversed", json_boolean(q->reverse));
    if (mi_score_add_figure(ces, "low_effort", NULL,
                            mi_score_run("prop", &t.t, e, "col", q->code, "success", low,
                                         "weight", "weight", "conf", conf,
                                         MI_SCORE_DESIGN_OPTS(des), NULL), e) ||
        mi_score_add_figure(ces, "high_effort", NULL,
                            mi_score_run("prop", &t.t, e, "col", q->code, "success", high,
                                         "weight", "weight", "conf", conf,
                                         MI_SCORE_DESIGN_OPTS(des), NULL), e))
      json_decref(ces), ces = NULL, rc = e->code;
    else
      json_object_set_new(json_object_get(ces, "low_effort"), "values", json_string(low)),
      json_object_set_new(json_object_get(ces, "high_effort"), "values", json_string(high));
  }
  if (!rc) rc = mi_score_add_figure(out, "ces", q->code, ces, e);
  free(t.cols), free(t.cells);
  return rc;
}

int mi_score_csat(json_t *out, const mi_survey_rows *rows, const mi_config_question *const *qs,
                  size_t overall, const mi_score_design *des, const unsigned char *in,
                  const char *conf, mi_err *e) {
  const mi_config_question *q = qs[overall];
  dim_table t = {0};
  char success[32];
  snprintf(success, sizeof success, "%d,%d", q->scale_max - 1, q->scale_max);
  int rc = build(rows, qs, &overall, 1, des, in, "csat", &t, e);
  if (!rc)
    rc = mi_score_add_figure(out, "csat", q->code,
                             mi_score_run("prop", &t.t, e, "col", q->code, "success", success,
                                          "weight", "weight", "conf", conf,
                                          MI_SCORE_DESIGN_OPTS(des), NULL), e);
  free(t.cols), free(t.cells);
  return rc;
}
