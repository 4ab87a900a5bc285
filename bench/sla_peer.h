/* The peer of the SLA benchmark: business-minute arithmetic the plain way,
 * one minute at a time, with libc's localtime_r for the wall clock. */
#ifndef MI_BENCH_SLA_PEER_H
#define MI_BENCH_SLA_PEER_H

#include <stdint.h>

#include "config/config.h"

/* Whether the calendar is open during the minute starting at t (a whole
 * minute, UTC); the process's TZ must be the calendar's zone. */
int sla_peer_open(const mi_config_calendar *cc, int64_t t);

/* The end of the minute in which `minutes` business minutes since start (a
 * whole minute) are used up: the same answer as mi_sched_add_business. */
int64_t sla_peer_add(const mi_config_calendar *cc, int64_t start, int64_t minutes);

#endif
