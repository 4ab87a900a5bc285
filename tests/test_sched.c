/* Unit tests for core/sched: time zones, business calendars (hand-derived
 * cases around breaks, midnight, weekends, holidays, working days and
 * daylight-saving changes; a minute-stepping reference over four years on
 * random instants), .ics holiday files, and cron expressions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <pthread.h>

#include "config/config.h"
#include "sched/calendar.h"
#include "sched/cron.h"
#include "sched/tz.h"
#include "util/timeutil.h"

#define DATA MANYI_SOURCE_DIR "/tests/data/sched/"
#define EXAMPLE MANYI_SOURCE_DIR "/examples/after-sales/manyi.yaml"
#define MIN 60
#define HOUR 3600

/* ---- helpers ------------------------------------------------------------ */

static void assert_contains(const char *hay, const char *needle) {
  if (!strstr(hay, needle)) fail_msg("'%s' does not contain '%s'", hay, needle);
}

/* An instant with Z or an offset. */
static int64_t at(const char *s) {
  int64_t t;
  mi_err e;
  if (mi_instant_parse(s, &t, &e)) fail_msg("%s: %s", s, e.msg);
  return t;
}

/* A local time of the calendar's zone. */
static int64_t loc(const mi_sched_calendar *cal, const char *s) {
  int64_t t;
  mi_err e;
  if (mi_sched_tz_parse(mi_sched_calendar_tz(cal), s, &t, &e)) fail_msg("%s: %s", s, e.msg);
  return t;
}

static int64_t day_of(const char *date) {
  int y, m, d;
  if (mi_date_parse(date, &y, &m, &d, NULL)) fail_msg("bad date %s", date);
  return mi_days_from_civil(y, m, d);
}

/* Loads a configuration whose calendars section is `calendars` (indented by
 * two spaces); the one department uses the calendar `first`. */
static mi_config *config_with(const char *calendars, const char *first) {
  char yaml[8192];
  snprintf(yaml, sizeof yaml,
           "version: 1\ndatabase: t.db\ntimezone: UTC\ncalendars:\n%s"
           "departments:\n  - code: d\n    name: D\n    calendar: %s\n",
           calendars, first);
  mi_config *cfg = NULL;
  mi_err e;
  if (mi_config_load_string(yaml, strlen(yaml), "test.yaml", DATA, &cfg, &e))
    fail_msg("config: %s (line %d)", e.msg, e.line);
  return cfg;
}

static mi_sched_calendar *calendar_of(const mi_config *cfg, const char *name) {
  mi_sched_calendar *cal = NULL;
  mi_err e;
  const mi_config_calendar *cc = mi_config_find_calendar(cfg, name);
  assert_non_null(cc);
  if (mi_sched_calendar_new(cc, &cal, &e)) fail_msg("calendar %s: %s", name, e.msg);
  return cal;
}

static int64_t add(const mi_sched_calendar *cal, int64_t start, int64_t seconds) {
  int64_t out = 0;
  mi_err e;
  if (mi_sched_add_business(cal, start, seconds, &out, &e)) fail_msg("add: %s", e.msg);
  return out;
}

static int64_t between(const mi_sched_calendar *cal, int64_t a, int64_t b) {
  int64_t s = 0;
  mi_err e;
  if (mi_sched_business_between(cal, a, b, &s, &e)) fail_msg("between: %s", e.msg);
  return s;
}

static void assert_instant(int64_t got, const char *want) {
  char g[21];
  mi_instant_format(got, g);
  if (got != at(want)) fail_msg("got %s, want %s", g, want);
}

/* The example's calendars. */
static mi_config *example(void) {
  mi_config *cfg = NULL;
  mi_err e;
  if (mi_config_load(EXAMPLE, &cfg, &e)) fail_msg("%s: %s", EXAMPLE, e.msg);
  return cfg;
}

/* ---- NULL and bad arguments --------------------------------------------- */

static void test_null_and_bad(void **state) {
  (void)state;
  mi_err e;
  int64_t t;
  mi_sched_tz *tz = (mi_sched_tz *)1;
  mi_sched_calendar *cal = (mi_sched_calendar *)1;
  mi_sched_cron cron;
  assert_int_equal(mi_sched_tz_open(NULL, &tz, &e), MI_EINVAL);
  assert_null(tz);
  assert_int_equal(mi_sched_tz_open("UTC", NULL, &e), MI_EINVAL);
  assert_int_equal(mi_sched_calendar_new(NULL, &cal, &e), MI_EINVAL);
  assert_null(cal);
  assert_int_equal(mi_sched_add_business(NULL, 0, 0, &t, &e), MI_EINVAL);
  assert_int_equal(mi_sched_business_between(NULL, 0, 0, &t, &e), MI_EINVAL);
  assert_int_equal(mi_sched_next_open(NULL, 0, &t, &e), MI_EINVAL);
  assert_int_equal(mi_sched_is_open(NULL, 0), MI_EINVAL);
  assert_int_equal(mi_sched_calendar_day(NULL, 0, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_sched_cron_parse(NULL, &cron, &e), MI_EINVAL);
  assert_int_equal(mi_sched_cron_parse("* * * * *", NULL, &e), MI_EINVAL);
  assert_int_equal(mi_sched_cron_next(NULL, NULL, 0, &t, &e), MI_EINVAL);
  assert_int_equal(mi_sched_tz_parse(NULL, "2026-01-01", &t, &e), MI_EINVAL);
  mi_sched_tz_free(NULL);
  mi_sched_calendar_free(NULL);

  /* Unknown and malformed zones: the calendar and the zone are named. */
  mi_config *cfg = config_with("  mars:\n    timezone: Mars/Olympus_Mons\n    hours:\n"
                               "      mon: [09:00-17:00]\n",
                               "mars");
  assert_int_equal(mi_sched_calendar_new(&cfg->calendars[0], &cal, &e), MI_ENOTFOUND);
  assert_null(cal);
  assert_contains(e.msg, "calendar 'mars'");
  assert_contains(e.msg, "unknown time zone 'Mars/Olympus_Mons'");
  mi_config_free(cfg);
  const char *bad_zones[] = {"",
                             "../../etc/passwd",
                             "/usr/share/zoneinfo/UTC",
                             "Asia/",
                             "America/New_York ",
                             "Europe/Berlin\n",
                             "zone.tab",
                             "a//b"};
  for (size_t i = 0; i < sizeof bad_zones / sizeof *bad_zones; i++) {
    tz = NULL;
    if (mi_sched_tz_open(bad_zones[i], &tz, &e) != MI_ENOTFOUND)
      fail_msg("zone '%s' was accepted", bad_zones[i]);
    assert_null(tz);
  }

  /* Out of range, negative and absurd spans. */
  cfg = example();
  cal = calendar_of(cfg, "standard");
  assert_int_equal(mi_sched_add_business(cal, -1, 60, &t, &e), MI_EINVAL);
  assert_contains(e.msg, "outside the supported range");
  assert_int_equal(mi_sched_add_business(cal, MI_SCHED_TIME_MAX, 0, &t, &e), MI_EINVAL);
  assert_int_equal(mi_sched_add_business(cal, at("2026-01-05T00:00:00Z"), -60, &t, &e), MI_EINVAL);
  assert_contains(e.msg, "negative");
  assert_int_equal(mi_sched_add_business(cal, at("2026-01-05T00:00:00Z"), INT64_MAX, &t, &e),
                   MI_EINVAL);
  /* 300 years of business time do not fit before 2200. */
  assert_int_equal(mi_sched_add_business(cal, at("2026-01-05T00:00:00Z"),
                                         INT64_C(300) * 365 * 24 * HOUR / 4, &t, &e),
                   MI_EINVAL);
  assert_contains(e.msg, "2200");
  assert_int_equal(mi_sched_business_between(cal, 0, INT64_MAX, &t, &e), MI_EINVAL);
  assert_int_equal(mi_sched_business_between(cal, INT64_MIN, 0, &t, &e), MI_EINVAL);
  assert_int_equal(mi_sched_is_open(cal, -5), MI_EINVAL);
  mi_sched_day day;
  assert_int_equal(mi_sched_calendar_day(cal, -1, &day, &e), MI_EINVAL);
  assert_int_equal(mi_sched_calendar_day(cal, 1000000, &day, &e), MI_EINVAL);
  /* Near the end of the range: the last opening is found, nothing after it. */
  assert_int_equal(mi_sched_next_open(cal, at("2199-12-31T10:00:00Z"), &t, &e), MI_EINVAL);
  assert_int_equal(mi_sched_is_open(cal, at("2199-12-31T10:00:00Z")), 0);
  assert_int_equal(mi_sched_next_open(cal, at("2199-12-30T10:00:00Z"), &t, &e), 0);
  assert_instant(t, "2199-12-31T01:00:00Z"); /* a Tuesday */
  mi_sched_calendar_free(cal);
  mi_config_free(cfg);
}

/* ---- time zones --------------------------------------------------------- */

static void test_tz(void **state) {
  (void)state;
  mi_sched_tz *ny, *sh, *be, *utc;
  mi_err e;
  assert_int_equal(mi_sched_tz_open("America/New_York", &ny, &e), 0);
  assert_int_equal(mi_sched_tz_open("Asia/Shanghai", &sh, &e), 0);
  assert_int_equal(mi_sched_tz_open("Europe/Berlin", &be, &e), 0);
  assert_int_equal(mi_sched_tz_open("UTC", &utc, &e), 0);
  assert_string_equal(mi_sched_tz_name(ny), "America/New_York");

  /* New York 2026: EST -> EDT at 07:00Z on 03-08, back at 06:00Z on 11-01. */
  assert_int_equal(mi_sched_tz_offset(ny, at("2026-03-08T06:59:59Z")), -5 * HOUR);
  assert_int_equal(mi_sched_tz_offset(ny, at("2026-03-08T07:00:00Z")), -4 * HOUR);
  assert_int_equal(mi_sched_tz_offset(ny, at("2026-11-01T05:59:59Z")), -4 * HOUR);
  assert_int_equal(mi_sched_tz_offset(ny, at("2026-11-01T06:00:00Z")), -5 * HOUR);
  /* Local -> UTC: normal, gap (end of the gap), overlap (first occurrence). */
  struct {
    const char *local, *utc;
  } cases[] = {
      {"2026-03-08T01:59:59", "2026-03-08T06:59:59Z"},
      {"2026-03-08T02:00", "2026-03-08T07:00:00Z"},
      {"2026-03-08T02:30", "2026-03-08T07:00:00Z"},
      {"2026-03-08T03:00", "2026-03-08T07:00:00Z"},
      {"2026-03-08T03:01", "2026-03-08T07:01:00Z"},
      {"2026-11-01T00:59", "2026-11-01T04:59:00Z"},
      {"2026-11-01T01:00", "2026-11-01T05:00:00Z"},
      {"2026-11-01T01:30", "2026-11-01T05:30:00Z"},
      {"2026-11-01T02:00", "2026-11-01T07:00:00Z"},
      {"2026-11-20T17:30+08:00", "2026-11-20T09:30:00Z"}, /* an offset wins */
      {"2026-11-20T09:30:00Z", "2026-11-20T09:30:00Z"},
      {"2026-07-04", "2026-07-04T04:00:00Z"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    int64_t t;
    assert_int_equal(mi_sched_tz_parse(ny, cases[i].local, &t, &e), 0);
    char g[21];
    mi_instant_format(t, g);
    if (t != at(cases[i].utc)) fail_msg("%s -> %s, want %s", cases[i].local, g, cases[i].utc);
  }
  int64_t t;
  assert_int_equal(mi_sched_tz_parse(ny, "2026-02-30T10:00", &t, &e), MI_EPARSE);
  assert_int_equal(mi_sched_tz_parse(ny, "tomorrow", &t, &e), MI_EPARSE);
  /* During the repeated hour the clock has already shown 01:59:59. */
  int64_t wm = mi_sched_tz_wall_max(ny, at("2026-11-01T06:30:00Z"));
  assert_int_equal(wm, at("2026-11-01T01:59:59Z"));
  assert_int_equal(mi_sched_tz_local(ny, at("2026-11-01T06:30:00Z")), at("2026-11-01T01:30:00Z"));
  assert_int_equal(mi_sched_tz_wall_max(ny, at("2026-11-01T07:00:00Z")),
                   at("2026-11-01T02:00:00Z"));

  char buf[32];
  mi_sched_tz_format(ny, at("2026-11-01T06:30:00Z"), buf);
  assert_string_equal(buf, "2026-11-01T01:30:00-05:00");
  mi_sched_tz_format(sh, at("2026-11-20T09:30:00Z"), buf);
  assert_string_equal(buf, "2026-11-20T17:30:00+08:00");
  mi_sched_tz_format(utc, 0, buf);
  assert_string_equal(buf, "1970-01-01T00:00:00Z");

  /* Shanghai: no change since 1991; Berlin 2026 at 01:00Z on 03-29 and 10-25. */
  const mi_sched_tz_change *ch;
  size_t n = mi_sched_tz_changes(sh, &ch);
  for (size_t i = 0; i < n; i++) assert_true(ch[i].at < at("1992-01-01T00:00:00Z"));
  assert_int_equal(mi_sched_tz_offset(sh, at("2150-07-01T00:00:00Z")), 8 * HOUR);
  n = mi_sched_tz_changes(be, &ch);
  int found = 0;
  for (size_t i = 0; i < n; i++) {
    if (ch[i].at == at("2026-03-29T01:00:00Z"))
      found++, assert_int_equal(ch[i].after - ch[i].before, HOUR);
    if (ch[i].at == at("2026-10-25T01:00:00Z"))
      found++, assert_int_equal(ch[i].after - ch[i].before, -HOUR);
  }
  assert_int_equal(found, 2);
  assert_int_equal(mi_sched_tz_changes(utc, &ch), 0);
  mi_sched_tz_free(ny);
  mi_sched_tz_free(sh);
  mi_sched_tz_free(be);
  mi_sched_tz_free(utc);
}

/* ---- the example's standard calendar, by hand --------------------------- */

/* Asia/Shanghai; Mon-Fri 09:00-12:00 + 13:30-18:00, Sat 09:00-12:00;
 * holidays 2026-01-01, 02-17, 02-18, 05-01, 10-01, 10-02; working day
 * 2026-02-14 (a Saturday, so it gets the full weekday hours). */
static void test_standard(void **state) {
  (void)state;
  mi_config *cfg = example();
  mi_sched_calendar *cal = calendar_of(cfg, "standard");
  assert_string_equal(mi_sched_calendar_name(cal), "standard");
  assert_string_equal(mi_sched_tz_name(mi_sched_calendar_tz(cal)), "Asia/Shanghai");
  struct {
    const char *start;
    int64_t minutes;
    const char *want;
  } adds[] = {
      {"2026-11-20T17:30", 90, "2026-11-21T10:00+08:00"},   /* Fri end, Saturday half day */
      {"2026-11-20T17:30", 240, "2026-11-23T09:30+08:00"},  /* over the weekend */
      {"2026-11-20T11:00", 60, "2026-11-20T12:00+08:00"},   /* ends at the lunch break */
      {"2026-11-20T11:30", 60, "2026-11-20T14:00+08:00"},   /* over lunch */
      {"2026-11-20T12:15", 30, "2026-11-20T14:00+08:00"},   /* starts in lunch */
      {"2026-11-20T18:00", 450, "2026-11-23T15:00+08:00"},  /* Sat 180 + Mon 180, then 90 */
      {"2026-11-21T12:00", 0, "2026-11-23T09:00+08:00"},    /* 0 from closed: next opening */
      {"2026-11-23T10:00", 0, "2026-11-23T10:00+08:00"},    /* 0 from open: itself */
      {"2026-11-22T23:59", 1, "2026-11-23T09:01+08:00"},    /* Sunday night */
      {"2026-09-30T17:00", 120, "2026-10-03T10:00+08:00"},  /* National Day holidays */
      {"2026-02-13T17:00", 270, "2026-02-14T14:00+08:00"},  /* working Saturday, full hours */
      {"2026-02-16T17:00", 120, "2026-02-19T10:00+08:00"},  /* Spring Festival holidays */
      {"2025-12-31T17:00", 120, "2026-01-02T10:00+08:00"},  /* over New Year (and midnight) */
      {"2026-11-23T09:00", 2430, "2026-11-28T12:00+08:00"}, /* one whole week of open time */
      {"2026-11-23T09:00", 2431, "2026-11-30T09:01+08:00"},
  };
  for (size_t i = 0; i < sizeof adds / sizeof *adds; i++) {
    int64_t got = add(cal, loc(cal, adds[i].start), adds[i].minutes * MIN);
    char g[32];
    mi_sched_tz_format(mi_sched_calendar_tz(cal), got, g);
    if (got != at(adds[i].want))
      fail_msg("add(%s, %lldm) = %s, want %s", adds[i].start, (long long)adds[i].minutes, g,
               adds[i].want);
  }
  /* Seconds are kept: 10:00:30 + 1 h = 11:00:30; 11:59:30 + 1 min = 13:30:30. */
  assert_int_equal(add(cal, loc(cal, "2026-11-23T10:00:30"), HOUR),
                   loc(cal, "2026-11-23T11:00:30"));
  assert_int_equal(add(cal, loc(cal, "2026-11-23T11:59:30"), MIN), loc(cal, "2026-11-23T13:30:30"));

  struct {
    const char *a, *b;
    int64_t minutes;
  } spans[] = {
      {"2026-11-23T11:00", "2026-11-23T14:00", 90},
      {"2026-11-23T14:00", "2026-11-23T11:00", -90},
      {"2026-11-23T12:00", "2026-11-23T13:30", 0},
      {"2026-11-23T10:00", "2026-11-23T10:00", 0},
      {"2026-11-21T00:00", "2026-11-23T00:00", 180},  /* weekend */
      {"2026-02-13T00:00", "2026-02-20T00:00", 1800}, /* 4 open days incl. the working Saturday */
      {"2026-01-01T00:00", "2027-01-01T00:00", 124380},
      {"2026-11-23T00:00", "2026-11-30T00:00", 2430},
  };
  for (size_t i = 0; i < sizeof spans / sizeof *spans; i++) {
    int64_t got = between(cal, loc(cal, spans[i].a), loc(cal, spans[i].b));
    if (got != spans[i].minutes * MIN)
      fail_msg("between(%s, %s) = %lld s, want %lld min", spans[i].a, spans[i].b, (long long)got,
               (long long)spans[i].minutes);
  }
  assert_int_equal(between(cal, loc(cal, "2026-11-23T10:00:00"), loc(cal, "2026-11-23T10:00:45")),
                   45);

  struct {
    const char *t;
    int open;
  } opens[] = {
      {"2026-11-23T09:00", 1}, {"2026-11-23T08:59:59", 0}, {"2026-11-23T11:59:59", 1},
      {"2026-11-23T12:00", 0}, {"2026-11-23T13:30", 1},    {"2026-11-23T18:00", 0},
      {"2026-11-22T10:00", 0}, {"2026-11-21T10:00", 1},    {"2026-11-21T13:30", 0},
      {"2026-10-01T10:00", 0}, {"2026-02-14T15:00", 1},    {"2026-02-17T10:00", 0},
  };
  for (size_t i = 0; i < sizeof opens / sizeof *opens; i++)
    if (mi_sched_is_open(cal, loc(cal, opens[i].t)) != opens[i].open)
      fail_msg("is_open(%s) != %d", opens[i].t, opens[i].open);
  int64_t t;
  mi_err e;
  assert_int_equal(mi_sched_next_open(cal, loc(cal, "2026-09-30T18:00"), &t, &e), 0);
  assert_int_equal(t, loc(cal, "2026-10-03T09:00"));

  mi_sched_day day;
  assert_int_equal(mi_sched_calendar_day(cal, day_of("2026-02-14"), &day, &e), 0);
  assert_int_equal(day.kind, MI_SCHED_DAY_WORKING);
  assert_int_equal(day.weekday, 5);
  assert_int_equal(day.nranges, 2);
  assert_int_equal(day.open_seconds, 450 * MIN);
  assert_int_equal(day.open[0][0], at("2026-02-14T01:00:00Z"));
  assert_int_equal(mi_sched_calendar_day(cal, day_of("2026-10-01"), &day, &e), 0);
  assert_int_equal(day.kind, MI_SCHED_DAY_HOLIDAY);
  assert_int_equal(day.nranges, 0);
  assert_int_equal(mi_sched_calendar_day(cal, day_of("2026-11-22"), &day, &e), 0);
  assert_int_equal(day.kind, MI_SCHED_DAY_REGULAR);
  assert_int_equal(day.nranges, 0);
  mi_sched_calendar_free(cal);

  /* round-the-clock: 00:00-24:00 every day has no seams at midnight. */
  cal = calendar_of(cfg, "round-the-clock");
  assert_int_equal(add(cal, loc(cal, "2026-11-20T23:30"), HOUR), loc(cal, "2026-11-21T00:30"));
  assert_int_equal(add(cal, loc(cal, "2026-11-20T23:30"), 30 * 24 * HOUR),
                   loc(cal, "2026-12-20T23:30"));
  assert_int_equal(between(cal, at("2026-01-01T00:00:00Z"), at("2031-01-01T00:00:00Z")),
                   at("2031-01-01T00:00:00Z") - at("2026-01-01T00:00:00Z"));
  assert_int_equal(mi_sched_is_open(cal, loc(cal, "2026-11-21T00:00")), 1);
  mi_sched_calendar_free(cal);
  mi_config_free(cfg);
}

/* ---- daylight saving, by hand ------------------------------------------- */

static void test_dst_new_york(void **state) {
  (void)state;
  mi_config *cfg = config_with("  ny:\n    timezone: America/New_York\n    hours:\n"
                               "      mon: [09:00-17:00]\n      tue: [09:00-17:00]\n"
                               "      wed: [09:00-17:00]\n      thu: [09:00-17:00]\n"
                               "      fri: [09:00-17:00]\n      sat: [22:00-24:00]\n"
                               "      sun: [00:00-04:00]\n"
                               "  gap:\n    timezone: America/New_York\n    hours:\n"
                               "      sun: [02:00-02:30, 10:00-11:00]\n"
                               "  overlap:\n    timezone: America/New_York\n    hours:\n"
                               "      sun: [01:30-03:00]\n",
                               "ny");
  mi_sched_calendar *ny = calendar_of(cfg, "ny"), *gap = calendar_of(cfg, "gap"),
                    *ov = calendar_of(cfg, "overlap");
  mi_sched_day day;
  mi_err e;
  /* Sunday 00:00-04:00 is 3 h on 03-08, 5 h on 11-01, 4 h otherwise. */
  assert_int_equal(mi_sched_calendar_day(ny, day_of("2026-03-08"), &day, &e), 0);
  assert_int_equal(day.open_seconds, 3 * HOUR);
  assert_int_equal(day.open[0][0], at("2026-03-08T05:00:00Z"));
  assert_int_equal(day.open[0][1], at("2026-03-08T08:00:00Z"));
  assert_int_equal(mi_sched_calendar_day(ny, day_of("2026-11-01"), &day, &e), 0);
  assert_int_equal(day.open_seconds, 5 * HOUR);
  assert_int_equal(mi_sched_calendar_day(ny, day_of("2026-03-15"), &day, &e), 0);
  assert_int_equal(day.open_seconds, 4 * HOUR);
  /* Saturday 22:00 EST to Sunday 04:00 EDT: 2 h + 3 h, without a seam. */
  assert_int_equal(between(ny, loc(ny, "2026-03-07T21:00"), loc(ny, "2026-03-08T12:00")), 5 * HOUR);
  assert_instant(add(ny, loc(ny, "2026-03-07T22:00"), 4 * HOUR), "2026-03-08T07:00:00Z");
  assert_int_equal(add(ny, loc(ny, "2026-03-07T22:00"), 4 * HOUR), loc(ny, "2026-03-08T03:00"));
  /* Autumn: from 00:00 EDT, 4.5 h of real time end at 03:30 EST. */
  assert_instant(add(ny, at("2026-11-01T04:00:00Z"), 270 * MIN), "2026-11-01T08:30:00Z");
  /* The second 01:30 (EST) lies inside the opening too. */
  assert_int_equal(mi_sched_is_open(ny, at("2026-11-01T06:30:00Z")), 1);
  assert_int_equal(between(ny, loc(ny, "2026-10-31T00:00"), loc(ny, "2026-11-02T00:00")), 7 * HOUR);
  /* Weekdays keep 8 h on both sides of the change. */
  assert_int_equal(between(ny, loc(ny, "2026-03-06T00:00"), loc(ny, "2026-03-07T00:00")), 8 * HOUR);
  assert_int_equal(between(ny, loc(ny, "2026-03-09T00:00"), loc(ny, "2026-03-10T00:00")), 8 * HOUR);

  /* 02:00-02:30 does not exist on 03-08: empty; on 11-01 it is 02:00 EST. */
  assert_int_equal(mi_sched_calendar_day(gap, day_of("2026-03-08"), &day, &e), 0);
  assert_int_equal(day.open_seconds, HOUR);
  assert_int_equal(day.open[0][0], day.open[0][1]);
  assert_int_equal(mi_sched_is_open(gap, at("2026-03-08T07:00:00Z")), 0);
  assert_instant(add(gap, loc(gap, "2026-03-08T00:00"), 0), "2026-03-08T14:00:00Z");
  assert_instant(add(gap, loc(gap, "2026-11-01T00:00"), 0), "2026-11-01T07:00:00Z");
  assert_int_equal(mi_sched_calendar_day(gap, day_of("2026-11-01"), &day, &e), 0);
  assert_int_equal(day.open_seconds, 90 * MIN);

  /* 01:30-03:00: 30 min on 03-08, 150 min on 11-01, 90 min otherwise. */
  assert_int_equal(mi_sched_calendar_day(ov, day_of("2026-03-08"), &day, &e), 0);
  assert_int_equal(day.open_seconds, 30 * MIN);
  assert_int_equal(mi_sched_calendar_day(ov, day_of("2026-11-01"), &day, &e), 0);
  assert_int_equal(day.open_seconds, 150 * MIN);
  assert_int_equal(day.open[0][0], at("2026-11-01T05:30:00Z"));
  assert_int_equal(day.open[0][1], at("2026-11-01T08:00:00Z"));
  assert_int_equal(between(ov, at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
                   (50 * 90 + 30 + 150) * MIN); /* 52 Sundays in 2026 */
  mi_sched_calendar_free(ny);
  mi_sched_calendar_free(gap);
  mi_sched_calendar_free(ov);
  mi_config_free(cfg);
}

static void test_dst_berlin(void **state) {
  (void)state;
  mi_config *cfg = config_with("  allday:\n    timezone: Europe/Berlin\n    hours:\n"
                               "      mon: [00:00-24:00]\n      tue: [00:00-24:00]\n"
                               "      wed: [00:00-24:00]\n      thu: [00:00-24:00]\n"
                               "      fri: [00:00-24:00]\n      sat: [00:00-24:00]\n"
                               "      sun: [00:00-24:00]\n"
                               "  office:\n    timezone: Europe/Berlin\n    hours:\n"
                               "      sat: [09:00-18:00]\n      sun: [09:00-18:00]\n",
                               "allday");
  mi_sched_calendar *c = calendar_of(cfg, "allday"), *o = calendar_of(cfg, "office");
  assert_int_equal(between(c, loc(c, "2026-03-29T00:00"), loc(c, "2026-03-30T00:00")), 23 * HOUR);
  assert_int_equal(between(c, loc(c, "2026-10-25T00:00"), loc(c, "2026-10-26T00:00")), 25 * HOUR);
  /* 23:00 CET + 4 h of real time = 03:00 CET = 04:00 CEST; 02:00-03:00 never shows. */
  assert_instant(add(c, loc(c, "2026-03-28T23:00"), 4 * HOUR), "2026-03-29T02:00:00Z");
  assert_int_equal(add(c, loc(c, "2026-03-28T23:00"), 4 * HOUR), loc(c, "2026-03-29T04:00"));
  assert_int_equal(loc(c, "2026-03-29T02:30"), loc(c, "2026-03-29T03:00"));
  /* 02:30 CEST, then the repeated 02:30 CET an hour later: 2 h after 01:30. */
  assert_instant(add(c, loc(c, "2026-10-25T01:30"), 2 * HOUR), "2026-10-25T01:30:00Z");
  /* 09:00-18:00 on the change days is still 9 h of real time. */
  assert_int_equal(between(o, loc(o, "2026-03-29T00:00"), loc(o, "2026-03-30T00:00")), 9 * HOUR);
  assert_int_equal(between(o, loc(o, "2026-10-25T00:00"), loc(o, "2026-10-26T00:00")), 9 * HOUR);
  assert_instant(add(o, loc(o, "2026-03-28T17:00"), 2 * HOUR), "2026-03-29T08:00:00Z");
  /* Over a whole year of 24-hour days: the real length of the year. */
  assert_int_equal(between(c, at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
                   365 * 24 * HOUR);
  mi_sched_calendar_free(c);
  mi_sched_calendar_free(o);
  mi_config_free(cfg);
}

/* ---- the minute-stepping reference -------------------------------------- */

/* Written from the rules in calendar.h, independently of core/sched: the
 * wall clock comes from glibc (TZ and localtime_r: fine in a one-threaded
 * test), and a calendar is open at a minute when the latest reading the clock
 * has shown so far lies in a range of that reading's day ("opens the first
 * time the clock shows the start, closes the first time it shows the end"). */
typedef struct ref {
  int64_t t0;      /* the first minute */
  size_t n;        /* minutes */
  uint8_t *open;   /* open[i]: open during minute t0 + 60 i */
  int32_t *before; /* before[i]: open minutes in [t0, t0 + 60 i) */
  int32_t *where;  /* where[k]: the index of the k-th open minute */
  size_t nopen;
} ref;

static int ref_hours(const mi_config_calendar *cc, int64_t day, const mi_config_range **r) {
  for (size_t i = 0; i < cc->nholidays; i++)
    if (cc->holidays[i] == day) return 0;
  int wd = (int)(((day % 7) + 7 + 3) % 7);
  for (size_t i = 0; i < cc->nworking_days; i++) {
    if (cc->working_days[i] != day) continue;
    for (int d = 0; d < 7; d++) { /* first of Mon..Fri with hours, then Sat, Sun */
      if (cc->nhours[d]) {
        *r = cc->hours[d];
        return (int)cc->nhours[d];
      }
    }
  }
  *r = cc->hours[wd];
  return (int)cc->nhours[wd];
}

static void ref_build(ref *r, const mi_config_calendar *cc, int64_t t0, int64_t t1) {
  setenv("TZ", cc->timezone, 1);
  tzset();
  r->t0 = t0;
  r->n = (size_t)((t1 - t0) / MIN);
  r->open = calloc(r->n, 1);
  r->before = calloc(r->n + 1, sizeof *r->before);
  r->where = calloc(r->n, sizeof *r->where);
  assert_non_null(r->open);
  assert_non_null(r->before);
  assert_non_null(r->where);
  r->nopen = 0;
  int64_t shown = INT64_MIN;
  for (size_t i = 0; i < r->n; i++) {
    time_t t = (time_t)(t0 + (int64_t)i * MIN);
    struct tm tm;
    localtime_r(&t, &tm);
    int64_t wall = mi_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
                   tm.tm_hour * HOUR + tm.tm_min * MIN + tm.tm_sec;
    if (wall > shown) shown = wall;
    int64_t day = shown >= 0 ? shown / 86400 : -((-shown + 86399) / 86400);
    int64_t sec = shown - day * 86400;
    const mi_config_range *rg = NULL;
    int n = ref_hours(cc, day, &rg);
    for (int k = 0; k < n; k++)
      if (sec >= rg[k].start * MIN && sec < rg[k].end * MIN) r->open[i] = 1;
    r->before[i + 1] = r->before[i] + r->open[i];
    if (r->open[i]) r->where[r->nopen++] = (int32_t)i;
  }
  unsetenv("TZ");
  tzset();
}

static void ref_free(ref *r) {
  free(r->open);
  free(r->before);
  free(r->where);
}

static uint64_t rng = 0x9e3779b97f4a7c15u; /* fixed seed: failures repeat */
static uint64_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* Compares add, between, is_open and next_open with the reference on random
 * minutes of [t0, t1); returns the number of comparisons. */
static long check_against_reference(const mi_config_calendar *cc, int64_t t0, int64_t t1,
                                    int rounds) {
  ref r;
  ref_build(&r, cc, t0, t1);
  mi_sched_calendar *cal = NULL;
  mi_err e;
  if (mi_sched_calendar_new(cc, &cal, &e)) fail_msg("%s", e.msg);
  long checks = 0;
  char ta[21], tb[21];
  for (int k = 0; k < rounds; k++) {
    size_t i = (size_t)(next_rand() % r.n), j = (size_t)(next_rand() % r.n);
    int64_t a = t0 + (int64_t)i * MIN, b = t0 + (int64_t)j * MIN;
    mi_instant_format(a, ta);
    mi_instant_format(b, tb);
    /* is_open */
    if (mi_sched_is_open(cal, a) != r.open[i])
      fail_msg("%s: is_open(%s) != %d", cc->name, ta, r.open[i]);
    /* between, either order */
    int64_t want = ((int64_t)r.before[j] - r.before[i]) * MIN;
    if (between(cal, a, b) != want)
      fail_msg("%s: between(%s, %s) = %lld, want %lld", cc->name, ta, tb,
               (long long)between(cal, a, b), (long long)want);
    /* add: short (minutes to days), and long (up to the end of the data). */
    size_t pos = (size_t)r.before[i];
    if (pos >= r.nopen) continue;
    int64_t span = r.nopen - pos;
    int64_t m = k % 3 == 0   ? (int64_t)(next_rand() % 600)
                : k % 3 == 1 ? (int64_t)(next_rand() % 20000)
                             : (int64_t)(next_rand() % (uint64_t)span);
    if (m > span) m = span;
    int64_t expect = m == 0 ? t0 + (int64_t)r.where[pos] * MIN
                            : t0 + ((int64_t)r.where[pos + (size_t)m - 1] + 1) * MIN;
    int64_t got = add(cal, a, m * MIN);
    if (got != expect) {
      mi_instant_format(got, tb);
      char w[21];
      mi_instant_format(expect, w);
      fail_msg("%s: add(%s, %lld min) = %s, want %s", cc->name, ta, (long long)m, tb, w);
    }
    checks += 3;
  }
  /* The whole span at once. */
  assert_int_equal(between(cal, t0, t1), (int64_t)r.nopen * MIN);
  assert_int_equal(add(cal, t0, (int64_t)r.nopen * MIN),
                   t0 + ((int64_t)r.where[r.nopen - 1] + 1) * MIN);
  mi_sched_calendar_free(cal);
  ref_free(&r);
  return checks + 2;
}

static void test_reference(void **state) {
  (void)state;
  /* Breaks, lunch, half days, ranges that begin or end inside the spring gap
   * and the autumn overlap (the change is at 02:00 on Sundays in New York,
   * 02:00/03:00 in Berlin), ranges up to 24:00, holidays and working days on
   * several weekdays, some on change days. */
  mi_config *cfg = config_with(
      "  ny:\n    timezone: America/New_York\n    hours:\n"
      "      mon: [08:00-12:00, 13:00-17:30]\n      tue: [08:00-12:00, 13:00-17:30]\n"
      "      wed: [08:00-12:00, 13:00-17:30]\n      thu: [08:00-12:00, 13:00-17:30]\n"
      "      fri: [08:00-12:00, 13:00-16:00]\n      sat: [10:00-14:00]\n"
      "      sun: [00:30-01:30, 02:30-03:30, 20:00-24:00]\n"
      "    holidays: [2025-07-04, 2025-12-25, 2026-01-01, 2026-07-03, 2026-11-26, 2027-03-14]\n"
      "    working_days: [2025-12-27, 2026-11-29, 2028-03-12]\n"
      "  berlin:\n    timezone: Europe/Berlin\n    hours:\n"
      "      mon: [07:00-19:00]\n      tue: [07:00-19:00]\n      wed: [07:00-19:00]\n"
      "      thu: [07:00-19:00]\n      fri: [07:00-19:00]\n      sat: [00:00-24:00]\n"
      "      sun: [02:30-05:00, 22:00-24:00]\n"
      "    holidays: [2025-10-26, 2026-12-24, 2026-12-25, 2027-03-28]\n"
      "    working_days: [2026-10-25]\n",
      "ny");
  mi_config *ex = example();
  int64_t t0 = at("2025-01-01T00:00:00Z"), t1 = at("2029-01-01T00:00:00Z");
  long checks = 0;
  checks += check_against_reference(mi_config_find_calendar(ex, "standard"), t0, t1, 20000);
  checks += check_against_reference(mi_config_find_calendar(cfg, "ny"), t0, t1, 20000);
  checks += check_against_reference(mi_config_find_calendar(cfg, "berlin"), t0, t1, 20000);
  print_message("reference: %ld comparisons over 2025-2028\n", checks);
  mi_config_free(cfg);
  mi_config_free(ex);
}

/* ---- .ics files --------------------------------------------------------- */

static void test_ics(void **state) {
  (void)state;
  mi_config *cfg = config_with("  cn:\n    timezone: Asia/Shanghai\n    ics: holidays.ics\n"
                               "    holidays: [2026-10-01, 2026-12-31]\n    hours:\n"
                               "      mon: [09:00-12:00, 13:00-18:00]\n      tue: [09:00-18:00]\n"
                               "      wed: [09:00-18:00]\n      thu: [09:00-18:00]\n"
                               "      fri: [09:00-18:00]\n",
                               "cn");
  mi_sched_calendar *cal = calendar_of(cfg, "cn");
  struct {
    const char *date;
    mi_sched_day_kind kind;
  } days[] = {
      {"2026-01-01", MI_SCHED_DAY_HOLIDAY}, /* yearly rule, COUNT=5 */
      {"2027-01-01", MI_SCHED_DAY_HOLIDAY}, {"2028-01-01", MI_SCHED_DAY_REGULAR}, /* EXDATE */
      {"2030-01-01", MI_SCHED_DAY_HOLIDAY}, {"2031-01-01", MI_SCHED_DAY_REGULAR}, /* after COUNT */
      {"2026-02-14", MI_SCHED_DAY_WORKING}, /* CATEGORIES:WORKING-DAY */
      {"2026-02-15", MI_SCHED_DAY_HOLIDAY}, {"2026-02-23", MI_SCHED_DAY_HOLIDAY},
      {"2026-02-24", MI_SCHED_DAY_REGULAR}, /* DTEND is exclusive */
      {"2026-04-05", MI_SCHED_DAY_HOLIDAY}, {"2027-04-05", MI_SCHED_DAY_HOLIDAY}, /* RDATE */
      {"2026-05-01", MI_SCHED_DAY_HOLIDAY}, {"2026-05-02", MI_SCHED_DAY_HOLIDAY}, /* DURATION */
      {"2026-05-03", MI_SCHED_DAY_REGULAR}, {"2026-06-19", MI_SCHED_DAY_REGULAR}, /* cancelled */
      {"2026-10-07", MI_SCHED_DAY_HOLIDAY}, {"2026-10-08", MI_SCHED_DAY_REGULAR},
      {"2026-10-10", MI_SCHED_DAY_WORKING}, /* "Holiday,Working-Day" */
      {"2026-12-31", MI_SCHED_DAY_HOLIDAY}, /* from manyi.yaml */
  };
  mi_err e;
  for (size_t i = 0; i < sizeof days / sizeof *days; i++) {
    mi_sched_day d;
    assert_int_equal(mi_sched_calendar_day(cal, day_of(days[i].date), &d, &e), 0);
    if (d.kind != days[i].kind)
      fail_msg("%s: kind %d, want %d", days[i].date, d.kind, days[i].kind);
  }
  /* The working Saturday has Monday's hours (with its break). */
  mi_sched_day d;
  assert_int_equal(mi_sched_calendar_day(cal, day_of("2026-10-10"), &d, &e), 0);
  assert_int_equal(d.nranges, 2);
  assert_int_equal(d.open_seconds, 8 * HOUR);
  /* Wed 09-30 17:00 + 2 h: 1 h, then Oct 1-7 holidays, Thu 10-08 09:00 + 1 h. */
  assert_int_equal(add(cal, loc(cal, "2026-09-30T17:00"), 2 * HOUR), loc(cal, "2026-10-08T10:00"));
  mi_sched_calendar_free(cal);
  mi_config_free(cfg);

  /* A working day in the .ics file that manyi.yaml calls a holiday. */
  cfg = config_with("  cn:\n    timezone: Asia/Shanghai\n    ics: holidays.ics\n"
                    "    holidays: [2026-02-14]\n    hours:\n      mon: [09:00-18:00]\n",
                    "cn");
  cal = NULL;
  assert_int_equal(mi_sched_calendar_new(&cfg->calendars[0], &cal, &e), MI_ECONFIG);
  assert_null(cal);
  assert_contains(e.msg, "calendar 'cn'");
  assert_contains(e.msg, "2026-02-14 is both a holiday and a working day");
  mi_config_free(cfg);

  /* Bad files: each error names the calendar, the file and what is wrong. */
  struct {
    const char *file;
    int code;
    const char *msg;
  } bad[] = {
      {"timed.ics", MI_EPARSE, "event 'Team party' starts at a time of day"},
      {"malformed.ics", MI_EPARSE, "malformed iCalendar"},
      {"not-ics.txt", MI_EPARSE, "not an iCalendar file"},
      {"endless.ics", MI_EINVAL, "more than 100000 dates"},
      {"", MI_EIO, "cannot read"}, /* the folder itself */
      {"absent.ics", MI_EIO, "cannot read"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    mi_config_calendar cc = {0};
    mi_config_range r = {9 * 60, 17 * 60};
    char path[512];
    snprintf(path, sizeof path, "%s%s", DATA, bad[i].file);
    cc.name = "files";
    cc.timezone = "Asia/Shanghai";
    cc.hours[0] = &r;
    cc.nhours[0] = 1;
    cc.ics = path;
    cal = NULL;
    mi_err_clear(&e);
    int rc = mi_sched_calendar_new(&cc, &cal, &e);
    if (rc != bad[i].code) fail_msg("%s: rc %d (%s), want %d", bad[i].file, rc, e.msg, bad[i].code);
    assert_null(cal);
    assert_contains(e.msg, "calendar 'files'");
    assert_contains(e.msg, bad[i].msg);
    if (bad[i].file[0]) assert_contains(e.msg, bad[i].file);
  }
}

/* ---- cron --------------------------------------------------------------- */

static void test_cron_parse(void **state) {
  (void)state;
  mi_sched_cron c;
  mi_err e;
  const char *ok[] = {"* * * * *",
                      "0 0 1 1 *",
                      "*/15 9-17 * * mon-fri",
                      "0,30 8-18/2 1,15 * *",
                      "0 0 * * 7",
                      "0 0 * * sun",
                      "0 0 29 2 *",
                      "0 0 31 2 mon",
                      "5 4 * JAN-mar SAT",
                      " 0  0\t* * * ",
                      "@daily",
                      "@HOURLY",
                      "0 0 */2 * *",
                      "59 23 31 12 6",
                      "0 0 * * mon-sun"};
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
    if (mi_sched_cron_parse(ok[i], &c, &e)) fail_msg("'%s': %s", ok[i], e.msg);
  assert_int_equal(mi_sched_cron_parse("0 0 * * mon-sun", &c, &e), 0);
  assert_int_equal(c.wdays, 0x7f);
  assert_int_equal(mi_sched_cron_parse("0 0 * * 7", &c, &e), 0);
  assert_int_equal(c.wdays, 1);
  assert_int_equal(mi_sched_cron_parse("*/15 9-17/4 * * *", &c, &e), 0);
  assert_true(c.minutes == ((1ull << 0) | (1ull << 15) | (1ull << 30) | (1ull << 45)));
  assert_int_equal(c.hours, (1u << 9) | (1u << 13) | (1u << 17));

  char longest[600];
  memset(longest, '1', sizeof longest - 1);
  longest[sizeof longest - 1] = '\0';
  struct {
    const char *text, *msg;
  } bad[] = {
      {"0 25 * * *", "cron: field 2 (hour): 25 is out of range 0-23"},
      {"60 * * * *", "cron: field 1 (minute): 60 is out of range 0-59"},
      {"0 0 0 * *", "cron: field 3 (day-of-month): 0 is out of range 1-31"},
      {"0 0 * 13 *", "cron: field 4 (month): 13 is out of range 1-12"},
      {"0 0 * * 8", "cron: field 5 (day-of-week): 8 is out of range 0-7"},
      {"99999999999999999999 * * * *",
       "cron: field 1 (minute): 99999999999999999999 is out of range 0-59"},
      {"0 0 31 2 *", "never matches"},
      {"0 0 30 2 *", "never matches"},
      {"0 0 31 4,6,9,11 *", "never matches"},
      {"* * * *", "4 fields where 5 are needed"},
      {"* * * * * *", "6 fields where 5 are needed"},
      {"", "0 fields where 5 are needed"},
      {"*/0 * * * *", "step 0 is out of range 1-60"},
      {"5/15 * * * *", "'5/15' needs a range before the step: write 5-59/15 or */15"},
      {"5-1 * * * *", "range '5-1' goes backwards"},
      {"0 0 * * fri-mon", "range 'fri-mon' goes backwards"},
      {"1,,2 * * * *", "an empty item"},
      {"1, * * * *", "an empty item"},
      {",1 * * * *", "an empty item"},
      {"-1 * * * *", "no negative values"},
      {"0 0 * foo *", "'foo' is not a number or a month name"},
      {"0 0 * * funday", "'funday' is not a number or a weekday name"},
      {"0 0 jan * *", "field 3 (day-of-month): 'jan' is not a number"},
      {"1-2-3 * * * *", "'2-3' is not a number"},
      {"\x01\xff\xfe * * * *", "'?\?\?' is not a number"},
      {"* * * * */", "has no step after '/'"},
      {"* * * * */x", "step 'x' is not a number"},
      {"@reboot", "'@reboot' is not known"},
      {"@daily extra", "is not known"},
      {longest, "longer than 256 characters"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    mi_err_clear(&e);
    if (mi_sched_cron_parse(bad[i].text, &c, &e) != MI_EPARSE)
      fail_msg("'%.40s' was accepted", bad[i].text);
    assert_contains(e.msg, bad[i].msg);
  }
  /* Thousands of fields, a list of thousands of items, huge steps. */
  char *huge = malloc(20001);
  assert_non_null(huge);
  for (int i = 0; i < 20000; i++) huge[i] = i % 2 ? ' ' : '*';
  huge[20000] = '\0';
  assert_int_equal(mi_sched_cron_parse(huge, &c, &e), MI_EPARSE);
  for (int i = 0; i < 200; i++) huge[i] = i % 2 ? ',' : '1';
  strcpy(huge + 199, " * * * *"); /* "1,1,...,1 * * * *": 207 characters */
  assert_int_equal(mi_sched_cron_parse(huge, &c, &e), 0);
  assert_int_equal(mi_sched_cron_parse("*/99999999999999999999 * * * *", &c, &e), MI_EPARSE);
  free(huge);
}

static void test_cron_next(void **state) {
  (void)state;
  mi_sched_tz *utc, *ny, *sh;
  mi_err e;
  assert_int_equal(mi_sched_tz_open("UTC", &utc, &e), 0);
  assert_int_equal(mi_sched_tz_open("America/New_York", &ny, &e), 0);
  assert_int_equal(mi_sched_tz_open("Asia/Shanghai", &sh, &e), 0);
  struct {
    const char *expr;
    mi_sched_tz *tz;
    const char *after;
    const char *want[6];
  } cases[] = {
      {"0 0 29 2 *",
       utc,
       "2026-01-01T00:00:00Z",
       {"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", NULL}},
      {"0 9 * * mon-fri",
       sh,
       "2026-11-20T01:00:00Z", /* Fri 09:00 local: strictly after */
       {"2026-11-23T01:00:00Z", "2026-11-24T01:00:00Z", NULL}},
      {"0 0 13 * fri",
       utc,
       "2026-03-01T00:00:00Z", /* either day field matches */
       {"2026-03-06T00:00:00Z", "2026-03-13T00:00:00Z", "2026-03-20T00:00:00Z",
        "2026-03-27T00:00:00Z", "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z"}},
      {"0 0 13 * fri",
       utc,
       "2026-04-10T00:00:00Z",
       {"2026-04-13T00:00:00Z", "2026-04-17T00:00:00Z", NULL}},
      {"0 0 */2 * 1",
       utc,
       "2026-03-01T00:00:00Z", /* '*' first: both must match */
       {"2026-03-09T00:00:00Z", "2026-03-23T00:00:00Z", "2026-04-13T00:00:00Z",
        "2026-04-27T00:00:00Z", NULL}},
      {"0 12 * * 7", utc, "2026-03-01T12:00:00Z", {"2026-03-08T12:00:00Z", NULL}},
      {"0 12 * * 0", utc, "2026-03-01T11:59:59Z", {"2026-03-01T12:00:00Z", NULL}},
      {"15 10 1 jan,jul *",
       utc,
       "2026-03-01T00:00:00Z",
       {"2026-07-01T10:15:00Z", "2027-01-01T10:15:00Z", NULL}},
      {"@hourly",
       utc,
       "2026-03-01T00:59:59Z",
       {"2026-03-01T01:00:00Z", "2026-03-01T02:00:00Z", NULL}},
      {"0 0 31 * *",
       utc,
       "2026-02-01T00:00:00Z",
       {"2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", NULL}},
      {"59 23 31 12 *", utc, "2026-12-31T23:59:00Z", {"2027-12-31T23:59:00Z", NULL}},
      /* New York spring gap: 02:30 does not exist on 03-08, fires at 03:00 EDT. */
      {"30 2 * * *",
       ny,
       "2026-03-07T17:00:00Z",
       {"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", NULL}},
      /* Every 15 min through the gap: 01:45 EST, then 03:00 EDT once, 03:15. */
      {"*/15 * * * *",
       ny,
       "2026-03-08T06:40:00Z",
       {"2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z", NULL}},
      /* Autumn overlap: 01:30 fires once, at the first (EDT) occurrence. */
      {"30 1 * * *",
       ny,
       "2026-10-31T12:00:00Z",
       {"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z", NULL}},
      {"*/30 * * * *",
       ny,
       "2026-11-01T05:00:00Z",
       {"2026-11-01T05:30:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:30:00Z", NULL}},
      /* From inside the repeated hour (01:10 EST): nothing until 02:00 EST. */
      {"*/30 * * * *", ny, "2026-11-01T06:10:00Z", {"2026-11-01T07:00:00Z", NULL}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    mi_sched_cron c;
    if (mi_sched_cron_parse(cases[i].expr, &c, &e)) fail_msg("%s: %s", cases[i].expr, e.msg);
    int64_t t = at(cases[i].after);
    for (int k = 0; k < 6 && cases[i].want[k]; k++) {
      if (mi_sched_cron_next(&c, cases[i].tz, t, &t, &e)) fail_msg("%s: %s", cases[i].expr, e.msg);
      char g[21];
      mi_instant_format(t, g);
      if (strcmp(g, cases[i].want[k]))
        fail_msg("'%s' after %s, #%d: %s, want %s", cases[i].expr, cases[i].after, k + 1, g,
                 cases[i].want[k]);
    }
  }
  /* No firing before 2200 is an error, not a loop. */
  mi_sched_cron c;
  int64_t t;
  assert_int_equal(mi_sched_cron_parse("0 0 29 2 *", &c, &e), 0);
  assert_int_equal(mi_sched_cron_next(&c, utc, at("2197-01-01T00:00:00Z"), &t, &e), MI_EINVAL);
  assert_contains(e.msg, "before the year 2200");
  assert_int_equal(mi_sched_cron_next(&c, utc, -1, &t, &e), MI_EINVAL);
  mi_sched_cron empty = {0};
  assert_int_equal(mi_sched_cron_next(&empty, utc, 0, &t, &e), MI_EINVAL);
  /* A minute-stepping check of "every minute" and a sparse rule over a day
   * with a change: every firing is a minute the wall clock shows first. */
  assert_int_equal(mi_sched_cron_parse("* * * * *", &c, &e), 0);
  t = at("2026-11-01T03:00:00Z");
  int fired = 0;
  while (t < at("2026-11-01T09:00:00Z")) {
    assert_int_equal(mi_sched_cron_next(&c, ny, t, &t, &e), 0);
    fired++;
  }
  assert_int_equal(fired, 6 * 60 - 60); /* the repeated hour fires nothing new */
  mi_sched_tz_free(utc);
  mi_sched_tz_free(ny);
  mi_sched_tz_free(sh);
}

/* ---- threads ------------------------------------------------------------ */

typedef struct job {
  const mi_sched_calendar *shared;
  int64_t result;
  int failed;
} job;

static void *worker(void *arg) {
  job *j = arg;
  mi_err e;
  mi_sched_tz *tz = NULL;
  /* Opening zones from several threads at once goes through libical. */
  if (mi_sched_tz_open("Europe/Berlin", &tz, &e)) j->failed = 1;
  mi_sched_tz_free(tz);
  int64_t t = 1767225600; /* 2026-01-01T00:00:00Z */
  for (int i = 0; i < 2000 && !j->failed; i++)
    if (mi_sched_add_business(j->shared, t, 3 * HOUR, &t, &e)) j->failed = 1;
  j->result = t;
  return NULL;
}

static void test_threads(void **state) {
  (void)state;
  mi_config *cfg = example();
  mi_sched_calendar *cal = calendar_of(cfg, "standard");
  job jobs[4];
  pthread_t th[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (job){cal, 0, 0};
    assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
  }
  for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(jobs[i].failed, 0);
    assert_int_equal(jobs[i].result, jobs[0].result);
  }
  /* 6000 h of business time from 2026-01-01 = the same through one call. */
  assert_int_equal(add(cal, 1767225600, 6000 * HOUR), jobs[0].result);
  mi_sched_calendar_free(cal);
  mi_config_free(cfg);
}

/* ---- round the clock: business time is clock time ---------------------- */

/* Metamorphic: where the clock never stops, an SLA deadline is plain clock
 * arithmetic: add(t, d) = t + d in UTC seconds and between(t, t + d) = d, for
 * any start and length, across the daylight-saving changes of New York
 * (2026-03-08 07:00Z, 2026-11-01 06:00Z) and Berlin (2026-03-29 and
 * 2026-10-25 01:00Z), and in Shanghai (none). The calendars: the built-in
 * 24x7 (top-level zone New York), 00:00-24:00 calendars in Berlin and
 * Shanghai, and New York ranges that meet at 01:30, a time the autumn change
 * repeats, and at 02:00, which the spring change skips. And an SLA target of
 * 3d on them is 72 real hours (d = 24 h), not "the same wall time". */
static void test_24x7_is_clock_time(void **state) {
  (void)state;
  static const char yaml[] =
      "version: 1\ndatabase: t.db\ntimezone: America/New_York\ncalendars:\n"
      "  berlin:\n    timezone: Europe/Berlin\n    hours: {mon: [00:00-24:00], tue: [00:00-24:00], "
      "wed: [00:00-24:00], thu: [00:00-24:00], fri: [00:00-24:00], sat: [00:00-24:00], "
      "sun: [00:00-24:00]}\n"
      "  shanghai:\n    timezone: Asia/Shanghai\n    hours: {mon: [00:00-24:00], tue: [00:00-24:00], "
      "wed: [00:00-24:00], thu: [00:00-24:00], fri: [00:00-24:00], sat: [00:00-24:00], "
      "sun: [00:00-24:00]}\n"
      "  ny-seams:\n    hours: {mon: [00:00-01:30, 01:30-24:00], tue: [00:00-24:00], "
      "wed: [00:00-24:00], thu: [00:00-24:00], fri: [00:00-24:00], sat: [00:00-24:00], "
      "sun: [00:00-02:00, 02:00-24:00]}\n"
      "departments:\n  - {code: d, name: D, calendar: berlin}\n"
      "sla:\n  - {kind: complaint, calendar: 24x7, first_response: 1d, resolution: 3d}\n";
  mi_config *cfg = NULL;
  mi_err e;
  if (mi_config_load_string(yaml, strlen(yaml), "t.yaml", NULL, &cfg, &e)) fail_msg("%s", e.msg);
  static const char *const names[] = {"24x7", "berlin", "shanghai", "ny-seams"};
  static const char *const changes[] = {"2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z",
                                        "2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"};
  static const int64_t lengths[] = {1, 59, 15 * MIN, HOUR, 2 * HOUR, 12 * HOUR, 24 * HOUR,
                                    3 * 24 * HOUR, 10 * 24 * HOUR};
  const int64_t from = at("2025-12-01T00:00:00Z"), span = at("2027-02-01T00:00:00Z") - from;
  const mi_config_sla_time three_days = cfg->sla[0].resolution;
  assert_true(three_days.clock_days);
  uint64_t seed = 20260308;
  size_t checked = 0;
  for (size_t c = 0; c < sizeof names / sizeof names[0]; c++) {
    const mi_config_calendar *cc = mi_config_find_calendar(cfg, names[c]);
    assert_true(mi_config_calendar_round_the_clock(cc));
    assert_int_equal(mi_config_sla_seconds(&three_days, cc), 72 * HOUR);
    mi_sched_calendar *cal = calendar_of(cfg, names[c]);
    /* every quarter hour from 4 h before to 4 h after each change, each length */
    for (size_t k = 0; k < sizeof changes / sizeof changes[0]; k++)
      for (int64_t t = at(changes[k]) - 4 * HOUR; t <= at(changes[k]) + 4 * HOUR; t += 15 * MIN)
        for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++) {
          int64_t d = lengths[l];
          if (add(cal, t, d) != t + d || between(cal, t, t + d) != d || mi_sched_is_open(cal, t) != 1)
            fail_msg("%s: %lld s from %lld: add %lld, between %lld", names[c], (long long)d,
                     (long long)t, (long long)add(cal, t, d), (long long)between(cal, t, t + d));
          checked++;
        }
    /* random starts (to the second) and lengths (a second to 40 days) */
    for (int i = 0; i < 3000; i++) {
      seed = seed * 6364136223846793005u + 1442695040888963407u;
      int64_t t = from + (int64_t)((seed >> 20) % (uint64_t)span);
      seed = seed * 6364136223846793005u + 1442695040888963407u;
      int64_t d = 1 + (int64_t)((seed >> 20) % (uint64_t)(40 * 24 * HOUR));
      if (add(cal, t, d) != t + d || between(cal, t, t + d) != d)
        fail_msg("%s: %lld s from %lld: add %lld", names[c], (long long)d, (long long)t,
                 (long long)add(cal, t, d));
      checked++;
    }
    mi_sched_calendar_free(cal);
  }
  assert_true(checked > 10000);
  mi_config_free(cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_24x7_is_clock_time),
      cmocka_unit_test(test_null_and_bad), cmocka_unit_test(test_tz),
      cmocka_unit_test(test_standard),     cmocka_unit_test(test_dst_new_york),
      cmocka_unit_test(test_dst_berlin),   cmocka_unit_test(test_reference),
      cmocka_unit_test(test_ics),          cmocka_unit_test(test_cron_parse),
      cmocka_unit_test(test_cron_next),    cmocka_unit_test(test_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
