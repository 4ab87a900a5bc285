/* The job queue runner: claims due jobs with a lease and runs each through
 * the handler of its kind.
 *
 * Firing in bulk. Due jobs are fired in batches: one write transaction reads
 * up to batch_max of them (oldest run_at first, then id) and runs them in that
 * order until the batch is worked through or has taken batch_ms; each job's
 * effects run in a savepoint of their own, and the job's completion (done,
 * or failed: requeued or dead, with its audit entry) goes into the same
 * transaction. A job that fails has only its own savepoint rolled back; the
 * rest of the batch commits.
 *
 * Exactly-once effects. A committed batch holds each of its jobs' effects
 * and completions; a batch that is not committed (a crash, kill -9, a store
 * failure) holds none, and its jobs are still queued and due at once (the
 * claim is written with the completion, under the write lock, so no lease
 * is left behind). Handlers that manage their own transactions (own_txn:
 * batches such as tier evaluation) run alone as before: claimed with a lease
 * in a transaction of their own, then run, then completed; they must be
 * idempotent — keyed writes that a rerun skips. A batch stops before such a
 * job.
 *
 * Failures. A failed attempt is rolled back and retried after a backoff
 * (backoff_secs, doubled per attempt, at most a day); after max_attempts the
 * job is failed for good (a dead job, shown by `manyi jobs`; `manyi jobs retry
 * KEY` queues it again). A job of a kind nobody handles is dead at once.
 *
 * Audit. Every run of a job gets one audit entry (action "job", the job's
 * key, detail {kind, occurrence, attempt, outcome: done|retry|dead, error?,
 * runner}) in the transaction that records its outcome. */
#ifndef MI_SCHED_RUNNER_H
#define MI_SCHED_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "store/queue.h"
#include "store/store.h"
#include "util/err.h"

typedef struct mi_sched_kind {
  const char *name;    /* "notify" */
  const char *summary; /* one line for `manyi jobs kinds` */
  /* Does the job's work at `now`; ud is the runner's. Returns 0 or a
   * negative MI_E* code with e filled (the job is retried). */
  int (*run)(mi_store *s, const mi_queue_job *job, void *ud, int64_t now, mi_err *e);
  int own_txn; /* the handler commits by itself (an idempotent batch) */
} mi_sched_kind;

/* The handler of kind name in kinds (ended by {NULL}), or NULL. */
const mi_sched_kind *mi_sched_find_kind(const mi_sched_kind *kinds, const char *name);

/* The defaults of a batch: at most this many jobs, and no new job after this
 * many milliseconds (the write lock is not held much longer than that). */
#define MI_SCHED_BATCH_MAX 256
#define MI_SCHED_BATCH_MS 50
/* The largest batch_max taken. */
#define MI_SCHED_BATCH_LIMIT 10000

typedef struct mi_sched_opts {
  const char *owner;       /* unique per runner: "host:pid:start" */
  const char *actor;       /* the OS user the audit entries name; NULL: "unknown" */
  int64_t lease_secs;      /* how long a claim holds; 0 = 300 */
  int max_attempts;        /* 0 = 5 */
  int64_t backoff_secs;    /* first retry delay; 0 = 60 */
  size_t max_jobs;         /* per call; 0 = until nothing is due */
  size_t batch_max;        /* jobs per transaction; 0 = MI_SCHED_BATCH_MAX */
  int batch_ms;            /* a batch takes no new job after this; 0 = MI_SCHED_BATCH_MS */
  /* when set: commit the jobs of the batch in hand that ran, and return */
  volatile sig_atomic_t *stop;
  /* Told about every job run: rc 0 done, <0 failed (e says why). May be NULL. */
  /* seconds: the job's handler and completion, on the monotonic clock */
  void (*on_job)(void *ctx, const mi_queue_job *job, int rc, int dead, const mi_err *e,
                 double seconds);
  void *ctx;
} mi_sched_opts;

typedef struct mi_sched_report {
  size_t ran, done, retried, dead, lost; /* lost: the lease went to another runner */
  size_t batches;                        /* transactions committed */
} mi_sched_report;

/* Runs the jobs due at now, batch by batch, until none is due, max_jobs ran,
 * or *stop is set. Handler failures are recorded on the job, not returned;
 * the return value is a store failure (0 otherwise: then every job counted
 * in r is committed). on_job is told about a batch's jobs once it is
 * committed. */
int mi_sched_run_due(mi_store *s, const mi_sched_kind *kinds, void *ud, const mi_sched_opts *o,
                     int64_t now, mi_sched_report *r, mi_err *e);

/* The delay before retry number `attempt` (1-based): backoff doubled per
 * attempt, at most a day. */
int64_t mi_sched_backoff(int64_t backoff_secs, int64_t attempt);

#endif
