/* The job queue runner: claims due jobs with a lease and runs each through
 * the handler of its kind.
 *
 * Exactly-once effects. A handler's effects and the job's completion commit
 * in one transaction: a crash before the commit leaves the job running with
 * a lease that runs out, and the next runner does it again from the start;
 * a crash after leaves it done. Handlers that manage their own transactions
 * (own_txn: batches such as tier evaluation) must be idempotent — keyed
 * writes that a rerun skips — and are completed in a transaction of their own.
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

typedef struct mi_sched_opts {
  const char *owner;       /* unique per runner: "host:pid:start" */
  const char *actor;       /* the OS user the audit entries name; NULL: "unknown" */
  int64_t lease_secs;      /* how long a claim holds; 0 = 300 */
  int max_attempts;        /* 0 = 5 */
  int64_t backoff_secs;    /* first retry delay; 0 = 60 */
  size_t max_jobs;         /* per call; 0 = until nothing is due */
  volatile sig_atomic_t *stop; /* when set: finish the job in hand and return */
  /* Told about every job run: rc 0 done, <0 failed (e says why). May be NULL. */
  void (*on_job)(void *ctx, const mi_queue_job *job, int rc, int dead, const mi_err *e);
  void *ctx;
} mi_sched_opts;

typedef struct mi_sched_report {
  size_t ran, done, retried, dead, lost; /* lost: the lease went to another runner */
} mi_sched_report;

/* Runs the jobs due at now, one at a time, until none is due, max_jobs ran,
 * or *stop is set. Handler failures are recorded on the job, not returned;
 * the return value is a store failure (0 otherwise). */
int mi_sched_run_due(mi_store *s, const mi_sched_kind *kinds, void *ud, const mi_sched_opts *o,
                     int64_t now, mi_sched_report *r, mi_err *e);

/* The delay before retry number `attempt` (1-based): backoff doubled per
 * attempt, at most a day. */
int64_t mi_sched_backoff(int64_t backoff_secs, int64_t attempt);

#endif
