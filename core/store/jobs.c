#include "store/jobs.h"

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
