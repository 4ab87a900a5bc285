#include "service/kpi.h"

#include <math.h>
#include <stdlib.h>

#include "service/dept_eval.h"
#include "stats/stats.h"
#include "store/kpi_counts.h"
#include "util/period.h"

static json_t *num_or_null(double v) { return isfinite(v) ? json_real(v) : json_null(); }

/* {numerator, denominator, rate, ci_lower, ci_upper, method}; rate and
 * interval null when the denominator is 0. */
static json_t *rate(int64_t x, int64_t n, double conf, mi_err *e) {
  mi_stats_prop_result pr = {.p = NAN, .ci_lower = NAN, .ci_upper = NAN};
  if (n > 0 && mi_stats_prop_ci((double)x, (size_t)n, conf, MI_STATS_PROP_WILSON, &pr, e))
    return NULL;
  return json_pack("{s:I, s:I, s:o, s:o, s:o, s:s}", "numerator", (json_int_t)x, "denominator",
                   (json_int_t)n, "rate", num_or_null(pr.p), "ci_lower", num_or_null(pr.ci_lower),
                   "ci_upper", num_or_null(pr.ci_upper), "method", "wilson");
}

/* The six KPIs of one group's counts, set on o. */
static int figures(json_t *o, const mi_kpi_counts *k, double conf, mi_err *e) {
  json_t *rec = rate(k->promoters, k->nps_answers, conf, e);
  json_t *rep = rec ? rate(k->repurchased, k->ordered_before, conf, e) : NULL;
  json_t *cmp = rep ? rate(k->active_complained, k->active, conf, e) : NULL;
  json_t *ret = cmp ? rate(k->retained, k->active_previous, conf, e) : NULL;
  json_t *chu = ret ? rate(k->active_previous - k->retained, k->active_previous, conf, e) : NULL;
  json_t *grw = chu ? rate(k->new_customers, k->active, conf, e) : NULL;
  if (!grw) {
    json_decref(rec), json_decref(rep), json_decref(cmp), json_decref(ret), json_decref(chu);
    return e->code ? e->code : MI_ENOMEM;
  }
  json_object_set_new(cmp, "complaints", json_integer(k->complaints));
  json_object_set_new(cmp, "purchases", json_integer(k->purchases));
  json_object_set_new(cmp, "complaints_per_100_purchases",
                      num_or_null(k->purchases ? 100.0 * (double)k->complaints /
                                                     (double)k->purchases
                                               : NAN));
  int64_t net = k->active - k->active_previous;
  json_t *growth = json_pack(
      "{s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "new_customers", (json_int_t)k->new_customers,
      "new_previous", (json_int_t)k->new_previous, "active", (json_int_t)k->active,
      "active_previous", (json_int_t)k->active_previous, "net_growth", (json_int_t)net,
      "growth_rate",
      num_or_null(k->active_previous ? (double)net / (double)k->active_previous : NAN),
      "new_share", grw);
  json_object_set_new(o, "recommendation_rate", rec);
  json_object_set_new(o, "repurchase_rate", rep);
  json_object_set_new(o, "complaint_rate", cmp);
  json_object_set_new(o, "retention_rate", ret);
  json_object_set_new(o, "churn_rate", chu);
  json_object_set_new(o, "customer_growth", growth);
  return 0;
}

json_t *mi_kpi(mi_store *s, const mi_config *cfg, const char *period, const char *by, double conf,
               mi_err *e) {
  char prev[16];
  mi_eval_period p, pp;
  if (mi_period_shift(period, -1, prev, sizeof prev, e) ||
      mi_eval_period_parse(period, cfg->timezone, &p, e) ||
      mi_eval_period_parse(prev, cfg->timezone, &pp, e))
    return NULL;
  mi_kpi_counts *all = NULL, *groups = NULL;
  size_t nall = 0, ngroups = 0;
  json_t *o = NULL;
  if (mi_kpi_counts_get(s, NULL, pp.from, p.from, p.to, &all, &nall, e) ||
      (by && mi_kpi_counts_get(s, by, pp.from, p.from, p.to, &groups, &ngroups, e)))
    goto done;
  o = json_pack("{s:s, s:s, s:s, s:s, s:f}", "period", p.label, "previous_period", pp.label,
                "from", p.from_date, "to", p.to_date, "conf", conf);
  mi_kpi_counts none = {0};
  if (figures(o, nall ? all : &none, conf, e)) goto fail;
  if (by) {
    json_t *g = json_object();
    json_object_set_new(o, "by", json_string(by));
    json_object_set_new(o, "groups", g);
    for (size_t i = 0; i < ngroups; i++) {
      json_t *one = json_object();
      json_object_set_new(g, groups[i].group, one);
      if (figures(one, &groups[i], conf, e)) goto fail;
    }
  }
  goto done;
fail:
  json_decref(o);
  o = NULL;
done:
  free(all), free(groups);
  return o;
}
