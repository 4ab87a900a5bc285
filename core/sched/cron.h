/* mi_sched_cron: 5-field cron expressions, evaluated in a time zone.
 *
 *   minute hour day-of-month month day-of-week
 *   0-59   0-23 1-31         1-12  0-7 (0 and 7 are Sunday)
 *
 * Each field is "*" or a comma-separated list of items: a number, a range
 * "a-b", or either with a step: "*\/n", "a-b/n" (every n-th value from the
 * start). Months may be named jan..dec and weekdays sun..sat (three letters,
 * any case), also in ranges ("mon-fri"; "mon-sun" runs to Sunday). "a/n"
 * without a range is refused (write "a-59/n"), as are backward ranges
 * ("fri-mon"), step 0, and values out of range. "@yearly" (= "@annually"),
 * "@monthly", "@weekly", "@daily" (= "@midnight") and "@hourly" stand for
 * their usual 5-field expressions.
 *
 * Days (the classic Vixie cron rule): a day-of-month or day-of-week field
 * starting with "*" (also "*\/2") is "unrestricted". When both day fields are
 * restricted, a day matches if EITHER matches ("0 0 13 * fri": every 13th and
 * every Friday); otherwise it must match both.
 *
 * Firing times are wall-clock times in the zone, mapped to instants as by
 * mi_sched_tz_utc: a time inside a spring gap fires at the end of the gap
 * (once, however many listed times fall in the gap), and a time that occurs
 * twice in an autumn overlap fires once, at its first occurrence; the
 * repeated hour itself fires nothing new.
 *
 * Errors are MI_EPARSE with messages such as
 *   cron: field 2 (hour): 25 is out of range 0-23
 *   cron: '0 0 31 2 *' never matches (no month in it has day 31)
 * An mi_sched_cron holds no pointers: copy it freely; nothing to free. */
#ifndef MI_SCHED_CRON_H
#define MI_SCHED_CRON_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/tz.h"
#include "util/err.h"

#define MI_SCHED_CRON_MAX_LEN 256 /* longer expressions are refused */

typedef struct mi_sched_cron {
  uint64_t minutes;          /* bit m: minute m (0..59) */
  uint32_t hours;            /* bit h: hour h (0..23) */
  uint32_t mdays;            /* bit d: day of month d (1..31) */
  uint16_t months;           /* bit m: month m (1..12) */
  uint8_t wdays;             /* bit w: weekday w, 0 = Sunday ... 6 = Saturday */
  bool mday_star, wday_star; /* the day fields started with '*' */
} mi_sched_cron;

/* Parses text into *out. MI_EPARSE with the field, its name and the offending
 * value for a bad expression, also for one that can never fire (day 30 or 31
 * in February only, day 31 in 30-day months only); MI_EINVAL for NULL. */
int mi_sched_cron_parse(const char *text, mi_sched_cron *out, mi_err *e);

/* The first firing instant strictly after `after`, with wall times read in
 * tz. MI_EINVAL for NULL arguments, `after` outside
 * MI_SCHED_TIME_MIN..MI_SCHED_TIME_MAX, or no firing before the year 2200
 * (e.g. "0 0 29 2 *" from 2197 on). */
int mi_sched_cron_next(const mi_sched_cron *cron, const mi_sched_tz *tz, int64_t after,
                       int64_t *next, mi_err *e);

/* True when the local date (y, m, d; weekday 0 = Monday as in
 * mi_sched_weekday) is a day the expression fires on. */
bool mi_sched_cron_day_matches(const mi_sched_cron *cron, int month, int mday, int iso_weekday);

#endif
