#include "store/orders.h"

#include "store/put.h"

static int bind_order(sqlite3_stmt *st, const void *row) {
  const mi_order *o = row;
  int rc = sqlite3_bind_text(st, 1, o->external_id, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_int64(st, 2, o->customer_id);
  rc |= sqlite3_bind_int64(st, 3, o->amount_minor);
  rc |= sqlite3_bind_text(st, 4, o->currency, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_int64(st, 5, o->ordered_at);
  rc |= sqlite3_bind_text(st, 6, o->status, -1, SQLITE_STATIC);
  return rc;
}

int mi_order_put(mi_store *s, const mi_order *o, mi_err *e) {
  if (!s || !o || !o->external_id || !o->currency || !o->status)
    return mi_err_set(e, MI_EINVAL, "order needs an external id, a currency and a status");
  return mi_store_put(
      s, MI_SQL_ORDER_INSERT,
      "INSERT INTO orders(external_id, customer_id, amount_minor, currency, ordered_at, status)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(external_id) DO NOTHING",
      MI_SQL_ORDER_UPDATE,
      "UPDATE orders SET customer_id = ?2, amount_minor = ?3, currency = ?4, ordered_at = ?5,"
      " status = ?6 WHERE external_id = ?1 AND (customer_id IS NOT ?2 OR amount_minor IS NOT ?3"
      " OR currency IS NOT ?4 OR ordered_at IS NOT ?5 OR status IS NOT ?6) RETURNING id",
      bind_order, o, NULL, "storing order", e);
}
