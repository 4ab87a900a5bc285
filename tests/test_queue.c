/* Unit tests for the scheduler's queue (core/store/queue.c) and runner
 * (core/sched/runner.c): claims and leases, exactly-once completion, retries
 * with backoff, dead jobs, effects rolled back with a failed attempt; firing
 * in batches (one failing job of a batch, the batch's limits, a batch that is
 * never committed). The
 * handlers here are test doubles; the real kinds are tested end to end in
 * tests/e2e/scheduler.sh. */
#include "fixture.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sched/runner.h"
#include "store/audit.h"
#include "store/jobs.h"
#include "store/outbox.h"
#include "store/queue.h"
#include "store/store.h"

static char dir[] = "/tmp/manyi-test-queue-XXXXXX";

static int setup(void **state) {
  (void)state;
  return mi_test_tmpdir(dir);
}

static int teardown(void **state) {
  (void)state;
  return mi_test_rmdir(dir);
}

static mi_store *fresh(const char *name) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  unlink(p);
  mi_store *s = NULL;
  mi_err e = {0};
  if (mi_store_open(p, MI_STORE_CREATE, &s, &e)) fail_msg("%s", e.msg);
  return s;
}

static int64_t rows_of(mi_store *s, const char *table) {
  mi_store_count c[64];
  mi_err e = {0};
  int n = mi_store_counts(s, c, 64, &e);
  for (int i = 0; i < n; i++)
    if (!strcmp(c[i].table, table)) return c[i].rows;
  fail_msg("no table %s", table);
  return -1;
}

static void enqueue(mi_store *s, const char *kind, const char *key, int64_t at) {
  mi_err e = {0};
  assert_int_equal(mi_job_enqueue(s, kind, key, at, NULL, 0, NULL, &e), MI_PUT_INSERTED);
}

static void test_bad_args(void **state) {
  (void)state;
  mi_store *s = fresh("args.db");
  mi_queue_job j = {0};
  mi_err e = {0};
  mi_sched_report r;
  mi_sched_opts o = {.owner = "a"};
  assert_int_equal(mi_queue_claim(NULL, "a", 0, 10, &j, &e), MI_EINVAL);
  assert_int_equal(mi_queue_claim(s, "", 0, 10, &j, &e), MI_EINVAL);
  assert_int_equal(mi_queue_claim(s, "a", 0, 0, &j, &e), MI_EINVAL);
  assert_int_equal(mi_queue_done(s, 1, NULL, 0, &e), MI_EINVAL);
  assert_int_equal(mi_sched_run_due(s, NULL, NULL, &o, 0, &r, &e), MI_EINVAL);
  assert_int_equal(mi_queue_retry(s, "nothing", 0, &e), MI_ENOTFOUND);
  mi_store_close(s);
}

static void test_claim_and_lease(void **state) {
  (void)state;
  mi_store *s = fresh("lease.db");
  mi_queue_job j = {0};
  mi_err e = {0};
  assert_int_equal(mi_queue_claim(s, "a", 1000, 10, &j, &e), 0); /* empty */
  enqueue(s, "k", "second", 200);
  enqueue(s, "k", "first", 100);
  enqueue(s, "k", "later", 5000);
  assert_int_equal(mi_queue_claim(s, "a", 50, 10, &j, &e), 0); /* nothing due yet */
  assert_int_equal(mi_queue_claim(s, "a", 1000, 10, &j, &e), 1);
  assert_string_equal(j.key, "first"); /* most overdue first */
  assert_int_equal(j.attempts, 1);
  int64_t first = j.id;
  assert_int_equal(mi_queue_claim(s, "b", 1005, 10, &j, &e), 1);
  assert_string_equal(j.key, "second"); /* "first" is held by a */
  assert_int_equal(mi_queue_claim(s, "b", 1005, 10, &j, &e), 0);
  /* a dies; at 1011 its lease (1000 + 10) has run out and b takes "first" */
  assert_int_equal(mi_queue_claim(s, "b", 1011, 10, &j, &e), 1);
  assert_string_equal(j.key, "first");
  assert_int_equal(j.attempts, 2);
  assert_int_equal(mi_queue_done(s, first, "a", 1012, &e), MI_ENOTFOUND); /* a lost it */
  assert_int_equal(mi_queue_done(s, first, "b", 1012, &e), 0);
  assert_int_equal(mi_queue_done(s, first, "b", 1013, &e), MI_ENOTFOUND); /* once */
  assert_int_equal(mi_queue_get(s, "first", &j, &e), 1);
  assert_string_equal(j.status, "done");
  assert_int_equal(j.finished_at, 1012);
  /* batch jobs (no lease) are never claimed, however old */
  char cp[16];
  int64_t id;
  assert_int_equal(mi_job_start(s, "eval-tiers", "batch", 1, &id, cp, sizeof cp, &e), 0);
  assert_int_equal(mi_queue_claim(s, "c", 100000, 10, &j, &e), 1); /* b's lease ran out */
  assert_string_equal(j.key, "second");
  assert_int_equal(mi_queue_claim(s, "c", 100000, 10, &j, &e), 1);
  assert_string_equal(j.key, "later");
  assert_int_equal(mi_queue_claim(s, "c", 100000, 10, &j, &e), 0);
  mi_queue_job_clear(&j);
  mi_store_close(s);
}

/* ---- the runner ------------------------------------------------------------ */

typedef struct calls {
  int ok, fail, half;
} calls;

static int add_message(mi_store *s, const mi_queue_job *j, int64_t now, mi_err *e) {
  char key[256];
  snprintf(key, sizeof key, "msg:%s", j->key);
  mi_outbox_msg m = {.key = key, .kind = "test", .channel = "internal", .recipient = "ops",
                     .subject = "hello", .job_id = j->id};
  int rc = mi_outbox_add(s, &m, now, e);
  return rc < 0 ? rc : 0;
}

static int run_ok(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  ((calls *)ud)->ok++;
  return add_message(s, j, now, e);
}

static int run_fail(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  (void)s, (void)j, (void)now;
  ((calls *)ud)->fail++;
  return mi_err_set(e, MI_EINVAL, "the mail server said no");
}

/* Writes its effect, then fails: the effect must not stay. */
static int run_half(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  ((calls *)ud)->half++;
  int rc = add_message(s, j, now, e);
  return rc ? rc : mi_err_set(e, MI_EIO, "crashed half-way");
}

/* Another runner takes the job over while this one works on it (its lease
 * ran out): the work is rolled back and counts as lost. */
static int run_stolen(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  (void)ud;
  mi_queue_job other = {0};
  int rc = mi_queue_claim(s, "r2", now + 100000, 10, &other, e);
  int same = rc == 1 && other.id == j->id;
  mi_queue_job_clear(&other);
  return same ? add_message(s, j, now, e) : mi_err_set(e, MI_EINVAL, "could not take the job over");
}

static const mi_sched_kind kinds[] = {{"ok", "writes one message", run_ok, 0},
                                      {"fail", "always fails", run_fail, 0},
                                      {"half", "writes, then fails", run_half, 0},
                                      {"stolen", "taken over by another runner", run_stolen, 0},
                                      {NULL, NULL, NULL, 0}};

/* The "job" entries of the audit log: how many, and with each outcome. */
typedef struct job_entries {
  int all, done, retry, dead, bad_user;
  char keys[256];
} job_entries;

static int count_entry(const mi_audit_entry *en, void *ud) {
  job_entries *n = ud;
  n->all++;
  n->done += strstr(en->detail, "\"outcome\":\"done\"") != NULL;
  n->retry += strstr(en->detail, "\"outcome\":\"retry\"") != NULL;
  n->dead += strstr(en->detail, "\"outcome\":\"dead\"") != NULL;
  n->bad_user += strcmp(en->os_user, "tester") != 0;
  if (strstr(en->detail, "\"outcome\":\"done\""))
    snprintf(n->keys + strlen(n->keys), sizeof n->keys - strlen(n->keys), "%s ", en->object);
  return 0;
}

static job_entries job_audit(mi_store *s) {
  job_entries n = {0};
  mi_err e = {0};
  assert_int_equal(mi_audit_each(s, 0, "job", count_entry, &n, &e), 0);
  mi_audit_report r;
  assert_int_equal(mi_audit_verify(s, NULL, &r, &e), 0);
  assert_int_equal(r.bad_id, 0);
  return n;
}

static void test_runner(void **state) {
  (void)state;
  mi_store *s = fresh("runner.db");
  mi_err e = {0};
  calls c = {0};
  mi_sched_opts o = {.owner = "r1", .actor = "tester", .max_attempts = 3, .backoff_secs = 60};
  mi_sched_report r;
  for (int i = 0; i < 5; i++) {
    char key[16];
    snprintf(key, sizeof key, "ok-%d", i);
    enqueue(s, "ok", key, 100 + i);
  }
  enqueue(s, "fail", "fail-1", 100);
  enqueue(s, "half", "half-1", 100);
  enqueue(s, "nobody", "orphan", 100);
  assert_int_equal(mi_sched_run_due(s, kinds, &c, &o, 1000, &r, &e), 0);
  assert_int_equal(r.ran, 8);
  assert_int_equal(r.done, 5);
  assert_int_equal(r.retried, 2);
  assert_int_equal(r.dead, 1); /* no handler: dead at once */
  assert_int_equal(c.ok, 5);
  assert_int_equal(rows_of(s, "outbox"), 5); /* half's message was rolled back */
  job_entries au = job_audit(s); /* one entry per run, with its outcome */
  assert_int_equal(au.all, 8);
  assert_int_equal(au.done, 5);
  assert_int_equal(au.retry, 2);
  assert_int_equal(au.dead, 1);
  assert_int_equal(au.bad_user, 0);
  assert_string_equal(au.keys, "ok-0 ok-1 ok-2 ok-3 ok-4 ");
  mi_queue_job j = {0};
  assert_int_equal(mi_queue_get(s, "fail-1", &j, &e), 1);
  assert_string_equal(j.status, "queued");
  assert_int_equal(j.run_at, 1060); /* first retry after 60 s */
  assert_string_equal(j.error, "the mail server said no");
  assert_int_equal(mi_queue_get(s, "orphan", &j, &e), 1);
  assert_string_equal(j.status, "failed");
  assert_non_null(strstr(j.error, "no handler for job kind 'nobody'"));
  /* nothing more is due until the retries */
  assert_int_equal(mi_sched_run_due(s, kinds, &c, &o, 1059, &r, &e), 0);
  assert_int_equal(r.ran, 0);
  assert_int_equal(mi_sched_run_due(s, kinds, &c, &o, 1060, &r, &e), 0);
  assert_int_equal(r.ran, 2);
  assert_int_equal(mi_queue_get(s, "fail-1", &j, &e), 1);
  assert_int_equal(j.run_at, 1060 + 120); /* doubled */
  assert_int_equal(mi_sched_run_due(s, kinds, &c, &o, 1180, &r, &e), 0);
  assert_int_equal(r.dead, 2); /* the third attempt was the last */
  assert_int_equal(c.fail, 3);
  assert_int_equal(c.half, 3);
  assert_int_equal(rows_of(s, "outbox"), 5);
  assert_int_equal(mi_queue_get(s, "fail-1", &j, &e), 1);
  assert_string_equal(j.status, "failed");
  au = job_audit(s); /* 8 + 2 retries + 2 last attempts */
  assert_int_equal(au.all, 12);
  assert_int_equal(au.retry, 4);
  assert_int_equal(au.dead, 3);
  /* a run whose job is taken over meanwhile leaves no entry and no effect
   * (in a batch the takeover can only come from the handler itself, under
   * the write lock: it is undone with the job's savepoint, and the job is
   * still queued) */
  enqueue(s, "stolen", "stolen-1", 1180);
  assert_int_equal(mi_sched_run_due(s, kinds, &c, &o, 1180, &r, &e), 0);
  assert_int_equal(r.lost, 1);
  assert_int_equal(job_audit(s).all, 12);
  assert_int_equal(rows_of(s, "outbox"), 5);
  /* a dead job can be queued again; a done one cannot */
  assert_int_equal(mi_queue_retry(s, "ok-1", 2000, &e), MI_EINVAL);
  assert_int_equal(mi_queue_retry(s, "fail-1", 2000, &e), 0);
  assert_int_equal(mi_queue_get(s, "fail-1", &j, &e), 1);
  assert_string_equal(j.status, "queued");
  assert_int_equal(j.attempts, 0);
  mi_queue_counts n;
  assert_int_equal(mi_queue_count(s, 2000, &n, &e), 0);
  assert_int_equal(n.queued, 2); /* fail-1 and stolen-1 */
  assert_int_equal(n.due, 2);
  assert_int_equal(n.done, 5);
  assert_int_equal(n.failed, 2);
  mi_queue_job_clear(&j);
  mi_store_close(s);
}

static void test_stop_and_limit(void **state) {
  (void)state;
  mi_store *s = fresh("stop.db");
  mi_err e = {0};
  calls c = {0};
  volatile sig_atomic_t stop = 0;
  mi_sched_opts o = {.owner = "r1", .max_jobs = 2, .stop = &stop};
  mi_sched_report r;
  for (int i = 0; i < 4; i++) {
    char key[16];
    snprintf(key, sizeof key, "ok-%d", i);
    enqueue(s, "ok", key, 100);
  }
  assert_int_equal(mi_sched_run_due(s, kinds, &c, &o, 1000, &r, &e), 0);
  assert_int_equal(r.done, 2);
  stop = 1;
  assert_int_equal(mi_sched_run_due(s, kinds, &c, &o, 1000, &r, &e), 0);
  assert_int_equal(r.ran, 0);
  assert_int_equal(mi_sched_backoff(60, 1), 60);
  assert_int_equal(mi_sched_backoff(60, 3), 240);
  assert_int_equal(mi_sched_backoff(60, 40), 86400); /* at most a day, no overflow */
  mi_store_close(s);
}

/* ---- firing in bulk ----------------------------------------------------- */

/* What the handlers of a batch saw, in order. */
typedef struct trace {
  char ran[512];  /* keys in the order the handlers ran */
  char told[512]; /* keys in the order on_job was told (after the commits) */
  volatile sig_atomic_t *stop;
  const char *stop_at; /* the handler of this key sets *stop */
} trace;

static void note(char *buf, size_t size, const char *key) {
  snprintf(buf + strlen(buf), size - strlen(buf), "%s ", key);
}

static int run_traced(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  trace *t = ud;
  note(t->ran, sizeof t->ran, j->key);
  if (t->stop_at && !strcmp(j->key, t->stop_at)) *t->stop = 1;
  return add_message(s, j, now, e);
}

/* Writes its effect, then fails: only its own effect may be undone. */
static int run_traced_half(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  trace *t = ud;
  note(t->ran, sizeof t->ran, j->key);
  int rc = add_message(s, j, now, e);
  return rc ? rc : mi_err_set(e, MI_EIO, "crashed half-way");
}

/* Runs its own transaction (own_txn): it cannot run inside a batch. */
static int run_traced_alone(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  trace *t = ud;
  note(t->ran, sizeof t->ran, j->key);
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  if ((rc = add_message(s, j, now, e))) {
    mi_store_rollback(s);
    return rc;
  }
  return mi_store_commit(s, e);
}

static int run_slow(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  usleep(3000); /* longer than a time slice of 1 ms */
  return run_traced(s, j, ud, now, e);
}

static void told(void *ctx, const mi_queue_job *j, int rc, int dead, const mi_err *e,
                 double seconds) {
  (void)rc, (void)dead, (void)e;
  assert_true(seconds >= 0 && seconds < 60); /* the job's own time, on the monotonic clock */
  trace *t = ctx;
  note(t->told, sizeof t->told, j->key);
}

/* Appends an audit entry of its own, then fails: the entry goes with its
 * savepoint, and the next job's entry must chain to the one before it. */
static int run_audit_half(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  trace *t = ud;
  note(t->ran, sizeof t->ran, j->key);
  int rc = mi_audit_append(s, "tester", "note", j->key, NULL, now, e);
  return rc ? rc : mi_err_set(e, MI_EIO, "failed after its audit entry");
}

/* Fails with a message that is not UTF-8 (a handler may pass on any bytes). */
static int run_bad_bytes(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  (void)s, (void)j, (void)ud, (void)now;
  return mi_err_set(e, MI_EIO, "bad \xff\xfe bytes \xe4\xb8");
}

static const mi_sched_kind bulk_kinds[] = {
    {"t", "writes one message", run_traced, 0},
    {"t-bad-bytes", "fails with a message that is not UTF-8", run_bad_bytes, 0},
    {"t-audit-half", "appends an audit entry, then fails", run_audit_half, 0},
    {"t-half", "writes, then fails", run_traced_half, 0},
    {"t-alone", "writes in its own transaction", run_traced_alone, 1},
    {"t-slow", "takes 3 ms", run_slow, 0},
    {NULL, NULL, NULL, 0}};

static void expect_job(mi_store *s, const char *key, const char *status, int64_t attempts,
                       int64_t run_at, const char *owner) {
  mi_queue_job j = {0};
  mi_err e = {0};
  assert_int_equal(mi_queue_get(s, key, &j, &e), 1);
  assert_string_equal(j.status, status);
  assert_int_equal(j.attempts, attempts);
  assert_int_equal(j.run_at, run_at);
  assert_string_equal(j.lease_owner, owner);
  assert_int_equal(j.lease_until, 0); /* a batch leaves no lease behind */
  mi_queue_job_clear(&j);
}

/* One job of a batch fails after writing its effect: its effect alone is
 * rolled back and it is retried; the jobs before and after it in the same
 * batch are done once, in order (run_at, then id); a job that runs its own
 * transactions ends the batch and runs alone. */
static void test_batch_one_fails(void **state) {
  (void)state;
  mi_store *s = fresh("bulk.db");
  mi_err e = {0};
  trace t = {0};
  mi_sched_opts o = {.owner = "r1", .actor = "tester", .max_attempts = 3, .on_job = told,
                     .ctx = &t};
  mi_sched_report r;
  enqueue(s, "t", "a-1", 100);
  enqueue(s, "t", "a-2", 101);
  enqueue(s, "t-half", "h-1", 102);
  enqueue(s, "t", "tie-2", 103); /* same run_at: the lower id first */
  enqueue(s, "t", "tie-1", 103);
  enqueue(s, "t", "a-3", 104);
  enqueue(s, "t-alone", "solo", 105);
  enqueue(s, "t", "a-4", 106);
  enqueue(s, "t", "later", 2000);
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1000, &r, &e), 0);
  assert_string_equal(t.ran, "a-1 a-2 h-1 tie-2 tie-1 a-3 solo a-4 ");
  assert_string_equal(t.told, t.ran);
  assert_int_equal(r.ran, 8);
  assert_int_equal(r.done, 7);
  assert_int_equal(r.retried, 1);
  assert_int_equal(r.dead + r.lost, 0);
  assert_int_equal(r.batches, 3); /* a-1..a-3 with h-1; solo alone; a-4 */
  assert_int_equal(rows_of(s, "outbox"), 7); /* h-1's message was rolled back */
  job_entries au = job_audit(s);             /* and the chain is intact */
  assert_int_equal(au.all, 8);
  assert_int_equal(au.retry, 1);
  assert_string_equal(au.keys, "a-1 a-2 tie-2 tie-1 a-3 solo a-4 ");
  expect_job(s, "a-1", "done", 1, 100, "r1");
  expect_job(s, "tie-1", "done", 1, 103, "r1");
  expect_job(s, "h-1", "queued", 1, 1060, "r1"); /* retried after 60 s */
  expect_job(s, "later", "queued", 0, 2000, "");
  mi_queue_job j = {0};
  assert_int_equal(mi_queue_get(s, "h-1", &j, &e), 1);
  assert_string_equal(j.error, "crashed half-way");
  assert_int_equal(mi_queue_get(s, "a-2", &j, &e), 1);
  assert_int_equal(j.started_at, 1000);
  assert_int_equal(j.finished_at, 1000);
  assert_null(j.error);
  mi_queue_job_clear(&j);
  /* the retries: h-1 fails twice more and is dead; nothing else runs again */
  t.ran[0] = t.told[0] = '\0';
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1060, &r, &e), 0);
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1180, &r, &e), 0);
  assert_string_equal(t.ran, "h-1 h-1 ");
  assert_int_equal(r.dead, 1);
  expect_job(s, "h-1", "failed", 3, 1060 + 120, "r1");
  assert_int_equal(rows_of(s, "outbox"), 7);
  mi_store_close(s);
}

/* A batch ends at batch_max jobs, after its time slice, or when *stop is
 * set; what ran is committed, the rest stays queued with no lease. */
static void test_batch_limits(void **state) {
  (void)state;
  mi_store *s = fresh("limits.db");
  mi_err e = {0};
  volatile sig_atomic_t stop = 0;
  trace t = {.stop = &stop};
  mi_sched_opts o = {.owner = "r1", .batch_max = 3, .stop = &stop};
  mi_sched_report r;
  char key[16];
  for (int i = 0; i < 7; i++) {
    snprintf(key, sizeof key, "m-%d", i);
    enqueue(s, "t", key, 100 + i);
  }
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1000, &r, &e), 0);
  assert_int_equal(r.done, 7);
  assert_int_equal(r.batches, 3); /* 3 + 3 + 1 */
  /* stop set by the third job: the first three commit, two stay queued */
  for (int i = 0; i < 5; i++) {
    snprintf(key, sizeof key, "s-%d", i);
    enqueue(s, "t", key, 200 + i);
  }
  t.stop_at = "s-2";
  o.batch_max = 0;
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1000, &r, &e), 0);
  assert_int_equal(r.ran, 3);
  assert_int_equal(r.batches, 1);
  expect_job(s, "s-2", "done", 1, 202, "r1");
  expect_job(s, "s-3", "queued", 0, 203, "");
  assert_int_equal(rows_of(s, "outbox"), 10);
  stop = 0;
  t.stop_at = NULL;
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1000, &r, &e), 0);
  assert_int_equal(r.ran, 2);
  /* a time slice of 1 ms: each job of 3 ms ends its batch */
  for (int i = 0; i < 3; i++) {
    snprintf(key, sizeof key, "slow-%d", i);
    enqueue(s, "t-slow", key, 300 + i);
  }
  o.batch_ms = 1;
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1000, &r, &e), 0);
  assert_int_equal(r.ran, 3);
  assert_int_equal(r.batches, 3);
  assert_int_equal(rows_of(s, "outbox"), 15);
  /* max_jobs counts across batches */
  for (int i = 0; i < 5; i++) {
    snprintf(key, sizeof key, "x-%d", i);
    enqueue(s, "t", key, 400 + i);
  }
  o.batch_ms = 0;
  o.batch_max = 2;
  o.max_jobs = 3;
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1000, &r, &e), 0);
  assert_int_equal(r.ran, 3);
  assert_int_equal(r.batches, 2);
  expect_job(s, "x-3", "queued", 0, 403, "");
  /* bad sizes */
  o.batch_max = MI_SCHED_BATCH_LIMIT + 1;
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1000, &r, &e), MI_EINVAL);
  o.batch_max = 1;
  o.batch_ms = -1;
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1000, &r, &e), MI_EINVAL);
  mi_store_close(s);
}

/* A batch that is never committed (a crash before the commit) leaves its
 * jobs as they were: queued, no attempt counted, no lease, no effect; the
 * next runner fires them at once. */
static void test_batch_uncommitted(void **state) {
  (void)state;
  mi_store *s = fresh("crash.db");
  mi_err e = {0};
  mi_queue_batch *b = NULL;
  mi_queue_job jobs[4] = {{0}};
  size_t n = 9;
  enqueue(s, "t", "c-1", 100);
  enqueue(s, "t", "c-2", 101);
  assert_int_equal(mi_queue_batch_new(NULL, &b, &e), MI_EINVAL);
  assert_int_equal(mi_queue_batch_new(s, &b, &e), 0);
  assert_int_equal(mi_queue_batch_due(b, "r1", 1000, 4, jobs, &n, &e), MI_EINVAL); /* no txn */
  assert_int_equal(mi_store_begin(s, &e), 0);
  assert_int_equal(mi_queue_batch_due(b, "", 1000, 4, jobs, &n, &e), MI_EINVAL);
  assert_int_equal(mi_queue_batch_due(b, "r1", 1000, 1, jobs, &n, &e), 0);
  assert_int_equal(n, 1); /* at most max */
  mi_queue_job_clear(&jobs[0]);
  assert_int_equal(mi_queue_batch_due(b, "r1", 1000, 4, jobs, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_string_equal(jobs[0].key, "c-1");
  assert_string_equal(jobs[0].status, "running"); /* as claimed */
  assert_int_equal(jobs[0].attempts, 1);
  assert_string_equal(jobs[0].lease_owner, "r1");
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(mi_queue_batch_savepoint(b, &e), 0);
    assert_int_equal(add_message(s, &jobs[i], 1000, &e), 0);
    assert_int_equal(mi_queue_batch_done(b, &jobs[i], 1000, &e), 0);
    assert_int_equal(mi_queue_batch_end_job(b, 1, &e), 0);
  }
  assert_int_equal(mi_queue_batch_done(b, &jobs[0], 1000, &e), MI_ENOTFOUND); /* once */
  expect_job(s, "c-1", "done", 1, 100, "r1");
  mi_store_rollback(s); /* the process dies before the commit */
  expect_job(s, "c-1", "queued", 0, 100, "");
  expect_job(s, "c-2", "queued", 0, 101, "");
  assert_int_equal(rows_of(s, "outbox"), 0);
  for (size_t i = 0; i < n; i++) mi_queue_job_clear(&jobs[i]);
  mi_queue_batch_free(b);
  trace t = {0};
  mi_sched_opts o = {.owner = "r2"};
  mi_sched_report r;
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1000, &r, &e), 0);
  assert_int_equal(r.done, 2); /* at once: no lease to wait for */
  assert_int_equal(rows_of(s, "outbox"), 2);
  expect_job(s, "c-2", "done", 1, 101, "r2");
  mi_store_close(s);
}

/* The due jobs of a batch are the queued ones and those whose lease ran
 * out, merged in one order (run_at, then id), at most max of them; the
 * audit chain stays whole when an entry appended inside a job's savepoint
 * is rolled back with it (the runner keeps the log's head in memory within
 * a batch), and when a savepoint of mi_store_savepoint is. */
static void test_batch_merge_and_chain(void **state) {
  (void)state;
  mi_store *s = fresh("merge.db");
  mi_err e = {0};
  mi_queue_job jobs[4] = {{0}};
  size_t n = 0;
  enqueue(s, "t", "e-a", 101);
  enqueue(s, "t", "e-b", 104);
  for (int i = 0; i < 2; i++) { /* both leased until 210, then their runner dies */
    assert_int_equal(mi_queue_claim(s, "dead", 200, 10, &jobs[0], &e), 1);
    mi_queue_job_clear(&jobs[0]);
  }
  enqueue(s, "t", "q-a", 100);
  enqueue(s, "t", "q-b", 103);
  enqueue(s, "t", "q-c", 105);
  mi_queue_batch *b = NULL;
  assert_int_equal(mi_queue_batch_new(s, &b, &e), 0);
  assert_int_equal(mi_store_begin(s, &e), 0);
  assert_int_equal(mi_queue_batch_due(b, "r1", 1000, 4, jobs, &n, &e), 0);
  assert_int_equal(n, 4); /* q-c (105) is fifth */
  const char *want[] = {"q-a", "e-a", "q-b", "e-b"};
  const int64_t attempts[] = {1, 2, 1, 2};
  for (size_t i = 0; i < n; i++) {
    assert_string_equal(jobs[i].key, want[i]);
    assert_int_equal(jobs[i].attempts, attempts[i]);
    mi_queue_job_clear(&jobs[i]);
  }
  /* before the leases ran out: the queued ones only */
  assert_int_equal(mi_queue_batch_due(b, "r1", 205, 4, jobs, &n, &e), 0);
  assert_int_equal(n, 3);
  assert_string_equal(jobs[2].key, "q-c");
  for (size_t i = 0; i < n; i++) mi_queue_job_clear(&jobs[i]);
  mi_store_rollback(s);
  mi_queue_batch_free(b);

  trace t = {0};
  mi_sched_opts o = {.owner = "r1", .actor = "tester", .max_attempts = 1};
  mi_sched_report r;
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1000, &r, &e), 0);
  assert_string_equal(t.ran, "q-a e-a q-b e-b q-c ");
  /* x-1 first in its batch: before it the batch knew no head */
  enqueue(s, "t-audit-half", "x-1", 106);
  enqueue(s, "t", "x-2", 107);
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1000, &r, &e), 0);
  assert_string_equal(t.ran, "q-a e-a q-b e-b q-c x-1 x-2 ");
  assert_int_equal(r.batches, 1);
  assert_int_equal(r.dead, 1);
  job_entries au = job_audit(s); /* verified: no gap where x-1's note was */
  assert_int_equal(au.all, 7);
  assert_int_equal(au.dead, 1);

  /* the same with mi_store_savepoint (an import's row) */
  assert_int_equal(mi_store_begin(s, &e), 0);
  assert_int_equal(mi_audit_append(s, "tester", "note", "kept-1", NULL, 2000, &e), 0);
  assert_int_equal(mi_store_savepoint(s, &e), 0);
  assert_int_equal(mi_audit_append(s, "tester", "note", "undone", NULL, 2000, &e), 0);
  mi_store_rollback_savepoint(s);
  assert_int_equal(mi_audit_append(s, "tester", "note", "kept-2", NULL, 2000, &e), 0);
  assert_int_equal(mi_store_commit(s, &e), 0);
  mi_audit_report ar;
  assert_int_equal(mi_audit_verify(s, NULL, &ar, &e), 0);
  assert_int_equal(ar.bad_id, 0);
  assert_int_equal(ar.entries, 9); /* 7 job entries, kept-1, kept-2 */
  mi_store_close(s);
}

static int detail_of_b1(const mi_audit_entry *en, void *ud) {
  if (en->object && !strcmp(en->object, "b-1")) snprintf(ud, 256, "%s", en->detail);
  return 0;
}

/* A failed job whose message is not UTF-8 is recorded (retry, with its
 * audit entry, the bad bytes as '?'); it made the whole batch fail with
 * "out of memory" (jansson refused the text) and ran again at every pass. */
static void test_batch_bad_bytes(void **state) {
  (void)state;
  mi_store *s = fresh("bytes.db");
  mi_err e = {0};
  mi_sched_opts o = {.owner = "r1", .actor = "tester"};
  mi_sched_report r;
  enqueue(s, "t-bad-bytes", "b-1", 100);
  enqueue(s, "t", "b-2", 101);
  trace t = {0};
  assert_int_equal(mi_sched_run_due(s, bulk_kinds, &t, &o, 1000, &r, &e), 0);
  assert_int_equal(r.retried, 1);
  assert_int_equal(r.done, 1);
  expect_job(s, "b-1", "queued", 1, 1060, "r1");
  char detail[256] = "";
  assert_int_equal(mi_audit_each(s, 0, "job", detail_of_b1, detail, &e), 0);
  assert_string_equal(detail, "{\"kind\":\"t-bad-bytes\",\"occurrence\":\"1970-01-01T00:01:40Z\","
                              "\"attempt\":1,\"outcome\":\"retry\",\"error\":\"bad ?? bytes ??\","
                              "\"runner\":\"r1\"}");
  job_entries au = job_audit(s);
  assert_int_equal(au.all, 2);
  mi_store_close(s);
}

/* Under mi_store_anchor_every the anchor file names an older head between
 * commits, and the newest once the interval is 0 again or the store closes. */
static void test_anchor_every(void **state) {
  (void)state;
  mi_store *s = fresh("anchor.db");
  mi_err e = {0};
  int64_t id;
  char hash[MI_AUDIT_HASH_LEN + 1];
  assert_int_equal(mi_store_anchor_every(s, 3600 * 1000), 0);
  for (int i = 0; i < 3; i++)
    assert_int_equal(mi_audit_append(s, "tester", "note", NULL, NULL, 100 + i, &e), 0);
  assert_int_equal(mi_audit_anchor_read(s, &id, hash, &e), 0);
  assert_int_equal(id, 1); /* the first commit writes it; then not for an hour */
  assert_int_equal(mi_store_anchor_every(s, 0), 3600 * 1000);
  assert_int_equal(mi_audit_anchor_read(s, &id, hash, &e), 0);
  assert_int_equal(id, 3);
  mi_store_anchor_every(s, 3600 * 1000);
  assert_int_equal(mi_audit_append(s, "tester", "note", NULL, NULL, 200, &e), 0);
  assert_int_equal(mi_audit_anchor_read(s, &id, hash, &e), 0);
  assert_int_equal(id, 3);
  char p[512];
  snprintf(p, sizeof p, "%s/anchor.db", dir);
  mi_store_close(s);
  assert_int_equal(mi_store_open(p, 0, &s, &e), 0);
  assert_int_equal(mi_audit_anchor_read(s, &id, hash, &e), 0);
  assert_int_equal(id, 4); /* written on close */
  mi_audit_report ar;
  assert_int_equal(mi_audit_verify(s, hash, &ar, &e), 0);
  assert_true(ar.anchor_found);
  mi_store_close(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_args),
      cmocka_unit_test(test_claim_and_lease),
      cmocka_unit_test(test_runner),
      cmocka_unit_test(test_stop_and_limit),
      cmocka_unit_test(test_batch_one_fails),
      cmocka_unit_test(test_batch_limits),
      cmocka_unit_test(test_batch_uncommitted),
      cmocka_unit_test(test_batch_merge_and_chain),
      cmocka_unit_test(test_anchor_every),
      cmocka_unit_test(test_batch_bad_bytes),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
