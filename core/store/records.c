#include "store/records.h"

#include "store/put.h"

int mi_job_enqueue(mi_store *s, const char *kind, const char *key, int64_t run_at,
                   const char *payload_json, int64_t now, int64_t *id, mi_err *e) {
  if (!s || !kind || !key) return mi_err_set(e, MI_EINVAL, "job needs a kind and a key");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_JOB_INSERT,
      "INSERT INTO jobs(kind, key, run_at, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
      " ON CONFLICT(key) DO NOTHING",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, run_at);
  mi_bind_text_or_null(st, 4, payload_json);
  sqlite3_bind_int64(st, 5, now);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "queueing job");
  if (sqlite3_changes(s->db) == 0) return MI_PUT_UNCHANGED;
  if (id) *id = sqlite3_last_insert_rowid(s->db);
  return MI_PUT_INSERTED;
}

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

int mi_action_add(mi_store *s, int64_t department_id, int64_t evaluation_id, const char *title,
                  int64_t owner_id, const char *due_date, int64_t now, int64_t *id, mi_err *e) {
  if (!s || !title) return mi_err_set(e, MI_EINVAL, "improvement action needs a title");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_ACTION_INSERT,
      "INSERT INTO improvement_actions(department_id, evaluation_id, title, owner_id, due_date,"
      " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, department_id);
  mi_bind_int64_opt(st, 2, evaluation_id != 0, evaluation_id);
  sqlite3_bind_text(st, 3, title, -1, SQLITE_STATIC);
  mi_bind_int64_opt(st, 4, owner_id != 0, owner_id);
  mi_bind_text_or_null(st, 5, due_date);
  sqlite3_bind_int64(st, 6, now);
  if (sqlite3_step(st) != SQLITE_ROW) return mi_store_fail(s, e, "adding improvement action");
  if (id) *id = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return 0;
}

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
