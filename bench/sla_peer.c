/* The straightforward SLA deadline (sla_peer.h): step minute by minute,
 * asking for each minute whether the office is open, from the calendar's
 * hours, holidays and working days as the configuration lists them. */
#include <time.h>

#include "bench/sla_peer.h"
#include "util/timeutil.h"

static int listed(const int64_t *days, size_t n, int64_t day) {
  for (size_t i = 0; i < n; i++)
    if (days[i] == day) return 1;
  return 0;
}

int sla_peer_open(const mi_config_calendar *cc, int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  int64_t day = mi_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  if (listed(cc->holidays, cc->nholidays, day)) return 0;
  int wd = (tm.tm_wday + 6) % 7; /* Monday = 0 */
  if (listed(cc->working_days, cc->nworking_days, day)) {
    /* a working day has the hours of the first of Monday..Friday with hours */
    for (wd = 0; wd < 5 && !cc->nhours[wd]; wd++) {}
    if (wd == 5) for (wd = 0; wd < 7 && !cc->nhours[wd]; wd++) {}
    if (wd == 7) return 0;
  }
  int minute = tm.tm_hour * 60 + tm.tm_min;
  for (size_t i = 0; i < cc->nhours[wd]; i++)
    if (minute >= cc->hours[wd][i].start && minute < cc->hours[wd][i].end) return 1;
  return 0;
}

int64_t sla_peer_add(const mi_config_calendar *cc, int64_t start, int64_t minutes) {
  int64_t t = start;
  while (minutes > 0) {
    if (sla_peer_open(cc, t)) minutes--;
    t += 60;
  }
  return t;
}
