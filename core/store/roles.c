/* The roles table (roles.h). Statements are prepared per call: roles are
 * read once per command and changed rarely. */
#include "store/roles.h"

#include <stdio.h>

#include "store/store_internal.h"

static void row_of(sqlite3_stmt *st, mi_role_row *r) {
  mi_column_copy(st, 0, r->user, sizeof r->user);
  mi_column_copy(st, 1, r->role, sizeof r->role);
  mi_column_copy(st, 2, r->department, sizeof r->department);
  mi_column_copy(st, 3, r->granted_by, sizeof r->granted_by);
  r->granted_at = sqlite3_column_int64(st, 4);
}

#define COLUMNS "user, role, department, granted_by, granted_at"

int mi_roles_get(mi_store *s, const char *user, mi_role_row *out, mi_err *e) {
  if (!s || !user || !out) return mi_err_set(e, MI_EINVAL, "mi_roles_get: s, user and out are required");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT " COLUMNS " FROM roles WHERE user = ?1", -1, &st, NULL) !=
      SQLITE_OK)
    return mi_store_fail(s, e, "reading the roles");
  sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st), ret = 0;
  if (rc == SQLITE_ROW) row_of(st, out);
  else if (rc == SQLITE_DONE) ret = MI_ENOTFOUND;
  else ret = mi_store_fail(s, e, "reading the roles");
  sqlite3_finalize(st);
  return ret;
}

int mi_roles_put(mi_store *s, const mi_role_row *r, mi_err *e) {
  if (!s || !r) return mi_err_set(e, MI_EINVAL, "mi_roles_put: s and r are required");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO roles(" COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5)",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "changing a role");
  sqlite3_bind_text(st, 1, r->user, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, r->role, -1, SQLITE_STATIC);
  mi_bind_text_or_null(st, 3, r->department[0] ? r->department : NULL);
  sqlite3_bind_text(st, 4, r->granted_by, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, r->granted_at);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mi_store_fail(s, e, "changing a role");
  sqlite3_finalize(st);
  return rc;
}

int mi_roles_delete(mi_store *s, const char *user, int *deleted, mi_err *e) {
  if (!s || !user || !deleted) return mi_err_set(e, MI_EINVAL, "mi_roles_delete: s, user and deleted are required");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "DELETE FROM roles WHERE user = ?1", -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "revoking a role");
  sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mi_store_fail(s, e, "revoking a role");
  *deleted = rc == 0 && sqlite3_changes(s->db) > 0;
  sqlite3_finalize(st);
  return rc;
}

int mi_roles_each(mi_store *s, mi_roles_fn fn, void *ud, mi_err *e) {
  if (!s || !fn) return mi_err_set(e, MI_EINVAL, "mi_roles_each: s and fn are required");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT " COLUMNS " FROM roles ORDER BY user", -1, &st, NULL) !=
      SQLITE_OK)
    return mi_store_fail(s, e, "reading the roles");
  int rc = 0, step;
  mi_role_row r;
  while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
    row_of(st, &r);
    rc = fn(&r, ud);
  }
  if (rc == 0 && step != SQLITE_DONE) rc = mi_store_fail(s, e, "reading the roles");
  sqlite3_finalize(st);
  return rc;
}

int mi_roles_count(mi_store *s, int64_t *n, mi_err *e) {
  if (!s || !n) return mi_err_set(e, MI_EINVAL, "mi_roles_count: s and n are required");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM roles", -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading the roles");
  int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : mi_store_fail(s, e, "reading the roles");
  if (rc == 0) *n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc;
}
