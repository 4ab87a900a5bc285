/* Department evaluation: each department's figures for a period (tickets,
 * SLA attainment from the ticket logs, survey satisfaction about its tickets
 * with a Wilson interval, complaints, improvement actions), judged by the
 * evaluation policy and stored in `evaluations`. */
#ifndef MI_SERVICE_DEPT_EVAL_H
#define MI_SERVICE_DEPT_EVAL_H

#include <stdint.h>

#include "config/config.h"
#include "policy/policy.h"
#include "store/dept_figures.h"
#include "store/store.h"

typedef struct mi_dept_result {
  char department[65];
  mi_dept_figures f;
  int64_t with_rule, first_response_met; /* tickets with an SLA rule; met in time */
  double satisfied_share, ci_lower, ci_upper; /* NaN without answers */
  mi_evaluate_decision d;
} mi_dept_result;

typedef struct mi_eval_period {
  char label[16];                 /* "2026-Q3", "2026-09", "2026-Y", "2026-09-14" */
  int64_t from, to;               /* instants, [from, to) */
  char from_date[11], to_date[11]; /* the same as dates */
} mi_eval_period;

/* The period P (2026, 2026Q3, 2026-09, a day) in time zone tz. */
int mi_eval_period_parse(const char *p, const char *tz, mi_eval_period *out, mi_err *e);

/* The figures of one department (no policy call, nothing stored); *dept
 * gets its row id. cals as for mi_ticket_sla_cached. */
struct mi_sched_calendar;
int mi_dept_gather(mi_store *s, const mi_config *cfg, struct mi_sched_calendar **cals,
                   const char *department, const mi_eval_period *p, int64_t now,
                   mi_dept_result *r, int64_t *dept, mi_err *e);

/* The satisfied share of the answers with its Wilson 95 % interval; all
 * three NaN without answers. */
int mi_eval_satisfied(int64_t satisfied, int64_t responses, double *share, double *lower,
                      double *upper, mi_err *e);

/* evaluation.targets' value of name (a share), NaN when not configured. */
double mi_eval_target(const mi_config *cfg, const char *name);

/* The judgement of the target in d: "passed", "failed" or "not_assessed"
 * (the policy returned assessed = false: too few answers to judge), and its
 * words for text output ("passed", "not passed", "not assessed", in the
 * language chosen: util/i18n.h). */
const char *mi_eval_status(const mi_evaluate_decision *d);
const char *mi_eval_status_text(const char *status);

/* A share metric of r as x of n: satisfied_share, first_response_met,
 * resolution_rate or complaint_rate; MI_EINVAL for another name. */
int mi_dept_metric(const mi_dept_result *r, const char *metric, int64_t *x, int64_t *n);

/* Evaluates every department of cfg for the period, clocks as of now; stores
 * metrics score (detail: grade, passed, reasons, policy digest),
 * satisfied_share, satisfied_lower_bound (judged against the satisfaction
 * target: a target per year assessed quarterly is met only if the interval's
 * lower bound reaches it), first_response_met, resolution_rate and
 * complaint_rate (with their targets where evaluation.targets names them).
 * out gets cfg->ndepartments results (caller frees). One transaction. */
int mi_departments_evaluate(mi_store *s, const mi_config *cfg, mi_policy *policy,
                            const mi_eval_period *period, int64_t now, mi_dept_result **out,
                            mi_err *e);

#endif
