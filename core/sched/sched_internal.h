/* What the files of core/sched share and nobody else sees. */
#ifndef MI_SCHED_INTERNAL_H
#define MI_SCHED_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* libical keeps global state (builtin zones, its error number): every call
 * into it is made holding this lock. */
extern pthread_mutex_t mi_sched_ical_lock;

/* A growing array of day numbers. */
typedef struct mi_sched_days {
  int64_t *v;
  size_t n, cap;
} mi_sched_days;

int mi_sched_days_push(mi_sched_days *d, int64_t day);
/* Sorts and removes duplicates. */
void mi_sched_days_sort(mi_sched_days *d);
/* True when day is in the sorted array v[0..n). */
int mi_sched_days_has(const int64_t *v, size_t n, int64_t day);
/* The index of the first element >= day in the sorted array (n if none). */
size_t mi_sched_days_lower(const int64_t *v, size_t n, int64_t day);

/* Most dates one .ics file may give (after expanding recurrences). */
#define MI_SCHED_ICS_MAX_DATES 100000
/* Largest .ics file read. */
#define MI_SCHED_ICS_MAX_BYTES (16 * 1024 * 1024)

/* Reads the iCalendar file at path: each all-day VEVENT gives its dates
 * (DTSTART up to DTEND exclusive, or DURATION, or one day), repeated by its
 * RRULE and RDATEs minus its EXDATEs, up to year 2199. An event with
 * CATEGORIES:WORKING-DAY gives working days, any other a holiday; cancelled
 * events (STATUS:CANCELLED) give nothing. Appends to holidays and working
 * (unsorted). Errors name the file and the event (SUMMARY or UID): a timed
 * event, a file libical cannot parse or reports errors in, no VCALENDAR, a
 * rule that never occurs, too many dates; MI_EIO when it cannot be read. */
int mi_sched_ics_load(const char *path, mi_sched_days *holidays, mi_sched_days *working, mi_err *e);

#endif
