#include "store/jobs.h"

#include <string.h>

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

int mi_job_start(mi_store *s, const char *kind, const char *key, int64_t now, int64_t *id,
                 char *checkpoint, size_t size, mi_err *e) {
  if (!s || !kind || !key || !id || !checkpoint || !size)
    return mi_err_set(e, MI_EINVAL, "job needs a kind and a key");
  checkpoint[0] = '\0';
  int rc = mi_job_enqueue(s, kind, key, now, NULL, now, id, e);
  if (rc < 0) return rc;
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_JOB_FIND, "SELECT id, status, coalesce(checkpoint, '') FROM jobs WHERE key = ?1", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_ROW) return mi_store_fail(s, e, "reading job");
  *id = sqlite3_column_int64(st, 0);
  int resumable = !strcmp((const char *)sqlite3_column_text(st, 1), "running") ||
                  !strcmp((const char *)sqlite3_column_text(st, 1), "failed");
  if (resumable) snprintf(checkpoint, size, "%s", sqlite3_column_text(st, 2));
  sqlite3_reset(st);
  return mi_job_update(s, *id, "running", resumable ? checkpoint : NULL, NULL, now, e);
}

int mi_job_update(mi_store *s, int64_t id, const char *status, const char *checkpoint,
                  const char *error, int64_t now, mi_err *e) {
  if (!s || !status) return mi_err_set(e, MI_EINVAL, "job update needs a status");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_JOB_UPDATE,
      "UPDATE jobs SET status = ?2, checkpoint = coalesce(?3, checkpoint), error = ?4,"
      " attempts = attempts + (?2 = 'running' AND status <> 'running'),"
      " started_at = CASE WHEN ?2 = 'running' AND status <> 'running' THEN ?5 ELSE started_at END,"
      " finished_at = CASE WHEN ?2 IN ('done', 'failed', 'cancelled') THEN ?5 END"
      " WHERE id = ?1",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
  mi_bind_text_or_null(st, 3, checkpoint);
  mi_bind_text_or_null(st, 4, error);
  sqlite3_bind_int64(st, 5, now);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "updating job");
  return 0;
}
