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

static void read_row(sqlite3_stmt *st, mi_ledger_row *r) {
  r->id = sqlite3_column_int64(st, 0);
  r->customer_id = sqlite3_column_int64(st, 1);
  r->kind = (const char *)sqlite3_column_text(st, 2);
  r->points = sqlite3_column_int64(st, 3);
  r->reason = (const char *)sqlite3_column_text(st, 4);
  r->source = (const char *)sqlite3_column_text(st, 5);
  r->policy = (const char *)sqlite3_column_text(st, 6);
  r->idempotency_key = (const char *)sqlite3_column_text(st, 7);
  r->reverses_id = sqlite3_column_int64(st, 8);
  r->expires_at = sqlite3_column_int64(st, 9);
  r->created_at = sqlite3_column_int64(st, 10);
}

#define LEDGER_COLUMNS                                                                      \
  "SELECT id, customer_id, kind, points, reason, source, policy, idempotency_key,"          \
  " coalesce(reverses_id, 0), coalesce(expires_at, 0), created_at FROM loyalty_ledger "

static int each_row(mi_store *s, sqlite3_stmt *st, mi_ledger_cb cb, void *ctx, int *seen,
                    mi_err *e) {
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_ledger_row r;
    read_row(st, &r);
    if (seen) (*seen)++;
    int stop = cb(ctx, &r);
    if (stop) {
      sqlite3_reset(st);
      return stop;
    }
  }
  if (rc != SQLITE_DONE) return mi_store_fail(s, e, "reading the loyalty ledger");
  sqlite3_reset(st);
  return 0;
}

int mi_ledger_each(mi_store *s, int64_t customer_id, int newest_first, int limit, mi_ledger_cb cb,
                   void *ctx, mi_err *e) {
  if (!s || !cb) return mi_err_set(e, MI_EINVAL, "ledger read needs a store and a callback");
  sqlite3_stmt *st =
      newest_first
          ? mi_store_stmt(s, MI_SQL_LEDGER_LAST,
                          LEDGER_COLUMNS "WHERE customer_id = ?1 ORDER BY id DESC LIMIT ?2", e)
          : mi_store_stmt(s, MI_SQL_LEDGER_EACH,
                          LEDGER_COLUMNS "WHERE customer_id = ?1 ORDER BY id", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, customer_id);
  if (newest_first) sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
  return each_row(s, st, cb, ctx, NULL, e);
}

int mi_ledger_by_key(mi_store *s, const char *key, mi_ledger_cb cb, void *ctx, mi_err *e) {
  if (!s || !key || !cb) return mi_err_set(e, MI_EINVAL, "ledger lookup needs a key");
  sqlite3_stmt *st =
      mi_store_stmt(s, MI_SQL_LEDGER_BY_KEY, LEDGER_COLUMNS "WHERE idempotency_key = ?1", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
  int seen = 0;
  int rc = each_row(s, st, cb, ctx, &seen, e);
  if (rc) return rc;
  return seen ? 0 : mi_err_set(e, MI_ENOTFOUND, "no ledger entry with key '%s'", key);
}

int mi_ledger_expiring_customers(mi_store *s, int64_t as_of, int64_t after_id, int64_t *ids,
                                 int max, int *n, mi_err *e) {
  if (n) *n = 0;
  if (!s || !ids || max <= 0 || !n) return mi_err_set(e, MI_EINVAL, "no room for customer ids");
  /* The customer index gives customer_id order, so each chunk starts where
   * the last one stopped. */
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_LEDGER_EXPIRING,
      "SELECT DISTINCT l.customer_id FROM loyalty_ledger l"
      " WHERE l.customer_id > ?2 AND l.points > 0 AND l.expires_at <= ?1"
      " AND NOT EXISTS (SELECT 1 FROM loyalty_ledger x WHERE x.idempotency_key = 'expire:' || l.id)"
      " ORDER BY l.customer_id LIMIT ?3",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, as_of);
  sqlite3_bind_int64(st, 2, after_id);
  sqlite3_bind_int(st, 3, max);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) ids[(*n)++] = sqlite3_column_int64(st, 0);
  if (rc != SQLITE_DONE) return mi_store_fail(s, e, "finding expiring points");
  sqlite3_reset(st);
  return 0;
}
