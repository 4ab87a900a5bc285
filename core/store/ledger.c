#include "store/ledger.h"

#include "store/put.h"

static int bind_entry(sqlite3_stmt *st, const void *row) {
  const mi_ledger_entry *l = row;
  int rc = sqlite3_bind_int64(st, 1, l->customer_id);
  rc |= sqlite3_bind_text(st, 2, l->kind, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_int64(st, 3, l->points);
  rc |= sqlite3_bind_text(st, 4, l->reason, -1, SQLITE_STATIC);
  rc |= mi_bind_text_or_null(st, 5, l->source);
  rc |= mi_bind_text_or_null(st, 6, l->policy);
  rc |= sqlite3_bind_text(st, 7, l->idempotency_key, -1, SQLITE_STATIC);
  rc |= mi_bind_int64_opt(st, 8, l->reverses_id != 0, l->reverses_id);
  rc |= mi_bind_int64_opt(st, 9, l->expires_at != 0, l->expires_at);
  rc |= sqlite3_bind_int64(st, 10, l->created_at);
  return rc;
}

int mi_ledger_append(mi_store *s, const mi_ledger_entry *entry, int64_t *id, mi_err *e) {
  if (!s || !entry || !entry->kind || !entry->reason || !entry->idempotency_key)
    return mi_err_set(e, MI_EINVAL, "ledger entry needs a kind, a reason and an idempotency key");
  return mi_store_put(
      s, MI_SQL_LEDGER_INSERT,
      "INSERT INTO loyalty_ledger(customer_id, kind, points, reason, source, policy,"
      " idempotency_key, reverses_id, expires_at, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
      " ON CONFLICT(idempotency_key) DO NOTHING",
      MI_SQL_SLOT_COUNT, NULL, bind_entry, entry, id, "adding ledger entry", e);
}

int mi_ledger_balance(mi_store *s, int64_t customer_id, int64_t *balance, mi_err *e) {
  if (!s || !balance) return mi_err_set(e, MI_EINVAL, "no customer given");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_LEDGER_BALANCE,
      "SELECT coalesce(sum(points), 0) FROM loyalty_ledger WHERE customer_id = ?1", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, customer_id);
  if (sqlite3_step(st) != SQLITE_ROW) return mi_store_fail(s, e, "reading points balance");
  *balance = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return 0;
}
