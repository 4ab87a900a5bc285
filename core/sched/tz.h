/* mi_sched_tz: one IANA time zone, as a table of UTC offset changes.
 *
 * The table is read once, when the zone is opened, from libical's builtin
 * zones (which libical builds from the system's zoneinfo, package tzdata).
 * After that every function here is a pure lookup in the table: no libical
 * call, no lock, no TZ environment variable, so one zone can be shared by
 * many threads. Opening zones is serialised by a lock of this module (libical
 * keeps global state), so it is safe from several threads too.
 *
 * Instants are int64 seconds since 1970-01-01T00:00:00Z. A "local" value is
 * the reading of the wall clock, in the same units: local = t + offset(t), so
 * local / 86400 is the local day number and local % 86400 the time of day.
 * The table covers MI_SCHED_TIME_MIN..MI_SCHED_TIME_MAX (1970 to 2200); the
 * offsets at its ends are kept beyond them.
 *
 * Known limit (of libical 3.0.16, measured against glibc's reading of the
 * same tzdata, every 30 min over 2020-2100): 298 of the 312 zones of
 * zone1970.tab agree everywhere, e.g. Asia/Shanghai, Europe/Berlin,
 * America/New_York. Of the rest only Pacific/Easter differs before 2038;
 * America/St_Johns, Pacific/Chatham, Australia/Lord_Howe, Africa/Cairo and a
 * few others differ after 2037. History is patchier (Asia/Shanghai 1987-1991,
 * Europe/London 1970s). */
#ifndef MI_SCHED_TZ_H
#define MI_SCHED_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define MI_SCHED_TIME_MIN INT64_C(0)          /* 1970-01-01T00:00:00Z */
#define MI_SCHED_TIME_MAX INT64_C(7258118400) /* 2200-01-01T00:00:00Z (excluded) */

typedef struct mi_sched_tz mi_sched_tz;

/* One change of the UTC offset: from `at` (UTC) on, `after` applies. */
typedef struct mi_sched_tz_change {
  int64_t at;
  int32_t before, after; /* seconds east of UTC */
} mi_sched_tz_change;

/* Opens the zone called name ("Asia/Shanghai", "UTC", "America/New_York").
 * On success *out is a new zone the caller frees with mi_sched_tz_free. An
 * unknown or malformed name gives MI_ENOTFOUND ("unknown time zone 'X' ...");
 * NULL arguments MI_EINVAL; MI_ENOMEM. */
int mi_sched_tz_open(const char *name, mi_sched_tz **out, mi_err *e);
void mi_sched_tz_free(mi_sched_tz *tz); /* tz may be NULL */

/* The name it was opened with; lives as long as tz. */
const char *mi_sched_tz_name(const mi_sched_tz *tz);

/* The offset (seconds east of UTC) in force at instant t. */
int32_t mi_sched_tz_offset(const mi_sched_tz *tz, int64_t t);

/* The wall clock reading at t: t + offset(t). */
int64_t mi_sched_tz_local(const mi_sched_tz *tz, int64_t t);

/* The instant of a wall clock reading: the first instant at which the clock
 * shows `local` or a later time. So a time that exists once maps to that
 * instant; a time that exists twice (the autumn overlap) maps to its first
 * occurrence; a time that does not exist (the spring gap) maps to the end of
 * the gap, e.g. America/New_York 2026-03-08 02:30 -> 03:00 EDT = 07:00Z. The
 * mapping never decreases: a later local time never maps to an earlier instant. */
int64_t mi_sched_tz_utc(const mi_sched_tz *tz, int64_t local);

/* The latest wall clock reading shown at or before t. It differs from
 * mi_sched_tz_local(t) only within an overlap, where the clock was set back.
 * mi_sched_tz_utc(L) <= t exactly when mi_sched_tz_wall_max(t) >= L. */
int64_t mi_sched_tz_wall_max(const mi_sched_tz *tz, int64_t t);

/* The changes of the table in time order; *changes points into tz. */
size_t mi_sched_tz_changes(const mi_sched_tz *tz, const mi_sched_tz_change **changes);

/* Parses an instant given in local time: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]"
 * (or with a space for T) is a wall clock reading in tz, mapped as by
 * mi_sched_tz_utc; with "Z" or "+HH:MM"/"-HH:MM" it is that instant. MI_EPARSE
 * with a message for anything else. */
int mi_sched_tz_parse(const mi_sched_tz *tz, const char *s, int64_t *out, mi_err *e);

/* Writes t as local time with its offset, "2026-11-20T17:30:00+08:00"
 * ("...Z" when the offset is 0), into buf (at least 32 bytes). */
void mi_sched_tz_format(const mi_sched_tz *tz, int64_t t, char buf[32]);

/* Day numbers (days since 1970-01-01) and ISO weekdays: 0 = Monday ... 6 = Sunday. */
int64_t mi_sched_floor_div(int64_t a, int64_t b);
int mi_sched_weekday(int64_t day);
/* "Mon" ... "Sun". */
const char *mi_sched_weekday_name(int weekday);

#endif
