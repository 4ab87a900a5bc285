/* Unit tests for the scheduler's queue (core/store/queue.c) and runner
 * (core/sched/runner.c): claims and leases, exactly-once completion, retries
 * with backoff, dead jobs, effects rolled back with a failed attempt. The
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
  /* a run whose lease is lost leaves no entry: the other runner's counts */
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
  assert_int_equal(n.queued, 1);
  assert_int_equal(n.due, 1);
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_args),
      cmocka_unit_test(test_claim_and_lease),
      cmocka_unit_test(test_runner),
      cmocka_unit_test(test_stop_and_limit),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
