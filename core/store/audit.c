#include "store/audit.h"

#include "store/put.h"

int mi_audit_append(mi_store *s, const char *os_user, const char *action, const char *object,
                    const char *detail_json, int64_t at, mi_err *e) {
  if (!s || !os_user || !action) return mi_err_set(e, MI_EINVAL, "audit entry needs a user and an action");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_AUDIT_INSERT,
      "INSERT INTO audit_log(at, os_user, action, object, detail) VALUES (?1, ?2, ?3, ?4, ?5)", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, at);
  sqlite3_bind_text(st, 2, os_user, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
  mi_bind_text_or_null(st, 4, object);
  mi_bind_text_or_null(st, 5, detail_json);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "writing the audit log");
  return 0;
}
