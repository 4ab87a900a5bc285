#include "store/invitations.h"

#include "store/put.h"

static int bind_invitation(sqlite3_stmt *st, const void *row) {
  const mi_invitation *v = row;
  int rc = sqlite3_bind_text(st, 1, v->external_id, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_int64(st, 2, v->survey_id);
  rc |= sqlite3_bind_int64(st, 3, v->customer_id);
  rc |= mi_bind_int64_opt(st, 4, v->ticket_id != 0, v->ticket_id);
  rc |= sqlite3_bind_text(st, 5, v->channel, -1, SQLITE_STATIC);
  rc |= mi_bind_text_or_null(st, 6, v->stratum);
  rc |= sqlite3_bind_double(st, 7, v->weight);
  rc |= sqlite3_bind_int64(st, 8, v->created_at);
  rc |= mi_bind_int64_opt(st, 9, v->wave_id != 0, v->wave_id);
  return rc;
}

int mi_invitation_put(mi_store *s, const mi_invitation *inv, int64_t *id, mi_err *e) {
  if (!s || !inv || !inv->external_id || !inv->channel)
    return mi_err_set(e, MI_EINVAL, "invitation needs an external id and a channel");
  return mi_store_put(
      s, MI_SQL_INVITATION_INSERT,
      "INSERT INTO invitations(external_id, survey_id, customer_id, ticket_id, channel, stratum,"
      " weight, created_at, wave_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
      " ON CONFLICT(external_id) DO NOTHING",
      MI_SQL_SLOT_COUNT, NULL, bind_invitation, inv, id, "storing invitation", e);
}
