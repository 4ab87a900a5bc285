#include "store/tiers.h"

#include <stdlib.h>
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

/* Rows per multi-row statement: a piece of a chunk's changes goes in
 * statements of 64 rows (64 history rows bind 259 values, far below SQLite's
 * limit, and one statement's fixed cost is spread over them), the rest in
 * statements of 8 and of 1. Each size is prepared once and kept: preparing a
 * statement of many parameters per chunk would cost more than it saves. */
static const int sizes[] = {64, 8, 1};
enum { NSIZES = 3 };
static const enum mi_stmt_slot set_slots[NSIZES] = {MI_SQL_TIER_SET_64, MI_SQL_TIER_SET_8,
                                                    MI_SQL_TIER_SET_1};
static const enum mi_stmt_slot history_slots[NSIZES] = {
    MI_SQL_TIER_HISTORY_64, MI_SQL_TIER_HISTORY_8, MI_SQL_TIER_HISTORY_1};

/* "UPDATE ... SET tier = ?1 WHERE id IN (?2, ...)" for n customers who get
 * the same tier (a batch gives few distinct tiers), and the n-row INSERT of
 * history rows. OR IGNORE: a row the schema would refuse is skipped instead
 * of aborting the statement (which would need a statement journal); the
 * caller counts the rows changed and fails the call when one is missing. */
static int update_sql(int n, mi_strbuf *b) {
  int rc = mi_strbuf_appends(b, "UPDATE OR IGNORE customers SET tier = ?1 WHERE id IN (");
  for (int i = 0; i < n; i++) rc |= mi_strbuf_appendf(b, "%s?%d", i ? ", " : "", i + 2);
  return rc | mi_strbuf_appendc(b, ')');
}

static int history_sql(int n, mi_strbuf *b) {
  /* ?1 policy, ?2 job, ?3 instant; then 4 values a row */
  int rc = mi_strbuf_appends(b, "INSERT OR IGNORE INTO tier_history(customer_id, old_tier,"
                                " new_tier, reason, policy, job_id, changed_at) VALUES ");
  for (int i = 0; i < n; i++) {
    int k = 4 + 4 * i;
    rc |= mi_strbuf_appendf(b, "%s(?%d, ?%d, ?%d, ?%d, ?1, ?2, ?3)", i ? ", " : "", k, k + 1,
                            k + 2, k + 3);
  }
  return rc;
}

/* The kept statement of size sizes[k]. */
static sqlite3_stmt *sized_stmt(mi_store *s, const enum mi_stmt_slot *slots, int k,
                                int (*sql)(int, mi_strbuf *), mi_err *e) {
  if (s->stmt[slots[k]]) return mi_store_stmt(s, slots[k], "", e); /* prepared already */
  mi_strbuf b = {0};
  sqlite3_stmt *st = NULL;
  if (sql(sizes[k], &b) || !b.data) mi_err_set(e, MI_ENOMEM, "out of memory storing tiers");
  else st = mi_store_stmt(s, slots[k], b.data, e);
  mi_strbuf_free(&b);
  return st;
}

/* The largest size that fits in n rows. */
static int size_for(int n) {
  int k = 0;
  while (sizes[k] > n) k++;
  return k;
}

static int run_group(mi_store *s, sqlite3_stmt *st, int want, const char *what, mi_err *e) {
  int rc = sqlite3_step(st);
  int changed = sqlite3_changes(s->db);
  if (rc != SQLITE_DONE) rc = mi_store_fail(s, e, what);
  else if (changed != want)
    rc = mi_err_set(e, MI_EINVAL, "%s: %d of %d rows were refused by the schema or are gone; "
                    "nothing of the chunk was kept", what, want - changed, want);
  else rc = 0;
  sqlite3_reset(st);
  return rc;
}

/* Sets tier to the customers ids[0..n). */
static int set_tier(mi_store *s, const char *tier, const int64_t *ids, int n, mi_err *e) {
  for (int from = 0; from < n;) {
    int k = size_for(n - from);
    sqlite3_stmt *u = sized_stmt(s, set_slots, k, update_sql, e);
    if (!u) return e ? e->code : MI_ESTORE;
    sqlite3_bind_text(u, 1, tier, -1, SQLITE_STATIC);
    for (int i = 0; i < sizes[k]; i++) sqlite3_bind_int64(u, i + 2, ids[from + i]);
    int rc = run_group(s, u, sizes[k], "setting tiers", e);
    if (rc) return rc;
    from += sizes[k];
  }
  return 0;
}

int mi_tier_set_many(mi_store *s, const mi_tier_change *c, int n, const char *policy,
                     int64_t job_id, int64_t at, mi_err *e) {
  if (!s || (n > 0 && !c)) return mi_err_set(e, MI_EINVAL, "tier changes need a store");
  for (int i = 0; i < n; i++)
    if (!c[i].new_tier || !c[i].reason)
      return mi_err_set(e, MI_EINVAL, "tier change needs a tier and a reason");
  if (n == 0) return 0;
  /* The customers of each new tier together, one tier after the other. */
  int64_t *ids = malloc((size_t)n * sizeof *ids);
  char *done = calloc((size_t)n, 1);
  int rc = ids && done ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory storing tiers");
  for (int i = 0; rc == 0 && i < n; i++) {
    if (done[i]) continue;
    int m = 0;
    for (int j = i; j < n; j++)
      if (!done[j] && !strcmp(c[j].new_tier, c[i].new_tier))
        done[j] = 1, ids[m++] = c[j].customer_id;
    rc = set_tier(s, c[i].new_tier, ids, m, e);
  }
  free(ids);
  free(done);
  /* Their history rows, in the order given. */
  for (int from = 0; rc == 0 && from < n;) {
    int k = size_for(n - from), m = sizes[k];
    sqlite3_stmt *h = sized_stmt(s, history_slots, k, history_sql, e);
    if (!h) return e ? e->code : MI_ESTORE;
    mi_bind_text_or_null(h, 1, policy);
    mi_bind_int64_opt(h, 2, job_id != 0, job_id);
    sqlite3_bind_int64(h, 3, at);
    for (int i = 0; i < m; i++) {
      const mi_tier_change *g = &c[from + i];
      int p = 4 + 4 * i;
      sqlite3_bind_int64(h, p, g->customer_id);
      mi_bind_text_or_null(h, p + 1, g->old_tier);
      sqlite3_bind_text(h, p + 2, g->new_tier, -1, SQLITE_STATIC);
      sqlite3_bind_text(h, p + 3, g->reason, -1, SQLITE_STATIC);
    }
    rc = run_group(s, h, m, "recording tier changes", e);
    from += m;
  }
  return rc;
}
