#include "store/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define JOB_COLUMNS                                                                        \
  "id, kind, key, status, payload, error, run_at, attempts, created_at,"                  \
  " coalesce(started_at, 0), coalesce(finished_at, 0), coalesce(lease_until, 0),"          \
  " coalesce(lease_owner, '')"

void mi_queue_job_clear(mi_queue_job *j) {
  if (!j) return;
  free(j->payload);
  free(j->error);
  memset(j, 0, sizeof *j);
}

/* Reads a row of JOB_COLUMNS. */
static void read_job(sqlite3_stmt *st, mi_queue_job *j) {
  mi_queue_job_clear(j);
  j->id = sqlite3_column_int64(st, 0);
  mi_column_copy(st, 1, j->kind, sizeof j->kind);
  mi_column_copy(st, 2, j->key, sizeof j->key);
  mi_column_copy(st, 3, j->status, sizeof j->status);
  j->payload = mi_column_strdup(st, 4);
  j->error = mi_column_strdup(st, 5);
  j->run_at = sqlite3_column_int64(st, 6);
  j->attempts = sqlite3_column_int64(st, 7);
  j->created_at = sqlite3_column_int64(st, 8);
  j->started_at = sqlite3_column_int64(st, 9);
  j->finished_at = sqlite3_column_int64(st, 10);
  j->lease_until = sqlite3_column_int64(st, 11);
  mi_column_copy(st, 12, j->lease_owner, sizeof j->lease_owner);
}

int mi_queue_claim(mi_store *s, const char *owner, int64_t now, int64_t lease_secs,
                   mi_queue_job *job, mi_err *e) {
  if (!s || !owner || !*owner || !job || lease_secs <= 0)
    return mi_err_set(e, MI_EINVAL, "claiming a job needs an owner and a lease");
  /* One statement, so two runners can never claim the same job. */
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_QUEUE_CLAIM,
      "UPDATE jobs SET status = 'running', lease_owner = ?1, lease_until = ?2 + ?3,"
      " attempts = attempts + 1, started_at = ?2, finished_at = NULL"
      /* each side takes its first row on its own, so the queued side walks
       * the jobs_due index instead of sorting every due job on each claim */
      " WHERE id = (SELECT id FROM (SELECT * FROM (SELECT id, run_at FROM jobs"
      "                             WHERE status = 'queued' AND run_at <= ?2"
      "                             ORDER BY run_at, id LIMIT 1)"
      "                             UNION ALL SELECT * FROM (SELECT id, run_at FROM jobs"
      "                             WHERE status = 'running' AND lease_until < ?2"
      "                             ORDER BY run_at, id LIMIT 1))"
      "             ORDER BY run_at, id LIMIT 1)"
      " RETURNING " JOB_COLUMNS,
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  sqlite3_bind_int64(st, 3, lease_secs);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return 0;
  if (rc != SQLITE_ROW) return mi_store_fail(s, e, "claiming a job");
  read_job(st, job);
  rc = sqlite3_step(st); /* finish the statement so its write completes */
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return mi_store_fail(s, e, "claiming a job");
  return 1;
}

int mi_queue_done(mi_store *s, int64_t id, const char *owner, int64_t now, mi_err *e) {
  if (!s || !owner) return mi_err_set(e, MI_EINVAL, "finishing a job needs its owner");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_QUEUE_DONE,
      "UPDATE jobs SET status = 'done', finished_at = ?3, lease_until = NULL, error = NULL"
      " WHERE id = ?1 AND lease_owner = ?2 AND status = 'running'",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, now);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "finishing a job");
  if (sqlite3_changes(s->db) == 0)
    return mi_err_set(e, MI_ENOTFOUND, "job %lld: the lease was lost to another runner",
                      (long long)id);
  return 0;
}

int mi_queue_failed(mi_store *s, int64_t id, const char *owner, const char *error,
                    int64_t retry_at, int64_t now, mi_err *e) {
  if (!s || !owner) return mi_err_set(e, MI_EINVAL, "failing a job needs its owner");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_QUEUE_FAILED,
      "UPDATE jobs SET status = CASE WHEN ?4 > 0 THEN 'queued' ELSE 'failed' END,"
      " run_at = CASE WHEN ?4 > 0 THEN ?4 ELSE run_at END, error = ?3, lease_until = NULL,"
      " finished_at = CASE WHEN ?4 > 0 THEN NULL ELSE ?5 END"
      " WHERE id = ?1 AND lease_owner = ?2 AND status = 'running'",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, owner, -1, SQLITE_STATIC);
  mi_bind_text_or_null(st, 3, error);
  sqlite3_bind_int64(st, 4, retry_at);
  sqlite3_bind_int64(st, 5, now);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "recording a failed job");
  if (sqlite3_changes(s->db) == 0)
    return mi_err_set(e, MI_ENOTFOUND, "job %lld: the lease was lost to another runner",
                      (long long)id);
  return 0;
}

int mi_queue_retry(mi_store *s, const char *key, int64_t now, mi_err *e) {
  mi_queue_job j = {0};
  int rc = mi_queue_get(s, key, &j, e);
  if (rc <= 0) return rc ? rc : mi_err_set(e, MI_ENOTFOUND, "no job with key '%s'", key);
  int dead = !strcmp(j.status, "failed") || !strcmp(j.status, "cancelled");
  int leased = j.lease_owner[0] != '\0';
  mi_queue_job_clear(&j);
  if (!dead || !leased)
    return mi_err_set(e, MI_EINVAL, "job '%s' is not a dead queue job; only those can be retried",
                      key);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         "UPDATE jobs SET status = 'queued', run_at = ?2, attempts = 0,"
                         " finished_at = NULL WHERE key = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "retrying a job");
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mi_store_fail(s, e, "retrying a job");
  sqlite3_finalize(st);
  return rc;
}

int mi_queue_get(mi_store *s, const char *key, mi_queue_job *job, mi_err *e) {
  if (!s || !key || !job) return mi_err_set(e, MI_EINVAL, "looking up a job needs a key");
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, "SELECT " JOB_COLUMNS " FROM jobs WHERE key = ?1", -1, &st,
                         NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading a job");
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) read_job(st, job);
  int out = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "reading a job");
  sqlite3_finalize(st);
  return out;
}

int mi_queue_each(mi_store *s, const char *status, size_t limit,
                  int (*fn)(const mi_queue_job *j, void *ud), void *ud, mi_err *e) {
  if (!s || !fn) return mi_err_set(e, MI_EINVAL, "listing jobs needs a callback");
  sqlite3_stmt *st = NULL;
  /* the newest `limit` jobs, shown oldest first */
  if (sqlite3_prepare_v2(s->db,
                         "SELECT * FROM (SELECT " JOB_COLUMNS " FROM jobs"
                         " WHERE (?1 IS NULL OR status = ?1) ORDER BY run_at DESC, id DESC"
                         " LIMIT ?2) ORDER BY 7, 1",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "listing jobs");
  mi_bind_text_or_null(st, 1, status);
  sqlite3_bind_int64(st, 2, limit ? (int64_t)limit : -1);
  mi_queue_job j = {0};
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    read_job(st, &j);
    if (fn(&j, ud)) break;
  }
  mi_queue_job_clear(&j);
  int out = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "listing jobs");
  sqlite3_finalize(st);
  return out;
}

int mi_queue_count(mi_store *s, int64_t now, mi_queue_counts *c, mi_err *e) {
  if (!s || !c) return mi_err_set(e, MI_EINVAL, "counting jobs needs a result");
  memset(c, 0, sizeof *c);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT status, count(*), sum(status = 'queued' AND run_at <= ?1)"
                         " FROM jobs GROUP BY status",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "counting jobs");
  sqlite3_bind_int64(st, 1, now);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *k = (const char *)sqlite3_column_text(st, 0);
    int64_t n = sqlite3_column_int64(st, 1);
    if (!strcmp(k, "queued")) c->queued = n, c->due = sqlite3_column_int64(st, 2);
    else if (!strcmp(k, "running")) c->running = n;
    else if (!strcmp(k, "done")) c->done = n;
    else if (!strcmp(k, "failed")) c->failed = n;
    else if (!strcmp(k, "cancelled")) c->cancelled = n;
  }
  int out = rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "counting jobs");
  sqlite3_finalize(st);
  return out;
}

int mi_schedule_last(mi_store *s, const char *name, int64_t *last_fire, mi_err *e) {
  if (!s || !name || !last_fire) return mi_err_set(e, MI_EINVAL, "schedule needs a name");
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_SCHEDULE_GET,
                                   "SELECT last_fire FROM schedules WHERE name = ?1", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *last_fire = sqlite3_column_int64(st, 0);
  int out = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "reading a schedule");
  sqlite3_reset(st);
  return out;
}

int mi_schedule_set(mi_store *s, const char *name, int64_t last_fire, int64_t now, mi_err *e) {
  if (!s || !name) return mi_err_set(e, MI_EINVAL, "schedule needs a name");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_SCHEDULE_SET,
      "INSERT INTO schedules(name, last_fire, updated_at) VALUES (?1, ?2, ?3)"
      " ON CONFLICT(name) DO UPDATE SET last_fire = ?2, updated_at = ?3",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, last_fire);
  sqlite3_bind_int64(st, 3, now);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "recording a schedule");
  return 0;
}

/* --- firing in bulk ------------------------------------------------------ */

struct mi_queue_batch {
  mi_store *s;
  sqlite3_stmt *queued, *expired, *done, *failed, *savepoint, *rollback_to, *release;
  /* the audit head before the job's savepoint: a rolled-back job's entries
   * must not reach the anchor file at commit, nor chain the next entry */
  int64_t audit_id;
  int audit_known;
  char audit_hash[sizeof ((mi_store *)0)->audit_head_hash];
};

/* The due jobs, as mi_queue_claim chooses them: queued and due, or running
 * with a lease that ran out (its runner died). Two statements, each in the
 * order of its index, merged in C: one statement with a UNION and an IN
 * built a temporary index and sorted on every batch (a fifth of the
 * runner's time). */
#define DUE_QUEUED "WHERE status = 'queued' AND run_at <= ?1 ORDER BY run_at, id LIMIT ?2"
#define DUE_EXPIRED "WHERE status = 'running' AND lease_until < ?1 ORDER BY run_at, id LIMIT ?2"

/* Claim and completion in one statement; the row must be as it was read
 * (attempts one less, still queued or running): otherwise another runner
 * claimed it meanwhile. */
#define UNCHANGED " WHERE id = ?1 AND attempts = ?2 - 1 AND status IN ('queued', 'running')"

int mi_queue_batch_new(mi_store *s, mi_queue_batch **b, mi_err *e) {
  if (!s || !b) return mi_err_set(e, MI_EINVAL, "a job batch needs a store");
  *b = NULL;
  mi_queue_batch *q = calloc(1, sizeof *q);
  if (!q) return mi_err_set(e, MI_ENOMEM, "out of memory starting a job batch");
  q->s = s;
  struct {
    sqlite3_stmt **st;
    const char *sql;
  } sql[] = {
      {&q->queued, "SELECT " JOB_COLUMNS " FROM jobs " DUE_QUEUED},
      {&q->expired, "SELECT " JOB_COLUMNS " FROM jobs " DUE_EXPIRED},
      {&q->done, "UPDATE jobs SET status = 'done', attempts = ?2, lease_owner = ?3,"
                 " lease_until = NULL, started_at = ?4, finished_at = ?4, error = NULL" UNCHANGED},
      {&q->failed,
       "UPDATE jobs SET status = CASE WHEN ?5 > 0 THEN 'queued' ELSE 'failed' END,"
       " run_at = CASE WHEN ?5 > 0 THEN ?5 ELSE run_at END, error = ?6, attempts = ?2,"
       " lease_owner = ?3, lease_until = NULL, started_at = ?4,"
       " finished_at = CASE WHEN ?5 > 0 THEN NULL ELSE ?4 END" UNCHANGED},
      {&q->savepoint, "SAVEPOINT mi_job"},
      {&q->rollback_to, "ROLLBACK TO mi_job"},
      {&q->release, "RELEASE mi_job"},
  };
  for (size_t i = 0; i < sizeof sql / sizeof *sql; i++)
    if (sqlite3_prepare_v3(s->db, sql[i].sql, -1, SQLITE_PREPARE_PERSISTENT, sql[i].st, NULL) !=
        SQLITE_OK) {
      int rc = mi_store_fail(s, e, "preparing the job batch");
      mi_queue_batch_free(q);
      return rc;
    }
  *b = q;
  return 0;
}

void mi_queue_batch_free(mi_queue_batch *b) {
  if (!b) return;
  sqlite3_stmt *all[] = {b->queued, b->expired, b->done,       b->failed,
                         b->savepoint, b->rollback_to, b->release};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) sqlite3_finalize(all[i]);
  free(b);
}

/* 1 when job a runs before b: oldest run_at first, then id. */
static int before(const mi_queue_job *a, const mi_queue_job *b) {
  return a->run_at < b->run_at || (a->run_at == b->run_at && a->id < b->id);
}

/* Reads up to max rows of st (bound and ready) into jobs[*n ..], merged in
 * order with the *n already there (both sorted); a row past max is left. */
static int read_merged(sqlite3_stmt *st, size_t max, mi_queue_job *jobs, size_t *n) {
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_queue_job j = {0};
    read_job(st, &j);
    size_t at = *n;
    while (at > 0 && before(&j, &jobs[at - 1])) at--;
    if (at == max) { /* after all max of them: not in this batch, nor any later row */
      mi_queue_job_clear(&j);
      return SQLITE_DONE;
    }
    if (*n == max) mi_queue_job_clear(&jobs[--*n]); /* the last one makes room */
    memmove(&jobs[at + 1], &jobs[at], (*n - at) * sizeof *jobs);
    jobs[at] = j;
    ++*n;
  }
  return rc;
}

int mi_queue_batch_due(mi_queue_batch *b, const char *owner, int64_t now, size_t max,
                       mi_queue_job *jobs, size_t *n, mi_err *e) {
  if (!b || !owner || !*owner || !jobs || !n || !max)
    return mi_err_set(e, MI_EINVAL, "reading due jobs needs an owner and room for them");
  *n = 0;
  if (!b->s->in_txn)
    return mi_err_set(e, MI_EINVAL, "due jobs are read inside the batch's write transaction");
  /* all rows are read before any is written: a statement stepping over rows
   * that are updated under it may see them again */
  int rc = SQLITE_DONE;
  sqlite3_stmt *both[] = {b->queued, b->expired};
  for (int k = 0; k < 2 && rc == SQLITE_DONE; k++) {
    sqlite3_reset(both[k]);
    sqlite3_bind_int64(both[k], 1, now);
    sqlite3_bind_int64(both[k], 2, (int64_t)max);
    rc = read_merged(both[k], max, jobs, n);
    if (rc != SQLITE_DONE) rc = mi_store_fail(b->s, e, "reading the due jobs");
    sqlite3_reset(both[k]);
  }
  if (rc != SQLITE_DONE) {
    for (size_t i = 0; i < *n; i++) mi_queue_job_clear(&jobs[i]);
    *n = 0;
    return rc;
  }
  for (size_t i = 0; i < *n; i++) {
    mi_queue_job *j = &jobs[i];
    snprintf(j->status, sizeof j->status, "running");
    snprintf(j->lease_owner, sizeof j->lease_owner, "%s", owner);
    j->attempts++;
    j->started_at = now;
    j->finished_at = j->lease_until = 0;
  }
  return 0;
}

/* Steps a statement without a result and resets it. */
static int step_once(mi_store *s, sqlite3_stmt *st, const char *what, mi_err *e) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, what);
}

int mi_queue_batch_savepoint(mi_queue_batch *b, mi_err *e) {
  if (!b || !b->s->in_txn) return mi_err_set(e, MI_EINVAL, "a job's savepoint needs the batch's transaction");
  b->audit_id = b->s->audit_head_id;
  b->audit_known = b->s->audit_known;
  memcpy(b->audit_hash, b->s->audit_head_hash, sizeof b->audit_hash);
  return step_once(b->s, b->savepoint, "starting a job's savepoint", e);
}

int mi_queue_batch_end_job(mi_queue_batch *b, int keep, mi_err *e) {
  if (!b) return mi_err_set(e, MI_EINVAL, "no job batch");
  mi_store *s = b->s;
  if (sqlite3_get_autocommit(s->db)) { /* SQLite rolled the whole transaction back */
    s->in_txn = 0;
    s->audit_head_id = 0;
    s->audit_known = 0;
    return mi_err_set(e, MI_ESTORE, "the batch's transaction was rolled back by SQLite (%s); "
                      "nothing of the batch was committed, its jobs are still due",
                      sqlite3_errmsg(s->db));
  }
  if (!keep) {
    int rc = step_once(s, b->rollback_to, "undoing a job's effects", e);
    if (rc) return rc;
    s->audit_head_id = b->audit_id;
    s->audit_known = b->audit_known;
    memcpy(s->audit_head_hash, b->audit_hash, sizeof b->audit_hash);
  }
  return step_once(s, b->release, "ending a job's savepoint", e);
}

/* Binds what done and failed share and steps; MI_ENOTFOUND when the row
 * changed since it was read. */
static int complete(mi_queue_batch *b, sqlite3_stmt *st, const mi_queue_job *j, int64_t now,
                    const char *what, mi_err *e) {
  sqlite3_bind_int64(st, 1, j->id);
  sqlite3_bind_int64(st, 2, j->attempts);
  sqlite3_bind_text(st, 3, j->lease_owner, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, now);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (rc != SQLITE_DONE) return mi_store_fail(b->s, e, what);
  if (sqlite3_changes(b->s->db) == 0)
    return mi_err_set(e, MI_ENOTFOUND, "job %s: another runner claimed it meanwhile", j->key);
  return 0;
}

int mi_queue_batch_done(mi_queue_batch *b, const mi_queue_job *j, int64_t now, mi_err *e) {
  if (!b || !j) return mi_err_set(e, MI_EINVAL, "finishing a job needs the job");
  return complete(b, b->done, j, now, "finishing a job", e);
}

int mi_queue_batch_failed(mi_queue_batch *b, const mi_queue_job *j, const char *error,
                          int64_t retry_at, int64_t now, mi_err *e) {
  if (!b || !j) return mi_err_set(e, MI_EINVAL, "failing a job needs the job");
  sqlite3_bind_int64(b->failed, 5, retry_at);
  mi_bind_text_or_null(b->failed, 6, error);
  return complete(b, b->failed, j, now, "recording a failed job", e);
}
