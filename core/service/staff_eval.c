#include "service/staff_eval.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/calendar.h"
#include "service/tickets.h"
#include "stats/stats.h"

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* SLA attainment and the median time to resolution of their tickets. */
static int clocks(mi_store *s, const mi_config *cfg, mi_sched_calendar **cals,
                  const mi_eval_period *p, int64_t now, mi_staff_result *r, mi_err *e) {
  char(*ids)[65] = NULL;
  size_t n = 0, nres = 0;
  int rc = mi_staff_ticket_ids(s, r->m.id, p->from, p->to, &ids, &n, e);
  double *used = rc ? NULL : calloc(n ? n : 1, sizeof *used);
  if (!rc && !used) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t i = 0; i < n && !rc; i++) {
    mi_sla_report rep;
    if ((rc = mi_ticket_sla_cached(s, cfg, cals, ids[i], now, &rep, e)) || !rep.rule) continue;
    r->sla_tickets++;
    const mi_sla_clock *fr = &rep.clocks[0], *res = &rep.clocks[1];
    r->first_response_decided += fr->state >= 2;
    r->first_response_met += fr->state == 2;
    r->resolution_decided += res->state >= 2;
    r->resolution_met += res->state == 2;
    if (res->stopped_at) used[nres++] = (double)res->used;
  }
  if (!rc && nres) {
    qsort(used, nres, sizeof *used, cmp_double);
    r->median_resolution_s = mi_stats_quantile7(used, nres, 0.5);
  }
  free(ids), free(used);
  return rc;
}

static mi_view_field share(const char *name, int64_t x, int64_t n) {
  return n ? (mi_view_field){.name = name, .type = MI_VIEW_NUM, .d = (double)x / (double)n}
           : (mi_view_field){.name = name, .type = MI_VIEW_NIL};
}

static mi_view_field num(const char *name, double v) {
  return isnan(v) ? (mi_view_field){.name = name, .type = MI_VIEW_NIL}
                  : (mi_view_field){.name = name, .type = MI_VIEW_NUM, .d = v};
}

/* The rating must be one of params.staff.ratings when the list is given. */
static int check_rating(const mi_config *cfg, const mi_policy *policy, const mi_staff_result *r,
                        mi_err *e) {
  const mi_config_policy *cp = mi_config_find_policy(cfg, "evaluation");
  const mi_config_value *st = cp ? mi_config_value_get(&cp->params, "staff") : NULL;
  const mi_config_value *ratings = st ? mi_config_value_get(st, "ratings") : NULL;
  if (!ratings || ratings->kind != MI_CONFIG_LIST) return 0;
  char list[512];
  size_t len = 0;
  list[0] = 0;
  for (size_t i = 0; i < ratings->count; i++) {
    const mi_config_value *v = &ratings->items[i];
    if (v->kind != MI_CONFIG_STRING) continue;
    if (!strcmp(v->s, r->d.rating)) return 0;
    if (len < sizeof list)
      len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", v->s);
  }
  return mi_err_set(e, MI_EPOLICY,
                    "%s:%d: evaluate_staff() returned the rating '%s' for staff %s; it must be "
                    "one of %s (policies.evaluation.params.staff.ratings)",
                    mi_policy_path(policy), r->d.line, r->d.rating, r->m.code, list);
}

static int store_one(mi_store *s, mi_policy *policy, const mi_eval_period *p,
                     const mi_staff_result *r, const mi_view *fv, int64_t now, mi_err *e) {
  json_t *fig = json_object(), *notes = json_array();
  for (size_t i = 0; i < fv->nfields; i++) {
    const mi_view_field *f = &fv->fields[i];
    json_object_set_new(fig, f->name, f->type == MI_VIEW_INT   ? json_integer(f->i)
                                      : f->type == MI_VIEW_NUM ? json_real(f->d)
                                      : f->type == MI_VIEW_STR ? json_string(f->s)
                                                               : json_null());
  }
  for (size_t i = 0; i < r->d.nnotes; i++) json_array_append_new(notes, json_string(r->d.notes[i]));
  char *fj = json_dumps(fig, JSON_COMPACT), *nj = json_dumps(notes, JSON_COMPACT);
  json_decref(fig), json_decref(notes);
  mi_staff_evaluation ev = {
      .staff_id = r->m.id, .period = p->label, .tickets = r->f.tickets,
      .complaints = r->f.complaints_against,
      .median_resolution_s = isnan(r->median_resolution_s) ? -1 : llround(r->median_resolution_s),
      .first_response_met = r->first_response_decided
                                ? (double)r->first_response_met / (double)r->first_response_decided
                                : NAN,
      .resolution_met = r->resolution_decided
                            ? (double)r->resolution_met / (double)r->resolution_decided
                            : NAN,
      .satisfied_share = r->satisfied_share, .rating = r->d.rating, .figures_json = fj,
      .notes_json = nj, .policy = mi_policy_digest(policy), .computed_at = now};
  int rc = fj && nj ? mi_staff_evaluation_put(s, &ev, e) : mi_err_set(e, MI_ENOMEM, "out of memory");
  free(fj), free(nj);
  return rc;
}

static int one(mi_store *s, const mi_config *cfg, mi_policy *policy, mi_sched_calendar **cals,
               const mi_eval_period *p, int64_t now, mi_staff_result *r, mi_err *e) {
  r->median_resolution_s = NAN;
  int rc;
  if ((rc = mi_staff_figures_get(s, r->m.id, p->from, p->to, &r->f, e)) ||
      (rc = clocks(s, cfg, cals, p, now, r, e)) ||
      (rc = mi_eval_satisfied(r->f.satisfied, r->f.responses, &r->satisfied_share, &r->ci_lower,
                              &r->ci_upper, e)))
    return rc;
  const mi_staff_figures *f = &r->f;
  mi_view_field sf[] = {{.name = "code", .type = MI_VIEW_STR, .s = r->m.code},
                        {.name = "name", .type = MI_VIEW_STR, .s = r->m.name},
                        {.name = "department", .type = r->m.department[0] ? MI_VIEW_STR : MI_VIEW_NIL,
                         .s = r->m.department}};
  mi_view_field ff[] = {
      {.name = "period", .type = MI_VIEW_STR, .s = p->label},
      {.name = "tickets", .type = MI_VIEW_INT, .i = f->tickets},
      {.name = "resolved", .type = MI_VIEW_INT, .i = f->resolved},
      {.name = "complaints_handled", .type = MI_VIEW_INT, .i = f->complaints_handled},
      {.name = "sla_tickets", .type = MI_VIEW_INT, .i = r->sla_tickets},
      share("first_response_met", r->first_response_met, r->first_response_decided),
      share("resolution_met", r->resolution_met, r->resolution_decided),
      num("median_resolution_hours", r->median_resolution_s / 3600),
      {.name = "responses", .type = MI_VIEW_INT, .i = f->responses},
      num("satisfied_share", r->satisfied_share),
      num("satisfied_ci_lower", r->ci_lower),
      num("satisfied_ci_upper", r->ci_upper),
      {.name = "complaints", .type = MI_VIEW_INT, .i = f->complaints_against},
      {.name = "complaints_accountable", .type = MI_VIEW_INT, .i = f->complaints_accountable},
  };
  mi_view sv = {.kind = "staff", .id = r->m.code, .fields = sf, .nfields = 3};
  mi_view fv = {.kind = "figures", .id = r->m.code, .fields = ff, .nfields = sizeof ff / sizeof *ff};
  if ((rc = mi_policy_call_evaluate_staff(policy, &sv, &fv, &r->d, e)) ||
      (rc = check_rating(cfg, policy, r, e)))
    return rc;
  return store_one(s, policy, p, r, &fv, now, e);
}

int mi_staff_evaluate(mi_store *s, const mi_config *cfg, mi_policy *policy,
                      const mi_eval_period *period, int64_t now, mi_staff_result **out,
                      size_t *n, mi_err *e) {
  mi_staff_member *m = NULL;
  *out = NULL;
  *n = 0;
  int rc = mi_staff_list(s, period->from, period->to, &m, n, e);
  if (rc) return rc;
  *out = calloc(*n ? *n : 1, sizeof **out);
  mi_sched_calendar **cals = calloc(cfg->ncalendars ? cfg->ncalendars : 1, sizeof *cals);
  rc = !*out || !cals ? mi_err_set(e, MI_ENOMEM, "out of memory") : mi_store_begin(s, e);
  for (size_t i = 0; i < *n && !rc; i++) {
    (*out)[i].m = m[i];
    rc = one(s, cfg, policy, cals, period, now, &(*out)[i], e);
  }
  if (cals) mi_ticket_sla_calendars_free(cfg, cals);
  if (!rc) rc = mi_store_commit(s, e);
  else if (*out && cals) mi_store_rollback(s);
  free(m);
  if (rc) free(*out), *out = NULL, *n = 0;
  return rc;
}
