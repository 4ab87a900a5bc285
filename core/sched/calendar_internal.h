/* The inside of an mi_sched_calendar, shared by calendar_build.c (building,
 * one day's hours) and calendar.c (the walks). */
#ifndef MI_SCHED_CALENDAR_INTERNAL_H
#define MI_SCHED_CALENDAR_INTERNAL_H

#include "sched/calendar.h"
#include "sched/sched_internal.h"

struct mi_sched_calendar {
  char *name;
  mi_sched_tz *tz;
  mi_config_range hours[7][MI_SCHED_MAX_RANGES]; /* local minutes per ISO weekday */
  size_t nhours[7];
  int work_hours;              /* the weekday whose hours an extra working day has */
  int64_t week_open;           /* open seconds of a week without special days */
  int64_t *holidays, *working; /* local day numbers, sorted, unique */
  size_t nholidays, nworking;
  /* Holidays, working days and the days a clock change touches, sorted: a
   * week (Monday..Sunday) without any of them has exactly week_open seconds
   * of open time and lasts exactly 7 * 86400 s. */
  int64_t *special;
  size_t nspecial;
};

/* The configured ranges of a local day (pointing into cal) and its kind. */
mi_sched_day_kind mi_sched_day_hours(const mi_sched_calendar *cal, int64_t day,
                                     const mi_config_range **ranges, size_t *n);
/* The non-empty open intervals of a local day as UTC [start, end), in order;
 * open has room for MI_SCHED_MAX_RANGES. Returns how many. */
size_t mi_sched_day_open(const mi_sched_calendar *cal, int64_t day, int64_t open[][2]);

#endif
