/* Care events: the care policy over every customer for one day; what it asks
 * for goes to the outbox once (keys "care:<customer>:<date>:<kind>"), at most
 * `care.max_per_customer` per customer per period. */
#ifndef MI_SERVICE_CARE_H
#define MI_SERVICE_CARE_H

#include <stdint.h>

#include "config/config.h"
#include "policy/policy.h"
#include "service/batch.h"
#include "store/store.h"

typedef struct mi_care_summary {
  char date[11];        /* the day cared for, in the configuration's time zone */
  int64_t customers;    /* customers the policy saw */
  int64_t messages;     /* new outbox messages (in a dry run: that it would write) */
  int64_t repeated;     /* already there from an earlier run of the same day */
  int64_t capped;       /* left out: the customer reached the cap */
  int64_t no_address;   /* left out: no email or phone for the channel */
  int64_t no_consent;   /* left out: no consent to the channel (and not service = true) */
  int64_t failed;       /* customers the policy failed for (opt->on_failure) */
  mi_batch_stop stop;   /* why the breaker stopped the run (stop.tripped) */
} mi_care_summary;

/* Runs the care policy for the local day of `now` (cfg->timezone) over every
 * customer through the batch engine (service/batch.h): chunks of customers,
 * each committed with its checkpoint in the job "care:DATE", so a run killed
 * resumes after its last chunk; the batch lock (one batch at a time); the
 * breaker; progress and failures as opt says; a dry run writes nothing.
 * Outbox messages carry the batch's job row. Call outside a transaction. */
int mi_care_run(mi_store *s, const mi_config *cfg, mi_policy *care, int64_t now,
                const mi_batch_options *opt, mi_care_summary *sum, mi_err *e);

#endif
