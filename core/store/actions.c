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

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"

static int exec(mi_store *s, sqlite3_stmt *st, const char *what, mi_err *e) {
  int rc = sqlite3_step(st), changed = sqlite3_changes(s->db);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return mi_store_fail(s, e, what);
  return changed ? 0 : mi_err_set(e, MI_ENOTFOUND, "no improvement action with that id");
}

static int prepare(mi_store *s, const char *sql, sqlite3_stmt **st, mi_err *e) {
  return sqlite3_prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK
             ? 0 : mi_store_fail(s, e, "improvement actions");
}

int mi_action_describe(mi_store *s, int64_t id, const char *problem, const char *measure,
                       const char *metric, const char *baseline_period, int64_t x, int64_t n,
                       mi_err *e) {
  sqlite3_stmt *st;
  int rc = prepare(s, "UPDATE improvement_actions SET problem = ?2, measure = ?3, metric = ?4,"
                      " baseline_period = ?5, baseline_x = ?6, baseline_n = ?7 WHERE id = ?1",
                   &st, e);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, id);
  mi_bind_text_or_null(st, 2, problem);
  mi_bind_text_or_null(st, 3, measure);
  mi_bind_text_or_null(st, 4, metric);
  mi_bind_text_or_null(st, 5, baseline_period);
  mi_bind_int64_opt(st, 6, metric != NULL, x);
  mi_bind_int64_opt(st, 7, metric != NULL, n);
  return exec(s, st, "describing an improvement action", e);
}

int mi_action_stage(mi_store *s, int64_t id, const char *stage, const char *note, int64_t now,
                    mi_err *e) {
  sqlite3_stmt *st;
  int rc = prepare(s, "UPDATE improvement_actions SET stage = ?2, updated_at = ?4,"
                      " notes = CASE WHEN ?3 IS NULL THEN notes"
                      " ELSE coalesce(notes || char(10), '') || strftime('%Y-%m-%dT%H:%M:%SZ', ?4,"
                      " 'unixepoch') || ' ' || ?2 || ': ' || ?3 END WHERE id = ?1",
                   &st, e);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, stage, -1, SQLITE_STATIC);
  mi_bind_text_or_null(st, 3, note);
  sqlite3_bind_int64(st, 4, now);
  return exec(s, st, "moving an improvement action", e);
}

int mi_action_measured(mi_store *s, int64_t id, const char *period, int64_t x, int64_t n,
                       double p_value, int64_t now, mi_err *e) {
  sqlite3_stmt *st;
  int rc = prepare(s, "UPDATE improvement_actions SET after_period = ?2, after_x = ?3,"
                      " after_n = ?4, p_value = ?5, updated_at = ?6 WHERE id = ?1", &st, e);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, x);
  sqlite3_bind_int64(st, 4, n);
  if (isnan(p_value)) sqlite3_bind_null(st, 5);
  else sqlite3_bind_double(st, 5, p_value);
  sqlite3_bind_int64(st, 6, now);
  return exec(s, st, "measuring an improvement action", e);
}

#define ACTION_SELECT                                                                       \
  "SELECT a.id, d.code, a.title, a.stage, coalesce(o.external_id, ''), coalesce(a.due_date, ''),"  \
  " coalesce(a.problem, ''), coalesce(a.measure, ''), coalesce(a.notes, ''),"              \
  " coalesce(a.metric, ''), coalesce(a.baseline_period, ''), coalesce(a.after_period, ''),"  \
  " coalesce(a.baseline_x, 0), coalesce(a.baseline_n, 0), coalesce(a.after_x, 0),"          \
  " coalesce(a.after_n, 0), a.p_value, a.created_at, a.updated_at FROM improvement_actions a"  \
  " JOIN departments d ON d.id = a.department_id LEFT JOIN staff o ON o.id = a.owner_id"

static void read_action(sqlite3_stmt *st, mi_action_row *a) {
  memset(a, 0, sizeof *a);
  a->id = sqlite3_column_int64(st, 0);
  struct { char *buf; size_t size; } text[] = {
      {a->department, sizeof a->department}, {a->title, sizeof a->title},
      {a->stage, sizeof a->stage},           {a->owner, sizeof a->owner},
      {a->due_date, sizeof a->due_date},     {a->problem, sizeof a->problem},
      {a->measure, sizeof a->measure},       {a->notes, sizeof a->notes},
      {a->metric, sizeof a->metric},         {a->baseline_period, sizeof a->baseline_period},
      {a->after_period, sizeof a->after_period}};
  for (int i = 0; i < 11; i++)
    snprintf(text[i].buf, text[i].size, "%s", (const char *)sqlite3_column_text(st, i + 1));
  a->baseline_x = sqlite3_column_int64(st, 12);
  a->baseline_n = sqlite3_column_int64(st, 13);
  a->after_x = sqlite3_column_int64(st, 14);
  a->after_n = sqlite3_column_int64(st, 15);
  a->p_value = sqlite3_column_type(st, 16) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 16);
  a->created_at = sqlite3_column_int64(st, 17);
  a->updated_at = sqlite3_column_int64(st, 18);
}

int mi_action_get(mi_store *s, int64_t id, mi_action_row *out, mi_err *e) {
  sqlite3_stmt *st;
  int rc = prepare(s, ACTION_SELECT " WHERE a.id = ?1", &st, e);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, id);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) read_action(st, out);
  sqlite3_finalize(st);
  if (rc == SQLITE_ROW) return 0;
  if (rc == SQLITE_DONE) return mi_err_set(e, MI_ENOTFOUND, "no improvement action %lld", (long long)id);
  return mi_store_fail(s, e, "reading an improvement action");
}

int mi_action_each(mi_store *s, const char *department, int (*fn)(const mi_action_row *a, void *ud),
                   void *ud, mi_err *e) {
  sqlite3_stmt *st;
  int rc = prepare(s, ACTION_SELECT " WHERE ?1 IS NULL OR d.code = ?1 ORDER BY a.id", &st, e);
  if (rc) return rc;
  mi_bind_text_or_null(st, 1, department);
  mi_action_row a;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    read_action(st, &a);
    if ((rc = fn(&a, ud))) break;
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE || rc == 0) return 0;
  return rc < 0 ? rc : mi_store_fail(s, e, "listing improvement actions");
}
