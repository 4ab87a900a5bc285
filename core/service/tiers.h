/* The tier batch: every customer through the tier policy, changes stored
 * with their reasons, one transaction per chunk with a checkpoint so that a
 * killed run resumes where it stopped. */
#ifndef MI_SERVICE_TIERS_H
#define MI_SERVICE_TIERS_H

#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "policy/policy.h"
#include "service/batch.h"
#include "store/store.h"

enum { MI_TIER_MAX_WORKERS = MI_BATCH_MAX_WORKERS };

typedef struct mi_tier_run_options {
  int64_t as_of; /* figures count what happened up to this instant */
  FILE *diff;    /* if set: CSV of each change (external_id,old_tier,new_tier,reason) */
  /* --jobs: extra states of the same policy (each used by one thread) that
   * decide parts of every chunk beside the main one; writes stay on the
   * calling thread. */
  mi_policy **workers;
  int nworkers; /* 0 .. MI_TIER_MAX_WORKERS */
  mi_batch_options batch; /* dry run, chunk, now, breaker, failures, progress */
} mi_tier_run_options;

typedef struct mi_tier_transition {
  char from[33], to[33]; /* "-" for no tier */
  int64_t count;
} mi_tier_transition;

enum { MI_TIER_MAX_TRANSITIONS = 64 };

typedef struct mi_tier_run_summary {
  int64_t customers, changed, unchanged, failed;
  int64_t resumed_after; /* customer id the run resumed after; 0 = from the start */
  mi_tier_transition transitions[MI_TIER_MAX_TRANSITIONS];
  int ntransitions;
  mi_batch_stop stop; /* why the breaker stopped the run (stop.tripped) */
} mi_tier_run_summary;

/* Runs the tier policy over every customer through the batch engine
 * (service/batch.h). A policy failure leaves that customer unchanged, is
 * passed to on_failure and counted; the run goes on until the breaker trips
 * (then MI_EPOLICY, summary->stop filled, nothing of the chunk in hand
 * committed). A store failure stops the run (what was committed stays, and
 * the next run resumes after it). */
int mi_tiers_run(mi_store *s, const mi_config *cfg, mi_policy *policy,
                 const mi_tier_run_options *opt, mi_tier_run_summary *summary, mi_err *e);

/* One customer through the policy, for `manyi explain tier`: fills the view
 * fields the policy saw (fields must hold MI_CUSTOMER_VIEW_FIELDS; strings are
 * valid until the next store call) and its decision. */
int mi_tier_explain(mi_store *s, const mi_config *cfg, mi_policy *policy,
                    const char *external_id, int64_t as_of, mi_view_field *fields,
                    mi_view *view, mi_tier_decision *decision, mi_err *e);

#endif
