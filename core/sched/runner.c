#include "sched/runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/audit.h"
#include "util/strbuf.h"
#include "util/text.h"
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

/* Appends text to b as a JSON string; bytes that are not UTF-8 (a handler's
 * message may carry any) are written as '?', so the entry is always JSON. */
static int put_text(mi_strbuf *b, const char *text) {
  size_t n = strlen(text), bad;
  if (mi_text_utf8_check(text, n, &bad, NULL) == 0) return mi_json_put_string(b, text);
  char *copy = strdup(text);
  if (!copy) return -1;
  for (size_t at = bad; at < n; at++) {
    copy[at] = '?';
    if (mi_text_utf8_check(copy + at + 1, n - at - 1, &bad, NULL) == 0) break;
    at += bad;
  }
  int rc = mi_json_put_string(b, copy);
  free(copy);
  return rc;
}

/* The audit entry of one run of j: action "job", the job's key, and its kind,
 * occurrence (run_at), attempt and outcome (done, retry, dead). Written in the
 * transaction that records the outcome, so a run that is rolled back (a
 * crash, a lost lease) leaves none, and a job retried after a crash has one
 * entry for its one completion. The detail is written by hand, not through
 * jansson: an entry per job, and jansson's objects cost more than the
 * INSERT. */
static int audit_run(mi_store *s, const mi_sched_opts *o, const mi_queue_job *j,
                     const char *outcome, const char *error, int64_t now, mi_err *e) {
  char at[21];
  mi_instant_format(j->run_at, at);
  mi_strbuf d = {0};
  int bad = mi_strbuf_appends(&d, "{\"kind\":") || put_text(&d, j->kind) ||
            mi_strbuf_appendf(&d, ",\"occurrence\":\"%s\",\"attempt\":%lld,\"outcome\":", at,
                              (long long)j->attempts) ||
            put_text(&d, outcome) ||
            (error && (mi_strbuf_appends(&d, ",\"error\":") || put_text(&d, error))) ||
            mi_strbuf_appends(&d, ",\"runner\":") || put_text(&d, o->owner) ||
            mi_strbuf_appendc(&d, '}');
  int rc = !bad ? mi_audit_append(s, o->actor ? o->actor : "unknown", "job", j->key, d.data, now, e)
                : mi_err_set(e, MI_ENOMEM, "out of memory recording job %s", j->key);
  mi_strbuf_free(&d);
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

/* The outcome of one job of a batch, kept until the batch commits. */
typedef struct outcome {
  int rc;   /* the handler's: 0 done, <0 failed (he says why) */
  int dead; /* failed for good */
  int lost; /* another runner claimed it meanwhile: nothing of this run stays */
  double secs; /* how long it ran */
  mi_err he;
} outcome;

/* Runs j inside the batch's transaction: its effects in a savepoint, then
 * its completion and audit entry; a failure rolls back the savepoint only
 * and records the failure. 0 with the outcome in *out, or a store failure in
 * e: then the whole batch must be rolled back. */
static int fire(mi_store *s, mi_queue_batch *b, const mi_sched_kind *k, void *ud,
                const mi_sched_opts *o, int max_attempts, const mi_queue_job *j, int64_t now,
                outcome *out, mi_err *e) {
  int rc = mi_queue_batch_savepoint(b, e);
  if (rc) return rc;
  if (!k) {
    out->rc = mi_err_set(&out->he, MI_EINVAL, "no handler for job kind '%s'", j->kind);
    out->dead = 1;
  } else {
    out->rc = k->run(s, j, ud, now, &out->he);
    if (out->rc > 0) out->rc = MI_EINVAL;
  }
  if (out->rc == 0) {
    mi_err le = {0};
    rc = mi_queue_batch_done(b, j, now, &le);
    if (rc == MI_ENOTFOUND) {
      out->lost = 1; /* the other runner's run counts, not ours */
      return mi_queue_batch_end_job(b, 0, e);
    }
    if (rc || (rc = audit_run(s, o, j, "done", NULL, now, &le))) {
      if (e) *e = le;
      return rc;
    }
    return mi_queue_batch_end_job(b, 1, e);
  }
  if ((rc = mi_queue_batch_end_job(b, 0, e))) return rc; /* its effects are undone */
  out->dead = out->dead || j->attempts >= max_attempts;
  char msg[sizeof out->he.file + sizeof out->he.msg + 32];
  mi_err_format(&out->he, msg, sizeof msg);
  int64_t retry_at = out->dead ? 0 : now + mi_sched_backoff(o->backoff_secs, j->attempts);
  mi_err le = {0};
  rc = mi_queue_batch_failed(b, j, msg, retry_at, now, &le);
  if (rc == MI_ENOTFOUND) {
    out->lost = 1;
    return 0;
  }
  if (rc || (rc = audit_run(s, o, j, out->dead ? "dead" : "retry", msg, now, &le))) {
    if (e) *e = le;
    return rc;
  }
  return 0;
}

/* The job most due when it runs its own transactions (own_txn): claimed with
 * a lease on its own, run, and completed, as one job at a time. *none is set
 * when nothing was due after all. Returns 0 or a store failure. */
static double seconds_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int run_alone(mi_store *s, const mi_sched_kind *kinds, void *ud, const mi_sched_opts *o,
                     int64_t lease, int max_attempts, int64_t now, mi_sched_report *r,
                     int *none, mi_err *e) {
  mi_queue_job j = {0};
  int rc = mi_queue_claim(s, o->owner, now, lease, &j, e);
  if (rc <= 0) {
    *none = rc == 0;
    return rc;
  }
  r->ran++;
  mi_err he = {0};
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
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
      return 0;
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
    if (frc == MI_ENOTFOUND) {
      r->lost++;
      mi_queue_job_clear(&j);
      return 0;
    }
    if (frc) {
      mi_queue_job_clear(&j);
      return frc;
    }
    if (dead) r->dead++;
    else r->retried++;
  }
  r->batches++;
  if (o->on_job) o->on_job(o->ctx, &j, rc, dead, &he, seconds_since(&t0));
  mi_queue_job_clear(&j);
  return 0;
}


/* One batch: reads up to want due jobs and fires them in order in one
 * transaction, until one runs its own transactions, the time slice is over
 * or *stop is set. Then commits, counts and reports the jobs that ran.
 * *none is set when the pass should end: nothing was due (or a job was
 * lost). Returns 0 or a store failure (then
 * nothing of the batch is committed). */
static int run_batch(mi_store *s, mi_queue_batch *b, const mi_sched_kind *kinds, void *ud,
                     const mi_sched_opts *o, int64_t lease, int max_attempts, double slice,
                     size_t want, mi_queue_job *jobs, outcome *out, int64_t now,
                     mi_sched_report *r, int *none, mi_err *e) {
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  size_t n = 0, ran = 0;
  if ((rc = mi_queue_batch_due(b, o->owner, now, want, jobs, &n, e)) || n == 0) {
    mi_store_rollback(s);
    *none = rc == 0;
    return rc;
  }
  const mi_sched_kind *k = mi_sched_find_kind(kinds, jobs[0].kind);
  if (k && k->own_txn) { /* it cannot run inside the batch's transaction */
    mi_store_rollback(s);
    for (size_t i = 0; i < n; i++) mi_queue_job_clear(&jobs[i]);
    return run_alone(s, kinds, ud, o, lease, max_attempts, now, r, none, e);
  }
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (; ran < n; ran++) {
    k = mi_sched_find_kind(kinds, jobs[ran].kind);
    if (ran > 0 && ((k && k->own_txn) || (o->stop && *o->stop) || seconds_since(&t0) >= slice))
      break; /* the rest stays queued for the next batch */
    outcome *oc = &out[ran]; /* not the whole of he: its message is only read on failure */
    oc->rc = oc->dead = oc->lost = 0;
    oc->he.code = oc->he.line = oc->he.column = 0;
    oc->he.file[0] = oc->he.msg[0] = '\0';
    struct timespec tj;
    clock_gettime(CLOCK_MONOTONIC, &tj);
    if ((rc = fire(s, b, k, ud, o, max_attempts, &jobs[ran], now, oc, e))) break;
    oc->secs = seconds_since(&tj);
  }
  if (rc) mi_store_rollback(s);
  else rc = mi_store_commit(s, e);
  if (rc == 0) {
    r->batches++;
    for (size_t i = 0; i < ran; i++) {
      r->ran++;
      if (out[i].lost) {
        /* its row changed under the write lock: only its own handler can
         * have done that; it is still due, so the pass ends here rather
         * than read it again and again */
        r->lost++;
        *none = 1;
        continue;
      }
      if (out[i].rc == 0) r->done++;
      else if (out[i].dead) r->dead++;
      else r->retried++;
      if (o->on_job) o->on_job(o->ctx, &jobs[i], out[i].rc, out[i].dead, &out[i].he, out[i].secs);
    }
  }
  for (size_t i = 0; i < n; i++) mi_queue_job_clear(&jobs[i]);
  return rc;
}

int mi_sched_run_due(mi_store *s, const mi_sched_kind *kinds, void *ud, const mi_sched_opts *o,
                     int64_t now, mi_sched_report *r, mi_err *e) {
  if (!s || !kinds || !o || !o->owner || !r)
    return mi_err_set(e, MI_EINVAL, "running jobs needs a store, kinds, an owner and a report");
  memset(r, 0, sizeof *r);
  if (o->batch_max > MI_SCHED_BATCH_LIMIT || o->batch_ms < 0)
    return mi_err_set(e, MI_EINVAL, "a batch takes 1 to %d jobs and a time slice of 0 ms or more",
                      MI_SCHED_BATCH_LIMIT);
  int64_t lease = o->lease_secs > 0 ? o->lease_secs : 300;
  int max_attempts = o->max_attempts > 0 ? o->max_attempts : 5;
  size_t cap = o->batch_max ? o->batch_max : MI_SCHED_BATCH_MAX;
  double slice = (o->batch_ms ? o->batch_ms : MI_SCHED_BATCH_MS) / 1000.0;
  mi_queue_job *jobs = calloc(cap, sizeof *jobs);
  outcome *out = calloc(cap, sizeof *out);
  mi_queue_batch *b = NULL;
  /* A commit per batch: the audit anchor file after each cost more than the
   * jobs; it names the pass's newest entry at the latest a second later,
   * and at the end of the pass. */
  int anchor_ms = mi_store_anchor_every(s, 1000);
  int rc = jobs && out ? mi_queue_batch_new(s, &b, e)
                       : mi_err_set(e, MI_ENOMEM, "out of memory for a batch of %zu jobs", cap);
  while (rc == 0 && !(o->stop && *o->stop) && !(o->max_jobs && r->ran >= o->max_jobs)) {
    size_t want = o->max_jobs && o->max_jobs - r->ran < cap ? o->max_jobs - r->ran : cap;
    int none = 0;
    rc = run_batch(s, b, kinds, ud, o, lease, max_attempts, slice, want, jobs, out, now, r, &none,
                   e);
    if (none) break;
  }
  /* A full disk after batches had committed: they stay, with their entries. */
  if (rc && r->ran)
    mi_err_kept(e, "the batch in hand was not committed; the %zu jobs before it were, each with "
                   "its audit entry (the others run at the next pass)",
                r->ran);
  mi_queue_batch_free(b);
  mi_store_anchor_every(s, anchor_ms);
  free(out);
  free(jobs);
  return rc;
}
