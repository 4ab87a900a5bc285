#include "store/staff.h"

#include "store/put.h"

static int bind_staff(sqlite3_stmt *st, const void *row) {
  const mi_staff *m = row;
  int rc = sqlite3_bind_text(st, 1, m->external_id, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
  rc |= mi_bind_int64_opt(st, 3, m->department_id != 0, m->department_id);
  rc |= mi_bind_text_or_null(st, 4, m->os_user);
  rc |= sqlite3_bind_int(st, 5, m->active);
  return rc;
}

int mi_staff_put(mi_store *s, const mi_staff *m, mi_err *e) {
  if (!s || !m || !m->external_id || !m->name)
    return mi_err_set(e, MI_EINVAL, "staff member needs an external id and a name");
  return mi_store_put(s, MI_SQL_STAFF_INSERT,
                      "INSERT INTO staff(external_id, name, department_id, os_user, active)"
                      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(external_id) DO NOTHING",
                      MI_SQL_STAFF_UPDATE,
                      "UPDATE staff SET name = ?2, department_id = ?3, os_user = ?4, active = ?5"
                      " WHERE external_id = ?1 AND (name IS NOT ?2 OR department_id IS NOT ?3"
                      " OR os_user IS NOT ?4 OR active IS NOT ?5) RETURNING id",
                      bind_staff, m, NULL, "storing staff member", e);
}

int mi_staff_id(mi_store *s, const char *external_id, int64_t *id, mi_err *e) {
  int rc = mi_store_lookup_id(s, MI_SQL_STAFF_ID, "SELECT id FROM staff WHERE external_id = ?1",
                            external_id, id, e);
  return rc == MI_ENOTFOUND ? mi_err_set(e, rc, "unknown staff member '%s'", external_id) : rc;
}
