/* Improvement actions: plan -> do -> check -> act, with the metric they should
 * move measured before (the baseline period) and after (when closed), and
 * the change tested (two proportions, R's prop.test without correction). */
#ifndef MI_SERVICE_IMPROVEMENT_H
#define MI_SERVICE_IMPROVEMENT_H

#include <jansson.h>
#include <stdint.h>

#include "config/config.h"
#include "stats/proptest.h"
#include "store/actions.h"
#include "store/store.h"

typedef struct mi_action_plan {
  const char *department, *title, *problem, *measure, *owner, *due_date;
  const char *metric;          /* satisfied_share | first_response_met | resolution_rate |
                                  complaint_rate | NULL */
  const char *baseline_period; /* needed with metric: 2026Q2, 2026-05 ... */
} mi_action_plan;

/* Adds the action in stage plan, with its baseline measured. */
int mi_action_open(mi_store *s, const mi_config *cfg, const mi_action_plan *p, int64_t now,
                   int64_t *id, mi_err *e);

/* Closes it (stage done): with a metric, measures it over after_period and
 * tests the change from the baseline; *t gets the test (p_value NaN when
 * there is nothing to test). */
int mi_action_close(mi_store *s, const mi_config *cfg, int64_t id, const char *after_period,
                    const char *note, int64_t now, mi_stats_prop_test *t, mi_err *e);

/* The action as JSON: id, department, title, stage, owner, due_date,
 * problem, measure, notes, metric (null when empty) and with a metric its
 * baseline {period, x, n}, after {period, x, n} once measured, p_value. */
json_t *mi_action_json(const mi_action_row *a);

#endif
