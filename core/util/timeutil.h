/* Dates, instants, durations and times of day: parsing and formatting in UTC.
 * Instants are int64 seconds since 1970-01-01T00:00:00Z. Parsers are strict:
 * the whole string must match, fields must be in range, and nothing is guessed. */
#ifndef MI_UTIL_TIMEUTIL_H
#define MI_UTIL_TIMEUTIL_H

#include <stdint.h>

#include "util/err.h"

/* Days since 1970-01-01 of a proleptic Gregorian date; month 1..12. */
int64_t mi_days_from_civil(int year, int month, int day);
void mi_civil_from_days(int64_t days, int *year, int *month, int *day);

/* "YYYY-MM-DD" (years 1000..9999; the day must exist). */
int mi_date_parse(const char *s, int *year, int *month, int *day, mi_err *e);

/* "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" or with a space for T, optionally
 * followed by "Z" or "+HH:MM"/"-HH:MM". A value without an offset is UTC. */
int mi_instant_parse(const char *s, int64_t *out, mi_err *e);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
void mi_instant_format(int64_t t, char buf[21]);
/* Writes "YYYY-MM-DD" into buf (at least 11 bytes). */
void mi_date_format(int64_t t, char buf[11]);

/* "90m", "12h", "3d", "2w", "45s", and sums like "1d12h" -> seconds (> 0). */
int mi_duration_parse(const char *s, int64_t *seconds, mi_err *e);

/* "HH:MM" (00:00..24:00) -> minutes since midnight. */
int mi_time_of_day_parse(const char *s, int *minutes, mi_err *e);

#endif
