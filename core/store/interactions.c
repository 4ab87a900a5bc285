#include "store/interactions.h"

#include "store/put.h"

static int bind_interaction(sqlite3_stmt *st, const void *row) {
  const mi_interaction *it = row;
  int rc = sqlite3_bind_text(st, 1, it->external_id, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_int64(st, 2, it->customer_id);
  rc |= sqlite3_bind_text(st, 3, it->channel, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_text(st, 4, it->direction, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_int64(st, 5, it->occurred_at);
  rc |= mi_bind_int64_opt(st, 6, it->staff_id != 0, it->staff_id);
  rc |= mi_bind_text_or_null(st, 7, it->summary);
  return rc;
}

int mi_interaction_put(mi_store *s, const mi_interaction *it, mi_err *e) {
  if (!s || !it || !it->external_id || !it->channel || !it->direction)
    return mi_err_set(e, MI_EINVAL, "interaction needs an external id, a channel and a direction");
  return mi_store_put(
      s, MI_SQL_INTERACTION_INSERT,
      "INSERT INTO interactions(external_id, customer_id, channel, direction, occurred_at,"
      " staff_id, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
      " ON CONFLICT(external_id) DO NOTHING",
      MI_SQL_INTERACTION_UPDATE,
      "UPDATE interactions SET customer_id = ?2, channel = ?3, direction = ?4, occurred_at = ?5,"
      " staff_id = ?6, summary = ?7 WHERE external_id = ?1 AND (customer_id IS NOT ?2"
      " OR channel IS NOT ?3 OR direction IS NOT ?4 OR occurred_at IS NOT ?5"
      " OR staff_id IS NOT ?6 OR summary IS NOT ?7) RETURNING id",
      bind_interaction, it, NULL, "storing interaction", e);
}
