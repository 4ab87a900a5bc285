/* Whole-database questions: integrity, row counts, and the per-import key set. */
#include <string.h>

#include "store/store_internal.h"

int mi_store_check(mi_store *s, mi_err *e) {
  if (!s) return mi_err_set(e, MI_EINVAL, "no store");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "checking integrity");
  int rc = sqlite3_step(st);
  const char *first = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
  if (rc != SQLITE_ROW || !first || strcmp(first, "ok") != 0) {
    mi_err_set(e, MI_ECORRUPT, "integrity check of %s failed: %s", s->path,
               first ? first : sqlite3_errmsg(s->db));
    sqlite3_finalize(st);
    return MI_ECORRUPT;
  }
  sqlite3_finalize(st);
  if (sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "checking foreign keys");
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    mi_err_set(e, MI_ECORRUPT, "table %s has a row (rowid %lld) that refers to a missing %s",
               sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1),
               sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    return MI_ECORRUPT;
  }
  sqlite3_finalize(st);
  return 0;
}

static const char *const counted_tables[] = {
    "departments", "staff", "customers", "interactions", "orders", "tickets", "ticket_events",
    "surveys", "questions", "invitations", "responses", "answers", "loyalty_ledger", "referrals",
    "tier_history", "jobs", "evaluations", "improvement_actions", "audit_log", "outbox"};

int mi_store_counts(mi_store *s, mi_store_count *out, int max, mi_err *e) {
  if (!s || !out) return mi_err_set(e, MI_EINVAL, "no store");
  int n = 0;
  for (size_t i = 0; i < sizeof counted_tables / sizeof *counted_tables && n < max; i++) {
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", counted_tables[i]);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
      return mi_store_fail(s, e, "counting rows");
    if (sqlite3_step(st) != SQLITE_ROW) {
      sqlite3_finalize(st);
      return mi_store_fail(s, e, "counting rows");
    }
    out[n].table = counted_tables[i];
    out[n++].rows = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  return n;
}

int mi_store_seen_reset(mi_store *s, mi_err *e) {
  if (!s) return mi_err_set(e, MI_EINVAL, "no store");
  const char *sql = s->seen_ready
                        ? "DELETE FROM temp.seen_keys"
                        : "CREATE TEMP TABLE IF NOT EXISTS seen_keys (k TEXT PRIMARY KEY) WITHOUT ROWID";
  if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "preparing duplicate detection");
  s->seen_ready = 1;
  return 0;
}

int mi_store_seen_add(mi_store *s, const char *key, mi_err *e) {
  if (!s || !key) return mi_err_set(e, MI_EINVAL, "no key");
  if (!s->seen_ready && mi_store_seen_reset(s, e)) return e ? e->code : MI_ESTORE;
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_SEEN_ADD, "INSERT INTO temp.seen_keys(k) VALUES (?) ON CONFLICT DO NOTHING", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "remembering a key");
  return sqlite3_changes(s->db) == 1;
}
