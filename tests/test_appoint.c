/* Unit tests for appointments: slot finding (service/appoint.c) against
 * slots derived by hand around breaks, closing time, weekends, holidays,
 * existing bookings and several staff; the store's skills and the overlap
 * trigger (store/appointments.c, migration 0005). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "config/config.h"
#include "sched/calendar.h"
#include "service/appoint.h"
#include "store/appointments.h"
#include "store/staff.h"
#include "util/timeutil.h"

#define MIN 60
#define HOUR 3600

/* Two calendars in UTC so that every slot below is plain wall-clock time:
 * std: Mon-Fri 09:00-12:00 and 13:30-18:00, Sat 09:00-12:00, Thursday
 *      2026-11-26 a holiday; early: Mon-Fri 08:00-10:00; rtc: always open.
 * 2026-11-23 is a Monday. */
static const char yaml[] =
    "version: 1\ndatabase: t.db\ntimezone: UTC\ncalendars:\n"
    "  std:\n    hours:\n"
    "      mon: [09:00-12:00, 13:30-18:00]\n      tue: [09:00-12:00, 13:30-18:00]\n"
    "      wed: [09:00-12:00, 13:30-18:00]\n      thu: [09:00-12:00, 13:30-18:00]\n"
    "      fri: [09:00-12:00, 13:30-18:00]\n      sat: [09:00-12:00]\n"
    "    holidays: [2026-11-26]\n"
    "  early:\n    hours:\n      mon: [08:00-10:00]\n      tue: [08:00-10:00]\n"
    "      wed: [08:00-10:00]\n      thu: [08:00-10:00]\n      fri: [08:00-10:00]\n"
    "  rtc:\n    hours:\n      mon: [00:00-24:00]\n      tue: [00:00-24:00]\n"
    "      wed: [00:00-24:00]\n      thu: [00:00-24:00]\n      fri: [00:00-24:00]\n"
    "      sat: [00:00-24:00]\n      sun: [00:00-24:00]\n"
    "departments:\n  - code: d\n    name: D\n    calendar: std\n";

typedef struct fixture {
  mi_config *cfg;
  mi_sched_calendar *std, *early, *rtc;
} fixture;

static fixture fx;

static mi_sched_calendar *calendar_of(const char *name) {
  mi_sched_calendar *cal = NULL;
  mi_err e;
  const mi_config_calendar *cc = mi_config_find_calendar(fx.cfg, name);
  assert_non_null(cc);
  if (mi_sched_calendar_new(cc, &cal, &e)) fail_msg("calendar %s: %s", name, e.msg);
  return cal;
}

static int setup(void **state) {
  (void)state;
  mi_err e;
  if (mi_config_load_string(yaml, strlen(yaml), "test.yaml", ".", &fx.cfg, &e))
    fail_msg("config: %s (line %d)", e.msg, e.line);
  fx.std = calendar_of("std");
  fx.early = calendar_of("early");
  fx.rtc = calendar_of("rtc");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  mi_sched_calendar_free(fx.std);
  mi_sched_calendar_free(fx.early);
  mi_sched_calendar_free(fx.rtc);
  mi_config_free(fx.cfg);
  return 0;
}

static int64_t at(const char *s) {
  int64_t t;
  mi_err e;
  if (mi_instant_parse(s, &t, &e)) fail_msg("%s: %s", s, e.msg);
  return t;
}

/* The slot start for one candidate in std, or "none". */
static void want_slot(const mi_appoint_candidate *c, size_t n, const char *after, int64_t dur,
                      const char *want, const char *want_staff) {
  mi_appoint_slot s;
  mi_err e;
  int64_t longest;
  int rc = mi_appoint_find(c, n, at(after), dur, at(after) + 60 * 86400, &s, &longest, &e);
  if (rc < 0) fail_msg("find: %s", e.msg);
  if (!want) {
    if (rc) fail_msg("after %s: found a slot, want none", after);
    return;
  }
  if (rc != 1) fail_msg("after %s: no slot, want %s", after, want);
  char got[21];
  mi_instant_format(s.start, got);
  if (s.start != at(want)) fail_msg("after %s for %llds: got %s, want %s", after,
                                    (long long)dur, got, want);
  assert_int_equal(s.end, s.start + dur);
  if (want_staff) assert_string_equal(c[s.candidate].staff, want_staff);
}

static void null_and_bad_arguments(void **state) {
  (void)state;
  mi_appoint_slot s;
  mi_err e;
  mi_appoint_candidate c = {"S1", fx.std, NULL, 0};
  int64_t t = at("2026-11-23T08:00Z");
  assert_int_equal(mi_appoint_find(NULL, 1, t, HOUR, t + 86400, &s, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_appoint_find(&c, 1, t, HOUR, t + 86400, NULL, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_appoint_find(&c, 1, t, 0, t + 86400, &s, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_appoint_find(&c, 1, t, -60, t + 86400, &s, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_appoint_find(&c, 1, t, HOUR, t, &s, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_appoint_find(&c, 1, -1, HOUR, t, &s, NULL, &e), MI_EINVAL);
  mi_appoint_candidate nocal = {"S1", NULL, NULL, 0};
  assert_int_equal(mi_appoint_find(&nocal, 1, t, HOUR, t + 86400, &s, NULL, &e), MI_EINVAL);
  /* no candidates: nothing found, no error */
  assert_int_equal(mi_appoint_find(NULL, 0, t, HOUR, t + 86400, &s, NULL, &e), 0);
}

static void breaks_closing_weekend_holiday(void **state) {
  (void)state;
  mi_appoint_candidate c = {"S1", fx.std, NULL, 0};
  /* before opening: the opening */
  want_slot(&c, 1, "2026-11-23T08:00Z", 90 * MIN, "2026-11-23T09:00Z", "S1");
  /* inside the morning, fits before the break */
  want_slot(&c, 1, "2026-11-23T10:00Z", 2 * HOUR, "2026-11-23T10:00Z", NULL);
  /* 11:00 + 90m would cross the 12:00 break: after the break */
  want_slot(&c, 1, "2026-11-23T11:00Z", 90 * MIN, "2026-11-23T13:30Z", NULL);
  /* during the break */
  want_slot(&c, 1, "2026-11-23T12:15Z", 30 * MIN, "2026-11-23T13:30Z", NULL);
  /* exactly to closing time is fine, a minute more is not */
  want_slot(&c, 1, "2026-11-23T16:30Z", 90 * MIN, "2026-11-23T16:30Z", NULL);
  want_slot(&c, 1, "2026-11-23T16:30Z", 91 * MIN, "2026-11-24T09:00Z", NULL);
  /* a 4h visit never fits the 3h morning: the afternoon */
  want_slot(&c, 1, "2026-11-23T08:00Z", 4 * HOUR, "2026-11-23T13:30Z", NULL);
  /* seconds round up to the next whole minute */
  want_slot(&c, 1, "2026-11-23T09:00:30Z", 30 * MIN, "2026-11-23T09:01Z", NULL);
  /* Saturday from 10:00 has 2h left; Sunday is closed: Monday */
  want_slot(&c, 1, "2026-11-28T10:00Z", 3 * HOUR, "2026-11-30T09:00Z", NULL);
  want_slot(&c, 1, "2026-11-28T10:00Z", 2 * HOUR, "2026-11-28T10:00Z", NULL);
  /* Wednesday 17:00 has 1h left; Thursday 2026-11-26 is a holiday: Friday */
  want_slot(&c, 1, "2026-11-25T17:00Z", 90 * MIN, "2026-11-27T09:00Z", NULL);
  want_slot(&c, 1, "2026-11-25T17:00Z", 60 * MIN, "2026-11-25T17:00Z", NULL);
  /* Friday afternoon taken by a 4h30m visit from 13:30 exactly */
  want_slot(&c, 1, "2026-11-27T12:00Z", 270 * MIN, "2026-11-27T13:30Z", NULL);
}

static void existing_bookings(void **state) {
  (void)state;
  const mi_busy busy[] = {
      {at("2026-11-23T09:00Z"), at("2026-11-23T10:00Z")},
      {at("2026-11-23T10:30Z"), at("2026-11-23T11:30Z")},
      {at("2026-11-23T13:30Z"), at("2026-11-23T17:00Z")},
  };
  mi_appoint_candidate c = {"S1", fx.std, busy, 3};
  /* the gap 10:00-10:30 */
  want_slot(&c, 1, "2026-11-23T08:00Z", 30 * MIN, "2026-11-23T10:00Z", NULL);
  /* 1h: not in 10:00-10:30, not in 11:30-12:00, not before 17:00; 17:00-18:00 */
  want_slot(&c, 1, "2026-11-23T08:00Z", HOUR, "2026-11-23T17:00Z", NULL);
  /* 90m: nothing on Monday */
  want_slot(&c, 1, "2026-11-23T08:00Z", 90 * MIN, "2026-11-24T09:00Z", NULL);
  /* starting inside a booking: at its end */
  want_slot(&c, 1, "2026-11-23T09:30Z", 30 * MIN, "2026-11-23T10:00Z", NULL);
  /* a visit may start when the previous one ends (half-open spans) */
  const mi_busy one[] = {{at("2026-11-23T09:00Z"), at("2026-11-23T09:45Z")}};
  mi_appoint_candidate d = {"S1", fx.std, one, 1};
  want_slot(&d, 1, "2026-11-23T09:00Z", 2 * HOUR, "2026-11-23T09:45Z", NULL);
  /* overlapping busy spans (sorted by start), the longer one first */
  const mi_busy nested[] = {{at("2026-11-23T09:00Z"), at("2026-11-23T11:00Z")},
                            {at("2026-11-23T09:30Z"), at("2026-11-23T10:00Z")}};
  mi_appoint_candidate n = {"S1", fx.std, nested, 2};
  want_slot(&n, 1, "2026-11-23T08:00Z", HOUR, "2026-11-23T11:00Z", NULL);
  /* a booking that ends before `after` changes nothing */
  const mi_busy past[] = {{at("2026-11-20T09:00Z"), at("2026-11-20T12:00Z")}};
  mi_appoint_candidate p = {"S1", fx.std, past, 1};
  want_slot(&p, 1, "2026-11-23T08:00Z", HOUR, "2026-11-23T09:00Z", NULL);
}

static void several_staff(void **state) {
  (void)state;
  const mi_busy s1busy[] = {{at("2026-11-23T09:00Z"), at("2026-11-23T10:00Z")}};
  /* S2 listed first; S1 is busy at 09:00, so S2 wins with 09:00 */
  mi_appoint_candidate c[] = {{"S2", fx.std, NULL, 0}, {"S1", fx.std, s1busy, 1}};
  want_slot(c, 2, "2026-11-23T08:00Z", HOUR, "2026-11-23T09:00Z", "S2");
  /* both free at 09:00: the smaller staff id, whatever the order */
  mi_appoint_candidate tie[] = {{"S2", fx.std, NULL, 0}, {"S1", fx.std, NULL, 0}};
  want_slot(tie, 2, "2026-11-23T08:00Z", HOUR, "2026-11-23T09:00Z", "S1");
  /* S3 works the early calendar (08:00-10:00): earlier than anyone in std */
  mi_appoint_candidate early[] = {{"S1", fx.std, NULL, 0}, {"S3", fx.early, NULL, 0}};
  want_slot(early, 2, "2026-11-23T07:00Z", HOUR, "2026-11-23T08:00Z", "S3");
  /* ... but its 2h opening cannot hold 3h: S1 at 09:00 */
  want_slot(early, 2, "2026-11-23T07:00Z", 3 * HOUR, "2026-11-23T09:00Z", "S1");
  /* S1 busy all Monday morning, S2 all Monday: S1 in the afternoon */
  const mi_busy morning[] = {{at("2026-11-23T09:00Z"), at("2026-11-23T12:00Z")}};
  const mi_busy monday[] = {{at("2026-11-23T09:00Z"), at("2026-11-23T18:00Z")}};
  mi_appoint_candidate day[] = {{"S1", fx.std, morning, 1}, {"S2", fx.std, monday, 1}};
  want_slot(day, 2, "2026-11-23T08:00Z", HOUR, "2026-11-23T13:30Z", "S1");
}

static void too_long_and_round_the_clock(void **state) {
  (void)state;
  mi_appoint_candidate c = {"S1", fx.std, NULL, 0};
  mi_appoint_slot s;
  mi_err e;
  int64_t longest = 0, t = at("2026-11-23T08:00Z");
  /* no opening of std is longer than 4h30m */
  assert_int_equal(mi_appoint_find(&c, 1, t, 5 * HOUR, t + 30 * 86400, &s, &longest, &e), 0);
  assert_int_equal(longest, 270 * MIN);
  /* the window: a start must come before `until` */
  assert_int_equal(mi_appoint_find(&c, 1, t, HOUR, at("2026-11-23T09:00Z"), &s, NULL, &e), 0);
  assert_int_equal(mi_appoint_find(&c, 1, t, HOUR, at("2026-11-23T09:01Z"), &s, NULL, &e), 1);
  /* round the clock: days touch at midnight, so a visit may cross it */
  mi_appoint_candidate r = {"S1", fx.rtc, NULL, 0};
  want_slot(&r, 1, "2026-11-23T23:00Z", 3 * HOUR, "2026-11-23T23:00Z", NULL);
  const mi_busy night[] = {{at("2026-11-24T00:30Z"), at("2026-11-24T01:00Z")}};
  mi_appoint_candidate rb = {"S1", fx.rtc, night, 1};
  want_slot(&rb, 1, "2026-11-23T23:00Z", 3 * HOUR, "2026-11-24T01:00Z", NULL);
  assert_int_equal(mi_appoint_find(&r, 1, t, 24 * HOUR, t + 30 * 86400, &s, &longest, &e), 1);
}

/* ---- the store: skills and the overlap trigger ---------------------------- */

static void exec(sqlite3 *db, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
}

static int refused(sqlite3 *db, const char *sql, const char *why) {
  char *msg = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
  int ok = rc != SQLITE_OK && msg && strstr(msg, why);
  if (!ok) fprintf(stderr, "%s: rc %d, %s\n", sql, rc, msg ? msg : "(no message)");
  sqlite3_free(msg);
  return ok;
}

static void store_skills_and_trigger(void **state) {
  (void)state;
  char path[] = "/tmp/test_appoint_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  unlink(path);
  mi_store *s = NULL;
  mi_err e;
  if (mi_store_open(path, MI_STORE_CREATE, &s, &e)) fail_msg("open: %s", e.msg);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  exec(db, "INSERT INTO departments(id, code, name) VALUES (1, 'd', 'D');"
           "INSERT INTO staff(id, external_id, name, department_id) VALUES (1, 'S1', 'A', 1),"
           " (2, 'S2', 'B', 1), (3, 'S3', 'C', 1);"
           "UPDATE staff SET active = 0 WHERE id = 3;"
           "INSERT INTO customers(id, external_id, name, kind, created_at)"
           " VALUES (1, 'C1', 'X', 'person', 0);"
           "INSERT INTO tickets(id, external_id, customer_id, kind, category, severity, channel,"
           " priority, department_id, status, opened_at, subject) VALUES (1, 'T1', 1,"
           " 'after_sales', 'technical', 'low', 'phone', 3, 1, 'open', 0, 's')");

  /* skills: separators, spaces, repeats; a bad code changes nothing */
  int changed = -1;
  assert_int_equal(mi_staff_skills_set(s, 1, " aircon ; fridge,aircon,,", &changed, &e), 0);
  assert_int_equal(changed, 1);
  assert_int_equal(mi_staff_skills_set(s, 1, "fridge;aircon", &changed, &e), 0);
  assert_int_equal(changed, 0);
  assert_int_equal(mi_staff_skills_set(s, 1, "fridge;Aircon", &changed, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "Aircon"));
  assert_int_equal(mi_staff_skills_set(s, 1, "fridge;air con", &changed, &e), MI_EINVAL);
  assert_int_equal(mi_staff_skills_set(s, 2, "aircon", &changed, &e), 0);
  assert_int_equal(mi_staff_skills_set(s, 3, "aircon", &changed, &e), 0);
  mi_skilled_staff *m = NULL;
  size_t n = 0;
  assert_int_equal(mi_skilled_staff_list(s, "aircon", &m, &n, &e), 0);
  assert_int_equal(n, 2); /* S3 is inactive */
  assert_string_equal(m[0].external_id, "S1");
  assert_string_equal(m[1].external_id, "S2");
  assert_string_equal(m[0].department, "d");
  free(m);
  assert_int_equal(mi_skilled_staff_list(s, "fridge", &m, &n, &e), 0);
  assert_int_equal(n, 1);
  free(m);
  assert_int_equal(mi_staff_skills_set(s, 1, "", &changed, &e), 0); /* clears */
  assert_int_equal(changed, 1);
  assert_int_equal(mi_skilled_staff_list(s, "fridge", &m, &n, &e), 0);
  assert_int_equal(n, 0);
  free(m);

  /* bookings: [09:00, 10:00) of S1 */
  int64_t id, h9 = at("2026-11-23T09:00Z");
  assert_int_equal(mi_appointment_insert(s, 1, 1, "aircon", h9, h9 + HOUR, 0, "t", &id, &e), 0);
  /* overlapping: refused, whoever writes */
  assert_int_equal(
      mi_appointment_insert(s, 1, 1, "aircon", h9 + 30 * MIN, h9 + 2 * HOUR, 0, "t", &id, &e),
      MI_EEXIST);
  assert_int_equal(
      mi_appointment_insert(s, 1, 1, "aircon", h9 - HOUR, h9 + 3 * HOUR, 0, "t", &id, &e),
      MI_EEXIST);
  char sql[512];
  snprintf(sql, sizeof sql,
           "INSERT INTO appointments(ticket_id, staff_id, skill, starts_at, ends_at, booked_at,"
           " booked_by) VALUES (1, 1, 'aircon', %lld, %lld, 0, 'x')",
           (long long)(h9 + 59 * MIN), (long long)(h9 + 61 * MIN));
  assert_true(refused(db, sql, "overlaps"));
  /* touching, another staff member, and the same span after a cancellation: fine */
  assert_int_equal(
      mi_appointment_insert(s, 1, 1, "aircon", h9 + HOUR, h9 + 2 * HOUR, 0, "t", &id, &e), 0);
  int64_t second = id;
  assert_int_equal(mi_appointment_insert(s, 1, 2, "aircon", h9, h9 + HOUR, 0, "t", &id, &e), 0);
  assert_int_equal(mi_appointment_close(s, second, "cancelled", 5, &e), 0);
  assert_int_equal(mi_appointment_close(s, second, "done", 5, &e), MI_EINVAL);
  assert_int_equal(
      mi_appointment_insert(s, 1, 1, "aircon", h9 + HOUR, h9 + 2 * HOUR, 0, "t", &id, &e), 0);
  /* busy spans: booked ones only, by start */
  mi_busy *b = NULL;
  assert_int_equal(mi_appointments_busy(s, 1, h9 - 86400, h9 + 86400, &b, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_int_equal(b[0].start, h9);
  assert_int_equal(b[1].start, h9 + HOUR);
  free(b);
  /* only the status moves, only out of booked; nothing is deleted */
  assert_true(refused(db, "UPDATE appointments SET starts_at = starts_at + 60 WHERE id = 1",
                      "only moves"));
  snprintf(sql, sizeof sql, "UPDATE appointments SET status = 'booked', closed_at = NULL"
                            " WHERE id = %lld", (long long)second);
  assert_true(refused(db, sql, "only moves"));
  assert_true(refused(db, "DELETE FROM appointments", "cancel one instead"));
  assert_true(refused(db, "UPDATE appointments SET status = 'done' WHERE id = 1", "CHECK"));
  assert_int_equal(mi_appointment_close(s, 1, "moved", 5, &e), MI_EINVAL);
  mi_appointment_row a;
  assert_int_equal(mi_appointment_get(s, 999, &a, &e), MI_ENOTFOUND);
  assert_int_equal(mi_appointment_get(s, second, &a, &e), 0);
  assert_string_equal(a.status, "cancelled");
  assert_int_equal(a.closed_at, 5);
  assert_string_equal(a.ticket, "T1");
  assert_string_equal(a.department, "d");
  sqlite3_close(db);
  mi_store_close(s);
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(null_and_bad_arguments),
      cmocka_unit_test(breaks_closing_weekend_holiday),
      cmocka_unit_test(existing_bookings),
      cmocka_unit_test(several_staff),
      cmocka_unit_test(too_long_and_round_the_clock),
      cmocka_unit_test(store_skills_and_trigger),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
