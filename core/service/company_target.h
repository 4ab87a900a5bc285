/* The company's satisfaction target: the rule "customer satisfaction not
 * below the target (e.g. 90 %) over the year, assessed quarterly" applied to
 * the whole company, as it is to each department. */
#ifndef MI_SERVICE_COMPANY_TARGET_H
#define MI_SERVICE_COMPANY_TARGET_H

#include <jansson.h>

#include "config/config.h"
#include "service/survey_score.h"
#include "store/store.h"

/* The CSAT of survey (`survey score`'s, in percent) in each quarter of the
 * year of period up to the period's end (the last one cut there when the
 * period ends inside it) and for the year to date, each judged against
 * evaluation.targets.satisfaction on its interval's lower bound: "met" when
 * the lower bound reaches the target, "not_met" when it is below, and
 * "not_assessed" (with the reason) when there is no CSAT figure (no
 * responses, no overall question). gap_points = CSAT - target and
 * lower_bound_gap_points = lower bound - target, in percentage points.
 * Without a configured target every judgement is not_assessed. "targets"
 * holds evaluation.targets.nps and .index (NPS points and index points; null
 * when not set), which the report judges the same way on the period's
 * figures. period as
 * mi_eval_period_parse (2026Q3, 2026-09, 2026, a day). Caller owns; NULL
 * with e set only for a bad period or survey, or running out of memory. */
json_t *mi_company_target(mi_store *s, const mi_config *cfg, const char *survey,
                          const char *period, mi_err *e);

/* The same in two steps, for a caller that scores the requests in a pass
 * of its own (the report, with its other scores): the plan's requests
 * (rq[0..n)), then the judgement of their scores (sc, err as
 * mi_survey_score_many's; borrowed). */
typedef struct mi_company_span {
  char code[16], label[32], d0[11], d1[11];
  int to_date;
} mi_company_span;
typedef struct mi_company_plan {
  const char *survey;
  size_t n;
  mi_score_request rq[5];
  mi_company_span span[5];
} mi_company_plan;
int mi_company_target_plan(const mi_config *cfg, const char *survey, const char *period,
                           mi_company_plan *plan, mi_err *e);
json_t *mi_company_target_judge(const mi_config *cfg, const mi_company_plan *plan,
                                json_t *const *sc, const mi_err *err);

#endif
