#include "sched/runner.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "util/timeutil.h"

#define DAY (24 * 60 * 60)

const mi_sched_kind *mi_sched_find_kind(const mi_sched_kind *kinds, const char *name) {
  for (const mi_sched_kind *k = kinds; k && k->name; k++)
    if (!strcmp(k->name, name)) return k;
  return NULL;
}

int64_t mi_sched_backoff(int64_t backoff_secs, int64_t attempt) {
  int64_t d = backoff_secs > 0 ? backoff_secs : 60;
  for (int64_t i = 1; i < attempt && d < DAY; i++) d *= 2;
  return d < DAY ? d : DAY;
}

/* The audit entry of one run of j: action "job", the job's key, and its kind,
 * occurrence (run_at), attempt and outcome (done, retry, dead). Written in the
 * transaction that records the outcome, so a run that is rolled back (a
 * crash, a lost lease) leaves none, and a job retried after a crash has one
 * entry for its one completion. */
static int audit_run(mi_store *s, const mi_sched_opts *o, const mi_queue_job *j,
                     const char *outcome, const char *error, int64_t now, mi_err *e) {
  char at[21];
  mi_instant_format(j->run_at, at);
  json_t *d = json_pack("{s:s, s:s, s:I, s:s, s:s?, s:s}", "kind", j->kind, "occurrence", at,
                        "attempt", (json_int_t)j->attempts, "outcome", outcome, "error", error,
                        "runner", o->owner);
  char *text = d ? json_dumps(d, JSON_COMPACT) : NULL;
  json_decref(d);
  int rc = text ? mi_audit_append(s, o->actor ? o->actor : "unknown", "job", j->key, text, now, e)
                : mi_err_set(e, MI_ENOMEM, "out of memory recording job %s", j->key);
  free(text);
  return rc;
}

/* Records a failed attempt (to retry at retry_at, or dead when 0) and its
 * audit entry in one transaction. MI_ENOTFOUND: the lease was lost. */
static int record_failure(mi_store *s, const mi_sched_opts *o, const mi_queue_job *j,
                          const char *msg, int64_t retry_at, int64_t now, mi_err *e) {
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  rc = mi_queue_failed(s, j->id, o->owner, msg, retry_at, now, e);
  if (rc == 0) rc = audit_run(s, o, j, retry_at ? "retry" : "dead", msg, now, e);
  if (rc) {
    mi_store_rollback(s);
    return rc;
  }
  return mi_store_commit(s, e);
}

/* Runs one claimed job: effects and completion in one transaction (or the
 * handler's own, then completion). 0 done, 1 lease lost, <0 handler failed
 * (in he), or a store failure in e (returned as 2 with e set). */
static int run_one(mi_store *s, const mi_sched_kind *k, void *ud, const mi_sched_opts *o,
                   const mi_queue_job *j, int64_t now, mi_err *he, mi_err *e) {
  if (!k->own_txn && mi_store_begin(s, e)) return 2;
  int rc = k->run(s, j, ud, now, he);
  if (rc == 0) {
    if (k->own_txn && mi_store_begin(s, e)) return 2;
    mi_err le = {0};
    rc = mi_queue_done(s, j->id, o->owner, now, &le);
    if (rc == MI_ENOTFOUND) {
      mi_store_rollback(s); /* another runner has it: its run counts, not ours */
      return 1;
    }
    if (rc || (rc = audit_run(s, o, j, "done", NULL, now, &le))) {
      *e = le;
      mi_store_rollback(s);
      return 2;
    }
    if (mi_store_commit(s, e)) return 2;
    return 0;
  }
  if (!k->own_txn) mi_store_rollback(s);
  return rc < 0 ? rc : MI_EINVAL;
}

int mi_sched_run_due(mi_store *s, const mi_sched_kind *kinds, void *ud, const mi_sched_opts *o,
                     int64_t now, mi_sched_report *r, mi_err *e) {
  if (!s || !kinds || !o || !o->owner || !r)
    return mi_err_set(e, MI_EINVAL, "running jobs needs a store, kinds, an owner and a report");
  memset(r, 0, sizeof *r);
  int64_t lease = o->lease_secs > 0 ? o->lease_secs : 300;
  int max_attempts = o->max_attempts > 0 ? o->max_attempts : 5;
  while (!(o->stop && *o->stop) && !(o->max_jobs && r->ran >= o->max_jobs)) {
    mi_queue_job j = {0};
    int rc = mi_queue_claim(s, o->owner, now, lease, &j, e);
    if (rc < 0) return rc;
    if (rc == 0) break;
    r->ran++;
    mi_err he = {0};
    const mi_sched_kind *k = mi_sched_find_kind(kinds, j.kind);
    int dead = 0;
    if (!k) {
      rc = mi_err_set(&he, MI_EINVAL, "no handler for job kind '%s'", j.kind);
      dead = 1;
    } else {
      rc = run_one(s, k, ud, o, &j, now, &he, e);
      if (rc == 2) {
        mi_queue_job_clear(&j);
        return e ? e->code : MI_ESTORE;
      }
      if (rc == 1) {
        r->lost++;
        mi_queue_job_clear(&j);
        continue;
      }
    }
    if (rc == 0) {
      r->done++;
    } else {
      dead = dead || j.attempts >= max_attempts;
      char msg[sizeof he.file + sizeof he.msg + 32];
      mi_err_format(&he, msg, sizeof msg);
      int64_t retry_at = dead ? 0 : now + mi_sched_backoff(o->backoff_secs, j.attempts);
      int frc = record_failure(s, o, &j, msg, retry_at, now, e);
      if (frc == MI_ENOTFOUND) r->lost++;
      else if (frc) {
        mi_queue_job_clear(&j);
        return frc;
      } else if (dead) r->dead++;
      else r->retried++;
    }
    if (o->on_job) o->on_job(o->ctx, &j, rc, dead, &he);
    mi_queue_job_clear(&j);
  }
  return 0;
}
