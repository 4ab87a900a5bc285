#include "store/outbox.h"

#include "store/put.h"
#include "store/store_internal.h"

int mi_outbox_add(mi_store *s, const mi_outbox_msg *m, int64_t now, mi_err *e) {
  if (!s || !m || !m->key || !m->kind || !m->channel || !m->recipient || !m->subject)
    return mi_err_set(e, MI_EINVAL, "an outbox message needs key, kind, channel, recipient and subject");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_OUTBOX_INSERT,
      "INSERT INTO outbox(key, kind, channel, recipient, customer_id, ticket_id, subject,"
      " payload, job_id, created_at, status, reason)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, coalesce(?11, 'ready'), ?12)"
      " ON CONFLICT(key) DO NOTHING",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, m->key, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, m->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, m->channel, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, m->recipient, -1, SQLITE_STATIC);
  mi_bind_int64_opt(st, 5, m->customer_id > 0, m->customer_id);
  mi_bind_int64_opt(st, 6, m->ticket_id > 0, m->ticket_id);
  sqlite3_bind_text(st, 7, m->subject, -1, SQLITE_STATIC);
  mi_bind_text_or_null(st, 8, m->payload_json);
  mi_bind_int64_opt(st, 9, m->job_id > 0, m->job_id);
  sqlite3_bind_int64(st, 10, now);
  mi_bind_text_or_null(st, 11, m->status);
  mi_bind_text_or_null(st, 12, m->reason);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "adding to the outbox");
  return sqlite3_changes(s->db) ? MI_PUT_INSERTED : MI_PUT_UNCHANGED;
}

int mi_outbox_count_keys(mi_store *s, const char *lo, const char *hi, int64_t *n, mi_err *e) {
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_OUTBOX_COUNT_KEYS,
                                   "SELECT count(*) FROM outbox WHERE key >= ?1 AND key < ?2", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  *n = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 0 : mi_store_fail(s, e, "counting outbox messages");
}
