/* The scheduler's queue: jobs rows that runners claim with a lease, and the
 * last occurrence of each recurring job. Batch jobs (jobs.h) share the
 * table but carry no lease, so runners never claim them. */
#ifndef MI_STORE_QUEUE_H
#define MI_STORE_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct mi_queue_job {
  int64_t id;
  char kind[65];
  char key[201];
  char status[16]; /* queued, running, done, failed (dead), cancelled */
  char *payload;   /* JSON text or NULL; owned: mi_queue_job_clear */
  char *error;     /* the last failure or NULL; owned */
  int64_t run_at, attempts, created_at;
  int64_t started_at, finished_at, lease_until; /* 0 = none */
  char lease_owner[201];
} mi_queue_job;

void mi_queue_job_clear(mi_queue_job *j);

/* Claims the most overdue job that is queued with run_at <= now, or running
 * with a lease that ran out before now (its runner died): marks it running
 * for owner until now + lease_secs and counts an attempt. 1 with *job
 * filled, 0 when nothing is due. Runs its own statement; call outside a
 * transaction or inside one the caller commits. */
int mi_queue_claim(mi_store *s, const char *owner, int64_t now, int64_t lease_secs,
                   mi_queue_job *job, mi_err *e);

/* Marks a claimed job done, if owner still holds it. MI_ENOTFOUND when the
 * lease was lost (another runner took the job: the caller must roll back
 * the job's effects). Call inside the transaction of the effects. */
int mi_queue_done(mi_store *s, int64_t id, const char *owner, int64_t now, mi_err *e);

/* Firing in bulk (core/sched's runner). A batch is read and worked through
 * inside one write transaction of the caller: each job's effects run in a
 * savepoint of their own, and the job is completed (done, or failed and
 * requeued or dead) in the same transaction, claim and completion in one
 * UPDATE. A committed batch therefore holds every job's effects and outcome,
 * and a batch that is never committed (a crash, kill -9) leaves its jobs as
 * they were: queued and due at once, with no lease to wait for, since no other
 * runner could see them while the write lock was held. */
typedef struct mi_queue_batch mi_queue_batch;

/* Prepares the batch statements on s; *b is owned: mi_queue_batch_free
 * (before the store is closed). */
int mi_queue_batch_new(mi_store *s, mi_queue_batch **b, mi_err *e);
void mi_queue_batch_free(mi_queue_batch *b);

/* Reads up to max due jobs (those mi_queue_claim would take, in the same
 * order: run_at, then id) into jobs[0..*n) as they are once claimed by owner
 * at now: status running, one attempt more, started_at now, lease_owner
 * owner, no lease. Writes nothing: a job is only claimed by
 * mi_queue_batch_done or mi_queue_batch_failed. The caller clears the jobs
 * (mi_queue_job_clear). Call inside a write transaction (MI_EINVAL if none). */
int mi_queue_batch_due(mi_queue_batch *b, const char *owner, int64_t now, size_t max,
                       mi_queue_job *jobs, size_t *n, mi_err *e);

/* The savepoint of one job of the batch: opened before its effects, then
 * released (keep) or rolled back (!keep: its effects undone, the rest of the
 * batch kept). A rollback that finds the transaction gone (SQLite ends it on
 * some errors: a full disk, out of memory) returns MI_ESTORE: nothing of the
 * batch was committed and the caller must not go on with it. */
int mi_queue_batch_savepoint(mi_queue_batch *b, mi_err *e);
int mi_queue_batch_end_job(mi_queue_batch *b, int keep, mi_err *e);

/* Completes a job read by mi_queue_batch_due (claim and completion in one
 * UPDATE): done, or failed with error (requeued at retry_at, or dead when
 * retry_at is 0). MI_ENOTFOUND when the row changed since it was read
 * (another runner claimed it): the caller rolls back the job's effects. */
int mi_queue_batch_done(mi_queue_batch *b, const mi_queue_job *j, int64_t now, mi_err *e);
int mi_queue_batch_failed(mi_queue_batch *b, const mi_queue_job *j, const char *error,
                          int64_t retry_at, int64_t now, mi_err *e);

/* A failed attempt: back to queued at retry_at with the error, or, when
 * retry_at is 0, failed for good (dead). Only if owner still holds it. */
int mi_queue_failed(mi_store *s, int64_t id, const char *owner, const char *error,
                    int64_t retry_at, int64_t now, mi_err *e);

/* Queues a failed (dead) or cancelled job again, to run at now with its
 * attempts reset. MI_ENOTFOUND if no such job, MI_EINVAL if it is not dead. */
int mi_queue_retry(mi_store *s, const char *key, int64_t now, mi_err *e);

/* Calls fn for each queue job (lease or not) whose status matches (NULL: all),
 * newest run_at last, at most limit (0: all). fn returns nonzero to stop. */
int mi_queue_each(mi_store *s, const char *status, size_t limit,
                  int (*fn)(const mi_queue_job *j, void *ud), void *ud, mi_err *e);

/* The job with this key (1 found, 0 not). */
int mi_queue_get(mi_store *s, const char *key, mi_queue_job *job, mi_err *e);

/* Counts by status for `manyi jobs`. */
typedef struct mi_queue_counts {
  int64_t queued, due, running, done, failed, cancelled;
} mi_queue_counts;
int mi_queue_count(mi_store *s, int64_t now, mi_queue_counts *c, mi_err *e);

/* Recurring jobs: the last occurrence queued for schedule name (1 found,
 * 0 never), and setting it. */
int mi_schedule_last(mi_store *s, const char *name, int64_t *last_fire, mi_err *e);
int mi_schedule_set(mi_store *s, const char *name, int64_t last_fire, int64_t now, mi_err *e);

#endif
