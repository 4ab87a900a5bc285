#include "service/improvement.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sched/calendar.h"
#include "service/dept_eval.h"
#include "service/tickets.h"
#include "store/departments.h"
#include "store/staff.h"
#include "util/period.h"
#include "util/timeutil.h"

/* The metric of department over period as x of n. */
static int measure(mi_store *s, const mi_config *cfg, const char *department, const char *metric,
                   const char *period, int64_t now, int64_t *x, int64_t *n, mi_err *e) {
  mi_eval_period p;
  mi_dept_result r;
  int64_t dept;
  int rc = mi_eval_period_parse(period, cfg->timezone, &p, e);
  if (rc) return rc;
  mi_sched_calendar **cals = calloc(cfg->ncalendars ? cfg->ncalendars : 1, sizeof *cals);
  if (!cals) return mi_err_set(e, MI_ENOMEM, "out of memory");
  rc = mi_dept_gather(s, cfg, cals, department, &p, now, &r, &dept, e);
  mi_ticket_sla_calendars_free(cfg, cals);
  if (!rc && mi_dept_metric(&r, metric, x, n))
    rc = mi_err_set(e, MI_EINVAL, "metric '%s': use satisfied_share, first_response_met, "
                    "resolution_rate or complaint_rate", metric);
  return rc;
}

int mi_action_open(mi_store *s, const mi_config *cfg, const mi_action_plan *p, int64_t now,
                   int64_t *id, mi_err *e) {
  if (!p->department || !p->title) return mi_err_set(e, MI_EINVAL, "an action needs a department and a title");
  if (p->metric && !p->baseline_period)
    return mi_err_set(e, MI_EINVAL, "a metric needs its baseline period (--baseline 2026Q2)");
  int64_t dept, owner = 0, x = 0, n = 0;
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  if ((rc = mi_department_id(s, p->department, &dept, e)) ||
      (p->owner && (rc = mi_staff_id(s, p->owner, &owner, e))) ||
      (p->metric && (rc = measure(s, cfg, p->department, p->metric, p->baseline_period, now, &x, &n, e))) ||
      (rc = mi_action_add(s, dept, 0, p->title, owner, p->due_date, now, id, e)) ||
      (rc = mi_action_describe(s, *id, p->problem, p->measure, p->metric, p->baseline_period, x,
                               n, e))) {
    mi_store_rollback(s);
    return rc;
  }
  return mi_store_commit(s, e);
}

/* The period after the action must end after the action was created and
 * after its baseline ends: an earlier one measures the time before the action
 * (or the baseline itself) and would credit the action with what it found. */
static int check_after(const mi_config *cfg, const mi_action_row *a, const char *after_period,
                       mi_err *e) {
  mi_eval_period after, base;
  int64_t first, end;
  char last[11], created[21];
  int rc = mi_eval_period_parse(after_period, cfg->timezone, &after, e);
  if (rc || (rc = mi_period_parse(after_period, &first, &end, e))) return rc;
  mi_date_format((end - 1) * 86400, last);
  mi_instant_format(a->created_at, created);
  if (after.to <= a->created_at)
    return mi_err_set(e, MI_EINVAL, "action %lld: --after %s ends on %s, before the action was "
                      "created (%s); measure a period that ends after it (the action is judged "
                      "by what came after it)", (long long)a->id, after_period, last, created);
  if (*a->baseline_period &&
      !mi_eval_period_parse(a->baseline_period, cfg->timezone, &base, e) && after.to <= base.to)
    return mi_err_set(e, MI_EINVAL, "action %lld: --after %s ends on %s, not after the end of "
                      "its baseline period %s; measure a later period", (long long)a->id,
                      after_period, last, a->baseline_period);
  return 0;
}

int mi_action_close(mi_store *s, const mi_config *cfg, int64_t id, const char *after_period,
                    const char *note, int64_t now, mi_stats_prop_test *t, mi_err *e) {
  mi_action_row a;
  memset(t, 0, sizeof *t);
  t->p_value = NAN;
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  if ((rc = mi_action_get(s, id, &a, e))) goto fail;
  if (!strcmp(a.stage, "done")) {
    rc = mi_err_set(e, MI_EINVAL, "action %lld is closed already", (long long)id);
    goto fail;
  }
  if (*a.metric) {
    int64_t x, n;
    if (!after_period) {
      rc = mi_err_set(e, MI_EINVAL, "action %lld tracks %s: say over which period to measure it "
                      "after the action (--after 2026Q4)", (long long)id, a.metric);
      goto fail;
    }
    if ((rc = check_after(cfg, &a, after_period, e)) ||
        (rc = measure(s, cfg, a.department, a.metric, after_period, now, &x, &n, e)))
      goto fail;
    if (a.baseline_n && n && (rc = mi_stats_prop_test2(a.baseline_x, a.baseline_n, x, n, t, e)))
      goto fail;
    if ((rc = mi_action_measured(s, id, after_period, x, n, t->p_value, now, e))) goto fail;
  }
  if ((rc = mi_action_stage(s, id, "done", note, now, e))) goto fail;
  return mi_store_commit(s, e);
fail:
  mi_store_rollback(s);
  return rc;
}

json_t *mi_action_json(const mi_action_row *a) {
  json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)a->id, "department",
                        a->department, "title", a->title, "stage", a->stage);
  const char *texts[][2] = {{"owner", a->owner},     {"due_date", a->due_date},
                            {"problem", a->problem}, {"measure", a->measure},
                            {"notes", a->notes},     {"metric", a->metric}};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    json_object_set_new(o, texts[i][0], *texts[i][1] ? json_string(texts[i][1]) : json_null());
  if (*a->metric) {
    json_object_set_new(o, "baseline", json_pack("{s:s, s:I, s:I}", "period", a->baseline_period,
                                                 "x", (json_int_t)a->baseline_x, "n",
                                                 (json_int_t)a->baseline_n));
    if (*a->after_period)
      json_object_set_new(o, "after", json_pack("{s:s, s:I, s:I}", "period", a->after_period, "x",
                                                (json_int_t)a->after_x, "n",
                                                (json_int_t)a->after_n));
    json_object_set_new(o, "p_value", isnan(a->p_value) ? json_null() : json_real(a->p_value));
  }
  return o;
}

