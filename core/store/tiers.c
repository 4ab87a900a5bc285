#include "store/tiers.h"

#include <string.h>

#include "store/put.h"

int mi_tier_set(mi_store *s, int64_t customer_id, const char *new_tier, const char *reason,
                const char *policy, int64_t job_id, int64_t at, mi_err *e) {
  if (!s || !new_tier || !reason) return mi_err_set(e, MI_EINVAL, "tier change needs a tier and a reason");
  sqlite3_stmt *get = mi_store_stmt(s, MI_SQL_TIER_GET,
                                    "SELECT tier FROM customers WHERE id = ?1", e);
  if (!get) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(get, 1, customer_id);
  int rc = sqlite3_step(get);
  if (rc == SQLITE_DONE) return mi_err_set(e, MI_ENOTFOUND, "no customer with id %lld", (long long)customer_id);
  if (rc != SQLITE_ROW) return mi_store_fail(s, e, "reading tier");
  const unsigned char *old = sqlite3_column_text(get, 0);
  if (old && !strcmp((const char *)old, new_tier)) {
    sqlite3_reset(get);
    return MI_PUT_UNCHANGED;
  }
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_TIER_SET,
                                   "UPDATE customers SET tier = ?2 WHERE id = ?1", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, customer_id);
  sqlite3_bind_text(st, 2, new_tier, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "setting tier");
  sqlite3_stmt *h = mi_store_stmt(
      s, MI_SQL_TIER_HISTORY_INSERT,
      "INSERT INTO tier_history(customer_id, old_tier, new_tier, reason, policy, job_id,"
      " changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      e);
  if (!h) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(h, 1, customer_id);
  mi_bind_text_or_null(h, 2, (const char *)old);
  sqlite3_bind_text(h, 3, new_tier, -1, SQLITE_STATIC);
  sqlite3_bind_text(h, 4, reason, -1, SQLITE_STATIC);
  mi_bind_text_or_null(h, 5, policy);
  mi_bind_int64_opt(h, 6, job_id != 0, job_id);
  sqlite3_bind_int64(h, 7, at);
  rc = sqlite3_step(h);
  sqlite3_reset(get);
  if (rc != SQLITE_DONE) return mi_store_fail(s, e, "recording tier change");
  return MI_PUT_UPDATED;
}
