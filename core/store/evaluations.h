/* Department evaluations against targets, per period and metric. */
#ifndef MI_STORE_EVALUATIONS_H
#define MI_STORE_EVALUATIONS_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_evaluation {
  int64_t department_id;
  const char *period; /* "2026-Q1", "2026-03", "2026" */
  const char *metric;
  double value;
  int has_target;
  double target;
  const char *detail_json; /* may be NULL */
  int64_t computed_at;
} mi_evaluation;

/* Stores or replaces the evaluation of (department, period, metric); met is
 * value >= target when there is a target. Returns MI_PUT_*. */
int mi_evaluation_put(mi_store *s, const mi_evaluation *ev, mi_err *e);

#endif
