/* The kinds of scheduled job and what each does (the handlers the runner in
 * core/sched calls). `manyi jobs kinds` lists them. */
#ifndef MI_SERVICE_JOB_KINDS_H
#define MI_SERVICE_JOB_KINDS_H

#include "config/config.h"
#include "policy/policy.h"
#include "sched/runner.h"

/* What the handlers need; the runner passes it as ud. Policies are loaded on
 * first use and freed by mi_job_context_free. */
typedef struct mi_job_context {
  const mi_config *cfg;
  const char *actor; /* the OS user of the runner: batch jobs' audit entries */
  mi_policy *tiers, *escalation, *care;
  /* The report job's work (core/report sits above service, so the caller
   * hands it in: mi_report_job_run); NULL: report jobs fail saying so. */
  int (*report)(mi_store *s, const mi_config *cfg, const mi_config_schedule *sc, int64_t run_at,
                int64_t now, int64_t job_id, mi_err *e);
} mi_job_context;

/* The kinds, ended by {NULL}:
 *  notify        payload {"channel", "recipient", "subject", "customer"?, "body"?}:
 *                one outbox message (key "job:<job key>")
 *  eval-tiers    the tier policy over every customer as of the job's time
 *                (resumable batch: a rerun goes on where it stopped)
 *  points-expire expire entries for every lot expired by the job's time
 *  sla-check     escalation of tickets whose SLA clocks pass the policy's
 *                thresholds, in the job's transaction (mi_tickets_escalate)
 *  followups     callback tasks and survey invitations for resolved tickets
 *                (mi_tickets_followup)
 *  care          the care policy over every customer for the day (mi_care_run);
 *                fails (and is retried) if the policy fails for anyone
 *  survey-wave   the wave of the occurrence's period for the schedule entry
 *                (key "schedule:NAME:..." or payload {"schedule": NAME}):
 *                mi_survey_wave_run, idempotent (own transactions)
 *  report        the report of the period that closed before the occurrence
 *                for the schedule entry (dir:, to:): the HTML page and one
 *                outbox message per recipient and department, in the job's
 *                transaction (keys "report:NAME:PERIOD:...") */
extern const mi_sched_kind mi_job_kinds[];

void mi_job_context_free(mi_job_context *c);

#endif
