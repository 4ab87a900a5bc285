#include "store/responses.h"

#include "store/put.h"

static int bind_response(sqlite3_stmt *st, const void *row) {
  const mi_response *r = row;
  int rc = sqlite3_bind_text(st, 1, r->external_id, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_int64(st, 2, r->survey_id);
  rc |= sqlite3_bind_int64(st, 3, r->customer_id);
  rc |= mi_bind_int64_opt(st, 4, r->invitation_id != 0, r->invitation_id);
  rc |= sqlite3_bind_int64(st, 5, r->submitted_at);
  rc |= mi_bind_int64_opt(st, 6, r->has_duration, r->duration_s);
  rc |= mi_bind_text_or_null(st, 7, r->channel);
  return rc;
}

int mi_response_put(mi_store *s, const mi_response *r, const mi_answer *answers, int nanswers,
                    mi_err *e) {
  if (!s || !r || !r->external_id || (nanswers && !answers))
    return mi_err_set(e, MI_EINVAL, "response needs an external id");
  int64_t id;
  int rc = mi_store_put(
      s, MI_SQL_RESPONSE_INSERT,
      "INSERT INTO responses(external_id, survey_id, customer_id, invitation_id, submitted_at,"
      " duration_s, channel) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
      " ON CONFLICT(external_id) DO NOTHING",
      MI_SQL_SLOT_COUNT, NULL, bind_response, r, &id, "storing response", e);
  if (rc != MI_PUT_INSERTED) return rc;
  for (int i = 0; i < nanswers; i++) {
    sqlite3_stmt *st = mi_store_stmt(
        s, MI_SQL_ANSWER_INSERT,
        "INSERT INTO answers(response_id, question_id, value, text) VALUES (?1, ?2, ?3, ?4)", e);
    if (!st) return e ? e->code : MI_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, answers[i].question_id);
    if (answers[i].text)
      sqlite3_bind_text(st, 4, answers[i].text, -1, SQLITE_STATIC);
    else
      sqlite3_bind_double(st, 3, answers[i].value);
    if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "storing answer");
  }
  return rc;
}
