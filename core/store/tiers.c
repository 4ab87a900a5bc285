#include "store/tiers.h"

#include <string.h>

#include "store/put.h"
#include "store/store_internal.h"
#include "util/strbuf.h"

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

/* Rows per multi-row statement: 64 history rows bind 448 values, far below
 * SQLite's limit, and one statement's fixed cost spread over 64 rows is
 * small. */
enum { GROUP = 64 };

/* "UPDATE ... CASE id WHEN ?1 THEN ?2 ... END WHERE id IN (?1, ?3, ...)" for
 * n rows, and the n-row INSERT of their history, into buf. OR IGNORE: a row
 * the schema would refuse is skipped instead of aborting the statement (which
 * would need a statement journal); the caller counts the rows changed and
 * fails the call when one is missing. */
static int update_sql(int n, mi_strbuf *b) {
  int rc = mi_strbuf_appends(b, "UPDATE OR IGNORE customers SET tier = CASE id");
  for (int i = 0; i < n; i++) rc |= mi_strbuf_appendf(b, " WHEN ?%d THEN ?%d", 2 * i + 1, 2 * i + 2);
  rc |= mi_strbuf_appends(b, " END WHERE id IN (");
  for (int i = 0; i < n; i++) rc |= mi_strbuf_appendf(b, "%s?%d", i ? ", " : "", 2 * i + 1);
  return rc | mi_strbuf_appendc(b, ')');
}

static int history_sql(int n, mi_strbuf *b) {
  /* ?1 policy, ?2 job, ?3 instant; then 4 values a row */
  int rc = mi_strbuf_appends(b, "INSERT OR IGNORE INTO tier_history(customer_id, old_tier, new_tier, reason,"
                       " policy, job_id, changed_at) VALUES ");
  for (int i = 0; i < n; i++) {
    int k = 4 + 4 * i;
    rc |= mi_strbuf_appendf(b, "%s(?%d, ?%d, ?%d, ?%d, ?1, ?2, ?3)", i ? ", " : "", k, k + 1,
                            k + 2, k + 3);
  }
  return rc;
}

/* The statement for n rows: the cached one for a full group, else a new one
 * (*owned: the caller finalizes it). */
static sqlite3_stmt *group_stmt(mi_store *s, enum mi_stmt_slot slot, int n,
                                int (*sql)(int, mi_strbuf *), int *owned, mi_err *e) {
  *owned = 0;
  if (n == GROUP && s->stmt[slot]) return mi_store_stmt(s, slot, "", e); /* prepared already */
  mi_strbuf b = {0};
  int bad = sql(n, &b);
  sqlite3_stmt *st = NULL;
  *owned = n != GROUP;
  if (bad || !b.data) {
    mi_err_set(e, MI_ENOMEM, "out of memory storing tiers");
  } else if (!*owned) {
    st = mi_store_stmt(s, slot, b.data, e);
  } else if (sqlite3_prepare_v2(s->db, b.data, -1, &st, NULL) != SQLITE_OK) {
    mi_store_fail(s, e, "preparing a statement");
    st = NULL;
  }
  mi_strbuf_free(&b);
  return st;
}

static int run_group(mi_store *s, sqlite3_stmt *st, int owned, int want, const char *what,
                     mi_err *e) {
  int rc = sqlite3_step(st);
  int changed = sqlite3_changes(s->db);
  if (rc != SQLITE_DONE) rc = mi_store_fail(s, e, what);
  else if (changed != want)
    rc = mi_err_set(e, MI_EINVAL, "%s: %d of %d rows were refused by the schema or are gone; "
                    "nothing of the chunk was kept", what, want - changed, want);
  else rc = 0;
  if (owned) sqlite3_finalize(st);
  else sqlite3_reset(st);
  return rc;
}

int mi_tier_set_many(mi_store *s, const mi_tier_change *c, int n, const char *policy,
                     int64_t job_id, int64_t at, mi_err *e) {
  if (!s || (n > 0 && !c)) return mi_err_set(e, MI_EINVAL, "tier changes need a store");
  for (int from = 0; from < n; from += GROUP) {
    int m = n - from < GROUP ? n - from : GROUP, owned;
    const mi_tier_change *g = c + from;
    for (int i = 0; i < m; i++)
      if (!g[i].new_tier || !g[i].reason)
        return mi_err_set(e, MI_EINVAL, "tier change needs a tier and a reason");
    sqlite3_stmt *u = group_stmt(s, MI_SQL_TIER_SET_MANY, m, update_sql, &owned, e);
    if (!u) return e ? e->code : MI_ESTORE;
    for (int i = 0; i < m; i++) {
      sqlite3_bind_int64(u, 2 * i + 1, g[i].customer_id);
      sqlite3_bind_text(u, 2 * i + 2, g[i].new_tier, -1, SQLITE_STATIC);
    }
    int rc = run_group(s, u, owned, m, "setting tiers", e);
    if (rc) return rc;
    sqlite3_stmt *h = group_stmt(s, MI_SQL_TIER_HISTORY_MANY, m, history_sql, &owned, e);
    if (!h) return e ? e->code : MI_ESTORE;
    mi_bind_text_or_null(h, 1, policy);
    mi_bind_int64_opt(h, 2, job_id != 0, job_id);
    sqlite3_bind_int64(h, 3, at);
    for (int i = 0; i < m; i++) {
      int k = 4 + 4 * i;
      sqlite3_bind_int64(h, k, g[i].customer_id);
      mi_bind_text_or_null(h, k + 1, g[i].old_tier);
      sqlite3_bind_text(h, k + 2, g[i].new_tier, -1, SQLITE_STATIC);
      sqlite3_bind_text(h, k + 3, g[i].reason, -1, SQLITE_STATIC);
    }
    if ((rc = run_group(s, h, owned, m, "recording tier changes", e))) return rc;
  }
  return 0;
}
