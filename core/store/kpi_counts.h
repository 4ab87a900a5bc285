/* The counts behind the company KPIs of a period, per group of customers
 * (`manyi kpi`). What counts (the definitions the README gives):
 *  - a purchase is an order whose status is not cancelled or refunded; a
 *    customer is active in a period with a purchase in it;
 *  - NPS answers: answers to a recommendation question (dimension
 *    recommendation, scale 0-10) of responses submitted in the period and
 *    not flagged by cleaning; promoters answered 9 or 10;
 *  - complaints: tickets of kind complaint opened in the period.
 * Groups: every customer (by NULL), or by tier or region (customers without
 * one in "(none)"), or by department: a customer is in each department that
 * has a ticket of theirs opened before the period's end (groups overlap). */
#ifndef MI_STORE_KPI_COUNTS_H
#define MI_STORE_KPI_COUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct mi_kpi_counts {
  char group[65];               /* "" without by */
  int64_t nps_answers, promoters;
  int64_t ordered_before;       /* customers with a purchase before the period */
  int64_t repurchased;          /* ... and a purchase in it */
  int64_t active, active_complained; /* active; active and complained in the period */
  int64_t complaints, purchases;     /* complaint tickets; purchases in the period */
  int64_t active_previous, retained; /* active in the period before; and in this one */
  int64_t new_customers, new_previous; /* first purchase ever in the period / the one before */
} mi_kpi_counts;

/* Counts for the period [from, to) with the period before [prev_from, from),
 * one row per group in group order (one row without by). by is NULL, "tier",
 * "region" or "department" (else MI_EINVAL). *out is the caller's to free. */
int mi_kpi_counts_get(mi_store *s, const char *by, int64_t prev_from, int64_t from, int64_t to,
                      mi_kpi_counts **out, size_t *n, mi_err *e);

#endif
