#include "store/put.h"

int mi_store_put(mi_store *s, enum mi_stmt_slot insert_slot, const char *insert_sql,
                 enum mi_stmt_slot update_slot, const char *update_sql, mi_put_binder bind,
                 const void *row, int64_t *id, const char *what, mi_err *e) {
  sqlite3_stmt *st = mi_store_stmt(s, insert_slot, insert_sql, e);
  if (!st) return e ? e->code : MI_ESTORE;
  if (bind(st, row) != SQLITE_OK) return mi_store_fail(s, e, what);
  /* No RETURNING on the insert: it would materialise a result table per row. */
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, what);
  if (sqlite3_changes(s->db) == 1) {
    if (id) *id = sqlite3_last_insert_rowid(s->db);
    return MI_PUT_INSERTED;
  }
  if (!update_sql) {
    if (id) *id = 0;
    return MI_PUT_UNCHANGED;
  }
  st = mi_store_stmt(s, update_slot, update_sql, e);
  if (!st) return e ? e->code : MI_ESTORE;
  if (bind(st, row) != SQLITE_OK) return mi_store_fail(s, e, what);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return mi_store_fail(s, e, what);
  if (id) *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? MI_PUT_UPDATED : MI_PUT_UNCHANGED;
}

int mi_store_lookup_id(mi_store *s, enum mi_stmt_slot slot, const char *sql, const char *key,
                       int64_t *id, mi_err *e) {
  if (!s || !key || !id) return mi_err_set(e, MI_EINVAL, "mi_store_lookup_id: no key given");
  sqlite3_stmt *st = mi_store_stmt(s, slot, sql, e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
  }
  if (rc != SQLITE_DONE) return mi_store_fail(s, e, "looking up an id");
  return mi_err_set(e, MI_ENOTFOUND, "'%s' not found", key);
}
