/* The satisfaction report as one self-contained HTML page: the tables of
 * report_tables.c rendered here, the charts drawn in the browser by
 * Chart.js (read from Debian's libjs-chart.js and inlined) from the report
 * document embedded as JSON (core/report/page/page.js). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"
#include "util/i18n.h"

extern const char mi_report_page_css[], mi_report_page_js[]; /* report_page.c, generated */

const char *mi_report_chartjs_path(void) {
  const char *env = getenv("MANYI_CHARTJS");
  if (env && *env) return env;
  static const char *const paths[] = {"/usr/share/javascript/chart.js/chart.min.js",
                                      "/usr/share/javascript/chart.js/Chart.min.js",
                                      "/usr/share/javascript/chart.js/chart.js"};
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
    if (!access(paths[i], R_OK)) return paths[i];
  return NULL;
}

/* Text as HTML content or attribute value. */
static void esc(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default: fputc(*s, f);
    }
  }
}

/* Script text: no "</" that could end the element early. In the JSON,
 * '<', '>' and '&' only occur inside strings, where \u escapes mean the same. */
static void script_json(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '<') fputs("\\u003c", f);
    else if (*s == '>') fputs("\\u003e", f);
    else if (*s == '&') fputs("\\u0026", f);
    else fputc(*s, f);
  }
}

static void script_js(FILE *f, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '<' && i + 1 < n && s[i + 1] == '/') fputs("<\\", f); /* "<\/" in JS is "</" */
    else fputc(s[i], f);
  }
}

static int read_file(const char *path, char **out, size_t *n, mi_err *e) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return mi_err_set(e, MI_EIO, "cannot read Chart.js at %s: %s (install Debian's package "
                      "libjs-chart.js, or give the file with --chartjs or MANYI_CHARTJS)", path,
                      strerror(errno));
  size_t cap = 1 << 20, len = 0;
  char *buf = malloc(cap);
  while (buf) {
    len += fread(buf + len, 1, cap - len, f);
    if (len < cap) break;
    char *b = realloc(buf, cap *= 2);
    if (!b) free(buf);
    buf = b;
  }
  int bad = ferror(f);
  fclose(f);
  if (!buf) return mi_err_set(e, MI_ENOMEM, "out of memory reading %s", path);
  if (bad) {
    free(buf);
    return mi_err_set(e, MI_EIO, "cannot read Chart.js at %s", path);
  }
  *out = buf, *n = len;
  return 0;
}

/* Whether a chart has anything to draw: a chart without data is one
 * sentence saying why and what would fill it, not an empty frame. */
static const char *chart_empty(const json_t *doc, const char *id) {
  const json_t *cat = json_object_get(doc, "categories");
  if (!strcmp(id, "chart-seasonal") &&
      !json_is_true(json_object_get(json_object_get(doc, "seasonality"), "available")))
    return _("No seasonal chart: the seasonality needs three years of quarters or months with figures.");
  if ((!strcmp(id, "chart-drivers") || !strcmp(id, "chart-quadrant")) &&
      !json_array_size(json_object_get(json_object_get(doc, "drivers"), "items")))
    return _("No drivers chart: the key drivers need enough complete answers to every dimension question.");
  if (!strcmp(id, "chart-pareto") &&
      !json_array_size(json_object_get(json_object_get(cat, "answers"), "categories")))
    return _("No Pareto chart of open answers: none of the period is coded yet (`manyi survey code` codes them).");
  if (!strcmp(id, "chart-pareto-complaints") &&
      !json_array_size(json_object_get(json_object_get(cat, "complaints"), "categories")))
    return _("No Pareto chart of complaints: none of the period is coded yet (`manyi survey code --complaints` codes them).");
  if (!strcmp(id, "chart-trend") && json_array_size(json_object_get(doc, "trend")) < 2)
    return _("No trend chart: it needs at least two periods.");
  return NULL;
}

/* The charts shown above a section's tables, by section id. */
static void charts(FILE *f, const json_t *doc, const char *section) {
  static const struct {
    const char *section, *id, *label;
    int w, h;
  } all[] = {{"dimensions", "chart-dimensions", N_("dimension scores"), 700, 320},
             {"trend", "chart-trend", N_("trend"), 700, 320},
             {"trend", "chart-seasonal", N_("seasonal figure"), 520, 320},
             {"drivers", "chart-drivers", N_("key drivers"), 520, 320},
             {"drivers", "chart-quadrant", N_("importance-performance quadrant"), 520, 320},
             {"categories", "chart-pareto", N_("open answers Pareto"), 520, 320},
             {"categories", "chart-pareto-complaints", N_("complaints Pareto"), 520, 320}};
  int open = 0;
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
    if (strcmp(all[i].section, section)) continue;
    const char *why = chart_empty(doc, all[i].id);
    if (why) {
      fputs("<p class=\"empty\">", f), esc(f, why), fputs("</p>\n", f);
      continue;
    }
    if (!open++) fputs("<div class=\"charts\">\n", f);
    fprintf(f, "<canvas id=\"%s\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"", all[i].id,
            all[i].w, all[i].h);
    esc(f, mi_tr(all[i].label));
    fputs("\"></canvas>\n", f);
  }
  if (open) fputs("</div>\n", f);
}

static void table(FILE *f, const json_t *t) {
  const json_t *c, *r;
  size_t i, j;
  fputs("<table id=\"t-", f);
  esc(f, json_string_value(json_object_get(t, "id")));
  fputs("\"><caption>", f);
  esc(f, json_string_value(json_object_get(t, "caption")));
  fputs("</caption>\n<thead><tr>", f);
  json_array_foreach(json_object_get(t, "columns"), i, c) {
    fputs("<th>", f), esc(f, json_string_value(c)), fputs("</th>", f);
  }
  fputs("</tr></thead>\n<tbody>\n", f);
  const json_t *ids = json_object_get(t, "row_ids");
  json_array_foreach(json_object_get(t, "rows"), i, r) {
    fputs("<tr data-row=\"", f);
    esc(f, json_string_value(json_array_get(ids, i)));
    fputs("\">", f);
    json_array_foreach(r, j, c) { fputs("<td>", f), esc(f, json_string_value(c)), fputs("</td>", f); }
    fputs("</tr>\n", f);
  }
  fputs("</tbody></table>\n", f);
}

int mi_report_write_html(const json_t *doc, const char *chartjs, FILE *f, mi_err *e) {
  char *lib = NULL;
  size_t nlib = 0;
  if (!chartjs) chartjs = mi_report_chartjs_path();
  if (!chartjs)
    return mi_err_set(e, MI_ENOTFOUND, "the HTML report needs Chart.js: install Debian's package "
                      "libjs-chart.js, or give the file with --chartjs or MANYI_CHARTJS");
  if (read_file(chartjs, &lib, &nlib, e)) return e->code;
  char *data = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(17));
  json_t *sections = mi_report_tables(doc);
  if (!data || !sections) {
    free(lib), free(data), json_decref(sections);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  const json_t *p = json_object_get(doc, "period");
  const char *label = json_string_value(json_object_get(p, "label"));
  const char *name = mi_report_name(doc, "surveys", json_string_value(json_object_get(doc, "survey")));
  const char *lang = json_string_value(json_object_get(doc, "language"));
  int zh = lang && !strcmp(lang, "zh_CN");
  char meta[400];
  snprintf(meta, sizeof meta, _("Period %s to %s (end exclusive), generated %s by manyi."),
           json_string_value(json_object_get(p, "from")), json_string_value(json_object_get(p, "to")),
           json_string_value(json_object_get(doc, "generated_at")));
  fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
          zh ? "zh-CN" : "en");
  esc(f, _("Satisfaction report")), fputs(" ", f), esc(f, label), fputs(": ", f), esc(f, name);
  fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", mi_report_page_css);
  esc(f, _("Satisfaction report")), fputs(" ", f);
  esc(f, label), fputs(": ", f), esc(f, name), fputs(" (", f);
  esc(f, json_string_value(json_object_get(doc, "survey"))), fputs(")</h1>\n<p class=\"meta\">", f);
  esc(f, meta), fputs("</p>\n", f);
  const json_t *s, *v;
  size_t i, j;
  json_array_foreach(sections, i, s) {
    const char *id = json_string_value(json_object_get(s, "id"));
    fputs("<section id=\"s-", f), esc(f, id), fputs("\">\n<h2>", f);
    esc(f, json_string_value(json_object_get(s, "title"))), fputs("</h2>\n", f);
    charts(f, doc, id);
    json_array_foreach(json_object_get(s, "tables"), j, v) table(f, v);
    json_array_foreach(json_object_get(s, "notes"), j, v) {
      fputs("<p class=\"note\">", f), esc(f, json_string_value(v)), fputs("</p>\n", f);
    }
    fputs("</section>\n", f);
  }
  /* names the charts show, in the report's language */
  json_t *labels = json_object();
  static const char *const quadrants[] = {"keep_up_the_good_work", "concentrate_here", "low_priority",
                                          "possible_overkill"};
  for (size_t q = 0; q < 4; q++)
    json_object_set_new(labels, quadrants[q], json_string(mi_report_quadrant_name(quadrants[q])));
  char *ltext = json_dumps(labels, JSON_COMPACT | JSON_ENSURE_ASCII);
  json_decref(labels);
  fputs("<script type=\"application/json\" id=\"manyi-labels\">", f);
  script_json(f, ltext ? ltext : "{}");
  free(ltext);
  fputs("</script>\n<script type=\"application/json\" id=\"manyi-data\">", f);
  script_json(f, data);
  fputs("</script>\n<script>\n", f);
  script_js(f, lib, nlib);
  fputs("\n</script>\n<script>\n", f);
  script_js(f, mi_report_page_js, strlen(mi_report_page_js));
  fputs("</script>\n</body>\n</html>\n", f);
  free(lib), free(data), json_decref(sections);
  if (ferror(f)) return mi_err_set(e, MI_EIO, "writing the report: %s", strerror(errno));
  return 0;
}
