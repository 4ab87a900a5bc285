#include "store/surveys.h"

#include <stdlib.h>
#include <string.h>

#include "store/put.h"

int mi_survey_latest(mi_store *s, const char *code, int64_t *survey_id, mi_err *e) {
  int rc = mi_store_lookup_id(s, MI_SQL_SURVEY_LATEST,
                            "SELECT id FROM surveys WHERE code = ?1 ORDER BY version DESC LIMIT 1",
                            code, survey_id, e);
  return rc == MI_ENOTFOUND ? mi_err_set(e, rc, "unknown survey '%s'", code) : rc;
}

/* Latest version of a survey and whether its definition equals json. */
static int latest_version(mi_store *s, const char *code, const char *json, int64_t *id,
                          int *version, int *same, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT id, version, definition = ?2 FROM surveys WHERE code = ?1"
                         " ORDER BY version DESC LIMIT 1",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading survey");
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  *id = 0;
  *version = 0;
  *same = 0;
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(st, 0);
    *version = sqlite3_column_int(st, 1);
    *same = sqlite3_column_int(st, 2);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "reading survey");
}

int mi_survey_same(mi_store *s, const char *code, const char *definition_json, mi_err *e) {
  if (!s || !code || !definition_json) return mi_err_set(e, MI_EINVAL, "survey needs a code and a definition");
  int64_t id;
  int v, same;
  if (latest_version(s, code, definition_json, &id, &v, &same, e)) return e ? e->code : MI_ESTORE;
  return same;
}

static int add_question(mi_store *s, int64_t survey_id, int position, const mi_question_def *q,
                        mi_err *e) {
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_QUESTION_INSERT,
      "INSERT INTO questions(survey_id, position, code, text, dimension, scale_min, scale_max,"
      " weight, reverse, open, choices, multiple)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, survey_id);
  sqlite3_bind_int(st, 2, position);
  sqlite3_bind_text(st, 3, q->code, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, q->text ? q->text : q->code, -1, SQLITE_STATIC);
  mi_bind_text_or_null(st, 5, q->dimension);
  mi_bind_int64_opt(st, 6, !q->open, q->scale_min);
  mi_bind_int64_opt(st, 7, !q->open, q->scale_max);
  sqlite3_bind_double(st, 8, q->weight);
  sqlite3_bind_int(st, 9, q->reverse != 0);
  sqlite3_bind_int(st, 10, q->open != 0);
  mi_bind_text_or_null(st, 11, q->choices);
  sqlite3_bind_int(st, 12, q->multiple != 0);
  if (sqlite3_step(st) != SQLITE_DONE) {
    mi_store_fail(s, e, "storing question");
    mi_err_prefix(e, "question '%s'", q->code);
    return e ? e->code : MI_ESTORE;
  }
  return 0;
}

int mi_survey_sync(mi_store *s, const mi_survey_def *def, int64_t now, int64_t *survey_id,
                   int *version, mi_err *e) {
  if (!s || !def || !def->code || !def->name || !def->kind || !def->definition_json ||
      (def->nquestions && !def->questions))
    return mi_err_set(e, MI_EINVAL, "survey needs a code, a name, a kind and a definition");
  int64_t id;
  int v, same;
  if (latest_version(s, def->code, def->definition_json, &id, &v, &same, e))
    return e ? e->code : MI_ESTORE;
  int rc = MI_PUT_UNCHANGED;
  if (!same) {
    sqlite3_stmt *st = mi_store_stmt(
        s, MI_SQL_SURVEY_INSERT,
        "INSERT INTO surveys(code, version, name, kind, definition, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        e);
    if (!st) return e ? e->code : MI_ESTORE;
    sqlite3_bind_text(st, 1, def->code, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, ++v);
    sqlite3_bind_text(st, 3, def->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, def->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, def->definition_json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    if (sqlite3_step(st) != SQLITE_ROW) return mi_store_fail(s, e, "storing survey");
    id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    for (int i = 0; i < def->nquestions; i++)
      if (add_question(s, id, i + 1, &def->questions[i], e)) return e ? e->code : MI_ESTORE;
    rc = MI_PUT_INSERTED;
  }
  if (survey_id) *survey_id = id;
  if (version) *version = v;
  return rc;
}

int mi_survey_questions(mi_store *s, int64_t survey_id, mi_question **out, int *n, mi_err *e) {
  if (!s || !out || !n) return mi_err_set(e, MI_EINVAL, "no survey given");
  *out = NULL;
  *n = 0;
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_QUESTION_LIST,
      "SELECT id, code, coalesce(dimension, ''), open, coalesce(scale_min, 0),"
      " coalesce(scale_max, 0), reverse, weight, coalesce(choices, ''), multiple"
      " FROM questions WHERE survey_id = ?1"
      " ORDER BY position",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, survey_id);
  int cap = 0, rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 16;
      mi_question *grown = realloc(*out, (size_t)cap * sizeof **out);
      if (!grown) {
        free(*out);
        *out = NULL;
        sqlite3_reset(st);
        return mi_err_set(e, MI_ENOMEM, "out of memory reading questions");
      }
      *out = grown;
    }
    mi_question *q = &(*out)[(*n)++];
    memset(q, 0, sizeof *q);
    q->id = sqlite3_column_int64(st, 0);
    snprintf(q->code, sizeof q->code, "%s", sqlite3_column_text(st, 1));
    snprintf(q->dimension, sizeof q->dimension, "%s", sqlite3_column_text(st, 2));
    q->open = sqlite3_column_int(st, 3);
    q->scale_min = sqlite3_column_int(st, 4);
    q->scale_max = sqlite3_column_int(st, 5);
    q->reverse = sqlite3_column_int(st, 6);
    q->weight = sqlite3_column_double(st, 7);
    snprintf(q->choices, sizeof q->choices, "%s", sqlite3_column_text(st, 8));
    q->multiple = sqlite3_column_int(st, 9);
  }
  if (rc != SQLITE_DONE) {
    free(*out);
    *out = NULL;
    *n = 0;
    return mi_store_fail(s, e, "reading questions");
  }
  return 0;
}
