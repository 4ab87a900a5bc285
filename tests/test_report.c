/* The satisfaction report (core/report): periods stepped back, the errors
 * of gathering, escaping in the Markdown and the HTML page, and the
 * seasonality's decomposition, positions and reasons. The full
 * report on the example is tests/e2e/report.sh. */
#include "fixture.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "report/report.h"
#include "service/sync.h"
#include "store/store.h"
#include "util/period.h"

static char dir[] = "/tmp/manyi-test-report-XXXXXX";
static mi_config *cfg;

static const char *yaml =
    "version: 1\n"
    "database: t.db\n"
    "timezone: Asia/Shanghai\n"
    "calendars: {office: {hours: {mon: [09:00-17:00]}}}\n"
    "departments: [{code: support, name: Support, calendar: office}]\n"
    "surveys:\n"
    "  - code: csat\n"
    "    name: Satisfaction\n"
    "    kind: csat\n"
    "    dimensions: {quality: 1}\n"
    "    questions:\n"
    "      - {code: q_overall, text: Overall, dimension: overall, scale: [1, 5]}\n"
    "      - {code: q_quality, text: Quality, dimension: quality, scale: [1, 5]}\n";

static int setup(void **state) {
  (void)state;
  return mi_test_tmpdir(dir) || mi_test_config(yaml, dir, &cfg);
}

static int teardown(void **state) {
  (void)state;
  mi_config_free(cfg);
  return mi_test_rmdir(dir);
}

static void shifted(const char *p, int k, const char *want) {
  char out[16];
  mi_err e = {0};
  assert_int_equal(mi_period_shift(p, k, out, sizeof out, &e), 0);
  assert_string_equal(out, want);
}

static void test_period_shift(void **state) {
  (void)state;
  shifted("2026Q3", -1, "2026Q2");
  shifted("2026Q1", -1, "2025Q4");
  shifted("2026Q3", -7, "2024Q4");
  shifted("2026-01", -1, "2025-12");
  shifted("2026-09", 4, "2027-01");
  shifted("2026", -1, "2025");
  shifted("2026-03-01", -1, "2026-02-28");
  char out[16];
  mi_err e = {0};
  assert_int_equal(mi_period_shift("2026Q5", -1, out, sizeof out, &e), MI_EPARSE);
  assert_int_equal(mi_period_shift(NULL, -1, out, sizeof out, &e), MI_EPARSE);
  assert_int_equal(mi_period_shift("1970Q1", -1, out, sizeof out, &e), MI_EINVAL);
}

static void test_gather_errors(void **state) {
  (void)state;
  char path[512];
  snprintf(path, sizeof path, "%s/g.db", dir);
  mi_store *s;
  mi_err e = {0};
  assert_int_equal(mi_store_open(path, MI_STORE_CREATE, &s, &e), 0);
  assert_int_equal(mi_sync_config(s, cfg, 1, NULL, &e), 0);
  mi_report_request r = {.survey = "nope", .period = "2026Q3"};
  assert_null(mi_report_gather(s, cfg, &r, &e));
  assert_int_equal(e.code, MI_EINVAL);
  assert_non_null(strstr(e.msg, "no survey 'nope'"));
  r.survey = NULL, r.period = "2026-13";
  assert_null(mi_report_gather(s, cfg, &r, &e));
  assert_int_equal(e.code, MI_EPARSE);
  r.period = "2026Q3";
  assert_null(mi_report_gather(s, cfg, &r, &e)); /* the first survey, but no responses */
  assert_int_equal(e.code, MI_ENOTFOUND);
  assert_non_null(strstr(e.msg, "no responses to survey csat in 2026Q3"));
  mi_store_close(s);
}

/* A document with markup in every string the page shows. */
static json_t *hostile_doc(void) {
  return json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:{s:s}, s:[{s:s, s:f, s:f, s:I}],"
                   " s:{s:[], s:[]}, s:{s:s, s:b, s:[]}, s:[]}",
                   "survey", "csat", "survey_name", "</script><script>bad()</script>|x",
                   "generated_at", "2026-11-23T00:00:00Z", "period", "code", "2026Q3", "label",
                   "<b>Q3</b>", "from", "2026-07-01", "to", "2026-10-01", "previous_period",
                   "label", "Q2", "dimensions", "dimension", "<img src=x onerror=bad()>",
                   "score", 50.0, "weight", 1.0, "n", (json_int_t)3, "breakdowns", "tier",
                   "region", "departments", "note", "n", "evaluated", 0, "rows", "actions");
}

static char *render(int html, const json_t *doc, const char *chartjs) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  mi_err e = {0};
  assert_non_null(f);
  int rc = html ? mi_report_write_html(doc, chartjs, f, &e) : mi_report_write_md(doc, f, &e);
  fclose(f);
  if (rc) mi_err_print(&e, stderr);
  assert_int_equal(rc, 0);
  return buf;
}

static size_t count(const char *s, const char *needle) {
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, needle)); p++) n++;
  return n;
}

static void test_escaping(void **state) {
  (void)state;
  char js[512];
  snprintf(js, sizeof js, "%s/chart.js", dir);
  FILE *f = fopen(js, "w");
  assert_non_null(f);
  fputs("window.Chart = function () {}; var s = \"</script>\";\n", f);
  fclose(f);
  json_t *doc = hostile_doc();
  char *html = render(1, doc, js);
  assert_int_equal(count(html, "</script"), 4); /* the four script elements' own ends (data, labels, Chart.js, page) */
  assert_int_equal(count(html, "<script"), 4);
  assert_null(strstr(html, "<b>"));
  assert_null(strstr(html, "<img"));
  assert_non_null(strstr(html, "&lt;/script&gt;&lt;script&gt;bad()&lt;/script&gt;|x"));
  assert_non_null(strstr(html, "\\u003c/script\\u003e")); /* in the embedded JSON */
  assert_non_null(strstr(html, "var s = \"<\\/script>\""));
  char *md = render(0, doc, NULL);
  assert_null(strstr(md, "<"));
  assert_non_null(strstr(md, "&lt;/script&gt;&lt;script&gt;bad()&lt;/script&gt;\\|x"));
  free(html), free(md);
  mi_err e = {0};
  snprintf(js, sizeof js, "%s/none.js", dir);
  FILE *g = open_memstream(&html, &(size_t){0});
  assert_int_equal(mi_report_write_html(doc, js, g, &e), MI_EIO);
  assert_non_null(strstr(e.msg, "libjs-chart.js"));
  fclose(g);
  free(html);
  json_decref(doc);
}

/* Points of consecutive periods from `first` (n of them) with CSAT
 * values x (NaN: a period without responses), as the trend makes them. */
static json_t *points(const char *first, const double *x, size_t n) {
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    char code[16];
    mi_err e = {0};
    assert_int_equal(mi_period_shift(first, (int)i, code, sizeof code, &e), 0);
    json_array_append_new(arr, json_pack("{s:s, s:s, s:o}", "period", code, "label", code, "csat",
                                         isnan(x[i]) ? json_null() : json_pack("{s:f}", "value", x[i])));
  }
  return arr;
}

static double at(const json_t *o, const char *path1, size_t i, const char *key) {
  const json_t *v = json_array_get(json_object_get(o, path1), i);
  return json_number_value(key ? json_object_get(v, key) : v);
}

static void test_seasonality(void **state) {
  (void)state;
  assert_int_equal(mi_report_season_frequency("2026Q3"), 4);
  assert_int_equal(mi_report_season_frequency("2026-09"), 12);
  assert_int_equal(mi_report_season_frequency("2026"), 0);
  assert_int_equal(mi_report_season_frequency("2026-09-14"), 0);
  assert_int_equal(mi_report_season_frequency(NULL), 0);
  json_t *o = mi_report_seasonality("2026", NULL);
  assert_true(json_is_false(json_object_get(o, "available")));
  assert_non_null(strstr(json_string_value(json_object_get(o, "reason")), "position in the year"));
  json_decref(o);

  /* A linear trend plus a seasonal pattern summing to 0, starting in Q3:
   * the centred moving average of a line is the line and averages the
   * pattern away, so the decomposition gives back the pattern (by calendar
   * quarter) and the line exactly (by hand, no fixture). */
  const double pattern[4] = {2, -1, 0.5, -1.5}; /* Q1..Q4 */
  double x[12];
  for (int i = 0; i < 12; i++) x[i] = 70 + 0.5 * i + pattern[(i + 2) % 4];
  json_t *pts = points("2024Q3", x, 12);
  o = mi_report_seasonality("2027Q2", pts);
  const json_t *c = json_object_get(o, "csat");
  assert_true(json_is_true(json_object_get(o, "available")));
  assert_true(json_is_true(json_object_get(c, "available")));
  for (size_t q = 0; q < 4; q++) {
    assert_float_equal(at(c, "seasonal", q, "value"), pattern[q], 1e-12);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(c, "seasonal"), q), "position")), q + 1);
  }
  assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(c, "seasonal"), 2), "label")), "Q3");
  assert_true(json_is_null(json_array_get(json_object_get(c, "trend"), 1)));
  for (size_t i = 2; i < 10; i++) assert_float_equal(at(c, "trend", i, NULL), 70 + 0.5 * (double)i, 1e-12);
  const json_t *last = json_object_get(c, "last");
  assert_string_equal(json_string_value(json_object_get(last, "period")), "2027Q2");
  assert_float_equal(json_number_value(json_object_get(last, "seasonal")), -1, 1e-12);
  assert_float_equal(json_number_value(json_object_get(last, "adjusted")), 75.5, 1e-12);
  assert_string_equal(json_string_value(json_object_get(json_object_get(c, "trend_last"), "period")), "2026Q4");
  /* the survey has no NPS: said so, not left out */
  assert_non_null(strstr(json_string_value(json_object_get(json_object_get(o, "nps"), "reason")),
                         "0 of the 12 quarters from 2024Q3 to 2027Q2 have an NPS figure"));
  json_decref(o);

  /* too few: 7 of 8 quarters with a figure */
  x[3] = NAN;
  json_decref(pts);
  pts = points("2024Q3", x, 8);
  o = mi_report_seasonality("2026Q2", pts);
  c = json_object_get(o, "csat");
  assert_true(json_is_false(json_object_get(o, "available")));
  assert_string_equal(json_string_value(json_object_get(c, "reason")),
                      "7 of the 8 quarters from 2024Q3 to 2026Q2 have a CSAT figure; the "
                      "decomposition needs at least 8 (two full years)");
  assert_int_equal(json_integer_value(json_object_get(c, "n")), 7);
  assert_true(json_is_null(json_array_get(json_object_get(c, "values"), 3)));
  json_decref(o), json_decref(pts);

  /* enough months, but a gap that leaves May without a value under the
   * moving average (R's decompose() would give NaN for every month) */
  double m[36];
  for (int i = 0; i < 36; i++) m[i] = (i == 13 || i == 14) ? NAN : 80 + (i % 12);
  pts = points("2023-10", m, 36);
  o = mi_report_seasonality("2026-09", pts);
  assert_non_null(strstr(json_string_value(json_object_get(json_object_get(o, "csat"), "reason")),
                         "covers no CSAT figure of May"));
  json_decref(o);

  /* periods that do not follow each other */
  json_array_remove(pts, 5);
  o = mi_report_seasonality("2026-09", pts);
  assert_string_equal(json_string_value(json_object_get(o, "reason")), "the periods are not consecutive");
  json_decref(o), json_decref(pts);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_period_shift),
                                     cmocka_unit_test(test_gather_errors),
                                     cmocka_unit_test(test_escaping),
                                     cmocka_unit_test(test_seasonality)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
