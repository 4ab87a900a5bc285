#include "store/responses.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/put.h"

/* A response and its scale answers as the JSON object of responses.scale_answers. */
typedef struct packed {
  const mi_response *r;
  const char *scale_answers; /* NULL: none */
} packed;

static int bind_response(sqlite3_stmt *st, const void *row) {
  const packed *p = row;
  const mi_response *r = p->r;
  int rc = sqlite3_bind_text(st, 1, r->external_id, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_int64(st, 2, r->survey_id);
  rc |= sqlite3_bind_int64(st, 3, r->customer_id);
  rc |= mi_bind_int64_opt(st, 4, r->invitation_id != 0, r->invitation_id);
  rc |= sqlite3_bind_int64(st, 5, r->submitted_at);
  rc |= mi_bind_int64_opt(st, 6, r->has_duration, r->duration_s);
  rc |= mi_bind_text_or_null(st, 7, r->channel);
  rc |= mi_bind_text_or_null(st, 8, p->scale_answers);
  return rc;
}

/* The scale answers as {"question id":value,...}, whole numbers without a
 * decimal point (how SQLite's JSON functions write them too). NULL when
 * there are none or out of memory (*oom set). */
static char *pack(const mi_answer *answers, int n, int *oom) {
  size_t cap = 2 + (size_t)n * 48, len = 0;
  char *out = malloc(cap);
  *oom = !out;
  if (!out) return NULL;
  out[len++] = '{';
  for (int i = 0; i < n; i++) {
    if (answers[i].text) continue;
    double v = answers[i].value;
    const char *sep = len > 1 ? "," : "";
    if (v == floor(v) && fabs(v) < 1e15)
      len += (size_t)snprintf(out + len, cap - len, "%s\"%lld\":%lld", sep,
                              (long long)answers[i].question_id, (long long)v);
    else
      len += (size_t)snprintf(out + len, cap - len, "%s\"%lld\":%.17g", sep,
                              (long long)answers[i].question_id, v);
  }
  if (len == 1) return free(out), NULL;
  out[len++] = '}', out[len] = 0;
  return out;
}

int mi_response_put(mi_store *s, const mi_response *r, const mi_answer *answers, int nanswers,
                    mi_err *e) {
  if (!s || !r || !r->external_id || (nanswers && !answers))
    return mi_err_set(e, MI_EINVAL, "response needs an external id");
  for (int i = 0; i < nanswers; i++)
    if (!answers[i].text && !isfinite(answers[i].value))
      return mi_err_set(e, MI_EINVAL, "answer to question %lld is not a number",
                        (long long)answers[i].question_id);
  int oom;
  packed p = {r, pack(answers, nanswers, &oom)};
  if (oom) return mi_err_set(e, MI_ENOMEM, "out of memory");
  int64_t id;
  /* The design is copied from the invitation here, so that the trigger
   * response_design (which keeps it right for any other writer) finds
   * nothing to change. */
  int rc = mi_store_put(
      s, MI_SQL_RESPONSE_INSERT,
      "INSERT INTO responses(external_id, survey_id, customer_id, invitation_id, submitted_at,"
      " duration_s, channel, scale_answers, weight, wave_id, stratum)"
      " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, coalesce(i.weight, 1), i.wave_id, i.stratum"
      " FROM (SELECT 1) LEFT JOIN invitations i ON i.id = ?4"
      " WHERE 1 ON CONFLICT(external_id) DO NOTHING",
      MI_SQL_SLOT_COUNT, NULL, bind_response, &p, &id, "storing response", e);
  free((char *)p.scale_answers);
  if (rc != MI_PUT_INSERTED) return rc;
  for (int i = 0; i < nanswers; i++) {
    if (!answers[i].text) continue;
    sqlite3_stmt *st = mi_store_stmt(
        s, MI_SQL_ANSWER_INSERT,
        "INSERT INTO answer_texts(response_id, question_id, text) VALUES (?1, ?2, ?3)", e);
    if (!st) return e ? e->code : MI_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, answers[i].question_id);
    sqlite3_bind_text(st, 3, answers[i].text, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "storing answer");
  }
  return rc;
}
