/* The company KPIs of a period (`manyi kpi`): recommendation, repurchase,
 * complaint, retention and churn rates with their numerators, denominators
 * and Wilson intervals, and customer growth, overall and per group of
 * customers. The counts and what they count: store/kpi_counts.h. */
#ifndef MI_SERVICE_KPI_H
#define MI_SERVICE_KPI_H

#include <jansson.h>

#include "config/config.h"
#include "store/store.h"

/* The KPIs of period (2026, 2026Q3, 2026-09, a day; in cfg's time zone)
 * against the period before it, at confidence conf (0.95), by NULL or
 * department, tier, region: {period, previous_period, from, to, conf,
 * recommendation_rate, repurchase_rate, complaint_rate, retention_rate,
 * churn_rate, customer_growth [, by, groups {level: the same six}]}. NULL
 * with e set on failure; the caller owns the result. */
json_t *mi_kpi(mi_store *s, const mi_config *cfg, const char *period, const char *by, double conf,
               mi_err *e);

#endif
