/* Building a calendar from its configuration: hours, the working-day rule,
 * holidays and working days from manyi.yaml and the .ics file, the time zone,
 * and the "special days" that stop the walk from jumping over a week. */
#include <stdlib.h>
#include <string.h>

#include "sched/calendar_internal.h"
#include "util/timeutil.h"

#define DAY 86400

const char *mi_sched_calendar_name(const mi_sched_calendar *cal) { return cal->name; }
const mi_sched_tz *mi_sched_calendar_tz(const mi_sched_calendar *cal) { return cal->tz; }

void mi_sched_calendar_free(mi_sched_calendar *cal) {
  if (!cal) return;
  free(cal->name);
  mi_sched_tz_free(cal->tz);
  free(cal->holidays);
  free(cal->working);
  free(cal->special);
  free(cal);
}

/* Marks the local days a clock change can touch: the days its local times
 * before and after fall on, and one day either side. */
static int mark_changes(mi_sched_calendar *cal, mi_sched_days *special) {
  const mi_sched_tz_change *ch;
  size_t n = mi_sched_tz_changes(cal->tz, &ch);
  for (size_t i = 0; i < n; i++) {
    int32_t lo = ch[i].before < ch[i].after ? ch[i].before : ch[i].after;
    int32_t hi = ch[i].before < ch[i].after ? ch[i].after : ch[i].before;
    int64_t first = mi_sched_floor_div(ch[i].at + lo, DAY) - 1;
    int64_t last = mi_sched_floor_div(ch[i].at + hi, DAY) + 1;
    for (int64_t d = first; d <= last; d++)
      if (mi_sched_days_push(special, d)) return MI_ENOMEM;
  }
  return 0;
}

static void date_text(int64_t day, char buf[11]) { mi_date_format(day * DAY, buf); }

/* A date that is both a holiday and a working day is an error. */
static int check_conflicts(const mi_sched_calendar *cal, mi_err *e) {
  for (size_t i = 0; i < cal->nworking; i++) {
    if (mi_sched_days_has(cal->holidays, cal->nholidays, cal->working[i])) {
      char d[11];
      date_text(cal->working[i], d);
      return mi_err_set(e, MI_ECONFIG,
                        "%s is both a holiday and a working day (in manyi.yaml and the .ics "
                        "file): keep it in one list only",
                        d);
    }
  }
  return 0;
}

static int build(mi_sched_calendar *cal, const mi_config_calendar *cfg, mi_err *e) {
  int rc;
  for (int d = 0; d < 7; d++) {
    if (cfg->nhours[d] > MI_SCHED_MAX_RANGES)
      return mi_err_set(e, MI_ECONFIG, "%s has %zu opening ranges: at most %d a day",
                        mi_sched_weekday_name(d), cfg->nhours[d], MI_SCHED_MAX_RANGES);
    for (size_t r = 0; r < cfg->nhours[d]; r++) {
      mi_config_range g = cfg->hours[d][r];
      if (g.start < 0 || g.end > 1440 || g.start >= g.end ||
          (r > 0 && g.start < cfg->hours[d][r - 1].end))
        return mi_err_set(e, MI_ECONFIG,
                          "%s: opening ranges must be ordered, not overlap and lie in "
                          "00:00-24:00",
                          mi_sched_weekday_name(d));
      cal->hours[d][r] = g;
      cal->week_open += (int64_t)(g.end - g.start) * 60;
    }
    cal->nhours[d] = cfg->nhours[d];
  }
  /* The hours an extra working day borrows (the day a "bd" lasts). */
  cal->work_hours = mi_config_calendar_workday(cfg);
  if (cal->work_hours < 0 || cal->week_open <= 0)
    return mi_err_set(e, MI_ECONFIG, "no opening hours on any weekday: give at least one range");

  if ((rc = mi_sched_tz_open(cfg->timezone, &cal->tz, e))) return rc;

  mi_sched_days hol = {0}, work = {0}, special = {0};
  for (size_t i = 0; i < cfg->nholidays && !rc; i++)
    rc = mi_sched_days_push(&hol, cfg->holidays[i]);
  for (size_t i = 0; i < cfg->nworking_days && !rc; i++)
    rc = mi_sched_days_push(&work, cfg->working_days[i]);
  if (rc) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  if (!rc && cfg->ics) rc = mi_sched_ics_load(cfg->ics, &hol, &work, e);
  mi_sched_days_sort(&hol);
  mi_sched_days_sort(&work);
  cal->holidays = hol.v, cal->nholidays = hol.n;
  cal->working = work.v, cal->nworking = work.n;
  if (rc) return rc;
  if ((rc = check_conflicts(cal, e))) return rc;

  for (size_t i = 0; i < hol.n && !rc; i++) rc = mi_sched_days_push(&special, hol.v[i]);
  for (size_t i = 0; i < work.n && !rc; i++) rc = mi_sched_days_push(&special, work.v[i]);
  if (!rc) rc = mark_changes(cal, &special);
  mi_sched_days_sort(&special);
  cal->special = special.v, cal->nspecial = special.n;
  if (rc) return mi_err_set(e, MI_ENOMEM, "out of memory");
  return 0;
}

int mi_sched_calendar_new(const mi_config_calendar *cfg, mi_sched_calendar **out, mi_err *e) {
  if (out) *out = NULL;
  if (!cfg || !out || !cfg->name || !cfg->timezone)
    return mi_err_set(e, MI_EINVAL, "mi_sched_calendar_new: NULL argument");
  mi_sched_calendar *cal = calloc(1, sizeof *cal);
  if (!cal || !(cal->name = strdup(cfg->name))) {
    free(cal);
    return mi_err_set(e, MI_ENOMEM, "out of memory building calendar '%s'", cfg->name);
  }
  int rc = build(cal, cfg, e);
  if (rc) {
    mi_err_prefix(e, "calendar '%s'", cfg->name);
    mi_sched_calendar_free(cal);
    return rc;
  }
  *out = cal;
  return 0;
}

/* ---- one day ------------------------------------------------------------ */

mi_sched_day_kind mi_sched_day_hours(const mi_sched_calendar *cal, int64_t day,
                                     const mi_config_range **ranges, size_t *n) {
  if (mi_sched_days_has(cal->holidays, cal->nholidays, day)) {
    *ranges = NULL;
    *n = 0;
    return MI_SCHED_DAY_HOLIDAY;
  }
  if (mi_sched_days_has(cal->working, cal->nworking, day)) {
    *ranges = cal->hours[cal->work_hours];
    *n = cal->nhours[cal->work_hours];
    return MI_SCHED_DAY_WORKING;
  }
  int wd = mi_sched_weekday(day);
  *ranges = cal->hours[wd];
  *n = cal->nhours[wd];
  return MI_SCHED_DAY_REGULAR;
}

size_t mi_sched_day_open(const mi_sched_calendar *cal, int64_t day, int64_t open[][2]) {
  const mi_config_range *r;
  size_t n;
  mi_sched_day_hours(cal, day, &r, &n);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    int64_t a = mi_sched_tz_utc(cal->tz, day * DAY + (int64_t)r[i].start * 60);
    int64_t b = mi_sched_tz_utc(cal->tz, day * DAY + (int64_t)r[i].end * 60);
    if (b > a) {
      open[k][0] = a;
      open[k][1] = b;
      k++;
    }
  }
  return k;
}

int mi_sched_calendar_day(const mi_sched_calendar *cal, int64_t day, mi_sched_day *out, mi_err *e) {
  if (!cal || !out) return mi_err_set(e, MI_EINVAL, "mi_sched_calendar_day: NULL argument");
  if (day < MI_SCHED_TIME_MIN / DAY || day >= MI_SCHED_TIME_MAX / DAY)
    return mi_err_set(e, MI_EINVAL, "day %lld is outside 1970-01-01..2199-12-31", (long long)day);
  memset(out, 0, sizeof *out);
  out->day = day;
  out->weekday = mi_sched_weekday(day);
  const mi_config_range *r;
  out->kind = mi_sched_day_hours(cal, day, &r, &out->nranges);
  for (size_t i = 0; i < out->nranges; i++) {
    out->ranges[i] = r[i];
    out->open[i][0] = mi_sched_tz_utc(cal->tz, day * DAY + (int64_t)r[i].start * 60);
    out->open[i][1] = mi_sched_tz_utc(cal->tz, day * DAY + (int64_t)r[i].end * 60);
    out->open_seconds += out->open[i][1] - out->open[i][0];
  }
  return 0;
}
