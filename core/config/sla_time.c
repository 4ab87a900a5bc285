/* What an SLA target means on a calendar: the length of a business day
 * ("3bd"), whether a calendar never closes (where "3d" is 72 hours), and the
 * calendar a rule's clocks run in. Pure data: no time zones (a business day
 * is its configured hours; sched counts the real time of each day). */
#include <string.h>

#include "config/config.h"

int mi_config_calendar_workday(const mi_config_calendar *cal) {
  if (!cal) return -1;
  for (int d = 0; d < 5; d++)
    if (cal->nhours[d]) return d;
  for (int d = 5; d < 7; d++)
    if (cal->nhours[d]) return d;
  return -1;
}

int64_t mi_config_calendar_day_seconds(const mi_config_calendar *cal) {
  int d = mi_config_calendar_workday(cal);
  int64_t minutes = 0;
  for (size_t i = 0; d >= 0 && i < cal->nhours[d]; i++)
    minutes += cal->hours[d][i].end - cal->hours[d][i].start;
  return minutes * 60;
}

bool mi_config_calendar_round_the_clock(const mi_config_calendar *cal) {
  if (!cal || cal->nholidays || cal->ics) return false;
  for (int d = 0; d < 7; d++) {
    int until = 0; /* the ranges are sorted and do not overlap */
    for (size_t i = 0; i < cal->nhours[d]; i++) {
      if (cal->hours[d][i].start != until) return false;
      until = cal->hours[d][i].end;
    }
    if (until != 1440) return false;
  }
  return true;
}

int64_t mi_config_sla_seconds(const mi_config_sla_time *t, const mi_config_calendar *cal) {
  return t->days ? t->days * mi_config_calendar_day_seconds(cal) : t->seconds;
}

const mi_config_calendar *mi_config_sla_calendar(const mi_config_sla *r,
                                                 const mi_config_department *d) {
  if (r && r->calendar) return r->calendar;
  return d ? d->calendar : NULL;
}
