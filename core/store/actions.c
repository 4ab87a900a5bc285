#include "store/actions.h"

#include "store/put.h"

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
