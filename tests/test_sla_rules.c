/* Which SLA rule covers a ticket (mi_ticket_sla_rule): the most specific of
 * those whose kind, priority, tier, channel and department all match; and the
 * calendar its clocks run in (calendar: 24x7 or the department's), with
 * deadlines worked out by hand from a ticket's log (mi_ticket_sla), targets
 * in business days (3bd) across a weekend and holidays, and the refusal of
 * plain days where the clock stops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "service/sync.h"
#include "service/tickets.h"
#include "store/customers.h"
#include "store/departments.h"
#include "store/tickets.h"
#include "util/timeutil.h"

static const char yaml[] =
    "version: 1\n"
    "database: t.db\n"
    "calendars:\n"
    "  std: {hours: {mon: [09:00-17:00]}}\n"
    "departments:\n"
    "  - {code: hotline, name: Hotline, calendar: std}\n"
    "  - {code: shops, name: Shops, calendar: std}\n"
    "tiers:\n"
    "  - {code: gold, name: Gold}\n"
    "sla:\n"
    "  - {kind: inquiry, first_response: 15m, resolution: 1h}\n"           /* line 11 */
    "  - {kind: inquiry, channel: visit, first_response: 30m, resolution: 2h}\n"
    "  - {kind: inquiry, department: shops, first_response: 45m, resolution: 3h}\n"
    "  - {kind: inquiry, tier: gold, priority: 1, first_response: 5m, resolution: 1h}\n"
    "  - {kind: inquiry, channel: visit, department: shops, first_response: 1h, resolution: 4h}\n";

static mi_ticket_row ticket(const char *channel, const char *department, const char *tier,
                            int priority) {
  mi_ticket_row t;
  memset(&t, 0, sizeof t);
  snprintf(t.kind, sizeof t.kind, "inquiry");
  snprintf(t.channel, sizeof t.channel, "%s", channel);
  snprintf(t.department, sizeof t.department, "%s", department);
  snprintf(t.customer_tier, sizeof t.customer_tier, "%s", tier);
  t.priority = priority;
  return t;
}

static void test_most_specific(void **state) {
  (void)state;
  mi_config *cfg;
  mi_err e = {0};
  assert_int_equal(mi_config_load_string(yaml, sizeof yaml - 1, "sla.yaml", NULL, &cfg, &e), 0);
  struct {
    const char *channel, *department, *tier;
    int priority, line;
  } cases[] = {
      {"phone", "hotline", "", 3, 11},     /* only the plain rule */
      {"visit", "hotline", "", 3, 12},     /* channel */
      {"phone", "shops", "", 3, 13},       /* department */
      {"visit", "shops", "", 3, 15},       /* both beat either */
      {"phone", "hotline", "gold", 1, 14}, /* tier + priority (3) beat nothing else here */
      {"visit", "hotline", "gold", 1, 12}, /* channel (4) beats tier + priority (3) */
      {"phone", "shops", "gold", 2, 13},   /* priority 2: the gold rule does not match */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    mi_ticket_row t = ticket(cases[i].channel, cases[i].department, cases[i].tier, cases[i].priority);
    const mi_config_sla *r = mi_ticket_sla_rule(cfg, &t);
    assert_non_null(r);
    assert_int_equal(r->line, cases[i].line);
  }
  mi_config_free(cfg);
}

static void test_refusals(void **state) {
  (void)state;
  static const char *const bad[][2] = {
      {"  - {kind: inquiry, department: nowhere, first_response: 1h, resolution: 2h}\n",
       "unknown department 'nowhere'"},
      {"  - {kind: inquiry, channel: fax, first_response: 1h, resolution: 2h}\n",
       "unknown channel 'fax'"},
      {"  - {kind: inquiry, channel: visit, first_response: 1h, resolution: 2h}\n",
       "duplicate SLA rule (kind inquiry, channel visit; first at line 12)"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char text[2048];
    snprintf(text, sizeof text, "%s%s", yaml, bad[i][0]);
    mi_config *cfg = NULL;
    mi_err e = {0};
    assert_int_not_equal(mi_config_load_string(text, strlen(text), "sla.yaml", NULL, &cfg, &e), 0);
    if (!strstr(e.msg, bad[i][1])) fail_msg("want '%s', got '%s'", bad[i][1], e.msg);
    assert_null(cfg);
  }
}

/* ---- the clock's calendar and business days -------------------------- */

/* Asia/Shanghai (UTC+8, no DST). standard: the after-sales example's hours,
 * with 2026-10-01 (Thu) and 2026-10-02 (Fri) holidays. The complaint and the
 * inquiry rule have the same targets; only the calendar differs. */
static const char clock_yaml[] =
    "version: 1\n"
    "database: t.db\n"
    "timezone: Asia/Shanghai\n"
    "calendars:\n"
    "  standard:\n"
    "    hours:\n"
    "      mon: [09:00-12:00, 13:30-18:00]\n"
    "      tue: [09:00-12:00, 13:30-18:00]\n"
    "      wed: [09:00-12:00, 13:30-18:00]\n"
    "      thu: [09:00-12:00, 13:30-18:00]\n"
    "      fri: [09:00-12:00, 13:30-18:00]\n"
    "      sat: [09:00-12:00]\n"
    "    holidays: [2026-10-01, 2026-10-02]\n"
    "departments:\n"
    "  - {code: support, name: Support, calendar: standard}\n"
    "sla:\n"
    "  - {kind: complaint, calendar: 24x7, first_response: 2h, resolution: 12h}\n"
    "  - {kind: inquiry, first_response: 2h, resolution: 12h}\n"
    "  - {kind: after_sales, first_response: 4h, resolution: 3bd}\n"
    "  - {kind: business_request, calendar: 24x7, first_response: 1d, resolution: 3d}\n";

static int64_t at(const char *s) {
  int64_t t;
  mi_err e;
  if (mi_instant_parse(s, &t, &e)) fail_msg("%s: %s", s, e.msg);
  return t;
}

static void assert_instant(int64_t got, const char *want) {
  char buf[21];
  mi_instant_format(got, buf);
  if (got != at(want)) fail_msg("got %s, want %s", buf, want);
}

typedef struct clock_env {
  char dir[64];
  mi_config *cfg;
  mi_store *s;
  int64_t customer, department;
} clock_env;

static void clock_open(clock_env *x) {
  mi_err e = {0};
  snprintf(x->dir, sizeof x->dir, "/tmp/sla-rules-XXXXXX");
  assert_int_equal(mi_test_tmpdir(x->dir), 0);
  assert_int_equal(mi_test_config(clock_yaml, x->dir, &x->cfg), 0);
  char path[128];
  snprintf(path, sizeof path, "%s/t.db", x->dir);
  assert_int_equal(mi_store_open(path, MI_STORE_CREATE, &x->s, &e), 0);
  assert_int_equal(mi_sync_config(x->s, x->cfg, 1, NULL, &e), 0);
  mi_customer c = {.external_id = "C1", .name = "C1", .kind = "person", .created_at = 1};
  assert_true(mi_customer_put(x->s, &c, &e) >= 0);
  assert_int_equal(mi_customer_id(x->s, "C1", &x->customer, &e), 0);
  assert_int_equal(mi_department_id(x->s, "support", &x->department, &e), 0);
}

static void clock_close(clock_env *x) {
  mi_store_close(x->s);
  mi_config_free(x->cfg);
  mi_test_rmdir(x->dir);
}

/* A ticket of kind opened at `opened` (nothing else happened) and its clocks
 * at that instant: the deadlines are the whole targets from there. */
static mi_sla_report fresh(clock_env *x, const char *id, const char *kind, const char *opened) {
  mi_err e = {0};
  mi_ticket t = {.external_id = id, .customer_id = x->customer, .department_id = x->department,
                 .kind = kind, .category = "general", .severity = "medium", .channel = "phone",
                 .priority = 3, .status = "new", .opened_at = at(opened), .subject = id};
  int64_t tid;
  assert_int_equal(mi_ticket_insert(x->s, &t, &tid, &e), 0);
  assert_int_equal(mi_ticket_event_add(x->s, tid, t.opened_at, "opened", "test", NULL, "new", NULL, &e), 0);
  mi_sla_report r;
  if (mi_ticket_sla(x->s, x->cfg, id, t.opened_at, &r, &e)) fail_msg("%s: %s", id, e.msg);
  assert_non_null(r.rule);
  return r;
}

/* The case: a complaint made on Saturday 2026-11-21 at 11:00. In
 * natural hours 2h and 12h end at 13:00 and 23:00 that Saturday. The same
 * targets in the department's calendar (the old behaviour of every rule):
 * Sat 11:00-12:00 = 1h, then Mon 09:00-10:00 -> Mon 10:00 (47 h later); and
 * 1h + Mon 3h + 4h30m + Tue 3h = 11h30m, Tue 13:30-14:00 -> Tue 14:00. */
static void test_saturday_complaint(void **state) {
  (void)state;
  clock_env x;
  clock_open(&x);
  mi_sla_report r = fresh(&x, "SAT1", "complaint", "2026-11-21T11:00:00+08:00");
  assert_string_equal(r.calendar, "24x7");
  assert_true(r.round_the_clock);
  assert_int_equal(r.clocks[0].allowed, 2 * 3600);
  assert_instant(r.clocks[0].deadline, "2026-11-21T13:00:00+08:00");
  assert_instant(r.clocks[1].deadline, "2026-11-21T23:00:00+08:00");

  r = fresh(&x, "SAT2", "inquiry", "2026-11-21T11:00:00+08:00");
  assert_string_equal(r.calendar, "standard");
  assert_false(r.round_the_clock);
  assert_instant(r.clocks[0].deadline, "2026-11-23T10:00:00+08:00");
  assert_instant(r.clocks[1].deadline, "2026-11-24T14:00:00+08:00");

  /* d on a 24x7 calendar is 24 h: 1d -> Sun 11:00, 3d -> Tue 11:00 */
  r = fresh(&x, "SAT3", "business_request", "2026-11-21T11:00:00+08:00");
  assert_int_equal(r.clocks[1].allowed, 3 * 86400);
  assert_instant(r.clocks[0].deadline, "2026-11-22T11:00:00+08:00");
  assert_instant(r.clocks[1].deadline, "2026-11-24T11:00:00+08:00");
  clock_close(&x);
}

/* 3bd = 3 x 7h30m = 22h30m of the standard calendar (a business day is as
 * long as the regular working day, Monday's 09:00-12:00 + 13:30-18:00). */
static void test_business_days(void **state) {
  (void)state;
  clock_env x;
  clock_open(&x);
  /* Mon 10:00: Mon 2h + 4h30m = 6h30m, Tue 7h30m (14h), Wed 7h30m (21h30m),
   * Thu 09:00-10:00 -> Thu 10:00: the same time three working days later */
  mi_sla_report r = fresh(&x, "BD1", "after_sales", "2026-11-23T10:00:00+08:00");
  assert_int_equal(r.clocks[1].allowed, 3 * 27000);
  assert_instant(r.clocks[1].deadline, "2026-11-26T10:00:00+08:00");
  /* a weekend: Thu 15:00-18:00 = 3h, Fri 7h30m (10h30m), Sat 09:00-12:00
   * (13h30m), Sunday closed, Mon 7h30m (21h), Tue 09:00-10:30 -> Tue 10:30 */
  r = fresh(&x, "BD2", "after_sales", "2026-11-26T15:00:00+08:00");
  assert_instant(r.clocks[1].deadline, "2026-12-01T10:30:00+08:00");
  /* holidays Thu 10-01 and Fri 10-02: Tue 09-29 15:00-18:00 = 3h, Wed 7h30m
   * (10h30m), Sat 10-03 3h (13h30m), Mon 10-05 7h30m (21h), Tue 10-06
   * 09:00-10:30 -> 2026-10-06 10:30 */
  r = fresh(&x, "BD3", "after_sales", "2026-09-29T15:00:00+08:00");
  assert_instant(r.clocks[1].deadline, "2026-10-06T10:30:00+08:00");
  /* first response 4h from Sat 11:00: 1h Saturday + Mon 09:00-12:00 */
  assert_instant(fresh(&x, "BD4", "after_sales", "2026-11-21T11:00:00+08:00").clocks[0].deadline,
                 "2026-11-23T12:00:00+08:00");
  clock_close(&x);
}

static void expect_refused(const char *rules, const char *want) {
  char text[4096];
  snprintf(text, sizeof text,
           "version: 1\ndatabase: t.db\ncalendars:\n"
           "  std: {hours: {mon: [09:00-17:00], tue: [09:00-17:00]}}\n"
           "  allday: {hours: {mon: [00:00-12:00, 12:00-24:00], tue: [00:00-24:00], "
           "wed: [00:00-24:00], thu: [00:00-24:00], fri: [00:00-24:00], sat: [00:00-24:00], "
           "sun: [00:00-24:00]}}\n"
           "departments:\n"
           "  - {code: office, name: Office, calendar: std}\n"
           "  - {code: night, name: Night, calendar: allday}\n"
           "sla:\n%s",
           rules);
  mi_config *cfg = NULL;
  mi_err e = {0};
  int rc = mi_config_load_string(text, strlen(text), "sla.yaml", NULL, &cfg, &e);
  if (!want) {
    if (rc) fail_msg("refused: %s", e.msg);
    mi_config_free(cfg);
    return;
  }
  if (!rc) fail_msg("accepted, want '%s'", want);
  if (!strstr(e.msg, want)) fail_msg("want '%s', got '%s'", want, e.msg);
  assert_null(cfg);
}

static void test_days_and_calendars(void **state) {
  (void)state;
  /* plain d where the clock stops, with the reason and both ways out */
  expect_refused("  - {kind: inquiry, department: office, first_response: 4h, resolution: 3d}\n",
                 "resolution: '3d' would mean 72 hours of the opening hours of calendar 'std' "
                 "(department office's), not 3 natural days: write 3bd for business days, or set "
                 "calendar: 24x7 for natural days");
  expect_refused("  - {kind: inquiry, calendar: std, first_response: 1w, resolution: 2w}\n",
                 "first_response: '1w' would mean 168 hours of the opening hours of calendar 'std'");
  expect_refused("  - {kind: inquiry, calendar: std, first_response: 4h, resolution: 1d12h}\n",
                 "write the hours (36h) if that is meant");
  /* a rule for every department: each calendar it can run in must never close */
  expect_refused("  - {kind: inquiry, first_response: 4h, resolution: 3d}\n",
                 "calendar 'std' (department office's)");
  /* where the clock never stops, d is 24 h: the built-in, an all-day
   * calendar (ranges that meet count as one), the night desk's */
  expect_refused("  - {kind: inquiry, calendar: 24x7, first_response: 1d, resolution: 3d}\n", NULL);
  expect_refused("  - {kind: inquiry, calendar: allday, first_response: 1d, resolution: 1w}\n", NULL);
  expect_refused("  - {kind: inquiry, department: night, first_response: 1d, resolution: 3d}\n", NULL);
  expect_refused("  - {kind: inquiry, first_response: 1bd, resolution: 3bd}\n", NULL);
  /* unknown calendars, with the nearest name */
  expect_refused("  - {kind: inquiry, calendar: sdt, first_response: 1h, resolution: 2h}\n",
                 "unknown calendar 'sdt' (did you mean 'std'?)");
  expect_refused("  - {kind: inquiry, calendar: 24x8, first_response: 1h, resolution: 2h}\n",
                 "unknown calendar '24x8' (did you mean '24x7'?)");
  expect_refused("  - {kind: inquiry, calendar: nowhere-at-all, first_response: 1h, resolution: 2h}\n",
                 "unknown calendar 'nowhere-at-all': name one defined under calendars, or 24x7");
  /* bd stands alone, is whole and positive */
  expect_refused("  - {kind: inquiry, first_response: 1h, resolution: 2bd4h}\n", "'2bd4h' is not a duration");
  expect_refused("  - {kind: inquiry, first_response: 1h, resolution: 0bd}\n", "'0bd'"); /* 0b...: a number to YAML tools */
  expect_refused("  - {kind: inquiry, first_response: 1h, resolution: 1.5bd}\n", "'1.5bd' is not a duration");
  expect_refused("  - {kind: inquiry, first_response: 1h, resolution: bd}\n", "'bd' is not a duration");
  expect_refused("  - {kind: inquiry, first_response: 1h, resolution: 36501bd}\n", "is not a duration");
  /* the order of the targets on each calendar: 1bd is 8 h of std */
  expect_refused("  - {kind: inquiry, department: office, first_response: 1bd, resolution: 7h}\n",
                 "resolution is shorter than first_response (in calendar 'std')");
  expect_refused("  - {kind: inquiry, department: night, first_response: 1bd, resolution: 7h}\n",
                 "resolution is shorter than first_response (in calendar 'allday')");
  expect_refused("  - {kind: inquiry, calendar: 24x7, first_response: 1bd, resolution: 24h}\n", NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_most_specific),
                                     cmocka_unit_test(test_refusals),
                                     cmocka_unit_test(test_saturday_complaint),
                                     cmocka_unit_test(test_business_days),
                                     cmocka_unit_test(test_days_and_calendars)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
