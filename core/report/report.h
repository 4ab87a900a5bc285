/* The satisfaction report: every figure of a period gathered into one JSON
 * document (the --format json output), from which the Markdown and the HTML
 * are rendered, so all three carry the same numbers. It reads through the
 * services (survey score, drivers, text codes, evaluations, actions) and
 * prints no personal data: customers appear only as counts. */
#ifndef MI_REPORT_REPORT_H
#define MI_REPORT_REPORT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "store/store.h"

#define MI_REPORT_ALPHA 0.05
#define MI_REPORT_TREND 8       /* periods in the trend, the report's own last */
#define MI_REPORT_BOOTSTRAP 200 /* resamples for the drivers' intervals (seed 1) */
#define MI_REPORT_SEASON_YEARS 3 /* years of quarters or months in the seasonality */

typedef struct mi_report_request {
  const char *survey; /* NULL: the first survey of the configuration */
  const char *period; /* 2026Q3, 2026-09, 2026 */
  int64_t now;        /* written as generated_at */
} mi_report_request;

/* The report document (caller owns), or NULL with e set: an unknown survey
 * or bad period (MI_EINVAL / MI_EPARSE), no responses in the period
 * (MI_ENOTFOUND). */
json_t *mi_report_gather(mi_store *s, const mi_config *cfg, const mi_report_request *r, mi_err *e);

/* Sections 6-9 of the document (report_more.c): drivers (from cur, the
 * period's score with its "drivers"), text categories, department
 * evaluation and improvement actions, added to doc. */
int mi_report_gather_more(mi_store *s, const mi_config *cfg, json_t *doc, const json_t *cur,
                          int64_t from, int64_t to, const char *label, mi_err *e);

/* Complaint root causes (report_causes.c): doc["root_causes"] from the
 * complaints whose cause was recorded in [from, to), and its section of
 * the tables (a Pareto table, who was responsible; one sentence when none). */
int mi_report_gather_causes(mi_store *s, const mi_config *cfg, json_t *doc, int64_t from,
                            int64_t to, mi_err *e);
void mi_report_tables_causes(json_t *all, const json_t *doc);

/* The scheduled report (report_job.c, job kind `report`): for schedule
 * entry sc, the period of its kind (sc->wave, a quarter by default) that
 * closed before run_at: the HTML page to sc->report_dir/SURVEY-PERIOD.html
 * and one outbox message to each of sc->report_to and to each department
 * (its own figures), keyed so that a rerun adds nothing. Runs in the
 * caller's transaction (the job's). */
int mi_report_job_run(mi_store *s, const mi_config *cfg, const mi_config_schedule *sc,
                      int64_t run_at, int64_t now, int64_t job_id, mi_err *e);
/* The closed loop (report_followups.c): the follow-ups opened from
 * responses in [from, to), as doc's "followups", and its section of the
 * rendered report (appended to all, the array of mi_report_tables). */
int mi_report_add_followups(mi_store *s, json_t *doc, int64_t from, int64_t to, mi_err *e);
void mi_report_followups_section(json_t *all, const json_t *doc);

/* Seasonality (report_season.c). The frequency of a period code: 4 for a
 * quarter (2026Q3), 12 for a month (2026-09), 0 otherwise. */
size_t mi_report_season_frequency(const char *period);

/* The seasonality object of the document from points, the trend's point
 * objects ({period, csat: {value}, nps: .., index: ..}) of consecutive
 * periods of period's kind, oldest first: per figure the series, the
 * centred moving average, the seasonal figure by position in the year and
 * the last value seasonally adjusted, or available false with the reason
 * (too few periods with a figure, a year or day period). Caller owns. */
json_t *mi_report_seasonality(const char *period, const json_t *points);

/* The document's sections as tables of text (report_tables.c): an array of
 * {id, title, notes: [..], tables: [{caption, columns: [..], rows: [[..]]}]},
 * every cell a string formatted once for both renderers. Caller owns. */
json_t *mi_report_tables(const json_t *doc);

/* report_summary.c: the verdict that opens the report, read off the
 * gathered sections (no pass of its own), with the findings and
 * recommendations as sentences in the language of util/i18n.h; added to doc
 * as "summary" (and "language"). 0 or MI_ENOMEM. */
int mi_report_add_summary(const mi_config *cfg, json_t *doc);
/* Names for people, in the report's language: a headline figure (csat, nps,
 * index), a department metric, a quadrant of the drivers. */
const char *mi_report_figure_name(const char *figure);
const char *mi_report_metric_name(const char *metric);
const char *mi_report_quadrant_name(const char *code);
/* The name the report shows for code of kind ("departments", "tiers",
 * "surveys", "questions", "dimensions", "categories"): the document's
 * "names" (the configuration's display_names in the report's language, else
 * its name or question text), else the code. */
const char *mi_report_name(const json_t *doc, const char *kind, const char *code);

/* Markdown (report_md.c) and the self-contained HTML page (report_html.c),
 * written to out. chartjs: the path of Chart.js (chart.min.js or chart.js
 * of Debian's libjs-chart.js), read and inlined in the page. */
int mi_report_write_md(const json_t *doc, FILE *out, mi_err *e);
int mi_report_write_html(const json_t *doc, const char *chartjs, FILE *out, mi_err *e);

/* The PDF (report_pdf.c): the HTML page printed by headless Chromium
 * (chromium: its path, NULL: mi_report_chromium_path) with the page's print
 * stylesheet, written to out. MI_ENOTFOUND without Chromium, MI_EIO when it
 * fails or takes longer than two minutes. */
int mi_report_write_pdf(const json_t *doc, const char *chartjs, const char *chromium, FILE *out,
                        mi_err *e);
/* $MANYI_CHROMIUM, else Debian's /usr/bin/chromium when it exists; NULL when none. */
const char *mi_report_chromium_path(void);

/* The Chart.js file to inline: $MANYI_CHARTJS, else the first of Debian's
 * libjs-chart.js paths that exists; NULL when none. */
const char *mi_report_chartjs_path(void);

#endif
