/* Care events: the care policy over every customer for one day; what it asks
 * for goes to the outbox once (keys "care:<customer>:<date>:<kind>"), at most
 * `care.max_per_customer` per customer per period. */
#ifndef MI_SERVICE_CARE_H
#define MI_SERVICE_CARE_H

#include <stdint.h>

#include "config/config.h"
#include "policy/policy.h"
#include "store/store.h"

typedef struct mi_care_summary {
  char date[11];        /* the day cared for, in the configuration's time zone */
  int64_t customers;    /* customers the policy saw */
  int64_t messages;     /* new outbox messages */
  int64_t repeated;     /* already there from an earlier run of the same day */
  int64_t capped;       /* left out: the customer reached the cap */
  int64_t no_address;   /* left out: no email or phone for the channel */
  int64_t failed;       /* customers the policy failed for (see on_failure) */
} mi_care_summary;

/* Runs the care policy for the local day of `now` (cfg->timezone) over every
 * customer, writing outbox messages with job_id (0 = none). A policy failure
 * for one customer is reported through on_failure (may be NULL), counted,
 * and the run goes on. Call inside a transaction. */
int mi_care_run(mi_store *s, const mi_config *cfg, mi_policy *care, int64_t now, int64_t job_id,
                void (*on_failure)(void *ctx, const char *customer, const mi_err *err),
                void *ctx, mi_care_summary *sum, mi_err *e);

#endif
