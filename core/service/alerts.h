/* The closed loop on feedback (manyi eval alerts): every scored response,
 * in id order, through the alert policy, which may open a follow-up ticket
 * for a department (a ticket kind of its own with its SLA), linked to the
 * response. It runs after the responses are imported and their open
 * answers coded, as a batch of the batch engine: chunks with a checkpoint,
 * the breaker, --jobs. Exactly once: a response's follow-up, its link and
 * the mark of how far the step got commit in one transaction, the link is
 * keyed by the response, and the next run starts after the mark. */
#ifndef MI_SERVICE_ALERTS_H
#define MI_SERVICE_ALERTS_H

#include <stdint.h>

#include "config/config.h"
#include "policy/policy.h"
#include "service/batch.h"
#include "store/store.h"

enum { MI_ALERT_MAX_WORKERS = MI_BATCH_MAX_WORKERS, MI_ALERT_SHOWN = 20 };

typedef struct mi_alert_run_options {
  int rescan; /* from the first response, not after the mark (follow-ups are still never doubled) */
  mi_policy **workers; /* --jobs: extra states of the same policy, one per thread */
  int nworkers;
  mi_batch_options batch; /* dry run, chunk, now, breaker, failures, progress */
} mi_alert_run_options;

typedef struct mi_alert_opened {
  char response[65], ticket[65], department[65], kind[65], reason[501];
} mi_alert_opened;

typedef struct mi_alert_run_summary {
  int64_t responses;   /* seen by the policy (or skipped) in this run */
  int64_t opened;      /* follow-ups opened (a dry run: that would be) */
  int64_t none;        /* the policy returned nil */
  int64_t skipped;     /* had a follow-up already (--rescan) */
  int64_t failed;      /* the policy failed: named with file:line and the response */
  int64_t after;       /* the run started after this response id */
  mi_alert_opened shown[MI_ALERT_SHOWN]; /* the first follow-ups opened */
  int nshown;
  mi_batch_stop stop;
} mi_alert_run_summary;

/* Runs the alert policy over the responses after the mark (all with
 * rescan). A failure is reported (on_failure, --failures) and the run goes
 * on until the breaker trips (then MI_EPOLICY and summary->stop). */
int mi_alerts_run(mi_store *s, const mi_config *cfg, mi_policy *policy,
                  const mi_alert_run_options *opt, mi_alert_run_summary *summary, mi_err *e);

#endif
