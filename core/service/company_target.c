/* The company's CSAT against the satisfaction target, per quarter of the
 * year and for the year to date, judged on the interval's lower bound (see
 * company_target.h). Every figure comes from mi_survey_score. */
#include "service/company_target.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "service/dept_eval.h"
#include "service/survey_score.h"

static json_t *jnum(double x) { return isfinite(x) ? json_real(x) : json_null(); }

static double num(const json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* One judged span [from, to): its CSAT and the judgement. */
static json_t *judge(mi_store *s, const mi_config *cfg, const char *survey, const char *code,
                     const char *label, int64_t from, int64_t to, const char *d0,
                     const char *d1, int to_date, double target, mi_err *e) {
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "period", code, "label", label, "from", d0,
                        "to", d1, "to_date", to_date);
  mi_score_request r = {.survey = survey, .from = from, .to = to};
  json_t *sc = mi_survey_score(s, cfg, &r, e);
  const json_t *c = sc ? json_object_get(sc, "csat") : NULL;
  const char *why = NULL;
  if (!sc) {
    if (e->code == MI_ENOMEM) return json_decref(o), NULL;
    why = e->code == MI_ENOTFOUND ? "no responses in the span" : e->msg;
  } else if (!c) {
    why = json_string_value(json_object_get(sc, "csat_error"));
    if (!why) why = "the survey has no overall question (dimension overall)";
  }
  double p = 100 * num(c, "p"), lo = 100 * num(c, "ci_lower"), hi = 100 * num(c, "ci_upper");
  if (c && !isfinite(lo)) why = "the CSAT has no interval";
  if (!why && !isfinite(target)) why = "no target: set evaluation.targets.satisfaction";
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
  json_decref(sc);
  mi_err_clear(e);
  return o;
}

json_t *mi_company_target(mi_store *s, const mi_config *cfg, const char *survey,
                          const char *period, mi_err *e) {
  mi_eval_period p;
  if (mi_eval_period_parse(period, cfg->timezone, &p, e)) return NULL;
  if (!mi_config_find_survey(cfg, survey))
    return mi_err_set(e, MI_EINVAL, "no survey '%s' in the configuration", survey), NULL;
  double target = mi_eval_target(cfg, "satisfaction");
  char year[5];
  snprintf(year, sizeof year, "%.4s", period);
  json_t *quarters = json_array();
  int64_t year_from = 0;
  char year_from_date[11] = "";
  int whole_year = 0;
  for (int q = 1; q <= 4; q++) {
    char code[8];
    mi_eval_period qp;
    snprintf(code, sizeof code, "%sQ%d", year, q);
    if (mi_eval_period_parse(code, cfg->timezone, &qp, e)) return json_decref(quarters), NULL;
    if (q == 1) year_from = qp.from, memcpy(year_from_date, qp.from_date, sizeof year_from_date);
    if (qp.from >= p.to) break; /* after the period: not judged yet */
    int cut = qp.to > p.to;
    whole_year = q == 4 && !cut;
    json_t *o = judge(s, cfg, survey, code, qp.label, qp.from, cut ? p.to : qp.to, qp.from_date,
                      cut ? p.to_date : qp.to_date, cut, target, e);
    if (!o) return json_decref(quarters), NULL;
    json_array_append_new(quarters, o);
  }
  char ytd[16];
  snprintf(ytd, sizeof ytd, "%s-YTD", year);
  json_t *y = judge(s, cfg, survey, year, ytd, year_from, p.to, year_from_date, p.to_date,
                    !whole_year, target, e);
  if (!y) return json_decref(quarters), NULL;
  return json_pack("{s:s, s:o, s:s, s:o, s:o}", "survey", survey, "target", jnum(100 * target),
                   "rule",
                   "CSAT (top-2-box, %) not below the target over the year, assessed "
                   "quarterly: a quarter or the year to date meets it when the lower bound of "
                   "its 95 % interval reaches the target; not_assessed without a CSAT figure",
                   "quarters", quarters, "year_to_date", y);
}
