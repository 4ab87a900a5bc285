#include "service/dept_eval.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/calendar.h"
#include "sched/tz.h"
#include "service/tickets.h"
#include "stats/stats.h"
#include "store/departments.h"
#include "store/evaluations.h"
#include "util/i18n.h"
#include "util/period.h"
#include "util/timeutil.h"

int mi_eval_period_parse(const char *p, const char *tz_name, mi_eval_period *out, mi_err *e) {
  int64_t first, end;
  int rc = mi_period_parse(p, &first, &end, e);
  if (rc) return rc;
  mi_sched_tz *tz;
  if ((rc = mi_sched_tz_open(tz_name, &tz, e))) return rc;
  out->from = mi_sched_tz_utc(tz, first * 86400);
  out->to = mi_sched_tz_utc(tz, end * 86400);
  mi_sched_tz_free(tz);
  mi_date_format(first * 86400, out->from_date);
  mi_date_format(end * 86400, out->to_date);
  size_t len = strlen(p);
  if (len == 4) snprintf(out->label, sizeof out->label, "%s-Y", p);
  else if (len == 6) snprintf(out->label, sizeof out->label, "%.4s-%s", p, p + 4);
  else snprintf(out->label, sizeof out->label, "%s", p);
  return 0;
}

double mi_eval_target(const mi_config *cfg, const char *name) {
  for (size_t i = 0; i < cfg->evaluation.ntargets; i++)
    if (!strcmp(cfg->evaluation.targets[i].name, name)) return cfg->evaluation.targets[i].value;
  return NAN;
}

/* SLA first-response attainment of the department's tickets of the period. */
static int attainment(mi_store *s, const mi_config *cfg, mi_sched_calendar **cals, int64_t dept,
                      const mi_eval_period *p, int64_t now, mi_dept_result *r, mi_err *e) {
  char(*ids)[65] = NULL;
  size_t n = 0;
  int rc = mi_ticket_ids_opened(s, NULL, dept, p->from, p->to, &ids, &n, e);
  for (size_t i = 0; i < n && !rc; i++) {
    mi_sla_report rep;
    if ((rc = mi_ticket_sla_cached(s, cfg, cals, ids[i], now, &rep, e)) || !rep.rule) continue;
    r->with_rule++;
    r->first_response_met += rep.clocks[0].state == 2;
  }
  free(ids);
  return rc;
}

static mi_view_field num_or_nil(const char *name, int known, double v) {
  return known ? (mi_view_field){.name = name, .type = MI_VIEW_NUM, .d = v}
               : (mi_view_field){.name = name, .type = MI_VIEW_NIL};
}

const char *mi_eval_status(const mi_evaluate_decision *d) {
  return !d->assessed ? "not_assessed" : d->passed ? "passed" : "failed";
}

const char *mi_eval_status_text(const char *status) {
  return !strcmp(status, "passed") ? _("passed") : !strcmp(status, "failed") ? _("not passed")
                                                                             : _("not assessed");
}

/* not_assessed: the target is kept but not judged (met NULL). */
static int store_metric(mi_store *s, int64_t dept, const char *period, const char *metric,
                        double value, double target, int not_assessed, const char *detail,
                        int64_t now, mi_err *e) {
  if (isnan(value)) return 0; /* not known this period */
  mi_evaluation ev = {.department_id = dept, .period = period, .metric = metric, .value = value,
                      .has_target = !isnan(target), .target = isnan(target) ? 0 : target,
                      .detail_json = detail, .computed_at = now, .not_assessed = not_assessed};
  int rc = mi_evaluation_put(s, &ev, e);
  return rc < 0 ? rc : 0;
}

static int store_all(mi_store *s, const mi_config *cfg, mi_policy *policy, int64_t dept,
                     const mi_eval_period *p, const mi_dept_result *r, int64_t now, mi_err *e) {
  const mi_dept_figures *f = &r->f;
  json_t *reasons = json_array();
  for (size_t i = 0; i < r->d.nreasons; i++) json_array_append_new(reasons, json_string(r->d.reasons[i]));
  json_t *dj = json_pack("{s:s, s:o, s:s, s:o, s:s}", "grade", r->d.grade, "passed",
                         r->d.assessed ? json_boolean(r->d.passed) : json_null(), "status",
                         mi_eval_status(&r->d), "reasons", reasons, "policy",
                         mi_policy_digest(policy));
  char *score_detail = json_dumps(dj, JSON_COMPACT);
  json_decref(dj);
  char ci[160];
  snprintf(ci, sizeof ci, "{\"n\":%lld,\"ci_lower\":%.17g,\"ci_upper\":%.17g,\"method\":\"wilson\"}",
           (long long)f->responses, isnan(r->ci_lower) ? 0 : r->ci_lower,
           isnan(r->ci_upper) ? 0 : r->ci_upper);
  /* the satisfaction target is judged only when the policy assessed it */
  double sat = mi_eval_target(cfg, "satisfaction"), nan = NAN;
  int na = !r->d.assessed;
  int rc = store_metric(s, dept, p->label, "score", r->d.score, nan, 0, score_detail, now, e);
  free(score_detail);
  if (!rc) rc = store_metric(s, dept, p->label, "satisfied_share", r->satisfied_share, sat, na,
                             f->responses ? ci : NULL, now, e);
  if (!rc) rc = store_metric(s, dept, p->label, "satisfied_lower_bound", r->ci_lower, sat, na,
                             f->responses ? ci : NULL, now, e);
  if (!rc)
    rc = store_metric(s, dept, p->label, "first_response_met",
                      r->with_rule ? (double)r->first_response_met / (double)r->with_rule : nan,
                      mi_eval_target(cfg, "first_response_met"), 0, NULL, now, e);
  if (!rc)
    rc = store_metric(s, dept, p->label, "resolution_rate",
                      f->tickets ? (double)f->resolved / (double)f->tickets : nan, nan, 0, NULL,
                      now, e);
  /* Lower is better: the limit goes in the detail, not as a target to reach. */
  char limit[64];
  snprintf(limit, sizeof limit, "{\"limit\":%.17g}", mi_eval_target(cfg, "complaint_rate"));
  if (!rc)
    rc = store_metric(s, dept, p->label, "complaint_rate",
                      f->tickets ? (double)f->complaints / (double)f->tickets : nan, nan, 0,
                      isnan(mi_eval_target(cfg, "complaint_rate")) ? NULL : limit, now, e);
  return rc;
}

int mi_dept_gather(mi_store *s, const mi_config *cfg, struct mi_sched_calendar **cals,
                   const char *department, const mi_eval_period *p, int64_t now,
                   mi_dept_result *r, int64_t *dept, mi_err *e) {
  int rc;
  memset(r, 0, sizeof *r);
  snprintf(r->department, sizeof r->department, "%s", department);
  if ((rc = mi_department_id(s, department, dept, e)) ||
      (rc = mi_dept_figures_get(s, *dept, p->from, p->to, p->from_date, p->to_date, &r->f, e)) ||
      (rc = attainment(s, cfg, cals, *dept, p, now, r, e)))
    return rc;
  return mi_eval_satisfied(r->f.satisfied, r->f.responses, &r->satisfied_share, &r->ci_lower,
                           &r->ci_upper, e);
}

int mi_eval_satisfied(int64_t satisfied, int64_t responses, double *share, double *lower,
                      double *upper, mi_err *e) {
  *share = *lower = *upper = NAN;
  if (!responses) return 0;
  mi_stats_prop_result pr;
  int rc = mi_stats_prop_ci((double)satisfied, (size_t)responses, 0.95, MI_STATS_PROP_WILSON,
                            &pr, e);
  if (!rc) *share = pr.p, *lower = pr.ci_lower, *upper = pr.ci_upper;
  return rc;
}

int mi_dept_metric(const mi_dept_result *r, const char *metric, int64_t *x, int64_t *n) {
  const mi_dept_figures *f = &r->f;
  if (!strcmp(metric, "satisfied_share")) *x = f->satisfied, *n = f->responses;
  else if (!strcmp(metric, "first_response_met")) *x = r->first_response_met, *n = r->with_rule;
  else if (!strcmp(metric, "resolution_rate")) *x = f->resolved, *n = f->tickets;
  else if (!strcmp(metric, "complaint_rate")) *x = f->complaints, *n = f->tickets;
  else return MI_EINVAL;
  return 0;
}

static int one(mi_store *s, const mi_config *cfg, mi_policy *policy, mi_sched_calendar **cals,
               const mi_config_department *cd, const mi_eval_period *p, int64_t now,
               mi_dept_result *r, mi_err *e) {
  int64_t dept;
  int rc = mi_dept_gather(s, cfg, cals, cd->code, p, now, r, &dept, e);
  if (rc) return rc;
  const mi_dept_figures *f = &r->f;
  mi_view_field df[] = {{.name = "code", .type = MI_VIEW_STR, .s = cd->code},
                        {.name = "name", .type = MI_VIEW_STR, .s = cd->name}};
  double tickets = (double)f->tickets;
  mi_view_field ff[] = {
      {.name = "period", .type = MI_VIEW_STR, .s = p->label},
      {.name = "responses", .type = MI_VIEW_INT, .i = f->responses},
      num_or_nil("satisfied_share", f->responses > 0, r->satisfied_share),
      num_or_nil("satisfied_ci_lower", f->responses > 0, r->ci_lower),
      num_or_nil("satisfied_ci_upper", f->responses > 0, r->ci_upper),
      num_or_nil("first_response_met", r->with_rule > 0,
                 r->with_rule ? (double)r->first_response_met / (double)r->with_rule : 0),
      num_or_nil("resolution_rate", f->tickets > 0, f->tickets ? f->resolved / tickets : 0),
      {.name = "tickets", .type = MI_VIEW_INT, .i = f->tickets},
      {.name = "complaints", .type = MI_VIEW_INT, .i = f->complaints},
      num_or_nil("complaint_rate", f->tickets > 0, f->tickets ? f->complaints / tickets : 0),
      {.name = "actions_planned", .type = MI_VIEW_INT, .i = f->actions_planned},
      {.name = "actions_done", .type = MI_VIEW_INT, .i = f->actions_done},
  };
  mi_view dv = {.kind = "department", .id = cd->code, .fields = df, .nfields = 2};
  mi_view fv = {.kind = "figures", .id = cd->code, .fields = ff, .nfields = sizeof ff / sizeof *ff};
  if ((rc = mi_policy_call_evaluate(policy, &dv, &fv, &r->d, e))) return rc;
  return store_all(s, cfg, policy, dept, p, r, now, e);
}

int mi_departments_evaluate(mi_store *s, const mi_config *cfg, mi_policy *policy,
                            const mi_eval_period *period, int64_t now, mi_dept_result **out,
                            mi_err *e) {
  *out = calloc(cfg->ndepartments ? cfg->ndepartments : 1, sizeof **out);
  mi_sched_calendar **cals = calloc(cfg->ncalendars ? cfg->ncalendars : 1, sizeof *cals);
  int rc = !*out || !cals ? mi_err_set(e, MI_ENOMEM, "out of memory") : mi_store_begin(s, e);
  for (size_t i = 0; i < cfg->ndepartments && !rc; i++)
    rc = one(s, cfg, policy, cals, &cfg->departments[i], period, now, &(*out)[i], e);
  if (cals) mi_ticket_sla_calendars_free(cfg, cals);
  if (!rc) rc = mi_store_commit(s, e);
  else if (*out && cals) mi_store_rollback(s);
  if (rc) free(*out), *out = NULL;
  return rc;
}
