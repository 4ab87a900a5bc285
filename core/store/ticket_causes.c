#include "store/ticket_causes.h"

#include "store/store_internal.h"

int mi_ticket_cause_put(mi_store *s, int64_t ticket_id, const char *root_cause,
                        int64_t department_id, int64_t staff_id, int64_t at, const char *by,
                        mi_err *e) {
  if (!s || !root_cause || !by || (department_id > 0) == (staff_id > 0))
    return mi_err_set(e, MI_EINVAL, "a cause needs a root cause and one responsible");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_CAUSE_PUT,
      "INSERT INTO ticket_causes(ticket_id, root_cause, department_id, staff_id, recorded_at,"
      " recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(ticket_id) DO UPDATE SET"
      " root_cause = ?2, department_id = ?3, staff_id = ?4, recorded_at = ?5, recorded_by = ?6",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, ticket_id);
  sqlite3_bind_text(st, 2, root_cause, -1, SQLITE_STATIC);
  mi_bind_int64_opt(st, 3, department_id > 0, department_id);
  mi_bind_int64_opt(st, 4, staff_id > 0, staff_id);
  sqlite3_bind_int64(st, 5, at);
  sqlite3_bind_text(st, 6, by, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "recording the cause of a complaint");
}

int mi_ticket_cause_has(mi_store *s, int64_t ticket_id, int *has, mi_err *e) {
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_CAUSE_GET,
                                   "SELECT count(*) FROM ticket_causes WHERE ticket_id = ?1", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, ticket_id);
  int rc = sqlite3_step(st);
  *has = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 0 : mi_store_fail(s, e, "reading the cause of a complaint");
}

static int each(mi_store *s, const char *sql, int by_root, int64_t from, int64_t to,
                mi_cause_fn fn, void *ud, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "counting complaint causes");
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  int rc = 0, step;
  while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
    mi_cause_count c = {.n = sqlite3_column_int64(st, 2)};
    if (by_root) {
      c.root_cause = (const char *)sqlite3_column_text(st, 0);
    } else {
      c.who = (const char *)sqlite3_column_text(st, 0);
      c.code = (const char *)sqlite3_column_text(st, 1);
    }
    rc = fn(&c, ud);
  }
  if (!rc && step != SQLITE_DONE) rc = mi_store_fail(s, e, "counting complaint causes");
  sqlite3_finalize(st);
  return rc;
}

int mi_ticket_causes_by_root(mi_store *s, int64_t from, int64_t to, mi_cause_fn fn, void *ud,
                             mi_err *e) {
  if (!s || !fn) return mi_err_set(e, MI_EINVAL, "counting causes needs a store");
  return each(s,
              "SELECT root_cause, NULL, count(*) AS n FROM ticket_causes"
              " WHERE recorded_at >= ?1 AND recorded_at < ?2 GROUP BY root_cause"
              " ORDER BY n DESC, root_cause",
              1, from, to, fn, ud, e);
}

int mi_ticket_causes_by_responsible(mi_store *s, int64_t from, int64_t to, mi_cause_fn fn,
                                    void *ud, mi_err *e) {
  if (!s || !fn) return mi_err_set(e, MI_EINVAL, "counting causes needs a store");
  return each(s,
              "SELECT CASE WHEN c.staff_id IS NULL THEN 'department' ELSE 'staff' END AS who,"
              " coalesce(st.external_id, d.code) AS code, count(*) AS n FROM ticket_causes c"
              " LEFT JOIN staff st ON st.id = c.staff_id"
              " LEFT JOIN departments d ON d.id = c.department_id"
              " WHERE c.recorded_at >= ?1 AND c.recorded_at < ?2 GROUP BY who, code"
              " ORDER BY n DESC, who, code",
              0, from, to, fn, ud, e);
}
