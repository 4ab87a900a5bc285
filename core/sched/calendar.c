/* Business-time arithmetic: walks a calendar's open intervals day by day and
 * jumps over runs of plain weeks (see calendar.h for the rules). */
#include "sched/calendar.h"

#include <stdio.h>

#include "sched/calendar_internal.h"
#include "util/timeutil.h"

#define DAY 86400
#define LAST_DAY (MI_SCHED_TIME_MAX / DAY) /* the first day after the range */

static int out_of_range(const mi_sched_calendar *cal, const char *what, int64_t t, mi_err *e) {
  char buf[32] = "?";
  if (t > -INT64_C(62135596800) && t < INT64_C(253402300800))
    mi_instant_format(t, buf);
  else
    snprintf(buf, sizeof buf, "%lld s", (long long)t);
  return mi_err_set(e, MI_EINVAL,
                    "calendar '%s': %s %s is outside the supported range "
                    "1970-01-01T00:00:00Z..2199-12-31T23:59:59Z",
                    cal->name, what, buf);
}

static int in_range(int64_t t) { return t >= MI_SCHED_TIME_MIN && t < MI_SCHED_TIME_MAX; }

/* How many whole weeks from `day` (a Monday) hold no special day. */
static int64_t plain_weeks(const mi_sched_calendar *cal, int64_t day) {
  size_t i = mi_sched_days_lower(cal->special, cal->nspecial, day);
  int64_t until = i < cal->nspecial ? cal->special[i] : LAST_DAY + 7;
  return until > day ? (until - day) / 7 : 0;
}

int mi_sched_add_business(const mi_sched_calendar *cal, int64_t start, int64_t seconds,
                          int64_t *out, mi_err *e) {
  if (!cal || !out) return mi_err_set(e, MI_EINVAL, "mi_sched_add_business: NULL argument");
  if (!in_range(start)) return out_of_range(cal, "start", start, e);
  if (seconds < 0)
    return mi_err_set(e, MI_EINVAL, "calendar '%s': negative business time (%lld s)", cal->name,
                      (long long)seconds);
  if (seconds > MI_SCHED_TIME_MAX - MI_SCHED_TIME_MIN)
    return mi_err_set(e, MI_EINVAL,
                      "calendar '%s': %lld s of business time reach beyond the year 2199",
                      cal->name, (long long)seconds);
  int64_t cur = start, left = seconds;
  int64_t open[MI_SCHED_MAX_RANGES][2];
  for (int64_t day = mi_sched_floor_div(mi_sched_tz_wall_max(cal->tz, start), DAY);; day++) {
    if (day > LAST_DAY) break;
    if (left > 0 && mi_sched_weekday(day) == 0) {
      int64_t k = (left - 1) / cal->week_open, weeks = plain_weeks(cal, day);
      if (k > weeks) k = weeks;
      if (k > (LAST_DAY - day) / 7 + 1) k = (LAST_DAY - day) / 7 + 1;
      if (k > 0 && mi_sched_tz_utc(cal->tz, day * DAY) >= cur) {
        left -= k * cal->week_open;
        day += 7 * k - 1;
        continue;
      }
    }
    size_t n = mi_sched_day_open(cal, day, open);
    for (size_t i = 0; i < n; i++) {
      if (open[i][1] <= cur) continue;
      int64_t s = open[i][0] > cur ? open[i][0] : cur, t;
      if (left == 0)
        t = s;
      else if (left <= open[i][1] - s)
        t = s + left;
      else {
        left -= open[i][1] - s;
        cur = open[i][1];
        continue;
      }
      if (t >= MI_SCHED_TIME_MAX) return out_of_range(cal, "the result", t, e);
      *out = t;
      return 0;
    }
  }
  return mi_err_set(e, MI_EINVAL,
                    "calendar '%s': not enough open time before the year 2200 for %lld s of "
                    "business time",
                    cal->name, (long long)seconds);
}

int mi_sched_business_between(const mi_sched_calendar *cal, int64_t a, int64_t b, int64_t *seconds,
                              mi_err *e) {
  if (!cal || !seconds) return mi_err_set(e, MI_EINVAL, "mi_sched_business_between: NULL argument");
  if (!in_range(a)) return out_of_range(cal, "instant", a, e);
  if (!in_range(b)) return out_of_range(cal, "instant", b, e);
  int sign = 1;
  if (a > b) {
    int64_t x = a;
    a = b;
    b = x;
    sign = -1;
  }
  int64_t total = 0, open[MI_SCHED_MAX_RANGES][2];
  int64_t last = mi_sched_floor_div(mi_sched_tz_wall_max(cal->tz, b), DAY);
  for (int64_t day = mi_sched_floor_div(mi_sched_tz_wall_max(cal->tz, a), DAY); day <= last;
       day++) {
    if (mi_sched_weekday(day) == 0) {
      /* Weeks [day, day + 7k) lie within [a, b] when they start after a and
       * end no later than the local day of b begins. */
      int64_t k = plain_weeks(cal, day);
      if (k > (last - day) / 7) k = (last - day) / 7;
      if (k > 0 && mi_sched_tz_utc(cal->tz, day * DAY) >= a) {
        total += k * cal->week_open;
        day += 7 * k - 1;
        continue;
      }
    }
    size_t n = mi_sched_day_open(cal, day, open);
    for (size_t i = 0; i < n; i++) {
      int64_t lo = open[i][0] > a ? open[i][0] : a, hi = open[i][1] < b ? open[i][1] : b;
      if (hi > lo) total += hi - lo;
    }
  }
  *seconds = sign * total;
  return 0;
}

int mi_sched_next_open(const mi_sched_calendar *cal, int64_t t, int64_t *out, mi_err *e) {
  return mi_sched_add_business(cal, t, 0, out, e);
}

int mi_sched_is_open(const mi_sched_calendar *cal, int64_t t) {
  int64_t next;
  int rc = mi_sched_add_business(cal, t, 0, &next, NULL);
  if (rc == 0) return next == t;
  /* Nothing opens before the end of the range: closed, if t itself is valid. */
  return cal && in_range(t) ? 0 : MI_EINVAL;
}
