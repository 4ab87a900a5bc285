/* The tier batch: decisions stored with history, dry runs change nothing,
 * policy failures are counted and leave the customer alone, runs resume. */
#include "fixture.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "policy/policy.h"
#include "service/sync.h"
#include "service/tiers.h"
#include "store/customers.h"
#include "store/jobs.h"
#include "store/orders.h"
#include "store/store.h"

static char dir[] = "/tmp/manyi-test-tiers-XXXXXX";
static mi_config *cfg;

static const char *yaml =
    "version: 1\n"
    "database: t.db\n"
    "calendars: {office: {hours: {mon: [09:00-17:00]}}}\n"
    "departments: [{code: support, name: Support, calendar: office}]\n"
    "tiers: [{code: A, name: Key}, {code: B, name: Mid}, {code: C, name: Other}]\n"
    "policies:\n"
    "  tiers:\n"
    "    file: " MANYI_SOURCE_DIR "/tests/data/tiers/spend.lua\n"
    "    params: {a_spend: 1000}\n";

static const int64_t as_of = 1790000000; /* 2026-09-21 */

static int setup(void **state) {
  (void)state;
  return mi_test_tmpdir(dir) || mi_test_config(yaml, dir, &cfg);
}

static int teardown(void **state) {
  (void)state;
  mi_config_free(cfg);
  return mi_test_rmdir(dir);
}

/* Customers C1..C4 and BAD: C1 spent 1500 (A), C2 spent 10 (B), C3 nothing
 * (C), C4 spent 5000 but after as_of (C), BAD fails. */
static mi_store *fixture(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  unlink(path);
  mi_store *s;
  mi_err e = {0};
  assert_int_equal(mi_store_open(path, MI_STORE_CREATE, &s, &e), 0);
  assert_int_equal(mi_sync_config(s, cfg, 1, NULL, &e), 0);
  const char *ids[] = {"C1", "C2", "C3", "C4", "BAD"};
  const int64_t spend[] = {150000, 1000, 0, 500000, 0};
  const int64_t when[] = {as_of - 86400, as_of - 86400, 0, as_of + 86400, 0};
  assert_int_equal(mi_store_begin(s, &e), 0);
  for (int i = 0; i < 5; i++) {
    mi_customer c = {.external_id = ids[i], .name = ids[i], .kind = "person", .created_at = 1};
    assert_int_equal(mi_customer_put(s, &c, &e), MI_PUT_INSERTED);
    if (!spend[i]) continue;
    int64_t cid;
    char oid[16];
    snprintf(oid, sizeof oid, "O%d", i);
    assert_int_equal(mi_customer_id(s, ids[i], &cid, &e), 0);
    mi_order o = {oid, cid, spend[i], "CNY", when[i], "completed"};
    assert_int_equal(mi_order_put(s, &o, &e), MI_PUT_INSERTED);
  }
  assert_int_equal(mi_store_commit(s, &e), 0);
  return s;
}

static const char *tier_of(mi_store *s, const char *id) {
  static char buf[8][33];
  static int next;
  mi_customer c;
  mi_err e = {0};
  assert_int_equal(mi_customer_get(s, id, &c, &e), 0);
  char *b = buf[next++ % 8];
  snprintf(b, 33, "%s", c.tier ? c.tier : "-");
  mi_customer_release(&c);
  return b;
}

static int failures;
static void count_failure(void *ctx, const mi_batch_failure *f) {
  (void)ctx;
  assert_non_null(strstr(f->err->msg, "BAD"));
  assert_string_equal(f->external_id, "BAD");
  failures++;
}

static mi_policy *load(void) {
  mi_policy *p;
  mi_err e = {0};
  if (mi_policy_load_config(cfg, "tiers", &p, &e)) fail_msg("%s", e.msg);
  return p;
}

static void test_bad_arguments(void **state) {
  (void)state;
  mi_tier_run_summary sum;
  mi_tier_run_options o = {0};
  mi_err e = {0};
  assert_int_equal(mi_tiers_run(NULL, cfg, NULL, &o, &sum, &e), MI_EINVAL);
}

static void test_dry_run_changes_nothing(void **state) {
  (void)state;
  mi_store *s = fixture("dry.db");
  mi_policy *p = load();
  FILE *diff = tmpfile();
  mi_tier_run_options o = {.as_of = as_of, .diff = diff,
                           .batch = {.now = as_of, .dry_run = 1, .on_failure = count_failure}};
  mi_tier_run_summary sum;
  mi_err e = {0};
  failures = 0;
  assert_int_equal(mi_tiers_run(s, cfg, p, &o, &sum, &e), 0);
  assert_int_equal(sum.customers, 5);
  assert_int_equal(sum.changed, 4);
  assert_int_equal(sum.failed, 1);
  assert_int_equal(failures, 1);
  assert_string_equal(tier_of(s, "C1"), "-");
  char text[1024] = {0};
  rewind(diff);
  assert_true(fread(text, 1, sizeof text - 1, diff) > 0);
  fclose(diff);
  assert_non_null(strstr(text, "external_id,old_tier,new_tier,reason\n"));
  assert_non_null(strstr(text, "C1,,A,spend 1500.00 >= 1000\n"));
  assert_non_null(strstr(text, "C4,,C,no order in 12 months\n"));
  mi_policy_free(p);
  mi_store_close(s);
}

static void test_run_stores_tiers_and_history(void **state) {
  (void)state;
  mi_store *s = fixture("run.db");
  mi_policy *p = load();
  mi_tier_run_options o = {.as_of = as_of, .batch = {.now = as_of, .chunk = 2}};
  mi_tier_run_summary sum;
  mi_err e = {0};
  assert_int_equal(mi_tiers_run(s, cfg, p, &o, &sum, &e), 0);
  assert_int_equal(sum.changed, 4);
  assert_int_equal(sum.failed, 1);
  assert_string_equal(tier_of(s, "C1"), "A");
  assert_string_equal(tier_of(s, "C2"), "B");
  assert_string_equal(tier_of(s, "C3"), "C");
  assert_string_equal(tier_of(s, "C4"), "C"); /* its order is after as_of */
  assert_string_equal(tier_of(s, "BAD"), "-");
  int found = 0;
  for (int i = 0; i < sum.ntransitions; i++)
    if (!strcmp(sum.transitions[i].from, "-") && !strcmp(sum.transitions[i].to, "C"))
      found = (int)sum.transitions[i].count;
  assert_int_equal(found, 2);
  /* Again: nothing changes, the finished job does not make it skip anyone. */
  assert_int_equal(mi_tiers_run(s, cfg, p, &o, &sum, &e), 0);
  assert_int_equal(sum.customers, 5);
  assert_int_equal(sum.changed, 0);
  assert_int_equal(sum.unchanged, 4);
  mi_policy_free(p);
  mi_store_close(s);
}

static void test_worker_states_decide_the_same(void **state) {
  (void)state;
  mi_store *s = fixture("workers.db");
  mi_policy *p = load(), *workers[3] = {load(), load(), load()};
  mi_tier_run_options o = {.as_of = as_of, .batch = {.now = as_of, .chunk = 4}, .workers = workers,
                           .nworkers = 3};
  mi_tier_run_summary sum;
  mi_err e = {0};
  assert_int_equal(mi_tiers_run(s, cfg, p, &o, &sum, &e), 0);
  assert_int_equal(sum.changed, 4);
  assert_int_equal(sum.failed, 1);
  assert_string_equal(tier_of(s, "C1"), "A");
  assert_string_equal(tier_of(s, "C2"), "B");
  assert_string_equal(tier_of(s, "C4"), "C");
  o.nworkers = 99;
  assert_int_equal(mi_tiers_run(s, cfg, p, &o, &sum, &e), MI_EINVAL);
  for (int i = 0; i < 3; i++) mi_policy_free(workers[i]);
  mi_policy_free(p);
  mi_store_close(s);
}

static void test_interrupted_run_resumes(void **state) {
  (void)state;
  mi_store *s = fixture("resume.db");
  mi_policy *p = load();
  mi_err e = {0};
  /* A run that stopped after customer id 2, as a kill would leave it. */
  char key[128], date[21] = "2026-09-21T14:13:20Z", checkpoint[32];
  snprintf(key, sizeof key, "eval-tiers:%s:%s", date, mi_policy_digest(p));
  int64_t job;
  assert_int_equal(mi_store_begin(s, &e), 0);
  assert_int_equal(mi_job_start(s, "eval-tiers", key, 1, &job, checkpoint, sizeof checkpoint, &e), 0);
  assert_int_equal(mi_job_update(s, job, "running", "2", NULL, 1, &e), 0);
  assert_int_equal(mi_store_commit(s, &e), 0);
  mi_tier_run_options o = {.as_of = as_of, .batch = {.now = as_of}};
  mi_tier_run_summary sum;
  assert_int_equal(mi_tiers_run(s, cfg, p, &o, &sum, &e), 0);
  assert_int_equal(sum.resumed_after, 2);
  assert_int_equal(sum.customers, 3); /* C3, C4, BAD */
  assert_string_equal(tier_of(s, "C1"), "-");
  assert_string_equal(tier_of(s, "C3"), "C");
  mi_policy_free(p);
  mi_store_close(s);
}

static void test_explain(void **state) {
  (void)state;
  mi_store *s = fixture("explain.db");
  mi_policy *p = load();
  mi_view_field fields[32];
  mi_view view;
  mi_tier_decision d;
  mi_err e = {0};
  assert_int_equal(mi_tier_explain(s, cfg, p, "C1", as_of, fields, &view, &d, &e), 0);
  assert_string_equal(d.tier, "A");
  assert_string_equal(d.reason, "spend 1500.00 >= 1000");
  int seen = 0;
  for (size_t i = 0; i < view.nfields; i++)
    if (!strcmp(fields[i].name, "spend_12m")) {
      assert_true(fields[i].d == 1500.0);
      seen = 1;
    }
  assert_true(seen);
  assert_int_equal(mi_tier_explain(s, cfg, p, "NOBODY", as_of, fields, &view, &d, &e), MI_ENOTFOUND);
  mi_policy_free(p);
  mi_store_close(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_dry_run_changes_nothing),
      cmocka_unit_test(test_run_stores_tiers_and_history),
      cmocka_unit_test(test_worker_states_decide_the_same),
      cmocka_unit_test(test_interrupted_run_resumes),
      cmocka_unit_test(test_explain),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
