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
