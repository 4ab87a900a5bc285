/* The verdict that opens the report (the document's "summary"), read off the
 * sections already gathered (no pass over the responses of its own): CSAT,
 * NPS and the index against their targets and the previous period with the
 * significant changes marked; the departments meeting or missing their
 * targets; the three drivers whose improvement would raise satisfaction most
 * (importance x gap to the top of the scale); the top complaint causes; the
 * improvement actions due or overdue; and the findings and recommendations
 * as sentences in the report's language (util/i18n.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/i18n.h"
#include "util/timeutil.h"

#define TOP 3
#define DUE_SOON_DAYS 30 /* an action due within this many days of the report is "due" */

static double num(const json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

static json_t *jnum(double x) { return isfinite(x) ? json_real(x) : json_null(); }

static void say(json_t *arr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(json_t *arr, const char *fmt, ...) {
  char buf[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  json_array_append_new(arr, json_string(buf));
}

const char *mi_report_figure_name(const char *figure) {
  if (!strcmp(figure, "csat")) return _("CSAT % (top-2-box)");
  if (!strcmp(figure, "nps")) return _("NPS");
  return _("Index (0-100)");
}

const char *mi_report_metric_name(const char *metric) {
  if (!strcmp(metric, "first_response_met")) return _("first responses in time");
  if (!strcmp(metric, "resolution_rate")) return _("the resolution rate");
  if (!strcmp(metric, "complaint_rate")) return _("the complaint rate");
  if (!strcmp(metric, "satisfaction")) return _("satisfaction");
  return metric;
}

const char *mi_report_quadrant_name(const char *code) {
  if (!code) return "-";
  if (!strcmp(code, "keep_up_the_good_work")) return _("keep up the good work");
  if (!strcmp(code, "concentrate_here")) return _("concentrate here");
  if (!strcmp(code, "low_priority")) return _("low priority");
  if (!strcmp(code, "possible_overkill")) return _("possible overkill");
  return code;
}

/* The headline figures with their targets (CSAT: the company's) and changes. */
static json_t *figures(const json_t *doc, json_t *findings) {
  static const char *const names[] = {"csat", "nps", "index"};
  const json_t *h = json_object_get(doc, "headline"), *ct = json_object_get(doc, "company_target");
  const json_t *quarters = json_object_get(ct, "quarters");
  const json_t *cur_q = json_array_get(quarters, json_array_size(quarters) - 1);
  const char *period = json_string_value(json_object_get(json_object_get(doc, "period"), "code"));
  json_t *arr = json_array();
  for (size_t i = 0; i < 3; i++) {
    const json_t *f = json_object_get(h, names[i]), *ch = json_object_get(f, "change");
    double v = num(f, "value"), pv = num(json_object_get(f, "previous"), "value");
    /* CSAT: the company target's quarter; NPS and the index: their targets
     * (evaluation.targets.nps, .index) by the same rule, on the period's figure */
    double target = num(i == 0 ? ct : json_object_get(ct, "targets"), i == 0 ? "target" : names[i]);
    double lo = num(i == 0 ? cur_q : f, "ci_lower");
    const char *status = NULL;
    if (i == 0 && cur_q && period && !strcmp(json_string_value(json_object_get(cur_q, "period")), period))
      status = json_string_value(json_object_get(cur_q, "status"));
    if (i > 0 && isfinite(target) && isfinite(lo)) status = lo >= target ? "met" : "not_met";
    int sig = json_is_true(json_object_get(ch, "significant"));
    json_array_append_new(
        arr, json_pack("{s:s, s:s, s:o, s:o, s:o, s:b, s:o, s:s?}", "figure", names[i], "name",
                       mi_report_figure_name(names[i]), "value", jnum(v), "previous", jnum(pv),
                       "change", jnum(num(ch, "diff")), "significant", sig, "target", jnum(target),
                       "target_status", status));
    if (!isfinite(v)) continue;
    if (isfinite(pv) && sig)
      say(findings, _("%s changed significantly from %.1f to %.1f (%+.1f) since the previous period."),
          mi_report_figure_name(names[i]), pv, v, v - pv);
    else if (isfinite(pv))
      say(findings, _("%s is %.1f, %+.1f from the previous period (%.1f): no significant change."),
          mi_report_figure_name(names[i]), v, v - pv, pv);
    if (isfinite(target) && status && !strcmp(status, "not_met") && v >= target && isfinite(lo)) {
      say(findings, _("%s of %.1f is above the target of %.1f, but the lower bound of its 95 %% "
                      "interval (%.1f) is below it: not met yet."),
          mi_report_figure_name(names[i]), v, target, lo);
    } else if (isfinite(target) && status && !strcmp(status, "not_met")) {
      say(findings, _("%s of %.1f misses the target of %.1f by %.1f points."),
          mi_report_figure_name(names[i]), v, target, target - v);
    } else if (isfinite(target) && status && !strcmp(status, "met")) {
      say(findings, _("%s of %.1f meets the target of %.1f."), mi_report_figure_name(names[i]), v,
          target);
    }
  }
  return arr;
}

/* Departments by the status of their stored evaluation. */
static json_t *departments(const json_t *doc, json_t *findings, json_t *recs) {
  json_t *meet = json_array(), *miss = json_array(), *na = json_array(), *r;
  size_t i;
  json_array_foreach(json_object_get(json_object_get(doc, "departments"), "rows"), i, r) {
    const char *st = json_string_value(json_object_get(r, "status"));
    json_t *who = json_string(mi_report_name(doc, "departments",
                                             json_string_value(json_object_get(r, "department"))));
    json_array_append_new(st && !strcmp(st, "passed") ? meet : st && !strcmp(st, "failed") ? miss : na, who);
    /* the evaluation policy's verdict (score, grade, passed), in the report's language */
    const char *grade = json_string_value(json_object_get(r, "grade"));
    if (isfinite(num(r, "score")))
      say(findings, _("%s: score %.1f, grade %s, %s."), json_string_value(who), num(r, "score"),
          grade ? grade : "-",
          st && !strcmp(st, "passed")   ? _("meets its targets")
          : st && !strcmp(st, "failed") ? _("misses its targets")
                                        : _("its targets not assessed"));
    const json_t *m;
    const char *metric;
    json_object_foreach(json_object_get(r, "metrics"), metric, m) {
      (void)metric;
      if (json_is_false(json_object_get(m, "met")))
        say(recs, _("%s: bring %s from %.1f %% up to its target of %.1f %%."), json_string_value(who),
            mi_report_metric_name(metric), 100 * num(m, "value"), 100 * num(m, "target"));
    }
  }
  return json_pack("{s:o, s:o, s:o}", "meeting", meet, "missing", miss, "not_assessed", na);
}

/* The items of the drivers by importance x gap (the distance of their mean
 * answer to the top of the scale, on 0-1), largest first. */
static json_t *drivers(const mi_config *cfg, const json_t *doc, json_t *recs) {
  const json_t *d = json_object_get(doc, "drivers");
  json_t *it;
  const mi_config_survey *sv =
      mi_config_find_survey(cfg, json_string_value(json_object_get(doc, "survey")));
  size_t n = json_array_size(json_object_get(d, "items")), i;
  json_t *all = json_array();
  json_array_foreach(json_object_get(d, "items"), i, it) {
    const char *q = json_string_value(json_object_get(it, "question"));
    double lo = 1, hi = 5;
    const char *text = mi_report_name(doc, "questions", q);
    for (size_t k = 0; sv && k < sv->nquestions; k++)
      if (!strcmp(sv->questions[k].code, q)) lo = sv->questions[k].scale_min, hi = sv->questions[k].scale_max;
    double imp = num(it, "importance"), perf = num(it, "performance");
    double gap = hi > lo ? (hi - perf) / (hi - lo) : NAN;
    json_array_append_new(all, json_pack("{s:s, s:s?, s:s?, s:o, s:o, s:o, s:o}", "question", q,
                                         "text", text, "dimension",
                                         json_string_value(json_object_get(it, "dimension")),
                                         "importance", jnum(imp), "performance", jnum(perf), "gap",
                                         jnum(gap), "priority", jnum(imp * gap)));
  }
  /* selection of the TOP largest priorities (n is a handful of items) */
  json_t *top = json_array();
  for (size_t t = 0; t < TOP && t < n; t++) {
    size_t best = n;
    for (size_t k = 0; k < n; k++) {
      json_t *o = json_array_get(all, k);
      if (json_object_get(o, "taken") || !isfinite(num(o, "priority"))) continue;
      if (best == n || num(o, "priority") > num(json_array_get(all, best), "priority")) best = k;
    }
    if (best == n) break;
    json_t *o = json_array_get(all, best);
    json_object_set_new(o, "taken", json_true());
    json_array_append(top, o);
  }
  json_array_foreach(top, i, it) {
    json_object_del(it, "taken");
    const char *text = json_string_value(json_object_get(it, "text"));
    say(recs, _("Improve \"%s\": importance %.1f %% of the explained satisfaction, mean answer %.2f, %.0f %% below the top of the scale."),
        text ? text : json_string_value(json_object_get(it, "question")),
        100 * num(it, "importance"), num(it, "performance"), 100 * num(it, "gap"));
  }
  json_decref(all);
  return top;
}

static json_t *complaints(const json_t *doc, json_t *findings) {
  const json_t *c = json_object_get(json_object_get(json_object_get(doc, "categories"), "complaints"),
                                    "categories");
  json_t *it;
  json_t *top = json_array();
  size_t i;
  json_array_foreach(c, i, it) {
    if (i >= TOP) break;
    json_array_append(top, it);
    say(findings, _("Complaint cause \"%s\": %lld mentions (%.1f %%)."),
        mi_report_name(doc, "categories", json_string_value(json_object_get(it, "category"))),
        (long long)json_integer_value(json_object_get(it, "count")), 100 * num(it, "share"));
  }
  return top;
}

/* Actions not done whose due date is past (overdue) or within
 * DUE_SOON_DAYS of the report's date (due). */
static json_t *actions_due(const json_t *doc, json_t *recs) {
  const char *at = json_string_value(json_object_get(doc, "generated_at"));
  char today[11] = "", soon[11] = "";
  if (at) snprintf(today, sizeof today, "%.10s", at);
  int y, m, d;
  if (sscanf(today, "%d-%d-%d", &y, &m, &d) == 3) {
    int sy, sm, sd;
    mi_civil_from_days(mi_days_from_civil(y, m, d) + DUE_SOON_DAYS, &sy, &sm, &sd);
    snprintf(soon, sizeof soon, "%04d-%02d-%02d", sy, sm, sd);
  }
  json_t *arr = json_array(), *a;
  size_t i;
  json_array_foreach(json_object_get(doc, "actions"), i, a) {
    const char *stage = json_string_value(json_object_get(a, "stage"));
    const char *due = json_string_value(json_object_get(a, "due_date"));
    if (!due || (stage && !strcmp(stage, "done")) || !*soon || strcmp(due, soon) > 0) continue;
    int overdue = strcmp(due, today) < 0;
    const char *title = json_string_value(json_object_get(a, "title"));
    json_array_append_new(arr, json_pack("{s:I, s:s?, s:s?, s:s, s:b}", "id",
                                         json_integer_value(json_object_get(a, "id")), "title", title,
                                         "department", json_string_value(json_object_get(a, "department")),
                                         "due_date", due, "overdue", overdue));
    if (overdue)
      say(recs, _("Action \"%s\" was due on %s and is not done: close it or move its date."),
          title ? title : "-", due);
    else
      say(recs, _("Action \"%s\" is due on %s."), title ? title : "-", due);
  }
  return arr;
}

/* name: the configuration's display name of code in the report's language,
 * else fallback, else the code. */
static void put_name(json_t *map, const mi_config *cfg, const char *kind, const char *code,
                     const char *fallback) {
  if (!code || json_object_get(map, code)) return;
  const char *n = mi_config_display_name(cfg, mi_i18n_lang(), kind, code);
  json_object_set_new(map, code, json_string(n ? n : fallback && *fallback ? fallback : code));
}

/* The names the report shows for the codes it holds ("names" of the
 * document): departments, tiers, the survey, its questions and dimensions,
 * and the text categories of the period. */
static json_t *names(const mi_config *cfg, const json_t *doc) {
  json_t *o = json_pack("{s:{}, s:{}, s:{}, s:{}, s:{}, s:{}}", "departments", "tiers", "surveys",
                        "questions", "dimensions", "categories");
  for (size_t i = 0; i < cfg->ndepartments; i++)
    put_name(json_object_get(o, "departments"), cfg, "departments", cfg->departments[i].code,
             cfg->departments[i].name);
  for (size_t i = 0; i < cfg->ntiers; i++)
    put_name(json_object_get(o, "tiers"), cfg, "tiers", cfg->tiers[i].code, cfg->tiers[i].name);
  const mi_config_survey *sv =
      mi_config_find_survey(cfg, json_string_value(json_object_get(doc, "survey")));
  if (sv) {
    put_name(json_object_get(o, "surveys"), cfg, "surveys", sv->code, sv->name);
    for (size_t d = 0; d < sv->ndimensions; d++)
      put_name(json_object_get(o, "dimensions"), cfg, "dimensions", sv->dimensions[d].name, NULL);
    for (size_t q = 0; q < sv->nquestions; q++) {
      put_name(json_object_get(o, "questions"), cfg, "questions", sv->questions[q].code,
               sv->questions[q].text);
      put_name(json_object_get(o, "dimensions"), cfg, "dimensions", sv->questions[q].dimension, NULL);
    }
  }
  static const char *const sources[] = {"answers", "complaints"};
  for (int k = 0; k < 2; k++) {
    const json_t *c;
    size_t i;
    json_array_foreach(json_object_get(json_object_get(json_object_get(doc, "categories"), sources[k]),
                                       "categories"), i, c)
      put_name(json_object_get(o, "categories"), cfg, "categories",
               json_string_value(json_object_get(c, "category")), NULL);
  }
  return o;
}

const char *mi_report_name(const json_t *doc, const char *kind, const char *code) {
  const char *n = json_string_value(json_object_get(json_object_get(json_object_get(doc, "names"), kind), code));
  if (!n && !strcmp(kind, "surveys")) n = json_string_value(json_object_get(doc, "survey_name"));
  return n ? n : code ? code : "-";
}

int mi_report_add_summary(const mi_config *cfg, json_t *doc) {
  json_object_set_new(doc, "names", names(cfg, doc));
  json_t *findings = json_array(), *recs = json_array();
  json_t *s = json_object();
  json_object_set_new(s, "figures", figures(doc, findings));
  json_object_set_new(s, "departments", departments(doc, findings, recs));
  json_object_set_new(s, "drivers", drivers(cfg, doc, recs));
  json_object_set_new(s, "complaint_causes", complaints(doc, findings));
  json_object_set_new(s, "actions_due", actions_due(doc, recs));
  if (!json_array_size(recs))
    say(recs, "%s", _("Keep the current service levels: no figure misses its target."));
  json_object_set_new(s, "findings", findings);
  json_object_set_new(s, "recommendations", recs);
  json_object_set_new(doc, "language", json_string(mi_i18n_lang()));
  return json_object_set_new(doc, "summary", s) ? MI_ENOMEM : 0;
}
