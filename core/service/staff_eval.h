/* Agent scorecards (`manyi eval staff --period P`): each staff member's
 * figures for the period (store/staff_figures.h; SLA attainment and the
 * median business time to resolution from the ticket logs and calendars;
 * satisfaction of the customers they served with a Wilson interval), judged
 * by the evaluation policy's evaluate_staff hook and stored in
 * staff_evaluations. */
#ifndef MI_SERVICE_STAFF_EVAL_H
#define MI_SERVICE_STAFF_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "policy/policy.h"
#include "service/dept_eval.h"
#include "store/staff_figures.h"
#include "store/store.h"

typedef struct mi_staff_result {
  mi_staff_member m;
  mi_staff_figures f;
  /* SLA clocks of their tickets with a rule: a clock counts once decided
   * (met, or breached: stopped late or running past its deadline). */
  int64_t sla_tickets, first_response_met, first_response_decided;
  int64_t resolution_met, resolution_decided;
  double median_resolution_s;                 /* business seconds; NaN: none resolved */
  double satisfied_share, ci_lower, ci_upper; /* NaN without answers */
  mi_staff_decision d;
} mi_staff_result;

/* Evaluates every staff member of mi_staff_list for the period, clocks as of
 * now, with policy's evaluate_staff hook; the rating must be one of
 * policies.evaluation.params.staff.ratings when that list is given. All or
 * nothing: one failure (named with the staff member) stores nothing. *out
 * gets *n results (caller frees). One transaction. */
int mi_staff_evaluate(mi_store *s, const mi_config *cfg, mi_policy *policy,
                      const mi_eval_period *period, int64_t now, mi_staff_result **out,
                      size_t *n, mi_err *e);

#endif
