/* The company's CSAT against the satisfaction target, per quarter of the
 * year and for the year to date, judged on the interval's lower bound (see
 * company_target.h). Every figure comes from the survey score service, all
 * of them from one pass (mi_survey_score_many). */
#include "service/company_target.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "service/dept_eval.h"
#include "service/survey_score.h"
#include "util/i18n.h"

static json_t *jnum(double x) { return isfinite(x) ? json_real(x) : json_null(); }

static double num(const json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* One judged span: its CSAT (sc, or NULL with why in err) and the judgement. */
typedef mi_company_span span;

static json_t *judge(const span *sp, const json_t *sc, const mi_err *err, double target) {
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "period", sp->code, "label", sp->label,
                        "from", sp->d0, "to", sp->d1, "to_date", sp->to_date);
  const json_t *c = sc ? json_object_get(sc, "csat") : NULL;
  const char *why = NULL; /* English in the JSON; marked for text output (mi_tr) */
  if (!sc) {
    why = err->code == MI_ENOTFOUND ? N_("no responses in the span") : err->msg;
  } else if (!c) {
    why = json_string_value(json_object_get(sc, "csat_error"));
    if (!why) why = N_("the survey has no overall question (dimension overall)");
  }
  double p = 100 * num(c, "p"), lo = 100 * num(c, "ci_lower"), hi = 100 * num(c, "ci_upper");
  if (c && !isfinite(lo)) why = N_("the CSAT has no interval");
  if (!why && !isfinite(target)) why = N_("no target: set evaluation.targets.satisfaction");
  json_object_set_new(o, "csat", jnum(p));
  json_object_set_new(o, "ci_lower", jnum(lo));
  json_object_set_new(o, "ci_upper", jnum(hi));
  json_object_set_new(o, "n", json_integer(c ? json_integer_value(json_object_get(c, "n")) : 0));
  json_object_set_new(o, "gap_points", jnum(p - 100 * target));
  json_object_set_new(o, "lower_bound_gap_points", jnum(lo - 100 * target));
  /* compared as shares, as the target is written: 0.9 is met by 0.9 */
  json_object_set_new(o, "status", json_string(why ? "not_assessed"
                                               : num(c, "ci_lower") >= target ? "met" : "not_met"));
  if (why) json_object_set_new(o, "reason", json_string(why));
  return o;
}

int mi_company_target_plan(const mi_config *cfg, const char *survey, const char *period,
                           mi_company_plan *plan, mi_err *e) {
  mi_eval_period p;
  if (mi_eval_period_parse(period, cfg->timezone, &p, e)) return e->code;
  if (!mi_config_find_survey(cfg, survey))
    return mi_err_set(e, MI_EINVAL, "no survey '%s' in the configuration", survey);
  char year[5];
  snprintf(year, sizeof year, "%.4s", period);
  /* the quarters judged so far, then the year to date */
  span *sp = plan->span;
  mi_score_request *rq = plan->rq;
  size_t n = 0;
  int whole_year = 0;
  int64_t year_from = 0;
  char year_from_date[11] = "";
  plan->survey = survey;
  for (int q = 1; q <= 4; q++) {
    mi_eval_period qp;
    snprintf(sp[n].code, sizeof sp[n].code, "%sQ%d", year, q);
    if (mi_eval_period_parse(sp[n].code, cfg->timezone, &qp, e)) return e->code;
    if (q == 1) year_from = qp.from, memcpy(year_from_date, qp.from_date, sizeof year_from_date);
    if (qp.from >= p.to) break; /* after the period: not judged yet */
    int cut = qp.to > p.to;
    whole_year = q == 4 && !cut;
    snprintf(sp[n].label, sizeof sp[n].label, "%s", qp.label);
    memcpy(sp[n].d0, qp.from_date, sizeof sp[n].d0);
    memcpy(sp[n].d1, cut ? p.to_date : qp.to_date, sizeof sp[n].d1);
    sp[n].to_date = cut;
    rq[n] = (mi_score_request){.survey = survey, .from = qp.from, .to = cut ? p.to : qp.to};
    n++;
  }
  snprintf(sp[n].code, sizeof sp[n].code, "%s", year);
  snprintf(sp[n].label, sizeof sp[n].label, "%s-YTD", year);
  memcpy(sp[n].d0, year_from_date, sizeof sp[n].d0);
  memcpy(sp[n].d1, p.to_date, sizeof sp[n].d1);
  sp[n].to_date = !whole_year;
  rq[n] = (mi_score_request){.survey = survey, .from = year_from, .to = p.to};
  plan->n = n + 1;
  return 0;
}

json_t *mi_company_target_judge(const mi_config *cfg, const mi_company_plan *plan,
                                json_t *const *sc, const mi_err *err) {
  double target = mi_eval_target(cfg, "satisfaction");
  json_t *quarters = json_array(), *y = NULL;
  for (size_t i = 0; i < plan->n; i++) {
    json_t *o = judge(&plan->span[i], sc[i], &err[i], target);
    if (i + 1 < plan->n) json_array_append_new(quarters, o);
    else y = o;
  }
  /* NPS (points, -100..100) and the index (0..100) have targets of the same
   * configuration, judged by the report on the period's figures the same way */
  return json_pack("{s:s, s:o, s:s, s:o, s:o, s:{s:o, s:o}}", "survey", plan->survey, "target",
                   jnum(100 * target), "rule",
                   "CSAT (top-2-box, %) not below the target over the year, assessed "
                   "quarterly: a quarter or the year to date meets it when the lower bound of "
                   "its 95 % interval reaches the target; not_assessed without a CSAT figure",
                   "quarters", quarters, "year_to_date", y, "targets", "nps",
                   jnum(mi_eval_target(cfg, "nps")), "index", jnum(mi_eval_target(cfg, "index")));
}

json_t *mi_company_target(mi_store *s, const mi_config *cfg, const char *survey,
                          const char *period, mi_err *e) {
  mi_company_plan plan;
  json_t *sc[5] = {0};
  mi_err err[5];
  if (mi_company_target_plan(cfg, survey, period, &plan, e) ||
      mi_survey_score_many(s, cfg, plan.rq, plan.n, sc, err, e))
    return NULL;
  json_t *out = mi_company_target_judge(cfg, &plan, sc, err);
  for (size_t i = 0; i < plan.n; i++) json_decref(sc[i]);
  return out;
}
