#include "store/evaluations.h"

#include <math.h>

#include "store/put.h"
#include "store/store_internal.h"

int mi_evaluation_put(mi_store *s, const mi_evaluation *ev, mi_err *e) {
  if (!s || !ev || !ev->period || !ev->metric)
    return mi_err_set(e, MI_EINVAL, "evaluation needs a period and a metric");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_EVALUATION_UPSERT,
      "INSERT INTO evaluations(department_id, period, metric, value, target, met, detail,"
      " computed_at) VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?5 IS NULL OR ?8 THEN NULL"
      " ELSE ?4 >= ?5 END, ?6, ?7)"
      " ON CONFLICT(department_id, period, metric) DO UPDATE SET value = excluded.value,"
      " target = excluded.target, met = excluded.met, detail = excluded.detail,"
      " computed_at = excluded.computed_at",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, ev->department_id);
  sqlite3_bind_text(st, 2, ev->period, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, ev->metric, -1, SQLITE_STATIC);
  sqlite3_bind_double(st, 4, ev->value);
  if (ev->has_target) sqlite3_bind_double(st, 5, ev->target);
  mi_bind_text_or_null(st, 6, ev->detail_json);
  sqlite3_bind_int64(st, 7, ev->computed_at);
  sqlite3_bind_int(st, 8, ev->not_assessed != 0);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "storing evaluation");
  return MI_PUT_UPDATED;
}

int mi_evaluation_each(mi_store *s, const char *period,
                       int (*fn)(void *ud, const mi_evaluation_row *r), void *ud, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT d.code, v.metric, v.detail, v.value, v.target, v.met,"
                         " v.computed_at FROM evaluations v JOIN departments d"
                         " ON d.id = v.department_id WHERE v.period = ?1 ORDER BY d.code, v.metric",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading evaluations");
  sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_evaluation_row r = {
        .department = (const char *)sqlite3_column_text(st, 0),
        .metric = (const char *)sqlite3_column_text(st, 1),
        .detail_json = (const char *)sqlite3_column_text(st, 2),
        .value = sqlite3_column_double(st, 3),
        .target = sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4),
        .met = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5),
        .computed_at = sqlite3_column_int64(st, 6)};
    if ((rc = fn(ud, &r))) break;
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE || rc == 0) return 0;
  return rc < 0 ? rc : mi_store_fail(s, e, "reading evaluations");
}
