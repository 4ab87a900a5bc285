#include "store/departments.h"

#include "store/put.h"

typedef struct department_row {
  const char *code, *name, *calendar;
} department_row;

static int bind_department(sqlite3_stmt *st, const void *row) {
  const department_row *d = row;
  int rc = sqlite3_bind_text(st, 1, d->code, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_text(st, 2, d->name, -1, SQLITE_STATIC);
  rc |= mi_bind_text_or_null(st, 3, d->calendar);
  return rc;
}

int mi_department_put(mi_store *s, const char *code, const char *name, const char *calendar,
                      mi_err *e) {
  if (!s || !code || !name) return mi_err_set(e, MI_EINVAL, "department needs a code and a name");
  department_row d = {code, name, calendar};
  return mi_store_put(s, MI_SQL_DEPARTMENT_INSERT,
                      "INSERT INTO departments(code, name, calendar) VALUES (?1, ?2, ?3)"
                      " ON CONFLICT(code) DO NOTHING",
                      MI_SQL_DEPARTMENT_UPDATE,
                      "UPDATE departments SET name = ?2, calendar = ?3 WHERE code = ?1"
                      " AND (name IS NOT ?2 OR calendar IS NOT ?3) RETURNING id",
                      bind_department, &d, NULL, "storing department", e);
}

int mi_department_same(mi_store *s, const char *code, const char *name, const char *calendar,
                       mi_err *e) {
  if (!s || !code || !name) return mi_err_set(e, MI_EINVAL, "department needs a code and a name");
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_DEPARTMENT_SAME,
                                   "SELECT count(*) FROM departments WHERE code = ?1"
                                   " AND name IS ?2 AND calendar IS ?3",
                                   e);
  if (!st) return e ? e->code : MI_ESTORE;
  department_row d = {code, name, calendar};
  bind_department(st, &d);
  int rc = sqlite3_step(st);
  int same = rc == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? same : mi_store_fail(s, e, "reading department");
}

int mi_department_id(mi_store *s, const char *code, int64_t *id, mi_err *e) {
  int rc = mi_store_lookup_id(s, MI_SQL_DEPARTMENT_ID, "SELECT id FROM departments WHERE code = ?1",
                            code, id, e);
  return rc == MI_ENOTFOUND ? mi_err_set(e, rc, "unknown department '%s'", code) : rc;
}
