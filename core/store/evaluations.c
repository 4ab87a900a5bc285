#include "store/evaluations.h"

#include "store/put.h"

int mi_evaluation_put(mi_store *s, const mi_evaluation *ev, mi_err *e) {
  if (!s || !ev || !ev->period || !ev->metric)
    return mi_err_set(e, MI_EINVAL, "evaluation needs a period and a metric");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_EVALUATION_UPSERT,
      "INSERT INTO evaluations(department_id, period, metric, value, target, met, detail,"
      " computed_at) VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN ?5 IS NULL THEN NULL"
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
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "storing evaluation");
  return MI_PUT_UPDATED;
}
