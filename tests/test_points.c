/* Loyalty points: the points hook's checks (nonsense fails closed), expiry
 * rules, the crediting batch (exactly once, refunds reversed once), referrals
 * (the rules; credited once to the referrer, reversed when everything the
 * referred customer bought was refunded), lots
 * replayed from the ledger (redeem soonest expiry first, never below zero,
 * one redemption per key, expire idempotent). Numbers are worked out by hand
 * in the comments. */
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
#include "service/points.h"
#include "service/referrals.h"
#include "service/sync.h"
#include "store/customers.h"
#include "store/jobs.h"
#include "store/ledger.h"
#include "store/orders.h"
#include "store/point_events.h"
#include "store/referrals.h"
#include "store/responses.h"
#include "store/store.h"
#include "store/surveys.h"
#include "util/timeutil.h"

static char dir[] = "/tmp/manyi-test-points-XXXXXX";
static mi_config *cfg;

/* Instants, from `date -u -d ... +%s`. */
#define T_2026_05_15_1200 1778846400LL
#define T_2026_06_01 1780272000LL
#define T_2026_06_14_1200 1781438400LL
#define T_2026_10_01 1790812800LL
#define T_2026_11_01 1793491200LL
#define T_2026_12_01 1796083200LL
#define T_2026_12_25 1798156800LL
#define T_2027_01_01 1798761600LL
#define T_2027_03_01 1803859200LL
#define DAY 86400LL

static const int64_t now = T_2026_11_01;

static void write_file(const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* The batch's policy: orders earn floor(amount) points expiring per params,
 * surveys params.survey points, referrals params.referral points to the
 * referrer; order OBAD raises, ONEG gives -5. */
static const char earn_lua[] =
    "return { points = function(ev, c, p)\n"
    "  if ev.id == 'OBAD' then error('boom') end\n"
    "  if ev.id == 'ONEG' then return {points = -5, reason = 'negative'} end\n"
    "  if ev.type == 'referral' then\n"
    "    return {points = p.referral, expires = p.expires,\n"
    "            reason = 'referral ' .. ev.id .. ' by ' .. c.external_id}\n"
    "  end\n"
    "  if ev.type == 'survey' then\n"
    "    return {points = p.survey, reason = 'survey ' .. ev.id .. ' ' .. ev.survey}\n"
    "  end\n"
    "  if ev.amount < 1 then return nil end\n"
    "  return {points = math.floor(ev.amount), expires = p.expires,\n"
    "          reason = 'order ' .. ev.id .. ' tier ' .. tostring(c.tier)}\n"
    "end }\n";

/* The hook checks: what comes back depends on the event id. */
static const char hook_lua[] =
    "local r = {\n"
    "  float = {points = 1.5, reason = 'r'},\n"
    "  huge = {points = 1e18, reason = 'r'},\n"
    "  vast = {points = 1e300, reason = 'r'},\n"
    "  over = {points = 1001, reason = 'r'},\n"
    "  under = {points = -1001, reason = 'r'},\n"
    "  nan = {points = 0/0, reason = 'r'},\n"
    "  inf = {points = math.huge, reason = 'r'},\n"
    "  str = {points = '10', reason = 'r'},\n"
    "  nopoints = {reason = 'r'},\n"
    "  badexp = {points = 1, expires = 'tomorrow', reason = 'r'},\n"
    "  zerodays = {points = 1, expires = 'after 0d', reason = 'r'},\n"
    "  past = {points = 1, expires = '2020-01-01', reason = 'r'},\n"
    "  numexp = {points = 1, expires = 30, reason = 'r'},\n"
    "  empty = {points = 1, reason = ''},\n"
    "  noreason = {points = 1},\n"
    "  long = {points = 1, reason = string.rep('x', 501)},\n"
    "  badutf8 = {points = 1, reason = '\\xff\\xfe'},\n"
    "  extra = {points = 1, reason = 'r', expire = 'never'},\n"
    "  number = 5,\n"
    "  text = 'ten',\n"
    "  good = {points = 10, expires = 'after 30d', reason = 'ten points'},\n"
    "  intfloat = {points = 120.0, reason = 'from a float'},\n"
    "  max = {points = -1000, expires = 'never', reason = 'at the bound'},\n"
    "  month = {points = 1, expires = 'end_of_month', reason = 'r'},\n"
    "}\n"
    "return { points = function(ev, c, p)\n"
    "  if ev.id == 'none' then return nil end\n"
    "  if ev.id == 'write' then ev.amount = 1 end\n"
    "  return r[ev.id]\n"
    "end }\n";

static int setup(void **state) {
  (void)state;
  if (mi_test_tmpdir(dir)) return -1;
  write_file("earn.lua", earn_lua);
  write_file("hook.lua", hook_lua);
  char yaml[2048];
  snprintf(yaml, sizeof yaml,
           "version: 1\n"
           "database: t.db\n"
           "limits: {points_max: 1000}\n"
           "calendars: {office: {hours: {mon: [09:00-17:00]}}}\n"
           "departments: [{code: support, name: Support, calendar: office}]\n"
           "tiers: [{code: A, name: Key}, {code: C, name: Other}]\n"
           "surveys:\n"
           "  - code: csat\n"
           "    name: Satisfaction\n"
           "    kind: csat\n"
           "    questions: [{code: q1, text: How was it, scale: [1, 5]}]\n"
           "policies:\n"
           "  loyalty:\n"
           "    file: %s/earn.lua\n"
           "    params: {survey: 50, referral: 300, expires: after 30d}\n",
           dir);
  return mi_test_config(yaml, dir, &cfg);
}

static int teardown(void **state) {
  (void)state;
  mi_config_free(cfg);
  return mi_test_rmdir(dir);
}

static mi_store *fresh(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  unlink(path);
  mi_store *s;
  mi_err e = {0};
  assert_int_equal(mi_store_open(path, MI_STORE_CREATE, &s, &e), 0);
  assert_int_equal(mi_sync_config(s, cfg, 1, NULL, &e), 0);
  return s;
}

static int64_t customer(mi_store *s, const char *id) {
  mi_err e = {0};
  mi_customer c = {.external_id = id, .name = id, .kind = "person", .created_at = 1};
  int rc = mi_customer_put(s, &c, &e);
  assert_true(rc == MI_PUT_INSERTED || rc == MI_PUT_UNCHANGED);
  int64_t cid;
  assert_int_equal(mi_customer_id(s, id, &cid, &e), 0);
  return cid;
}

static void order(mi_store *s, const char *id, int64_t cid, int64_t minor, int64_t at,
                  const char *status) {
  mi_err e = {0};
  mi_order o = {id, cid, minor, "CNY", at, status};
  assert_true(mi_order_put(s, &o, &e) > 0);
}

/* ---- the hook -------------------------------------------------------------- */

static mi_policy *load_hook(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/hook.lua", dir);
  mi_policy *p;
  mi_err e = {0};
  if (mi_policy_load("loyalty", path, NULL, NULL, &p, &e)) fail_msg("%s", e.msg);
  return p;
}

static int call(mi_policy *p, const char *id, mi_points_decision *d, mi_err *e) {
  mi_view_field ef[] = {{.name = "type", .type = MI_VIEW_STR, .s = "order"},
                        {.name = "id", .type = MI_VIEW_STR, .s = id},
                        {.name = "amount", .type = MI_VIEW_NUM, .d = 10.0}};
  mi_view_field cf[] = {{.name = "external_id", .type = MI_VIEW_STR, .s = "C1"},
                        {.name = "tier", .type = MI_VIEW_STR, .s = "A"}};
  mi_view ev = {"event", id, ef, 3}, cv = {"customer", "C1", cf, 2};
  return mi_policy_call_points(p, &ev, &cv, cfg, T_2026_05_15_1200, d, e);
}

static void test_null_args(void **state) {
  (void)state;
  mi_err e = {0};
  mi_points_decision d;
  mi_view v = {"event", "x", NULL, 0};
  assert_int_equal(mi_policy_call_points(NULL, &v, &v, cfg, 0, &d, &e), MI_EINVAL);
  mi_policy *p = load_hook();
  assert_int_equal(mi_policy_call_points(p, NULL, &v, cfg, 0, &d, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_points(p, &v, NULL, cfg, 0, &d, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_points(p, &v, &v, NULL, 0, &d, &e), MI_EINVAL);
  assert_int_equal(mi_policy_call_points(p, &v, &v, cfg, 0, NULL, &e), MI_EINVAL);
  mi_policy_free(p);
  int64_t at;
  assert_int_equal(mi_policy_points_expiry(NULL, 0, &at, &e), MI_EINVAL);
  assert_int_equal(mi_policy_points_expiry("never", 0, NULL, &e), MI_EINVAL);
  mi_points_run_summary sum;
  mi_points_run_options o = {0};
  assert_int_equal(mi_points_run(NULL, cfg, NULL, &o, &sum, &e), MI_EINVAL);
  mi_points_redeem_result r;
  assert_int_equal(mi_points_redeem(NULL, "C1", 1, "k", NULL, now, &r, &e), MI_EINVAL);
  mi_points_expire_summary es;
  assert_int_equal(mi_points_expire(NULL, now, now, 0, &es, &e), MI_EINVAL);
  mi_points_account a;
  assert_int_equal(mi_points_account_get(NULL, "C1", now, &a, &e), MI_EINVAL);
  char key[8];
  assert_int_equal(mi_point_key_earn(MI_POINT_ORDERS, "O123456789", key, sizeof key), MI_EINVAL);
}

static void test_hook_rejects_nonsense(void **state) {
  (void)state;
  static const struct {
    const char *id, *want;
  } bad[] = {
      {"float", "1.5 points; points are whole numbers"},
      {"huge", "1000000000000000000 points; a decision gives at most 1000 either way"},
      {"vast", "returned 1e+300 points; a decision gives at most 1000"},
      {"over", "1001 points; a decision gives at most 1000"},
      {"under", "-1001 points"},
      {"nan", "not a finite number"},
      {"inf", "inf, which is not a finite number"},
      {"str", "a string ('10') as points"},
      {"nopoints", "nil as points"},
      {"badexp", "expires 'tomorrow': not an expiry rule"},
      {"zerodays", "expires 'after 0d'"},
      {"past", "expires '2020-01-01': the date is before the event (2026-05-15)"},
      {"numexp", "a number (30) as expires"},
      {"empty", "a reason of 0 bytes"},
      {"noreason", "nil as the reason"},
      {"long", "a reason of 501 bytes"},
      {"badutf8", "a reason of 2 bytes; it must be UTF-8"},
      {"extra", "key 'expire'"},
      {"number", "returned a number (5); return nil"},
      {"text", "returned a string ('ten')"},
      {"write", "view"},
  };
  mi_policy *p = load_hook();
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    mi_points_decision d;
    mi_err e = {0};
    int rc = call(p, bad[i].id, &d, &e);
    if (rc != MI_EPOLICY) fail_msg("%s: rc %d", bad[i].id, rc);
    if (!strstr(e.msg, bad[i].want)) fail_msg("%s: '%s' lacks '%s'", bad[i].id, e.msg, bad[i].want);
    /* Names the file, a line and the event. */
    assert_non_null(strstr(e.file, "hook.lua"));
    assert_true(e.line > 0);
    char who[64];
    snprintf(who, sizeof who, "(event %s)", bad[i].id);
    if (!strstr(e.msg, who)) fail_msg("%s: '%s' does not name the event", bad[i].id, e.msg);
    assert_int_equal(d.has_points, 0);
    assert_int_equal(d.points, 0);
  }
  mi_policy_counters n;
  mi_policy_get_counters(p, &n);
  assert_int_equal(n.failures, (int64_t)(sizeof bad / sizeof *bad));
  mi_policy_free(p);
}

static void test_hook_good(void **state) {
  (void)state;
  mi_policy *p = load_hook();
  mi_points_decision d;
  mi_err e = {0};
  assert_int_equal(call(p, "none", &d, &e), 0);
  assert_int_equal(d.has_points, 0);
  assert_int_equal(call(p, "good", &d, &e), 0);
  assert_int_equal(d.has_points, 1);
  assert_int_equal(d.points, 10);
  assert_string_equal(d.expires, "after 30d");
  assert_int_equal(d.expires_at, T_2026_06_14_1200); /* 2026-05-15T12:00 + 30 days */
  assert_string_equal(d.reason, "ten points");
  assert_true(d.line > 0);
  assert_int_equal(call(p, "intfloat", &d, &e), 0); /* 120.0 is a whole number */
  assert_int_equal(d.points, 120);
  assert_string_equal(d.expires, "never"); /* nil expires */
  assert_int_equal(d.expires_at, 0);
  assert_int_equal(call(p, "max", &d, &e), 0); /* -points_max is allowed by the hook */
  assert_int_equal(d.points, -1000);
  assert_int_equal(call(p, "month", &d, &e), 0);
  assert_int_equal(d.expires_at, T_2026_06_01);
  mi_policy_free(p);
}

static void test_expiry_rules(void **state) {
  (void)state;
  static const struct {
    const char *rule;
    int64_t from, want;
  } good[] = {
      {"never", T_2026_05_15_1200, 0},
      {"after 30d", T_2026_05_15_1200, T_2026_06_14_1200},
      {"after 1d", T_2026_05_15_1200, T_2026_05_15_1200 + DAY},
      {"after 36500d", 0, 36500 * DAY},
      {"end_of_month", T_2026_05_15_1200, T_2026_06_01},
      {"end_of_month", T_2026_12_01 + 9 * DAY, T_2027_01_01}, /* December: next year */
      {"end_of_month", T_2026_06_01 - 1, T_2026_06_01},         /* the last second of May */
      {"end_of_month", T_2026_06_01, T_2026_06_01 + 30 * DAY},  /* June has 30 days */
      {"end_of_year", T_2026_05_15_1200, T_2027_01_01},
      {"2026-12-24", T_2026_05_15_1200, T_2026_12_25}, /* good through the 24th */
      {"2026-05-15", T_2026_05_15_1200, T_2026_05_15_1200 + 12 * 3600}, /* the same day */
  };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    int64_t at = -1;
    mi_err e = {0};
    if (mi_policy_points_expiry(good[i].rule, good[i].from, &at, &e))
      fail_msg("%s: %s", good[i].rule, e.msg);
    if (at != good[i].want) fail_msg("%s: %lld, want %lld", good[i].rule, (long long)at, (long long)good[i].want);
  }
  static const char *const bad[] = {"",           "Never",       "end_of_week", "after 0d",
                                    "after 01d",  "after -1d",   "after 1.5d",  "after 36501d",
                                    "after 30",   "after 30 d",  "after d",     "2026-02-30",
                                    "2026-05-14", "2026-5-20",   "26-05-20",    "end_of_year "};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int64_t at;
    mi_err e = {0};
    if (mi_policy_points_expiry(bad[i], T_2026_05_15_1200, &at, &e) != MI_EINVAL)
      fail_msg("'%s' was taken", bad[i]);
    assert_true(e.msg[0] != '\0');
  }
}

/* ---- the batch ------------------------------------------------------------- */

static int failures;
static void count_failure(void *ctx, const mi_batch_failure *f) {
  (void)ctx;
  const mi_err *e = f->err;
  assert_true(strstr(e->msg, "OBAD") || strstr(e->msg, "ONEG"));
  assert_non_null(strstr(e->file, "earn.lua"));
  assert_true(e->line > 0);
  failures++;
}

static mi_policy *load_earn(void) {
  mi_policy *p;
  mi_err e = {0};
  if (mi_policy_load_config(cfg, "loyalty", &p, &e)) fail_msg("%s", e.msg);
  return p;
}

static int64_t balance(mi_store *s, int64_t cid) {
  int64_t b;
  mi_err e = {0};
  assert_int_equal(mi_ledger_balance(s, cid, &b, &e), 0);
  return b;
}

static int64_t entries(mi_store *s) {
  mi_store_count c[32];
  mi_err e = {0};
  int n = mi_store_counts(s, c, 32, &e);
  assert_true(n > 0);
  for (int i = 0; i < n; i++)
    if (!strcmp(c[i].table, "loyalty_ledger")) return c[i].rows;
  fail_msg("no loyalty_ledger count");
  return -1;
}

static void run(mi_store *s, mi_policy *p, int dry, int chunk, mi_points_run_summary *sum) {
  mi_err e = {0};
  mi_points_run_options o = {.as_of = now, .batch = {.now = now, .dry_run = dry, .chunk = chunk,
                                                    .on_failure = count_failure}};
  if (mi_points_run(s, cfg, p, &o, sum, &e)) fail_msg("%s", e.msg);
}

/* C1: O1 120.50 on 10-01 (120 points, expire 10-31), O2 80.00 on 10-15 (80,
 * expire 11-14). C2: O3 0.50 (nil: skipped), O4 cancelled and O5 after as_of
 * (not events), OBAD (fails), ONEG (fails: negative), R1 a survey (50, no
 * expiry). Events 6 = O1 O2 O3 OBAD ONEG R1; credited 3 = 120 + 80 + 50 = 250. */
static void test_credit_once_and_reverse_once(void **state) {
  (void)state;
  mi_store *s = fresh("batch.db");
  mi_err e = {0};
  assert_int_equal(mi_store_begin(s, &e), 0);
  int64_t c1 = customer(s, "C1"), c2 = customer(s, "C2");
  order(s, "O1", c1, 12050, T_2026_10_01, "completed");
  order(s, "O2", c1, 8000, T_2026_10_01 + 14 * DAY, "completed");
  order(s, "O3", c2, 50, T_2026_10_01, "completed");
  order(s, "O4", c2, 99900, T_2026_10_01, "cancelled");
  order(s, "O5", c2, 30000, now + DAY, "completed");
  order(s, "OBAD", c2, 10000, T_2026_10_01, "completed");
  order(s, "ONEG", c2, 10000, T_2026_10_01, "completed");
  int64_t survey;
  assert_int_equal(mi_survey_latest(s, "csat", &survey, &e), 0);
  mi_response r = {.external_id = "R1", .survey_id = survey, .customer_id = c2,
                   .submitted_at = T_2026_10_01 + 19 * DAY};
  assert_int_equal(mi_response_put(s, &r, NULL, 0, NULL, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_store_commit(s, &e), 0);

  mi_policy *p = load_earn();
  mi_points_run_summary sum;
  failures = 0;
  run(s, p, 1, 2, &sum); /* a dry run: the same summary, nothing written */
  assert_int_equal(sum.events, 6);
  assert_int_equal(sum.credited, 3);
  assert_int_equal(sum.points, 250);
  assert_int_equal(entries(s), 0);
  failures = 0;
  run(s, p, 0, 2, &sum); /* chunks of 2: several transactions */
  assert_int_equal(sum.events, 6);
  assert_int_equal(sum.credited, 3);
  assert_int_equal(sum.points, 250);
  assert_int_equal(sum.skipped, 1);
  assert_int_equal(sum.failed, 2);
  assert_int_equal(failures, 2);
  assert_int_equal(sum.reversed, 0);
  assert_int_equal(entries(s), 3);
  assert_int_equal(balance(s, c1), 200);
  assert_int_equal(balance(s, c2), 50);

  /* Again: only the three without points are looked at, nothing is added. */
  run(s, p, 0, 500, &sum);
  assert_int_equal(sum.events, 3);
  assert_int_equal(sum.credited, 0);
  assert_int_equal(sum.skipped, 1);
  assert_int_equal(sum.failed, 2);
  assert_int_equal(entries(s), 3);

  /* C1 as of now (11-01): O1's lot expired on 10-31, so 80 are available. */
  mi_points_account a;
  assert_int_equal(mi_points_account_get(s, "C1", now, &a, &e), 0);
  assert_int_equal(a.lots.balance, 200);
  assert_int_equal(a.available, 80);
  assert_int_equal(a.expired_pending, 120);
  assert_int_equal(a.lots.n, 2);
  assert_int_equal(a.lots.lots[0].expires_at, T_2026_10_01 + 30 * DAY);
  mi_points_account_free(&a);

  /* O2 refunded: its 80 points are taken back, once. */
  assert_int_equal(mi_store_begin(s, &e), 0);
  order(s, "O2", c1, 8000, T_2026_10_01 + 14 * DAY, "refunded");
  assert_int_equal(mi_store_commit(s, &e), 0);
  run(s, p, 1, 500, &sum);
  assert_int_equal(sum.reversed, 1);
  assert_int_equal(entries(s), 3);
  run(s, p, 0, 500, &sum);
  assert_int_equal(sum.reversed, 1);
  assert_int_equal(sum.reversed_points, -80);
  assert_int_equal(balance(s, c1), 120); /* 200 - 80 */
  run(s, p, 0, 500, &sum);
  assert_int_equal(sum.reversed, 0);
  assert_int_equal(entries(s), 4);
  assert_int_equal(balance(s, c1), 120);

  /* Expire as of now: O1's 120 go; again adds nothing. */
  mi_points_expire_summary es;
  assert_int_equal(mi_points_expire(s, now, now, 1, &es, &e), 0); /* dry run */
  assert_int_equal(es.lots, 1);
  assert_int_equal(entries(s), 4);
  assert_int_equal(mi_points_expire(s, now, now, 0, &es, &e), 0);
  assert_int_equal(es.customers, 1);
  assert_int_equal(es.lots, 1);
  assert_int_equal(es.points, -120);
  assert_int_equal(balance(s, c1), 0);
  assert_int_equal(mi_points_expire(s, now, now, 0, &es, &e), 0);
  assert_int_equal(es.lots, 0);
  assert_int_equal(entries(s), 5);
  /* Not before their time. */
  assert_int_equal(mi_points_expire(s, now + 1, now, 0, &es, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "later than now"));

  /* O1 refunded after its points expired: nothing left to take back. */
  assert_int_equal(mi_store_begin(s, &e), 0);
  order(s, "O1", c1, 12050, T_2026_10_01, "refunded");
  assert_int_equal(mi_store_commit(s, &e), 0);
  run(s, p, 0, 500, &sum);
  assert_int_equal(sum.reversed, 0);
  assert_int_equal(sum.reverse_expired, 1);
  assert_int_equal(entries(s), 5);
  assert_int_equal(balance(s, c1), 0);
  mi_policy_free(p);
  mi_store_close(s);
}

/* ---- referrals ------------------------------------------------------------- */

static int keep_row(void *ctx, const mi_ledger_row *r) {
  mi_ledger_row *out = ctx;
  *out = *r;
  /* The strings are valid only during the callback. */
  out->kind = out->reason = out->source = out->policy = out->idempotency_key = NULL;
  return 0;
}

/* The ledger entry with key, or one with id 0 if there is none. */
static mi_ledger_row by_key(mi_store *s, const char *key) {
  mi_ledger_row r = {0};
  mi_err e = {0};
  int rc = mi_ledger_by_key(s, key, keep_row, &r, &e);
  assert_true(rc == 0 || rc == MI_ENOTFOUND);
  return r;
}

static void test_referral_rules(void **state) {
  (void)state;
  mi_store *s = fresh("refer-rules.db");
  mi_err e = {0};
  assert_int_equal(mi_store_begin(s, &e), 0);
  customer(s, "R");
  customer(s, "N1");
  customer(s, "N3");
  customer(s, "X");
  assert_int_equal(mi_referral_record(NULL, "R", "N1", now, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_referral_record(s, NULL, "N1", now, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_referral_record(s, "R", "R", now, NULL, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "cannot refer themselves"));
  assert_int_equal(mi_referral_record(s, "NOBODY", "N1", now, NULL, &e), MI_ENOTFOUND);
  assert_non_null(strstr(e.msg, "NOBODY"));
  assert_int_equal(mi_referral_record(s, "R", "NOBODY", now, NULL, &e), MI_ENOTFOUND);
  assert_int_equal(mi_referral_record(s, "R", "N1", now, "clerk", &e), MI_PUT_INSERTED);
  assert_int_equal(mi_referral_record(s, "R", "N1", now + DAY, NULL, &e), MI_PUT_UNCHANGED);
  /* One referrer per customer: another is refused, naming the first. */
  assert_int_equal(mi_referral_record(s, "X", "N1", now, NULL, &e), MI_EEXIST);
  assert_non_null(strstr(e.msg, "N1 was referred by R"));
  /* R -> N1 -> N3; then N3 -> R and N1 -> R would close a circle. */
  assert_int_equal(mi_referral_record(s, "N1", "N3", now, NULL, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_referral_record(s, "N3", "R", now, NULL, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "circle"));
  assert_int_equal(mi_referral_record(s, "N1", "R", now, NULL, &e), MI_EINVAL);
  /* Not a circle: X refers R (R's referrer chain is empty). */
  assert_int_equal(mi_referral_record(s, "X", "R", now, NULL, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_store_commit(s, &e), 0);
  mi_referral f;
  int64_t n1, r, n;
  assert_int_equal(mi_customer_id(s, "N1", &n1, &e), 0);
  assert_int_equal(mi_customer_id(s, "R", &r, &e), 0);
  assert_int_equal(mi_referral_of(s, n1, &f, &e), 0);
  assert_string_equal(f.referrer, "R");
  assert_string_equal(f.recorded_by, "clerk");
  assert_int_equal(f.recorded_at, now);
  assert_int_equal(mi_referral_count(s, r, &n, &e), 0);
  assert_int_equal(n, 1);
  mi_store_close(s);
}

/* R referred N1, N2, N4 and N5; N1 referred N3. The policy: an order earns
 * floor(amount), a referral 300 to the referrer, both expiring 30 days after
 * the event.
 *   N1: O11 50.00 placed (10-01), O12 20.00 completed (10-10), O13 10.00
 *       completed (10-05): 20 + 10 = 30 points; R earns 300 as of N1's first
 *       completed order, O13 on 10-05 (not the first stored, O12), so the lot
 *       expires 11-04.
 *   N2: only a placed and a cancelled order: R earns nothing for N2.
 *   N3: O31 5.00 completed (10-20): 5 points; N1 earns 300.
 *   N4: O41 40.00 completed (10-15): 40 points; R earns 300.
 *   N5: O51 30.00 completed on 11-02, after as_of (11-01): nothing yet.
 * First run: events 4 orders + 3 referrals = 7, points 20 + 10 + 5 + 40 +
 * 3 x 300 = 975; R 600, N1 330. */
static void test_referral_points(void **state) {
  (void)state;
  mi_store *s = fresh("refer.db");
  mi_err e = {0};
  const int64_t d0 = T_2026_10_01;
  assert_int_equal(mi_store_begin(s, &e), 0);
  int64_t r = customer(s, "R"), n1 = customer(s, "N1"), n2 = customer(s, "N2"),
          n3 = customer(s, "N3"), n4 = customer(s, "N4"), n5 = customer(s, "N5");
  order(s, "O11", n1, 5000, d0, "placed");
  order(s, "O12", n1, 2000, d0 + 9 * DAY, "completed");
  order(s, "O13", n1, 1000, d0 + 4 * DAY, "completed");
  order(s, "O21", n2, 7000, d0, "placed");
  order(s, "O22", n2, 9000, d0 + DAY, "cancelled");
  order(s, "O31", n3, 500, d0 + 19 * DAY, "completed");
  order(s, "O41", n4, 4000, d0 + 14 * DAY, "completed");
  order(s, "O51", n5, 3000, now + DAY, "completed");
  const char *pairs[][2] = {{"R", "N1"}, {"R", "N2"}, {"N1", "N3"}, {"R", "N4"}, {"R", "N5"}};
  for (size_t i = 0; i < 5; i++)
    assert_int_equal(mi_referral_record(s, pairs[i][0], pairs[i][1], now, NULL, &e),
                     MI_PUT_INSERTED);
  assert_int_equal(mi_store_commit(s, &e), 0);

  mi_policy *p = load_earn();
  mi_points_run_summary sum;
  failures = 0;
  run(s, p, 1, 2, &sum); /* dry run */
  assert_int_equal(sum.events, 7);
  assert_int_equal(sum.points, 975);
  assert_int_equal(entries(s), 0);
  run(s, p, 0, 2, &sum);
  assert_int_equal(sum.events, 7);
  assert_int_equal(sum.credited, 7);
  assert_int_equal(sum.points, 975);
  assert_int_equal(sum.failed, 0);
  assert_int_equal(balance(s, r), 600);
  assert_int_equal(balance(s, n1), 330);
  assert_int_equal(balance(s, n2), 0);
  assert_int_equal(balance(s, n3), 5);
  assert_int_equal(balance(s, n4), 40);
  assert_int_equal(balance(s, n5), 0);
  mi_ledger_row l = by_key(s, "referral:N1:earn");
  assert_int_equal(l.customer_id, r);
  assert_int_equal(l.points, 300);
  assert_int_equal(l.expires_at, d0 + 4 * DAY + 30 * DAY);
  assert_int_equal(by_key(s, "referral:N3:earn").customer_id, n1);
  assert_int_equal(by_key(s, "referral:N2:earn").id, 0);
  assert_int_equal(by_key(s, "referral:N5:earn").id, 0);

  /* Again: nothing is credited twice. */
  run(s, p, 0, 500, &sum);
  assert_int_equal(sum.events, 0);
  assert_int_equal(sum.reversed, 0);
  assert_int_equal(entries(s), 7);

  /* N1 refunds O12 but O13 stays completed: only O12's 20 go back. */
  assert_int_equal(mi_store_begin(s, &e), 0);
  order(s, "O12", n1, 2000, d0 + 9 * DAY, "refunded");
  assert_int_equal(mi_store_commit(s, &e), 0);
  run(s, p, 0, 500, &sum);
  assert_int_equal(sum.reversed, 1);
  assert_int_equal(sum.reversed_points, -20);
  assert_int_equal(balance(s, r), 600);
  assert_int_equal(balance(s, n1), 310);

  /* N4 refunds its only order: its 40 and R's 300 for N4 go back, once. */
  assert_int_equal(mi_store_begin(s, &e), 0);
  order(s, "O41", n4, 4000, d0 + 14 * DAY, "refunded");
  assert_int_equal(mi_store_commit(s, &e), 0);
  run(s, p, 1, 500, &sum);
  assert_int_equal(sum.reversed, 2);
  assert_int_equal(sum.reversed_points, -340);
  assert_int_equal(entries(s), 8);
  run(s, p, 0, 500, &sum);
  assert_int_equal(sum.reversed, 2);
  assert_int_equal(sum.reversed_points, -340);
  assert_int_equal(balance(s, r), 300);
  assert_int_equal(balance(s, n4), 0);
  mi_ledger_row back = by_key(s, "referral:N4:reverse");
  assert_int_equal(back.customer_id, r);
  assert_int_equal(back.points, -300);
  assert_int_equal(back.reverses_id, by_key(s, "referral:N4:earn").id);
  run(s, p, 0, 500, &sum);
  assert_int_equal(sum.reversed, 0);
  assert_int_equal(entries(s), 10);

  /* N4 buys again (O42 60.00 on 10-25): N4 earns 60; the referral, taken
   * back, is not credited again. */
  assert_int_equal(mi_store_begin(s, &e), 0);
  order(s, "O42", n4, 6000, d0 + 24 * DAY, "completed");
  assert_int_equal(mi_store_commit(s, &e), 0);
  run(s, p, 0, 500, &sum);
  assert_int_equal(sum.events, 1);
  assert_int_equal(sum.points, 60);
  assert_int_equal(sum.reversed, 0);
  assert_int_equal(balance(s, r), 300);
  assert_int_equal(balance(s, n4), 60);

  /* As of 11-03, N5's order (11-02) has completed: 30 for N5, 300 for R. */
  mi_points_run_options o = {.as_of = now + 2 * DAY, .batch = {.now = now + 2 * DAY}};
  assert_int_equal(mi_points_run(s, cfg, p, &o, &sum, &e), 0);
  assert_int_equal(sum.events, 2);
  assert_int_equal(sum.points, 330);
  assert_int_equal(balance(s, r), 600);
  assert_int_equal(balance(s, n5), 30);
  assert_int_equal(by_key(s, "referral:N5:earn").expires_at, now + DAY + 30 * DAY);
  mi_policy_free(p);
  mi_store_close(s);
}

/* A run killed after a chunk resumes from its checkpoint; a later run (the
 * job done) starts afresh and credits whatever is still missing. */
static void test_resume(void **state) {
  (void)state;
  mi_store *s = fresh("resume.db");
  mi_err e = {0};
  assert_int_equal(mi_store_begin(s, &e), 0);
  int64_t c1 = customer(s, "C1");
  char id[16];
  for (int i = 1; i <= 5; i++) {
    snprintf(id, sizeof id, "O%d", i);
    order(s, id, c1, 100 * i, T_2026_10_01, "completed"); /* 1 + 2 + ... + 5 = 15 points */
  }
  assert_int_equal(mi_store_commit(s, &e), 0);
  mi_policy *p = load_earn();
  /* What a run killed after its first chunk (orders 1 and 2) leaves behind. */
  char key[128], date[21], checkpoint[48];
  mi_instant_format(now, date);
  snprintf(key, sizeof key, "eval-points:%s:%s", date, mi_policy_digest(p));
  int64_t job;
  assert_int_equal(mi_store_begin(s, &e), 0);
  assert_int_equal(mi_job_start(s, "eval-points", key, now, &job, checkpoint, sizeof checkpoint, &e), 0);
  assert_int_equal(mi_job_update(s, job, "running", "orders:2", NULL, now, &e), 0);
  assert_int_equal(mi_store_commit(s, &e), 0);
  mi_points_run_summary sum;
  run(s, p, 0, 2, &sum);
  assert_string_equal(sum.resumed, "orders:2");
  assert_int_equal(sum.credited, 3); /* O3, O4, O5: 3 + 4 + 5 = 12 */
  assert_int_equal(balance(s, c1), 12);
  run(s, p, 0, 2, &sum);
  assert_string_equal(sum.resumed, "");
  assert_int_equal(sum.credited, 2); /* O1 and O2 */
  assert_int_equal(balance(s, c1), 15);
  run(s, p, 0, 2, &sum);
  assert_int_equal(sum.credited, 0);
  assert_int_equal(balance(s, c1), 15);
  mi_policy_free(p);
  mi_store_close(s);
}

/* ---- lots, redeem, expire -------------------------------------------------- */

static void add(mi_store *s, int64_t cid, const char *kind, int64_t points, const char *key,
                int64_t expires_at, int64_t reverses, int64_t at, int64_t *id) {
  mi_err e = {0};
  mi_ledger_entry l = {.customer_id = cid, .kind = kind, .points = points, .reason = "test",
                       .idempotency_key = key, .expires_at = expires_at, .reverses_id = reverses,
                       .created_at = at};
  if (mi_ledger_append(s, &l, id, &e) != MI_PUT_INSERTED) fail_msg("%s: %s", key, e.msg);
}

static int64_t remaining(mi_store *s, const char *customer_id, int64_t lot) {
  mi_points_account a;
  mi_err e = {0};
  assert_int_equal(mi_points_account_get(s, customer_id, now, &a, &e), 0);
  const mi_ledger_lot *l = mi_ledger_lots_find(&a.lots, lot);
  assert_non_null(l);
  int64_t r = l->remaining;
  mi_points_account_free(&a);
  return r;
}

/* Lots of C3: L1 100 until 2027-03-01, L2 50 until 2026-12-01, L3 70 never,
 * L4 40 expired on 2026-10-01. Available now: 100 + 50 + 70 = 220; balance 260. */
typedef struct seen {
  int n;
  char ids[16][8];
} seen;

static int see(void *ctx, const mi_point_event *ev) {
  seen *x = ctx;
  snprintf(x->ids[x->n++], sizeof x->ids[0], "%s", ev->external_id);
  return 0;
}

/* Orders stream in customer order (customer, then ordered_at, amount and
 * id), so that a customer's orders are read together; a chunk goes on after
 * the last order of the one before it, by its place in that order, and what
 * was credited in between is left out. Written in id order O1..O7 below,
 * the orders of P (first customer) and Q interleave. */
static void test_orders_stream_by_customer(void **state) {
  (void)state;
  mi_store *s = fresh("stream.db");
  mi_err e = {0};
  int64_t p = customer(s, "P"), q = customer(s, "Q");
  order(s, "O1", q, 100, T_2026_06_01, "completed");
  order(s, "O2", p, 500, T_2026_06_01 + DAY, "completed");
  order(s, "O3", q, 200, T_2026_06_01 - DAY, "completed");
  order(s, "O4", p, 300, T_2026_06_01 + DAY, "completed"); /* same instant as O2, less */
  order(s, "O5", p, 900, T_2026_06_01, "refunded");        /* not an event */
  order(s, "O6", p, 100, T_2026_06_01 - 2 * DAY, "completed");
  order(s, "O7", q, 100, T_2026_12_01, "completed"); /* after as_of */
  /* P: O6 (earliest), O4 (same instant as O2, smaller amount), O2; Q: O3, O1 */
  static const char *const want[] = {"O6", "O4", "O2", "O3", "O1"};
  seen all = {0};
  assert_int_equal(mi_point_events_uncredited(s, MI_POINT_ORDERS, now, 0, 16, see, &all, &e), 0);
  assert_int_equal(all.n, 5);
  for (int i = 0; i < 5; i++) assert_string_equal(all.ids[i], want[i]);
  /* Two at a time, each chunk after the last order of the one before. */
  int64_t after = 0, ids[8];
  int got = 0;
  for (;;) {
    seen two = {0};
    assert_int_equal(mi_point_events_uncredited(s, MI_POINT_ORDERS, now, after, 2, see, &two, &e), 0);
    for (int i = 0; i < two.n; i++) {
      assert_string_equal(two.ids[i], want[got + i]);
      mi_point_event ev;
      assert_int_equal(mi_point_event_order(s, two.ids[i], &ev, &e), 0);
      ids[got + i] = ev.id;
    }
    got += two.n;
    if (two.n < 2) break;
    after = ids[got - 1];
  }
  assert_int_equal(got, 5);
  /* After O4 with O2 credited meanwhile: Q's orders are what is left. */
  mi_ledger_entry l = {.customer_id = p, .kind = "earn", .points = 5, .reason = "r",
                       .idempotency_key = "order:O2:earn", .created_at = now};
  assert_int_equal(mi_ledger_append(s, &l, NULL, &e), MI_PUT_INSERTED);
  seen rest = {0};
  assert_int_equal(mi_point_events_uncredited(s, MI_POINT_ORDERS, now, ids[1], 16, see, &rest, &e), 0);
  assert_int_equal(rest.n, 2);
  assert_string_equal(rest.ids[0], "O3");
  assert_string_equal(rest.ids[1], "O1");
  /* An order that is gone as the place to go on from: from the start. */
  seen again = {0};
  assert_int_equal(mi_point_events_uncredited(s, MI_POINT_ORDERS, now, 999999, 16, see, &again, &e), 0);
  assert_int_equal(again.n, 4);
  assert_string_equal(again.ids[0], "O6");
  mi_store_close(s);
}

static void test_redeem(void **state) {
  (void)state;
  mi_store *s = fresh("redeem.db");
  mi_err e = {0};
  int64_t l1, l2, l3, l4;
  assert_int_equal(mi_store_begin(s, &e), 0);
  int64_t c3 = customer(s, "C3");
  customer(s, "C4");
  add(s, c3, "earn", 100, "l1", T_2027_03_01, 0, T_2026_10_01, &l1);
  add(s, c3, "earn", 50, "l2", T_2026_12_01, 0, T_2026_10_01, &l2);
  add(s, c3, "earn", 70, "l3", 0, 0, T_2026_10_01, &l3);
  add(s, c3, "earn", 40, "l4", T_2026_10_01 + DAY, 0, T_2026_10_01, &l4);
  assert_int_equal(mi_store_commit(s, &e), 0);

  mi_points_account a;
  assert_int_equal(mi_points_account_get(s, "C3", now, &a, &e), 0);
  assert_int_equal(a.lots.balance, 260);
  assert_int_equal(a.available, 220);
  assert_int_equal(a.expired_pending, 40);
  mi_points_account_free(&a);

  /* 80: 50 from L2 (expires first), then 30 from L1; L3 and the expired L4 untouched. */
  mi_points_redeem_result r;
  assert_int_equal(mi_points_redeem(s, "C3", 80, "k1", NULL, now, &r, &e), 0);
  assert_int_equal(r.already, 0);
  assert_int_equal(r.available, 140); /* 220 - 80 */
  assert_int_equal(r.balance, 180);
  assert_int_equal(remaining(s, "C3", l2), 0);
  assert_int_equal(remaining(s, "C3", l1), 70);
  assert_int_equal(remaining(s, "C3", l3), 70);
  assert_int_equal(remaining(s, "C3", l4), 40);
  int64_t first = r.entry_id;

  /* Never below zero: 141 > 140 is refused and nothing is written. */
  assert_int_equal(mi_points_redeem(s, "C3", 141, "k2", NULL, now, &r, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "C3 has 140 points available; cannot redeem 141"));
  assert_int_equal(entries(s), 5);

  /* The same key again is the same redemption. */
  assert_int_equal(mi_points_redeem(s, "C3", 80, "k1", NULL, now, &r, &e), 0);
  assert_int_equal(r.already, 1);
  assert_int_equal(r.entry_id, first);
  assert_int_equal(r.available, 140);
  assert_int_equal(entries(s), 5);
  /* ... but not for another amount or customer. */
  assert_int_equal(mi_points_redeem(s, "C3", 81, "k1", NULL, now, &r, &e), MI_EEXIST);
  assert_int_equal(mi_points_redeem(s, "C4", 80, "k1", NULL, now, &r, &e), MI_EEXIST);
  assert_int_equal(entries(s), 5);
  /* A user key cannot hit the batch's keys: "order:X:earn" becomes "redeem:order:X:earn". */
  assert_int_equal(mi_points_redeem(s, "C3", 1, "l1", NULL, now, &r, &e), 0);
  assert_int_equal(r.already, 0);
  /* 139 left: 69 from L1 then 70 from L3 (never expires: last). */
  assert_int_equal(mi_points_redeem(s, "C3", 139, "k3", "voucher 7", now, &r, &e), 0);
  assert_int_equal(r.available, 0);
  assert_int_equal(remaining(s, "C3", l1), 0);
  assert_int_equal(remaining(s, "C3", l3), 0);
  assert_int_equal(mi_points_redeem(s, "C3", 1, "k4", NULL, now, &r, &e), MI_EINVAL);
  assert_int_equal(mi_points_redeem(s, "C3", 0, "k5", NULL, now, &r, &e), MI_EINVAL);
  assert_int_equal(mi_points_redeem(s, "C3", 1, "", NULL, now, &r, &e), MI_EINVAL);
  assert_int_equal(mi_points_redeem(s, "NOBODY", 1, "k6", NULL, now, &r, &e), MI_ENOTFOUND);

  /* The expired L4 (40) is written off once. Balance 260 - 80 - 1 - 139 - 40 = 0. */
  mi_points_expire_summary es;
  assert_int_equal(mi_points_expire(s, now, now, 0, &es, &e), 0);
  assert_int_equal(es.lots, 1);
  assert_int_equal(es.points, -40);
  assert_int_equal(balance(s, c3), 0);
  assert_int_equal(mi_points_expire(s, now, now, 0, &es, &e), 0);
  assert_int_equal(es.lots, 0);
  assert_int_equal(entries(s), 8); /* 4 lots, 3 redemptions, 1 expire */
  mi_store_close(s);
}

/* A reversal of points already spent leaves a debt that new points pay first:
 * earn 100, redeem 100, reverse 100 -> balance -100, debt 100; earn 30 ->
 * balance -70, debt 70, the new lot holds 0. */
static void test_debt(void **state) {
  (void)state;
  mi_store *s = fresh("debt.db");
  mi_err e = {0};
  int64_t earn, lot2;
  assert_int_equal(mi_store_begin(s, &e), 0);
  int64_t c = customer(s, "C5");
  add(s, c, "earn", 100, "order:X:earn", 0, 0, T_2026_10_01, &earn);
  assert_int_equal(mi_store_commit(s, &e), 0);
  mi_points_redeem_result r;
  assert_int_equal(mi_points_redeem(s, "C5", 100, "all", NULL, now, &r, &e), 0);
  assert_int_equal(mi_store_begin(s, &e), 0);
  add(s, c, "reverse", -100, "order:X:reverse", 0, earn, now, NULL);
  assert_int_equal(mi_store_commit(s, &e), 0);
  mi_points_account a;
  assert_int_equal(mi_points_account_get(s, "C5", now, &a, &e), 0);
  assert_int_equal(a.lots.balance, -100);
  assert_int_equal(a.lots.debt, 100);
  assert_int_equal(a.available, -100);
  mi_points_account_free(&a);
  assert_int_equal(mi_points_redeem(s, "C5", 1, "more", NULL, now, &r, &e), MI_EINVAL);
  assert_int_equal(mi_store_begin(s, &e), 0);
  add(s, c, "earn", 30, "order:Y:earn", 0, 0, now, &lot2);
  assert_int_equal(mi_store_commit(s, &e), 0);
  assert_int_equal(mi_points_account_get(s, "C5", now, &a, &e), 0);
  assert_int_equal(a.lots.balance, -70);
  assert_int_equal(a.lots.debt, 70);
  assert_int_equal(mi_ledger_lots_find(&a.lots, lot2)->remaining, 0);
  mi_points_account_free(&a);
  mi_store_close(s);
}

/* The replay's invariant over a mixed sequence: balance = remaining - debt. */
static void test_replay_invariant(void **state) {
  (void)state;
  mi_ledger_lots l = {0};
  const mi_ledger_row rows[] = {
      {.id = 1, .kind = "earn", .points = 100, .expires_at = 50, .created_at = 10},
      {.id = 2, .kind = "earn", .points = 30, .created_at = 20},
      {.id = 3, .kind = "redeem", .points = -20, .created_at = 30},  /* from 1 (expires first) */
      {.id = 4, .kind = "redeem", .points = -40, .created_at = 60},  /* 1 expired: from 2, debt 10 */
      {.id = 5, .kind = "expire", .points = -80, .idempotency_key = "expire:1", .created_at = 70},
      {.id = 6, .kind = "adjust", .points = 25, .created_at = 80},   /* pays the debt of 10 */
      {.id = 7, .kind = "adjust", .points = -5, .created_at = 90},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    assert_int_equal(mi_ledger_lots_apply(&l, &rows[i]), 0);
    int64_t rem = 0;
    for (size_t k = 0; k < l.n; k++) rem += l.lots[k].remaining;
    assert_int_equal(l.balance, rem - l.debt);
  }
  /* 100 - 20 - 80 expired = 0; 30 - 30 = 0; 25 - 10 - 5 = 10. */
  assert_int_equal(mi_ledger_lots_find(&l, 1)->remaining, 0);
  assert_int_equal(mi_ledger_lots_find(&l, 1)->expired, 80);
  assert_int_equal(mi_ledger_lots_find(&l, 2)->remaining, 0);
  assert_int_equal(mi_ledger_lots_find(&l, 6)->remaining, 10);
  assert_int_equal(l.debt, 0);
  assert_int_equal(l.balance, 10);
  assert_int_equal(mi_ledger_lots_available(&l, 100), 10);
  assert_null(mi_ledger_lots_find(&l, 3));
  mi_ledger_lots_free(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_null_args),
      cmocka_unit_test(test_hook_rejects_nonsense),
      cmocka_unit_test(test_hook_good),
      cmocka_unit_test(test_expiry_rules),
      cmocka_unit_test(test_credit_once_and_reverse_once),
      cmocka_unit_test(test_referral_rules),
      cmocka_unit_test(test_referral_points),
      cmocka_unit_test(test_resume),
      cmocka_unit_test(test_orders_stream_by_customer),
      cmocka_unit_test(test_redeem),
      cmocka_unit_test(test_debt),
      cmocka_unit_test(test_replay_invariant),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
