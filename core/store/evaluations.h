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
  int not_assessed; /* the target was not judged (too few answers): met NULL */
} mi_evaluation;

/* Stores or replaces the evaluation of (department, period, metric); met is
 * value >= target when there is a target and it was assessed, else NULL.
 * Returns MI_PUT_*. */
int mi_evaluation_put(mi_store *s, const mi_evaluation *ev, mi_err *e);

/* Calls fn for each stored evaluation of period (as stored: "2026-Q3"),
 * by department code then metric; detail_json may be NULL. */
typedef struct mi_evaluation_row {
  const char *department, *metric, *detail_json; /* valid in the callback */
  double value, target;                          /* target NaN: none */
  int met;                                       /* -1: no target, or not assessed */
  int64_t computed_at;
} mi_evaluation_row;
int mi_evaluation_each(mi_store *s, const char *period,
                       int (*fn)(void *ud, const mi_evaluation_row *r), void *ud, mi_err *e);

#endif
