/* mi_sched_calendar: business hours of a department, and arithmetic on them.
 *
 * A calendar is built from an mi_config_calendar: weekly opening hours (ranges
 * of local wall-clock time per ISO weekday, breaks are the gaps between them),
 * holidays, extra working days, optionally holidays and working days from an
 * iCalendar file, and an IANA time zone.
 *
 * Which hours a local day has:
 *   - a holiday (from manyi.yaml or the .ics file) is closed;
 *   - an extra working day is open with the hours of a regular working day:
 *     those of the first of Monday..Friday that has hours (normally Monday),
 *     or, if Monday..Friday are all closed, of the first day of the week that
 *     has hours. So a Saturday listed as a working day (China's 调休) is a full
 *     working day, even when Saturdays otherwise have a half day;
 *   - any other day has the hours of its weekday.
 *   A date that is a holiday in one source and a working day in another is an
 *   error (MI_ECONFIG) naming the date; a holiday listed in both manyi.yaml
 *   and the .ics file is fine.
 *
 * Local ranges become real (UTC) intervals day by day: a range [s, e) of day D
 * is open from mi_sched_tz_utc(D s) to mi_sched_tz_utc(D e) (see tz.h): the
 * office opens the first time the clock shows s and closes the first time it
 * shows e. On a day without a clock change that is e - s of real time. When a
 * change falls inside a range the real elapsed time counts: 09:00-18:00 on a
 * day whose clock jumps from 02:00 to 03:00 is still 9 h, but 00:00-12:00 is
 * 11 h; on the autumn day 00:00-12:00 is 13 h. A local time in the spring gap
 * means the end of the gap, a repeated local time its first occurrence. A
 * range up to 24:00 ends at the next day's 00:00, so 00:00-24:00 every day is
 * a round-the-clock calendar without seams.
 *
 * Business time is counted in SECONDS (like the SLA targets of the
 * configuration); opening hours are whole minutes, so results are exact to
 * the minute when the inputs are. Instants are int64 seconds since the epoch,
 * UTC, and must lie in [MI_SCHED_TIME_MIN, MI_SCHED_TIME_MAX) (1970..2199):
 * outside it, or when a result would leave it, functions give MI_EINVAL.
 *
 * Speed: nothing steps minute by minute. The walk goes from open interval to
 * open interval, and jumps over whole weeks in O(1) when no holiday, working
 * day or clock change falls in them, so spans of years cost a few hundred
 * steps. A built calendar is read-only: any number of threads may use it. */
#ifndef MI_SCHED_CALENDAR_H
#define MI_SCHED_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "sched/tz.h"
#include "util/err.h"

#define MI_SCHED_MAX_RANGES 48 /* opening ranges per day */

typedef struct mi_sched_calendar mi_sched_calendar;

/* Builds a calendar from cfg: opens its time zone and reads its .ics file.
 * On success *out is new and the caller frees it with mi_sched_calendar_free.
 * Errors (each message starts with "calendar 'NAME': "): MI_ENOTFOUND for an
 * unknown time zone (naming it), MI_EIO / MI_EPARSE / MI_EINVAL for an .ics
 * file that cannot be read, is malformed or has events that are not all-day
 * (naming the file and the event), MI_ECONFIG for a date that is both a
 * holiday and a working day or more than MI_SCHED_MAX_RANGES ranges a day,
 * MI_EINVAL for NULL arguments, MI_ENOMEM. */
int mi_sched_calendar_new(const mi_config_calendar *cfg, mi_sched_calendar **out, mi_err *e);
void mi_sched_calendar_free(mi_sched_calendar *cal); /* cal may be NULL */

/* The calendar's name and time zone; they live as long as cal. */
const char *mi_sched_calendar_name(const mi_sched_calendar *cal);
const mi_sched_tz *mi_sched_calendar_tz(const mi_sched_calendar *cal);

/* The instant at which `seconds` of open time have passed since start.
 * seconds > 0: the earliest instant at which exactly that much open time lies
 * in [start, *out); it is inside an opening or at its close, never at the next
 * opening (a deadline that uses up Friday ends Friday 18:00, not Monday 09:00).
 * A start in closed time counts from the next opening.
 * seconds == 0: start itself when the calendar is open at start, else the next
 * opening (the same as mi_sched_next_open).
 * MI_EINVAL for NULL arguments, negative seconds, an instant out of range, or
 * when the result would lie beyond MI_SCHED_TIME_MAX. */
int mi_sched_add_business(const mi_sched_calendar *cal, int64_t start, int64_t seconds,
                          int64_t *out, mi_err *e);

/* The open time, in seconds, within [a, b). When a > b the result is the
 * negative of the open time within [b, a), so between(a, b) + between(b, c)
 * == between(a, c) for any order. MI_EINVAL for NULL arguments or an instant
 * out of range. */
int mi_sched_business_between(const mi_sched_calendar *cal, int64_t a, int64_t b, int64_t *seconds,
                              mi_err *e);

/* 1 when the calendar is open at t (openings are [open, close): open at the
 * opening instant, closed at the closing one), 0 when closed, MI_EINVAL for a
 * NULL calendar or t out of range. */
int mi_sched_is_open(const mi_sched_calendar *cal, int64_t t);

/* The first open instant at or after t: t itself when open. MI_EINVAL as for
 * mi_sched_add_business. */
int mi_sched_next_open(const mi_sched_calendar *cal, int64_t t, int64_t *out, mi_err *e);

/* What kind of day a local day is. */
typedef enum mi_sched_day_kind {
  MI_SCHED_DAY_REGULAR, /* the hours of its weekday (possibly none) */
  MI_SCHED_DAY_HOLIDAY,
  MI_SCHED_DAY_WORKING, /* an extra working day */
} mi_sched_day_kind;

/* One local day: its configured ranges and the real intervals they give. */
typedef struct mi_sched_day {
  int64_t day; /* days since 1970-01-01, local */
  int weekday; /* 0 = Monday ... 6 = Sunday */
  mi_sched_day_kind kind;
  size_t nranges;                              /* 0 = closed */
  mi_config_range ranges[MI_SCHED_MAX_RANGES]; /* local minutes, [start, end) */
  int64_t open[MI_SCHED_MAX_RANGES][2];        /* the same as UTC instants, [start, end) */
  int64_t open_seconds; /* real open time of the day (a range inside a gap gives 0) */
} mi_sched_day;

/* Fills *out with local day `day` (days since 1970-01-01). MI_EINVAL for NULL
 * arguments or a day outside 1970..2199. */
int mi_sched_calendar_day(const mi_sched_calendar *cal, int64_t day, mi_sched_day *out, mi_err *e);

#endif
