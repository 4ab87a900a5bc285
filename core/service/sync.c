#include "service/sync.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/departments.h"
#include "store/store.h"
#include "store/surveys.h"

_Static_assert(MI_CHOICES_TEXT == sizeof ((mi_question *)0)->choices, "one limit for the choices");

/* The survey's definition as canonical JSON: a change to any of it is a new
 * questionnaire version. Caller frees the result. */
static char *survey_json(const mi_config_survey *sv) {
  json_t *dims = json_object(), *qs = json_array();
  for (size_t i = 0; i < sv->ndimensions; i++)
    json_object_set_new(dims, sv->dimensions[i].name, json_real(sv->dimensions[i].weight));
  for (size_t i = 0; i < sv->nquestions; i++) {
    const mi_config_question *q = &sv->questions[i];
    json_t *jq = json_pack("{s:s, s:s, s:b}", "code", q->code, "text", q->text, "open", q->open);
    if (q->dimension) json_object_set_new(jq, "dimension", json_string(q->dimension));
    if (q->nchoices) {
      json_t *ch = json_array();
      for (size_t k = 0; k < q->nchoices; k++)
        json_array_append_new(ch, json_pack("[s, s]", q->choices[k], q->choice_texts[k]));
      json_object_set_new(jq, "choices", ch);
      json_object_set_new(jq, "multiple", json_boolean(q->multiple));
    } else if (!q->open) {
      json_object_set_new(jq, "scale", json_pack("[i, i]", q->scale_min, q->scale_max));
      json_object_set_new(jq, "weight", json_real(q->weight));
      json_object_set_new(jq, "reverse", json_boolean(q->reverse));
    }
    json_array_append_new(qs, jq);
  }
  json_t *root = json_pack("{s:s, s:s, s:s, s:o, s:o}", "code", sv->code, "name", sv->name,
                           "kind", mi_config_survey_kind_name(sv->kind), "dimensions", dims,
                           "questions", qs);
  char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
  json_decref(root);
  return text;
}

static int sync_survey(mi_store *s, const mi_config_survey *sv, int64_t now, int *added,
                       mi_err *e) {
  char *json = survey_json(sv);
  mi_question_def *qs = calloc(sv->nquestions ? sv->nquestions : 1, sizeof *qs);
  char *choices = calloc(sv->nquestions ? sv->nquestions : 1, MI_CHOICES_TEXT);
  int rc;
  if (!json || !qs || !choices) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory storing survey %s", sv->code);
    goto done;
  }
  for (size_t i = 0; i < sv->nquestions; i++) {
    const mi_config_question *q = &sv->questions[i];
    char *joined = choices + i * MI_CHOICES_TEXT; /* fits: load_surveys.c checks */
    for (size_t k = 0; k < q->nchoices; k++)
      strcat(strcat(joined, k ? ";" : ""), q->choices[k]);
    qs[i] = (mi_question_def){q->code,      q->text,      q->dimension,
                              q->open,      q->scale_min, q->scale_max,
                              q->weight,    q->reverse,   q->nchoices ? joined : NULL,
                              q->multiple};
  }
  mi_survey_def def = {sv->code, sv->name, mi_config_survey_kind_name(sv->kind), json, qs,
                       (int)sv->nquestions};
  rc = mi_survey_sync(s, &def, now, NULL, NULL, e);
  if (rc == MI_PUT_INSERTED) (*added)++;
done:
  free(json);
  free(qs);
  free(choices);
  return rc < 0 ? rc : 0;
}

/* 1 when the store already matches the configuration, 0 when not, or a
 * negative code. Only reads: a database in WAL mode lets readers run beside a
 * writer, and a command that only reads (a REPL during an import) must not
 * wait for the write lock when there is nothing to bring in line. */
static int in_line(mi_store *s, const mi_config *cfg, mi_err *e) {
  for (size_t i = 0; i < cfg->ndepartments; i++) {
    const mi_config_department *d = &cfg->departments[i];
    int rc = mi_department_same(s, d->code, d->name, d->calendar ? d->calendar->name : NULL, e);
    if (rc <= 0) return rc;
  }
  for (size_t i = 0; i < cfg->nsurveys; i++) {
    char *json = survey_json(&cfg->surveys[i]);
    if (!json) return mi_err_set(e, MI_ENOMEM, "out of memory reading survey %s", cfg->surveys[i].code);
    int rc = mi_survey_same(s, cfg->surveys[i].code, json, e);
    free(json);
    if (rc <= 0) return rc;
  }
  return 1;
}

int mi_sync_config(mi_store *s, const mi_config *cfg, int64_t now, mi_sync_summary *summary,
                   mi_err *e) {
  if (!s || !cfg) return mi_err_set(e, MI_EINVAL, "no store or configuration");
  mi_sync_summary sum = {0};
  int same = in_line(s, cfg, e);
  if (same < 0) {
    mi_err_prefix(e, "comparing the database with %s", cfg->path);
    return same;
  }
  if (same) {
    if (summary) *summary = sum;
    return 0;
  }
  if (mi_store_begin(s, e)) return e ? e->code : MI_ESTORE;
  for (size_t i = 0; i < cfg->ndepartments; i++) {
    const mi_config_department *d = &cfg->departments[i];
    int rc = mi_department_put(s, d->code, d->name, d->calendar ? d->calendar->name : NULL, e);
    if (rc < 0) goto fail;
    sum.departments_added += rc == MI_PUT_INSERTED;
    sum.departments_changed += rc == MI_PUT_UPDATED;
  }
  for (size_t i = 0; i < cfg->nsurveys; i++)
    if (sync_survey(s, &cfg->surveys[i], now, &sum.surveys_added, e)) goto fail;
  if (mi_store_commit(s, e)) return e ? e->code : MI_ESTORE;
  if (summary) *summary = sum;
  return 0;
fail:
  mi_store_rollback(s);
  mi_err_prefix(e, "bringing the database in line with %s", cfg->path);
  return e && e->code ? e->code : MI_ESTORE;
}
