/* Sections 1-5 of the satisfaction report: sample, headline with the change
 * from the previous period, dimension scores, breakdowns, trend and
 * seasonality (report_season.c). Every
 * figure comes from the survey score service, all of them from one pass over
 * the responses (mi_survey_score_many). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "service/company_target.h"
#include "service/dept_eval.h"
#include "service/survey_score.h"
#include "stats/proptest.h"
#include "store/survey_period.h"
#include "util/period.h"
#include "util/timeutil.h"

static double num(const json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

static json_t *jnum(double x) { return isfinite(x) ? json_real(x) : json_null(); }

/* One headline figure of a score object on the report's scale: CSAT in
 * percent, NPS in points, the index 0-100; {value, ci_lower, ci_upper, se, n}
 * with the design-based se of `survey score`, or null with the reason. */
static json_t *figure(const json_t *sc, const char *name) {
  const json_t *f = json_object_get(sc, name);
  if (!f) {
    char key[32];
    snprintf(key, sizeof key, "%s_error", name);
    const char *why = json_string_value(json_object_get(sc, key));
    return json_pack("{s:n, s:s}", "value", "reason", why ? why : "the survey has no question for it");
  }
  const char *vk = !strcmp(name, "csat") ? "p" : name;
  double k = !strcmp(name, "csat") ? 100 : 1;
  return json_pack("{s:o, s:o, s:o, s:o, s:I}", "value", jnum(k * num(f, vk)), "ci_lower",
                   jnum(k * num(f, "ci_lower")), "ci_upper", jnum(k * num(f, "ci_upper")), "se",
                   jnum(k * num(f, "se")), "n",
                   (json_int_t)json_integer_value(json_object_get(f, "n")));
}

static const char *const figures[] = {"csat", "nps", "index"};

/* Tests b against a (a: previous period or the rest, b: this period or the
 * group), every figure alike: the z test on the difference of two
 * independent estimates with their design-based standard errors, z = (b -
 * a) / sqrt(se_a^2 + se_b^2), p two-sided from the normal. (Counts are no
 * basis: a design-weighted wave's weighted count of satisfied is not a count
 * of answers.) {diff, se, z, p_value, significant} or NULL. */
static json_t *compare(const json_t *a, const json_t *b) {
  double va = num(a, "value"), vb = num(b, "value");
  if (!isfinite(va) || !isfinite(vb)) return NULL;
  mi_err e = {0};
  mi_stats_z_test t;
  if (mi_stats_z_diff(va, num(a, "se"), vb, num(b, "se"), &t, &e)) return NULL;
  return json_pack("{s:o, s:o, s:o, s:o, s:b}", "diff", jnum(t.diff), "se", jnum(t.se), "z",
                   jnum(t.z), "p_value", jnum(t.p_value), "significant",
                   isfinite(t.p_value) && t.p_value < MI_REPORT_ALPHA);
}

#define MI_REPORT_TEST                                                                     \
  "z test on the difference of two independent estimates with their design-based "      \
  "standard errors, z = (b - a) / sqrt(se_a^2 + se_b^2), p two-sided from the normal"

/* Section 2: this period's figures, the previous period's and the change. */
static json_t *headline(const json_t *cur, const json_t *prev, const char *prev_reason) {
  json_t *h = json_object();
  for (size_t i = 0; i < 3; i++) {
    json_t *f = figure(cur, figures[i]), *pf = prev ? figure(prev, figures[i]) : NULL;
    json_t *ch = pf ? compare(pf, f) : NULL;
    json_object_set_new(f, "previous", pf ? pf : json_null());
    json_object_set_new(f, "change", ch ? ch : json_null());
    if (ch) json_object_set_new(f, "test", json_string(MI_REPORT_TEST));
    else json_object_set_new(f, "change_reason",
                             json_string(prev_reason ? prev_reason
                                                     : "no figure to compare in one of the periods"));
    json_object_set_new(h, figures[i], f);
  }
  return h;
}

/* Section 1: invitations and responses of the period, by wave. */
static json_t *sample(mi_store *s, const char *survey, const mi_eval_period *p,
                      const json_t *cur, mi_err *e) {
  mi_period_invitations *w;
  size_t n;
  if (mi_survey_period_invitations(s, survey, p->from, p->to, &w, &n, e)) return NULL;
  /* the invitations by wave and the period's responses by wave (counted in
   * the report's pass), both in wave code order, side by side */
  const json_t *counted = json_object_get(cur, "waves");
  size_t nc = json_array_size(counted), i = 0, j = 0;
  json_t *waves = json_array();
  int64_t inv = 0, ans = 0, resp = 0;
  while (i < n || j < nc) {
    const json_t *c = j < nc ? json_array_get(counted, j) : NULL;
    const char *cw = c ? json_string_value(json_object_get(c, "wave")) : NULL;
    int order = i == n ? 1 : !cw ? -1 : strcmp(w[i].wave, cw);
    const char *code = order <= 0 ? w[i].wave : cw;
    int64_t winv = order <= 0 ? w[i].invitations : 0, wans = order <= 0 ? w[i].answered : 0;
    int64_t wresp = order >= 0 ? json_integer_value(json_object_get(c, "responses")) : 0;
    int64_t wflag = order >= 0 ? json_integer_value(json_object_get(c, "flagged")) : 0;
    inv += winv, ans += wans, resp += wresp;
    json_array_append_new(
        waves, json_pack("{s:s?, s:I, s:I, s:o, s:I, s:I}", "wave", *code ? code : NULL,
                         "invitations", (json_int_t)winv, "answered", (json_int_t)wans,
                         "response_rate", winv ? json_real((double)wans / (double)winv) : json_null(),
                         "responses", (json_int_t)wresp, "flagged", (json_int_t)wflag));
    if (order <= 0) i++;
    if (order >= 0) j++;
  }
  free(w);
  return json_pack("{s:I, s:I, s:o, s:s, s:I, s:I, s:I, s:o}", "invitations", (json_int_t)inv,
                   "invitations_answered", (json_int_t)ans, "response_rate",
                   inv ? json_real((double)ans / (double)inv) : json_null(), "response_rate_note",
                   inv ? "answered invitations of those created in the period"
                       : "no invitations were created in the period (responses without an "
                         "invitation have no rate)",
                   "responses", (json_int_t)resp, "flagged_left_out",
                   json_integer_value(json_object_get(cur, "flagged_left_out")), "scored",
                   json_integer_value(json_object_get(cur, "responses")), "waves", waves);
}

/* Section 3: the dimension scores 0-100 with their weights. */
static json_t *dimensions(const json_t *cur, const json_t *prev) {
  const json_t *idx = json_object_get(cur, "index");
  const json_t *pidx = prev ? json_object_get(json_object_get(prev, "index"), "dimension_score_0_100") : NULL;
  json_t *arr = json_array(), *v;
  const char *d;
  json_object_foreach(json_object_get(idx, "dimension_score_0_100"), d, v) {
    json_array_append_new(arr, json_pack("{s:s, s:o, s:o, s:I, s:o}", "dimension", d, "score",
                                         jnum(json_number_value(v)), "weight",
                                         jnum(num(json_object_get(idx, "weights"), d)), "n",
                                         json_integer_value(json_object_get(
                                             json_object_get(idx, "dimension_n"), d)),
                                         "previous", jnum(num(pidx, d))));
  }
  return arr;
}

/* Section 4: by G, each group's figures against the rest of the period,
 * from a score with every group and its rest as domains of the whole design. */
static json_t *breakdown(const json_t *all) {
  json_t *arr = json_array(), *g;
  const char *level;
  json_object_foreach(json_object_get(all, "groups"), level, g) {
    json_t *rest = json_object_get(g, "rest");
    if (json_integer_value(json_object_get(rest, "responses")) == 0)
      rest = NULL; /* a single group: nothing to compare with */
    json_t *row = json_pack("{s:s, s:I}", "group", level, "responses",
                            json_integer_value(json_object_get(g, "responses")));
    int differs = 0;
    for (size_t i = 0; i < 3; i++) {
      json_t *f = figure(g, figures[i]), *rf = rest ? figure(rest, figures[i]) : NULL;
      json_t *t = rf ? compare(rf, f) : NULL;
      differs |= t && json_is_true(json_object_get(t, "significant"));
      json_object_set_new(f, "vs_rest", t ? t : json_null());
      json_object_set_new(row, figures[i], f);
      json_decref(rf);
    }
    json_object_set_new(row, "differs", json_boolean(differs));
    json_array_append_new(arr, row);
  }
  return arr;
}

/* The scores of sections 1-5, all from one pass over the responses: the
 * period, the previous one, the four breakdowns and the periods of the
 * trend and the seasonality (the last MI_REPORT_TREND periods and the last
 * MI_REPORT_SEASON_YEARS years of quarters or months, oldest first; periods
 * before 1970 left out). */
enum { S_CUR, S_PREV, S_TIER, S_REGION, S_CHANNEL, S_DEPARTMENT, S_PERIODS };
#define MAX_PERIODS (MI_REPORT_SEASON_YEARS * 12 > MI_REPORT_TREND ? MI_REPORT_SEASON_YEARS * 12 \
                                                                  : MI_REPORT_TREND)
typedef struct scores {
  size_t n, nperiods, company; /* company: where the company target's requests start */
  mi_score_request rq[S_PERIODS + MAX_PERIODS + 5];
  json_t *out[S_PERIODS + MAX_PERIODS + 5];
  mi_err err[S_PERIODS + MAX_PERIODS + 5];
  char code[MAX_PERIODS][16];
  mi_eval_period per[MAX_PERIODS];
  mi_company_plan plan; /* section 2's company target, scored in the same pass */
} scores;

static void scores_free(scores *sc) {
  for (size_t i = 0; i < sc->n; i++) json_decref(sc->out[i]);
  free(sc);
}

static scores *score_all(mi_store *s, const mi_config *cfg, const char *survey, const char *period,
                         const mi_eval_period *p, const mi_eval_period *pp, mi_err *e) {
  scores *sc = calloc(1, sizeof *sc);
  if (!sc) return mi_err_set(e, MI_ENOMEM, "out of memory"), NULL;
  static const char *const by[S_PERIODS] = {NULL, NULL, "tier", "region", "channel", "department"};
  for (int i = 0; i < S_PERIODS; i++) {
    const mi_eval_period *q = i == S_PREV ? pp : p;
    sc->rq[i] = (mi_score_request){.survey = survey, .from = q->from, .to = q->to, .by = by[i],
                                   .with_rest = by[i] != NULL,
                                   .drivers = i == S_CUR ? MI_REPORT_BOOTSTRAP : 0,
                                   .count_waves = i == S_CUR};
  }
  sc->n = S_PERIODS;
  int f = (int)mi_report_season_frequency(period), ns = MI_REPORT_SEASON_YEARS * f;
  int np = ns > MI_REPORT_TREND ? ns : MI_REPORT_TREND;
  for (int k = np - 1; k >= 0; k--) {
    size_t j = sc->nperiods;
    if (mi_period_shift(period, -k, sc->code[j], sizeof sc->code[j], e)) {
      mi_err_clear(e);
      continue; /* before 1970 */
    }
    if (mi_eval_period_parse(sc->code[j], cfg->timezone, &sc->per[j], e)) break;
    sc->rq[sc->n++] = (mi_score_request){.survey = survey, .from = sc->per[j].from,
                                         .to = sc->per[j].to};
    sc->nperiods++;
  }
  mi_err_clear(e);
  if (mi_company_target_plan(cfg, survey, period, &sc->plan, e)) {
    free(sc);
    return NULL;
  }
  sc->company = sc->n;
  for (size_t i = 0; i < sc->plan.n; i++) sc->rq[sc->n++] = sc->plan.rq[i];
  if (mi_survey_score_many(s, cfg, sc->rq, sc->n, sc->out, sc->err, e)) {
    free(sc);
    return NULL;
  }
  return sc;
}

/* Section 5: the headline figures of each period of sc. */
static json_t *periods(const scores *sc) {
  json_t *arr = json_array();
  for (size_t j = 0; j < sc->nperiods; j++) {
    const json_t *o = sc->out[S_PERIODS + j];
    json_t *pt = json_pack("{s:s, s:s, s:I}", "period", sc->code[j], "label", sc->per[j].label,
                           "responses", o ? json_integer_value(json_object_get(o, "responses")) : 0);
    for (size_t i = 0; i < 3; i++)
      json_object_set_new(pt, figures[i], o ? figure(o, figures[i]) : json_null());
    if (!o) json_object_set_new(pt, "reason", json_string(sc->err[S_PERIODS + j].msg));
    json_array_append_new(arr, pt);
  }
  return arr;
}

/* Section 5: the trend (the last MI_REPORT_TREND periods) and the
 * seasonality (the last MI_REPORT_SEASON_YEARS years of quarters or months). */
static void trend(const scores *sc, const char *period, json_t **tr, json_t **season) {
  int f = (int)mi_report_season_frequency(period), ns = MI_REPORT_SEASON_YEARS * f;
  json_t *all = periods(sc);
  size_t n = json_array_size(all), from = n > MI_REPORT_TREND ? n - MI_REPORT_TREND : 0;
  *tr = json_array();
  for (size_t i = from; i < n; i++) json_array_append(*tr, json_array_get(all, i));
  json_t *last = json_array();
  for (size_t i = n > (size_t)ns ? n - (size_t)ns : 0; i < n; i++)
    json_array_append(last, json_array_get(all, i));
  *season = mi_report_seasonality(period, last);
  json_decref(last), json_decref(all);
}

static json_t *period_json(const char *code, const mi_eval_period *p) {
  return json_pack("{s:s, s:s, s:s, s:s}", "code", code, "label", p->label, "from", p->from_date,
                   "to", p->to_date);
}

json_t *mi_report_gather(mi_store *s, const mi_config *cfg, const mi_report_request *r, mi_err *e) {
  const char *survey = r->survey ? r->survey : cfg->nsurveys ? cfg->surveys[0].code : NULL;
  if (!survey) return mi_err_set(e, MI_EINVAL, "the configuration has no surveys"), NULL;
  const mi_config_survey *sv = mi_config_find_survey(cfg, survey);
  if (!sv) return mi_err_set(e, MI_EINVAL, "no survey '%s' in the configuration", survey), NULL;
  mi_eval_period p, pp;
  char prev_code[16];
  if (mi_eval_period_parse(r->period, cfg->timezone, &p, e) ||
      mi_period_shift(r->period, -1, prev_code, sizeof prev_code, e) ||
      mi_eval_period_parse(prev_code, cfg->timezone, &pp, e))
    return NULL;
  scores *sc = score_all(s, cfg, survey, r->period, &p, &pp, e);
  if (!sc) return NULL;
  json_t *cur = sc->out[S_CUR], *prev = sc->out[S_PREV];
  if (!cur) {
    *e = sc->err[S_CUR];
    if (e->code == MI_ENOTFOUND)
      mi_err_set(e, MI_ENOTFOUND, "no responses to survey %s in %s (%s to %s, %s): nothing to "
                 "report", survey, r->period, p.from_date, p.to_date, cfg->timezone);
    scores_free(sc);
    return NULL;
  }
  char prev_reason[300] = "";
  if (!prev && sc->err[S_PREV].code != MI_ENOTFOUND) {
    *e = sc->err[S_PREV];
    scores_free(sc);
    return NULL;
  }
  if (!prev) snprintf(prev_reason, sizeof prev_reason, "the previous period %s has no responses",
                      prev_code);
  for (int i = S_TIER; i < S_PERIODS; i++)
    if (!sc->out[i]) {
      *e = sc->err[i];
      scores_free(sc);
      return NULL;
    }
  char at[21];
  mi_instant_format(r->now, at);
  json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:f, s:f}", "report", "satisfaction",
                          "generated_at", at, "survey", survey, "survey_name",
                          sv->name ? sv->name : survey, "period", period_json(r->period, &p),
                          "previous_period", period_json(prev_code, &pp), "alpha",
                          MI_REPORT_ALPHA, "conf", 0.95);
  json_t *smp = sample(s, survey, &p, cur, e);
  if (!smp) {
    json_decref(doc), scores_free(sc);
    return NULL;
  }
  json_t *tier = breakdown(sc->out[S_TIER]), *region = breakdown(sc->out[S_REGION]);
  json_t *channel = breakdown(sc->out[S_CHANNEL]), *dept = breakdown(sc->out[S_DEPARTMENT]);
  json_t *tr, *season;
  trend(sc, r->period, &tr, &season);
  json_object_set_new(doc, "sample", smp);
  json_object_set_new(doc, "headline", headline(cur, prev, *prev_reason ? prev_reason : NULL));
  json_t *company = mi_company_target_judge(cfg, &sc->plan, sc->out + sc->company, sc->err + sc->company);
  if (!company) {
    json_decref(tier), json_decref(region), json_decref(channel), json_decref(dept),
        json_decref(tr), json_decref(season), json_decref(doc);
    scores_free(sc);
    return NULL;
  }
  json_object_set_new(doc, "company_target", company);
  json_object_set_new(doc, "dimensions", dimensions(cur, prev));
  json_object_set_new(
      doc, "breakdowns",
      json_pack("{s:s, s:f, s:o, s:o, s:o, s:o, s:s}", "test",
                "each group against the rest of the period's responses by the " MI_REPORT_TEST
                " (the group and the rest taken as independent); a group differs when p is "
                "below alpha",
                "alpha", MI_REPORT_ALPHA, "tier", tier, "region", region, "channel", channel,
                "department", dept, "department_note",
                "department: of the ticket the invitation followed; responses without one "
                "(e.g. relationship waves) are in no department group"));
  json_object_set_new(doc, "trend", tr);
  json_object_set_new(doc, "seasonality", season);
  int rc = mi_report_gather_more(s, cfg, doc, cur, p.from, p.to, p.label, e);
  if (!rc) rc = mi_report_gather_causes(s, cfg, doc, p.from, p.to, e);
  if (!rc) rc = mi_report_add_followups(s, doc, p.from, p.to, e);
  if (!rc && (rc = mi_report_add_summary(cfg, doc))) mi_err_set(e, rc, "out of memory");
  scores_free(sc);
  if (rc) {
    json_decref(doc);
    return NULL;
  }
  return doc;
}
