/* Recurring jobs (schedule: in manyi.yaml): turning cron times into queued
 * jobs, once each. */
#ifndef MI_SCHED_RECURRING_H
#define MI_SCHED_RECURRING_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "sched/runner.h"
#include "store/store.h"

/* Checks every schedule of cfg: its cron expression parses and its job is
 * one of kinds. MI_ECONFIG naming the configuration file and line. */
int mi_sched_check_schedule(const mi_config *cfg, const mi_sched_kind *kinds, mi_err *e);

/* For each schedule of cfg, queues its latest occurrence in (last queued,
 * now] as a job with key "schedule:<name>:<instant>" — one job however many
 * occurrences were missed — and records it. A schedule seen for the first
 * time starts at now (nothing fires for the past). *queued counts the jobs
 * added. One transaction per schedule. */
int mi_sched_queue_recurring(mi_store *s, const mi_config *cfg, const mi_sched_kind *kinds,
                             int64_t now, size_t *queued, mi_err *e);

#endif
