/* "choices" of `manyi survey score`: for each choice question of the
 * survey, the share of the responses that answered it which chose each
 * choice, weighted by the design weights, with its design-based standard
 * error and interval: the mean of a 0/1 variable over the responses with an
 * answer, as `manyi stats prop` (and R's svymean) give it; with --by, also
 * per group, each a domain of the whole design. One pass over the
 * responses of the score (same period, wave and flags) with the choices of
 * each read in step by one cursor on a second connection (the scan's reader
 * thread steps the first); memory grows with strata and clusters, not rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "service/survey_score_internal.h"
#include "stats/stats.h"
#include "store/responses.h"
#include "store/survey_waves.h"
#include "util/codelist.h"
#include "util/textset.h"

typedef struct choices_pass {
  mi_store *reader; /* the cursor's connection */
  mi_choice_cursor *cursor;
  const mi_config_question **qs; /* the survey's choice questions */
  size_t nq, *first, ne;         /* first: qs[i]'s first estimate; ne: all */
  double *y;
  size_t *chosen; /* per domain (0: all, 1..: the groups) and estimate: the responses that chose it */
  size_t domains;  /* that chosen has room for */
  int by_kind;
  mi_stats_lin *lin;
  mi_textset strata, clusters, groups;
  int any_stratum, any_cluster;
  mi_err err; /* a row's failure (the scan keeps only the code) */
} choices_pass;

static int one_answer(void *ud, const char *question, const char *codes) {
  choices_pass *p = ud;
  for (size_t i = 0; i < p->nq; i++) {
    if (strcmp(p->qs[i]->code, question)) continue;
    /* a choice an older version had and this one has not counts in none */
    for (size_t j = 0; j < p->qs[i]->nchoices; j++)
      p->y[p->first[i] + j] = mi_codelist_has(codes, strlen(codes), p->qs[i]->choices[j],
                                              strlen(p->qs[i]->choices[j]));
  }
  return 0;
}

/* chosen with room for domain d. */
static int chosen_room(choices_pass *p, size_t d) {
  if (d < p->domains) return 0;
  size_t want = 2 * d + 2;
  size_t *grown = realloc(p->chosen, want * p->ne * sizeof *grown);
  if (!grown) return MI_ENOMEM;
  memset(grown + p->domains * p->ne, 0, (want - p->domains) * p->ne * sizeof *grown);
  p->chosen = grown, p->domains = want;
  return 0;
}

static int one_row(void *ctx, const mi_survey_row *r) {
  choices_pass *p = ctx;
  for (size_t k = 0; k < p->ne; k++) p->y[k] = NAN;
  int rc = mi_choice_cursor_answers(p->cursor, r->id, one_answer, p, &p->err);
  if (rc) return rc;
  const char *gt = mi_score_group_text(r, p->by_kind);
  size_t h = mi_textset_number(&p->strata, r->design_stratum);
  size_t c = *r->design_cluster ? mi_textset_number(&p->clusters, r->design_cluster)
                                 : MI_STATS_LIN_OWN;
  size_t g = *gt ? mi_textset_number(&p->groups, gt) + 1 : 0; /* domain 0: every row */
  if (h == (size_t)-1 || (*r->design_cluster && c == (size_t)-1) || (*gt && !g) ||
      chosen_room(p, g))
    return mi_err_set(&p->err, MI_ENOMEM, "out of memory");
  p->any_stratum |= *r->design_stratum != 0;
  p->any_cluster |= *r->design_cluster != 0;
  for (size_t k = 0; k < p->ne; k++) {
    p->chosen[k] += p->y[k] == 1;
    if (g) p->chosen[g * p->ne + k] += p->y[k] == 1;
  }
  return mi_stats_lin_add(p->lin, h, c, r->weight, p->y, g, &p->err);
}

/* One question's figures in domain d: {n, multiple, choices: [{choice,
 * text, chosen, p, se, ci_lower, ci_upper}]}, or NULL with e set. */
static json_t *question_json(choices_pass *p, size_t i, size_t d, double conf, mi_err *e) {
  const mi_config_question *q = p->qs[i];
  mi_stats_lonely_psu lonely = p->any_stratum ? MI_STATS_LONELY_ADJUST : MI_STATS_LONELY_FAIL;
  json_t *list = json_array(), *o = json_pack("{s:b}", "multiple", q->multiple);
  for (size_t j = 0; j < q->nchoices; j++) {
    mi_stats_design_mean_result r;
    if (mi_stats_lin_mean(p->lin, p->first[i] + j, d, conf, lonely, &r, e)) {
      json_decref(list), json_decref(o);
      return NULL;
    }
    if (j == 0) mi_analysis_jset_n(o, "n", r.n);
    json_t *c = json_pack("{s:s, s:s}", "choice", q->choices[j], "text", q->choice_texts[j]);
    mi_analysis_jset_n(c, "chosen", p->chosen[d * p->ne + p->first[i] + j]);
    mi_analysis_jset(c, "p", r.mean);
    mi_analysis_jset(c, "se", r.se);
    mi_analysis_jset(c, "ci_lower", r.ci_lower);
    mi_analysis_jset(c, "ci_upper", r.ci_upper);
    json_array_append_new(list, c);
  }
  json_object_set_new(o, "choices", list);
  return o;
}

static void pass_free(choices_pass *p) {
  free(p->qs), free(p->first), free(p->y), free(p->chosen);
  mi_stats_lin_free(p->lin);
  mi_textset_free(&p->strata), mi_textset_free(&p->clusters), mi_textset_free(&p->groups);
  mi_choice_cursor_close(p->cursor);
  mi_store_reader_close(p->reader);
}

int mi_score_choices(json_t *out, mi_store *s, const mi_config *cfg, const mi_score_request *r,
                     mi_err *e) {
  const mi_config_survey *sv = mi_config_find_survey(cfg, r->survey);
  choices_pass p = {.by_kind = mi_score_by_kind(r->by)};
  for (size_t i = 0; sv && i < sv->nquestions; i++) p.ne += sv->questions[i].nchoices;
  if (!p.ne) return 0; /* no choice question */
  double conf = r->conf ? strtod(r->conf, NULL) : 0.95; /* checked by the score before */
  p.qs = calloc(sv->nquestions, sizeof *p.qs);
  p.first = calloc(sv->nquestions, sizeof *p.first);
  p.y = calloc(p.ne, sizeof *p.y);
  p.chosen = calloc(p.ne, sizeof *p.chosen), p.domains = 1;
  p.lin = mi_stats_lin_new(p.ne, 0, 0, NULL);
  p.reader = mi_store_reader(s);
  int rc = p.qs && p.first && p.y && p.chosen && p.lin ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  if (!rc && !p.reader) /* an in-memory database (no responses survive a command) */
    rc = mi_err_set(e, MI_ESTORE, "the choices' shares need a database file");
  if (!rc && !(p.cursor = mi_choice_cursor_open(p.reader, e))) rc = e->code;
  for (size_t i = 0, k = 0; !rc && i < sv->nquestions; i++)
    if (sv->questions[i].nchoices)
      p.qs[p.nq] = &sv->questions[i], p.first[p.nq++] = k, k += sv->questions[i].nchoices;
  int64_t wave_id = 0;
  size_t flagged;
  if (!rc && r->wave) rc = mi_wave_get(s, r->survey, r->wave, &wave_id, NULL, 0, e);
  if (!rc)
    rc = mi_survey_rows_scan(s, r->survey, wave_id, r->from, r->to, r->include_flagged,
                             mi_score_by_need(r->by), NULL, NULL, 0, one_row, &p, &flagged, e);
  if (rc && p.err.code) *e = p.err;
  const char **levels = rc ? NULL : mi_textset_texts(&p.groups);
  size_t *order = rc ? NULL : calloc(p.groups.n + 1, sizeof *order);
  if (!rc && (!levels || !order)) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t j = 0; !rc && j < p.groups.n; j++) order[j] = j;
  for (size_t j = 1; !rc && j < p.groups.n; j++) /* the groups by name (few of them) */
    for (size_t k = j; k > 0 && strcmp(levels[order[k - 1]], levels[order[k]]) > 0; k--) {
      size_t t = order[k];
      order[k] = order[k - 1], order[k - 1] = t;
    }
  json_t *all = json_object();
  for (size_t i = 0; !rc && i < p.nq; i++) {
    json_t *q = NULL, *groups = json_object();
    for (size_t j = 0; !rc && j <= p.groups.n; j++) {
      size_t d = j ? order[j - 1] + 1 : 0;
      json_t *v = question_json(&p, i, d, conf, e);
      if (!v && e->code == MI_ENOMEM) rc = e->code;
      else if (!v) { /* too few answers: a fact about the data */
        v = json_pack("{s:s}", "error", e->msg);
        mi_err_clear(e);
      }
      if (j) json_object_set_new(groups, levels[d - 1], v);
      else q = v;
    }
    if (q && r->by) json_object_set(q, "groups", groups);
    json_decref(groups);
    if (q) json_object_set_new(all, p.qs[i]->code, q);
  }
  free(levels), free(order);
  if (!rc) json_object_set(out, "choices", all);
  json_decref(all);
  pass_free(&p);
  return rc;
}
