/* The company's satisfaction target: the rule "customer satisfaction not
 * below the target (e.g. 90 %) over the year, assessed quarterly" applied to
 * the whole company, as it is to each department. */
#ifndef MI_SERVICE_COMPANY_TARGET_H
#define MI_SERVICE_COMPANY_TARGET_H

#include <jansson.h>

#include "config/config.h"
#include "store/store.h"

/* The CSAT of survey (`survey score`'s, in percent) in each quarter of the
 * year of period up to the period's end (the last one cut there when the
 * period ends inside it) and for the year to date, each judged against
 * evaluation.targets.satisfaction on its interval's lower bound: "met" when
 * the lower bound reaches the target, "not_met" when it is below, and
 * "not_assessed" (with the reason) when there is no CSAT figure (no
 * responses, no overall question). gap_points = CSAT - target and
 * lower_bound_gap_points = lower bound - target, in percentage points.
 * Without a configured target every judgement is not_assessed. period as
 * mi_eval_period_parse (2026Q3, 2026-09, 2026, a day). Caller owns; NULL
 * with e set only for a bad period or survey, or running out of memory. */
json_t *mi_company_target(mi_store *s, const mi_config *cfg, const char *survey,
                          const char *period, mi_err *e);

#endif
