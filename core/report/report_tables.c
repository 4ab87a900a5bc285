/* The report document as sections of text tables, formatted once here so
 * that Markdown and HTML show the same digits: shares and scores with one
 * decimal, p-values with three. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "util/i18n.h"

static double num(const json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

static json_t *str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *str(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return json_string(buf);
}

/* x with one decimal (scaled by k), "-" when absent */
static json_t *f1(double x, double k) { return isfinite(x) ? str("%.1f", k * x) : json_string("-"); }
static json_t *ci(const json_t *f) {
  double lo = num(f, "ci_lower"), hi = num(f, "ci_upper");
  return isfinite(lo) && isfinite(hi) ? str("[%.1f, %.1f]", lo, hi) : json_string("-");
}
static json_t *pval(double p) {
  return !isfinite(p) ? json_string("-") : p < 0.001 ? json_string("<0.001") : str("%.3f", p);
}
static const char *sv(const json_t *v) {
  const char *s = json_string_value(v);
  return s ? s : "-";
}
static json_t *text(const json_t *v) {
  const char *s = json_string_value(v);
  return json_string(s ? s : "-");
}
static json_t *count(const json_t *o, const char *k) {
  return str("%lld", (long long)json_integer_value(json_object_get(o, k)));
}

typedef struct section {
  json_t *o, *notes, *tables;
} section;

static section add_section(json_t *all, const char *id, const char *title) {
  section s = {.o = json_pack("{s:s, s:s, s:[], s:[]}", "id", id, "title", title, "notes", "tables")};
  s.notes = json_object_get(s.o, "notes");
  s.tables = json_object_get(s.o, "tables");
  json_array_append_new(all, s.o);
  return s;
}

static void note(section *s, json_t *n) { json_array_append_new(s->notes, n); }

/* A table with its columns ("a|b|c"); returns its rows array. */
static json_t *add_table(section *s, const char *id, const char *caption, const char *columns) {
  json_t *cols = json_array();
  char buf[512];
  snprintf(buf, sizeof buf, "%s", columns);
  for (char *save = NULL, *c = strtok_r(buf, "|", &save); c; c = strtok_r(NULL, "|", &save))
    json_array_append_new(cols, json_string(c));
  json_t *t = json_pack("{s:s, s:s, s:o, s:[], s:[]}", "id", id, "caption", caption, "columns",
                        cols, "rows", "row_ids");
  json_array_append_new(s->tables, t);
  return t;
}

/* Appends a row (cells: new references, NULL-terminated) with its id. */
static void row(json_t *t, const char *id, ...) {
  json_t *r = json_array(), *c;
  va_list ap;
  va_start(ap, id);
  while ((c = va_arg(ap, json_t *))) json_array_append_new(r, c);
  va_end(ap);
  json_array_append_new(json_object_get(t, "rows"), r);
  json_array_append_new(json_object_get(t, "row_ids"), json_string(id ? id : ""));
}

static void sample(json_t *all, const json_t *doc) {
  const json_t *s = json_object_get(doc, "sample"), *w;
  section sec = add_section(all, "sample", _("1. Sample and responses"));
  json_t *t = add_table(&sec, "sample", _("The period's invitations and responses"), _("figure|value"));
  row(t, "invitations", json_string(_("invitations created")), count(s, "invitations"), NULL);
  row(t, "answered", json_string(_("of those answered")), count(s, "invitations_answered"), NULL);
  row(t, "response_rate", json_string(_("response rate %")), f1(num(s, "response_rate"), 100), NULL);
  row(t, "responses", json_string(_("responses submitted")), count(s, "responses"), NULL);
  row(t, "flagged", json_string(_("flagged by cleaning, left out")), count(s, "flagged_left_out"), NULL);
  row(t, "scored", json_string(_("responses scored")), count(s, "scored"), NULL);
  note(&sec, text(json_object_get(s, "response_rate_note")));
  t = add_table(&sec, "waves", _("By wave"), _("wave|invitations|answered|response rate %|responses|flagged"));
  size_t i;
  json_array_foreach(json_object_get(s, "waves"), i, w) {
    const char *wave = json_string_value(json_object_get(w, "wave"));
    row(t, wave, json_string(wave ? wave : "(no wave)"), count(w, "invitations"),
        count(w, "answered"), f1(num(w, "response_rate"), 100), count(w, "responses"),
        count(w, "flagged"), NULL);
  }
}

static const char *const figures[] = {"csat", "nps", "index"};

static json_t *status_text(const json_t *o) {
  const char *st = sv(json_object_get(o, "status"));
  return json_string(!strcmp(st, "met") ? _("met") : !strcmp(st, "not_met") ? _("not met")
                     : !strcmp(st, "not_assessed") ? _("not assessed") : "-");
}

static json_t *signed1(double x) { return isfinite(x) ? str("%+.1f", x) : json_string("-"); }

/* In section 2: the company's CSAT against the target per quarter and for
 * the year to date. */
static void company_target(section *sec, const json_t *doc) {
  const json_t *c = json_object_get(doc, "company_target"), *q;
  if (!c) return;
  double target = num(c, "target");
  char cap[160];
  if (isfinite(target))
    snprintf(cap, sizeof cap, _("The company's CSAT against the target of %.1f %%"), target);
  else
    snprintf(cap, sizeof cap, "%s", _("The company's CSAT (no target configured)"));
  json_t *t = add_table(sec, "company_target", cap,
                        /* xgettext:no-c-format */ _("span|CSAT %|95% interval|n|gap (points)|lower bound gap (points)|judged"));
  size_t i;
  const json_t *ytd = json_object_get(c, "year_to_date");
  for (i = 0; i <= json_array_size(json_object_get(c, "quarters")); i++) {
    q = i < json_array_size(json_object_get(c, "quarters"))
            ? json_array_get(json_object_get(c, "quarters"), i) : ytd;
    char label[48];
    snprintf(label, sizeof label, "%s%s", sv(json_object_get(q, "label")),
             q != ytd && json_is_true(json_object_get(q, "to_date")) ? _(" (to date)") : "");
    row(t, sv(json_object_get(q, "label")), json_string(label), f1(num(q, "csat"), 1),
        ci(q), count(q, "n"), signed1(num(q, "gap_points")),
        signed1(num(q, "lower_bound_gap_points")), status_text(q), NULL);
    const char *why = json_string_value(json_object_get(q, "reason"));
    if (why) note(sec, str("%s: not assessed: %s.", sv(json_object_get(q, "label")), why));
  }
  note(sec, str(_("Target: %s."), sv(json_object_get(c, "rule"))));
}

static void headline(json_t *all, const json_t *doc) {
  const json_t *h = json_object_get(doc, "headline");
  section sec = add_section(all, "headline", _("2. Headline"));
  char cap[160];
  snprintf(cap, sizeof cap, _("%s against %s"), sv(json_object_get(json_object_get(doc, "period"), "label")),
           sv(json_object_get(json_object_get(doc, "previous_period"), "label")));
  json_t *t = add_table(&sec, "headline", cap,
                        /* xgettext:no-c-format */ _("figure|value|95% interval|n|previous|change|p-value|significant"));
  for (size_t i = 0; i < 3; i++) {
    const json_t *f = json_object_get(h, figures[i]), *p = json_object_get(f, "previous");
    const json_t *c = json_object_get(f, "change");
    if (!json_is_object(c)) c = NULL; /* null: not tested, with change_reason */
    double diff = num(c, "diff");
    row(t, figures[i], json_string(mi_report_figure_name(figures[i])), f1(num(f, "value"), 1), ci(f),
        count(f, "n"), f1(num(p, "value"), 1),
        isfinite(diff) ? str("%+.1f", diff) : json_string("-"),
        pval(num(c, "p_value")),
        json_string(!c ? "-" : json_is_true(json_object_get(c, "significant")) ? _("yes") : _("no")),
        NULL);
    const char *why = json_string_value(json_object_get(f, "change_reason"));
    if (why && i == 0) note(&sec, str(_("No change is tested: %s."), why));
  }
  const char *test = NULL;
  for (size_t i = 0; i < 3 && !test; i++)
    test = json_string_value(json_object_get(json_object_get(h, figures[i]), "test"));
  if (test) note(&sec, str(_("Change: %s; significant when p is below %.2f."), test, num(doc, "alpha")));
  company_target(&sec, doc);
}

static void dimensions(json_t *all, const json_t *doc) {
  section sec = add_section(all, "dimensions", _("3. Dimension scores (0-100)"));
  json_t *t = add_table(&sec, "dimensions", _("Mean answer of each dimension on 0-100"),
                        _("dimension|weight|score|previous|n")), *d;
  size_t i;
  json_array_foreach(json_object_get(doc, "dimensions"), i, d) {
    const char *name = json_string_value(json_object_get(d, "dimension"));
    row(t, name, json_string(mi_report_name(doc, "dimensions", name)), str("%.2f", num(d, "weight")), f1(num(d, "score"), 1),
        f1(num(d, "previous"), 1), count(d, "n"), NULL);
  }
}

static json_t *marked(const json_t *f) {
  const json_t *v = json_object_get(f, "vs_rest");
  char buf[64];
  snprintf(buf, sizeof buf, "%.1f%s", num(f, "value"),
           json_is_true(json_object_get(v, "significant")) ? " *" : "");
  return isfinite(num(f, "value")) ? json_string(buf) : json_string("-");
}

static void breakdowns(json_t *all, const json_t *doc) {
  const json_t *b = json_object_get(doc, "breakdowns");
  section sec = add_section(all, "breakdowns", _("4. Breakdowns"));
  const char *bys[] = {"tier", "region", "channel", "department"};
  for (int k = 0; k < 4; k++) {
    static const char *const caps[] = {N_("By tier"), N_("By region"), N_("By channel"),
                                       N_("By department")};
    static const char *const kinds[] = {"tiers", NULL, NULL, "departments"};
    char id[32];
    snprintf(id, sizeof id, "by_%s", bys[k]);
    json_t *t = add_table(&sec, id, mi_tr(caps[k]), _("group|responses|CSAT %|p|NPS|p|index|p|differs")), *g;
    size_t i;
    json_array_foreach(json_object_get(b, bys[k]), i, g) {
      const char *name = json_string_value(json_object_get(g, "group"));
      const json_t *f[3];
      for (int j = 0; j < 3; j++) f[j] = json_object_get(g, figures[j]);
      row(t, name, json_string(kinds[k] ? mi_report_name(doc, kinds[k], name) : name ? name : "-"),
          count(g, "responses"), marked(f[0]),
          pval(num(json_object_get(f[0], "vs_rest"), "p_value")), marked(f[1]),
          pval(num(json_object_get(f[1], "vs_rest"), "p_value")), marked(f[2]),
          pval(num(json_object_get(f[2], "vs_rest"), "p_value")),
          json_string(json_is_true(json_object_get(g, "differs")) ? _("yes") : _("no")), NULL);
    }
  }
  note(&sec, str("* differs from the rest at alpha %.2f. Test: %s.", num(b, "alpha"),
                 sv(json_object_get(b, "test"))));
  note(&sec, text(json_object_get(b, "department_note")));
}

/* The seasonality's tables, under the trend: the seasonal figure by
 * position in the year, the report's period adjusted, the decomposition. */
static void seasonality(section *sec, const json_t *so) {
  if (!json_is_true(json_object_get(so, "available"))) {
    const char *why = json_string_value(json_object_get(so, "reason"));
    if (why) {
      note(sec, str(_("Seasonality: not computed: %s."), why));
      return;
    }
  }
  const json_t *fo[3];
  for (int k = 0; k < 3; k++) fo[k] = json_object_get(so, figures[k]);
  for (int k = 0; k < 3; k++)
    if (!json_is_true(json_object_get(fo[k], "available")))
      note(sec, str(_("Seasonality of %s: not computed: %s."), mi_report_figure_name(figures[k]),
                    sv(json_object_get(fo[k], "reason"))));
  if (!json_is_true(json_object_get(so, "available"))) return;
  const char *unit = sv(json_object_get(so, "unit"));
  char cap[160], cols[96];
  size_t f = (size_t)json_integer_value(json_object_get(so, "frequency")), i;
  snprintf(cap, sizeof cap, _("Seasonal figure by %s (above or below the trend)"), unit);
  snprintf(cols, sizeof cols, "%s|CSAT %%|NPS|index", unit);
  json_t *t = add_table(sec, "seasonal", cap, cols);
  for (i = 0; i < f; i++) {
    const json_t *s[3];
    for (int k = 0; k < 3; k++) s[k] = json_array_get(json_object_get(fo[k], "seasonal"), i);
    const char *label = json_string_value(json_object_get(s[0] ? s[0] : s[1] ? s[1] : s[2], "label"));
    row(t, label, json_string(label ? label : "-"), f1(num(s[0], "value"), 1),
        f1(num(s[1], "value"), 1), f1(num(s[2], "value"), 1), NULL);
  }
  t = add_table(sec, "adjusted", _("The period seasonally adjusted, and the last centred trend"),
                _("figure|period|value|seasonal|adjusted|trend|trend period"));
  for (int k = 0; k < 3; k++) {
    const json_t *l = json_object_get(fo[k], "last"), *tl = json_object_get(fo[k], "trend_last");
    row(t, figures[k], json_string(mi_report_figure_name(figures[k])), text(json_object_get(l, "period")),
        f1(num(l, "value"), 1), f1(num(l, "seasonal"), 1), f1(num(l, "adjusted"), 1),
        f1(num(tl, "value"), 1), text(json_object_get(tl, "period")), NULL);
  }
  t = add_table(sec, "decomposition", _("The series and its centred moving average"),
                _("period|CSAT %|trend|NPS|trend|index|trend"));
  const json_t *code;
  json_array_foreach(json_object_get(so, "periods"), i, code) {
    json_t *c[6];
    for (int k = 0; k < 3; k++) {
      c[2 * k] = f1(json_number_value(json_array_get(json_object_get(fo[k], "values"), i)), 1);
      const json_t *tv = json_array_get(json_object_get(fo[k], "trend"), i);
      c[2 * k + 1] = json_is_number(tv) ? f1(json_number_value(tv), 1) : json_string("-");
      if (!json_is_number(json_array_get(json_object_get(fo[k], "values"), i)))
        json_decref(c[2 * k]), c[2 * k] = json_string("-");
    }
    row(t, json_string_value(code), text(json_array_get(json_object_get(so, "labels"), i)), c[0],
        c[1], c[2], c[3], c[4], c[5], NULL);
  }
  note(sec, str(_("Seasonality over %s."), sv(json_object_get(so, "span"))));
  note(sec, str(_("Method: %s."), sv(json_object_get(so, "method"))));
}

static void trend(json_t *all, const json_t *doc) {
  section sec = add_section(all, "trend", _("5. Trend and seasonality"));
  json_t *t = add_table(&sec, "trend", _("The headline figures of the last periods"),
                        _("period|responses|CSAT %|NPS|index")), *p;
  size_t i;
  json_array_foreach(json_object_get(doc, "trend"), i, p) {
    const char *code = json_string_value(json_object_get(p, "period"));
    row(t, code, text(json_object_get(p, "label")), count(p, "responses"),
        f1(num(json_object_get(p, "csat"), "value"), 1),
        f1(num(json_object_get(p, "nps"), "value"), 1),
        f1(num(json_object_get(p, "index"), "value"), 1), NULL);
  }
  seasonality(&sec, json_object_get(doc, "seasonality"));
}

static void drivers(json_t *all, const json_t *doc) {
  const json_t *d = json_object_get(doc, "drivers"), *it;
  section sec = add_section(all, "drivers", _("6. Key drivers of overall satisfaction"));
  if (!json_is_array(json_object_get(d, "items"))) {
    note(&sec, str(_("Not computed: %s."), sv(json_object_get(d, "reason"))));
    return;
  }
  json_t *t = add_table(&sec, "drivers", _("Relative weights (share of R^2) and the quadrant"),
                        /* xgettext:no-c-format */ _("question|dimension|share %|95% interval|performance|quadrant"));
  size_t i;
  json_array_foreach(json_object_get(d, "items"), i, it) {
    const char *q = json_string_value(json_object_get(it, "question"));
    double lo = num(it, "share_lower"), hi = num(it, "share_upper");
    row(t, q, json_string(mi_report_name(doc, "questions", q)),
        json_string(mi_report_name(doc, "dimensions", json_string_value(json_object_get(it, "dimension")))),
        f1(num(it, "share"), 100),
        isfinite(lo) ? str("[%.1f, %.1f]", 100 * lo, 100 * hi) : json_string("-"),
        str("%.2f", num(it, "performance")),
        json_string(mi_report_quadrant_name(json_string_value(json_object_get(it, "quadrant")))), NULL);
  }
  note(&sec, str(_("Outcome %s, %lld complete answers, R^2 %.3f; %lld bootstrap replicates (Poisson weights), seed %lld."),
                 mi_report_name(doc, "questions", sv(json_object_get(d, "outcome"))),
                 (long long)json_integer_value(json_object_get(d, "n")), num(d, "r_squared"),
                 (long long)json_integer_value(json_object_get(d, "bootstrap")),
                 (long long)json_integer_value(json_object_get(d, "seed"))));
  note(&sec, text(json_object_get(d, "method")));
}

static void pareto(section *sec, const json_t *doc, const json_t *p, const char *id,
                   const char *caption) {
  json_t *t = add_table(sec, id, caption, _("category|count|share %|cumulative %")), *c;
  size_t i;
  json_array_foreach(json_object_get(p, "categories"), i, c) {
    const char *name = json_string_value(json_object_get(c, "category"));
    row(t, name, json_string(mi_report_name(doc, "categories", name)), count(c, "count"),
        f1(num(c, "share"), 100),
        f1(num(c, "cumulative"), 100), NULL);
  }
}

static void categories(json_t *all, const json_t *doc) {
  const json_t *c = json_object_get(doc, "categories");
  section sec = add_section(all, "categories", _("7. Open answers and complaints by category"));
  pareto(&sec, doc, json_object_get(c, "answers"), "pareto_answers", _("Open answers (Pareto)"));
  pareto(&sec, doc, json_object_get(c, "complaints"), "pareto_complaints", _("Complaints (Pareto)"));
  note(&sec, text(json_object_get(c, "note")));
}

static void departments(json_t *all, const json_t *doc) {
  const json_t *d = json_object_get(doc, "departments"), *r;
  section sec = add_section(all, "departments", _("8. Department evaluation"));
  note(&sec, text(json_object_get(d, "note")));
  if (!json_array_size(json_object_get(d, "rows"))) return;
  json_t *t = add_table(&sec, "departments", _("Score, grade and the figures judged"),
                        _("department|name|score|grade|passed|first response met %|resolution %|complaints %"));
  size_t i;
  json_array_foreach(json_object_get(d, "rows"), i, r) {
    const char *code = json_string_value(json_object_get(r, "department"));
    const json_t *m = json_object_get(r, "metrics");
    const char *st = sv(json_object_get(r, "status"));
    row(t, code, json_string(code ? code : "-"), json_string(mi_report_name(doc, "departments", code)),
        f1(num(r, "score"), 1),
        text(json_object_get(r, "grade")),
        json_string(!strcmp(st, "passed") ? "yes" : !strcmp(st, "failed") ? "no"
                    : !strcmp(st, "not_assessed") ? "not assessed" : "-"),
        f1(num(json_object_get(m, "first_response_met"), "value"), 100),
        f1(num(json_object_get(m, "resolution_rate"), "value"), 100),
        f1(num(json_object_get(m, "complaint_rate"), "value"), 100), NULL);
    json_t *why;
    size_t k;
    json_array_foreach(json_object_get(r, "reasons"), k, why)
      if (k > 0) note(&sec, str("%s: %s", code, json_string_value(why)));
  }
}

static void actions(json_t *all, const json_t *doc) {
  section sec = add_section(all, "actions", _("9. Improvement actions"));
  const json_t *arr = json_object_get(doc, "actions"), *a;
  if (!json_array_size(arr)) {
    note(&sec, json_string(_("No improvement action was open or closed in the period: `manyi action add` plans one.")));
    return;
  }
  json_t *t = add_table(&sec, "actions", _("Open in the period or closed in it, with the measured effect"),
                        _("id|department|title|stage|metric|before %|after %|change|p-value"));
  size_t i;
  json_array_foreach(arr, i, a) {
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(a, "id")));
    double ch = num(a, "change");
    row(t, id, json_string(id), text(json_object_get(a, "department")),
        text(json_object_get(a, "title")), text(json_object_get(a, "stage")),
        text(json_object_get(a, "metric")), f1(num(a, "baseline_rate"), 100),
        f1(num(a, "after_rate"), 100), isfinite(ch) ? str("%+.1f", 100 * ch) : json_string("-"),
        pval(num(a, "p_value")), NULL);
  }
}

/* Section 0, the verdict: the summary of report_summary.c. Tables with
 * nothing to show are one sentence instead. */
static void verdict(json_t *all, const json_t *doc) {
  const json_t *s = json_object_get(doc, "summary"), *v;
  if (!s) return;
  section sec = add_section(all, "summary", _("Summary"));
  json_t *t = add_table(&sec, "summary_figures", _("The headline figures against their targets and the previous period"),
                        _("figure|this period|previous|change|target|status"));
  size_t i;
  json_array_foreach(json_object_get(s, "figures"), i, v) {
    const char *st = json_string_value(json_object_get(v, "target_status"));
    double ch = num(v, "change");
    row(t, sv(json_object_get(v, "figure")), json_string(mi_report_figure_name(sv(json_object_get(v, "figure")))),
        f1(num(v, "value"), 1), f1(num(v, "previous"), 1),
        isfinite(ch) ? str("%+.1f%s", ch, json_is_true(json_object_get(v, "significant")) ? " *" : "")
                     : json_string("-"),
        isfinite(num(v, "target")) ? f1(num(v, "target"), 1) : json_string(_("no target set")),
        json_string(!st ? "-" : !strcmp(st, "met") ? _("met") : !strcmp(st, "not_met") ? _("not met")
                                                                 : _("not assessed")),
        NULL);
  }
  note(&sec, json_string(_("* a significant change from the previous period (alpha 0.05).")));
  const json_t *d = json_object_get(s, "departments");
  char buf[600];
  static const char *const groups[] = {"meeting", "missing", "not_assessed"};
  int any = 0;
  for (size_t g = 0; g < 3; g++) {
    const json_t *arr = json_object_get(d, groups[g]);
    if (!json_array_size(arr)) continue;
    char names[400] = "";
    json_array_foreach(arr, i, v) {
      if (i) strncat(names, _(", "), sizeof names - strlen(names) - 1);
      strncat(names, sv(v), sizeof names - strlen(names) - 1);
    }
    if (g == 0) snprintf(buf, sizeof buf, _("Departments meeting their targets: %s."), names);
    else if (g == 1) snprintf(buf, sizeof buf, _("Departments missing their targets: %s."), names);
    else snprintf(buf, sizeof buf, _("Departments not assessed: %s."), names);
    note(&sec, json_string(buf));
    any = 1;
  }
  if (!any)
    note(&sec, json_string(_("No department evaluation is stored for the period: run `manyi eval departments` for it to show which departments meet their targets.")));
  if (json_array_size(json_object_get(s, "drivers"))) {
    t = add_table(&sec, "summary_drivers", _("The three drivers whose improvement would raise satisfaction most (importance x gap)"),
                  _("question|importance %|mean answer|gap %|priority"));
    json_array_foreach(json_object_get(s, "drivers"), i, v) {
      const char *q = sv(json_object_get(v, "question")), *txt = json_string_value(json_object_get(v, "text"));
      row(t, q, json_string(txt ? txt : q), f1(num(v, "importance"), 100), str("%.2f", num(v, "performance")),
          f1(num(v, "gap"), 100), str("%.3f", num(v, "priority")), NULL);
    }
  } else {
    note(&sec, json_string(_("No key drivers: they need enough complete answers to every dimension question in the period.")));
  }
  if (!json_array_size(json_object_get(s, "complaint_causes")))
    note(&sec, json_string(_("No complaint causes: no complaint text of the period is coded yet (`manyi survey code --complaints` codes them).")));
  if (!json_array_size(json_object_get(s, "actions_due")))
    note(&sec, json_string(_("No improvement action is due or overdue.")));
  section fr = add_section(all, "findings", _("Findings and recommendations"));
  json_array_foreach(json_object_get(s, "findings"), i, v) note(&fr, json_string(sv(v)));
  json_array_foreach(json_object_get(s, "recommendations"), i, v) {
    snprintf(buf, sizeof buf, _("Recommendation: %s"), sv(v));
    note(&fr, json_string(buf));
  }
}

/* Why a table has no rows, and what would fill it (by table id). */
static const char *empty_reason(const char *id) {
  if (!strcmp(id, "by_tier")) return _("No breakdown by tier: no customer has a tier yet (`manyi eval tiers` assigns them).");
  if (!strcmp(id, "by_department"))
    return _("No breakdown by department: no response of the period followed a ticket (follow-up surveys after resolved tickets fill it).");
  if (!strcmp(id, "by_region")) return _("No breakdown by region: the period's customers have no region.");
  if (!strcmp(id, "by_channel")) return _("No breakdown by channel: the period's responses carry no channel.");
  if (!strcmp(id, "waves")) return _("No survey wave: the period's responses came without one (`manyi survey wave` draws one).");
  if (!strcmp(id, "pareto_answers"))
    return _("No open answer of the period is coded yet (`manyi survey code` codes them).");
  if (!strcmp(id, "pareto_complaints"))
    return _("No complaint of the period is coded yet (`manyi survey code --complaints` codes them).");
  if (!strcmp(id, "departments")) return NULL; /* the section's note says to run the evaluation */
  return _("Nothing to show in this period.");
}

/* Nothing empty: a table without rows is replaced by one sentence. */
static void drop_empty_tables(json_t *all) {
  json_t *sec;
  size_t i;
  json_array_foreach(all, i, sec) {
    json_t *tables = json_object_get(sec, "tables");
    for (size_t j = json_array_size(tables); j-- > 0;) {
      json_t *t = json_array_get(tables, j);
      if (json_array_size(json_object_get(t, "rows"))) continue;
      const char *why = empty_reason(json_string_value(json_object_get(t, "id")));
      if (why) json_array_insert_new(json_object_get(sec, "notes"), 0, json_string(why));
      json_array_remove(tables, j);
    }
  }
}

json_t *mi_report_tables(const json_t *doc) {
  json_t *all = json_array();
  verdict(all, doc);
  sample(all, doc);
  headline(all, doc);
  dimensions(all, doc);
  breakdowns(all, doc);
  trend(all, doc);
  drivers(all, doc);
  categories(all, doc);
  departments(all, doc);
  actions(all, doc);
  mi_report_tables_causes(all, doc);
  mi_report_followups_section(all, doc);
  drop_empty_tables(all);
  return all;
}
