/* manyi report satisfaction --period P --format html|md|json: the periodic
 * satisfaction report (core/report). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/outfile.h"
#include "report/report.h"
#include "util/i18n.h"

static const char usage[] =
    "Usage: manyi [--config FILE] [--db FILE] report satisfaction --period P\n"
    "             [--format html|pdf|md|json] [--survey CODE] [--output FILE] [--chartjs FILE]\n"
    "\n"
    "The periodic satisfaction report of one survey (default: the first survey of the\n"
    "configuration) for a period (2026Q3, 2026-09, 2026; in the configuration's time\n"
    "zone): sample and response rates (by wave), CSAT, NPS and the index with 95 %\n"
    "intervals and the change from the previous period (z test on the two\n"
    "estimates' design-based standard errors), the company's CSAT against the\n"
    "satisfaction target per quarter and for the year to date (judged on the\n"
    "interval's lower bound), dimension scores,\n"
    "breakdowns by tier and region (groups that differ from the rest at alpha 0.05\n"
    "marked), the trend over the last 8 periods and, for a quarter or a month, the\n"
    "seasonality over the last 3 years (R's decompose(): seasonal figure by quarter or\n"
    "month, the period seasonally adjusted; or the reason it is not computed), key\n"
    "drivers of the overall question with the importance-performance quadrant,\n"
    "open-answer and complaint categories (Pareto), the stored department evaluation,\n"
    "the improvement actions, and the root causes of the complaints closed in the\n"
    "period (Pareto) with who was responsible (root_causes: in manyi.yaml).\n"
    "A `report` job under schedule: (dir:, to:) writes the report of each quarter\n"
    "when it closes and tells management and each department through the outbox.\n"
    "\n"
    "  --format json   the report document; md and html are rendered from it, so the\n"
    "                  three carry the same numbers (default: json with --json, else md)\n"
    "  --format html   one self-contained page with charts (Chart.js, inlined): Debian's\n"
    "                  libjs-chart.js, or --chartjs FILE / $MANYI_CHARTJS\n"
    "  --format pdf    the HTML page printed by headless Chromium (Debian's chromium, or\n"
    "                  $MANYI_CHROMIUM) with its print stylesheet: the verdict on page 1\n"
    "  --output FILE   write FILE (complete or not at all) instead of standard output\n"
    "\n"
    "The report opens with a summary (the verdict: figures against their targets and\n"
    "the previous period, departments, the three drivers by importance x gap, complaint\n"
    "causes, actions due) and the findings and recommendations as sentences. Its\n"
    "language: manyi --lang zh_CN|en, else the configuration's 'language', else the\n"
    "locale's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG); Chinese from po/zh_CN.po.\n"
    "\n"
    "No personal data: customers appear only as counts. Exit status 1 when the survey\n"
    "or period is unknown, the period has no responses, or the output cannot be written.\n";

static int render(const json_t *doc, const char *format, const char *chartjs, FILE *f, mi_err *e) {
  if (!strcmp(format, "md")) return mi_report_write_md(doc, f, e);
  if (!strcmp(format, "html")) return mi_report_write_html(doc, chartjs, f, e);
  if (!strcmp(format, "pdf")) return mi_report_write_pdf(doc, chartjs, NULL, f, e);
  if (json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) || fputc('\n', f) == EOF)
    return mi_err_set(e, MI_EIO, "writing the report: %s", strerror(errno));
  return 0;
}

/* Writes the report to path through a temporary file in the same folder
 * (util/outfile.h), so that path is complete or untouched. */
static int write_file(const json_t *doc, const char *format, const char *chartjs,
                      const char *path, const char *db, mi_err *e) {
  mi_outfile *of;
  int rc = mi_outfile_open(path, db, &of, e);
  if (rc) return rc;
  rc = render(doc, format, chartjs, mi_outfile_stream(of), e);
  if (rc) mi_outfile_abort(of);
  else rc = mi_outfile_close(of, e);
  return rc;
}

static int run(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {
      {"period", required_argument, NULL, 'p'}, {"format", required_argument, NULL, 'f'},
      {"survey", required_argument, NULL, 's'}, {"output", required_argument, NULL, 'o'},
      {"chartjs", required_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
  const char *period = NULL, *format = cli->json ? "json" : "md", *output = NULL;
  const char *chartjs = NULL;
  mi_report_request r = {.now = mi_cli_now()};
  int opt;
  while ((opt = getopt_long(argc, argv, "p:f:s:o:c:", options, NULL)) != -1) {
    switch (opt) {
    case 'p': period = optarg; break;
    case 'f': format = optarg; break;
    case 's': r.survey = optarg; break;
    case 'o': output = optarg; break;
    case 'c': chartjs = optarg; break;
    default: return mi_cli_usage_error("report", "unknown option");
    }
  }
  if (argc - optind != 1 || strcmp(argv[optind], "satisfaction"))
    return mi_cli_usage_error("report", "the report is 'satisfaction': manyi report "
                              "satisfaction --period 2026Q3");
  if (!period) return mi_cli_usage_error("report", "satisfaction needs --period P (2026Q3, 2026-09, 2026)");
  if (strcmp(format, "json") && strcmp(format, "md") && strcmp(format, "html") && strcmp(format, "pdf"))
    return mi_cli_usage_error("report", "--format '%s': use html, pdf, md or json", format);
  if (!strcmp(format, "pdf") && !output && isatty(STDOUT_FILENO))
    return mi_cli_usage_error("report", "--format pdf writes a binary file: give --output FILE");
  mi_err e = {0};
  const char *chromium = !strcmp(format, "pdf") ? mi_report_chromium_path() : NULL;
  if (!strcmp(format, "pdf") && (!chromium || access(chromium, X_OK))) {
    mi_err_set(&e, MI_ENOTFOUND, "--format pdf prints the HTML page with Chromium: install Debian's "
               "package chromium (apt-get install chromium), or give its path in MANYI_CHROMIUM%s%s%s",
               chromium ? " (" : "", chromium ? chromium : "", chromium ? " is not a program)" : "");
    return mi_cli_fail(&e);
  }
  if (!strcmp(format, "html") || !strcmp(format, "pdf")) {
    if (!chartjs) chartjs = mi_report_chartjs_path();
    if (!chartjs || access(chartjs, R_OK)) {
      mi_err_set(&e, MI_ENOTFOUND, "the HTML report needs Chart.js: install Debian's package "
                 "libjs-chart.js (apt-get install libjs-chart.js), or give its file with "
                 "--chartjs FILE or MANYI_CHARTJS%s%s", chartjs ? " (cannot read " : "",
                 chartjs ? chartjs : "");
      if (chartjs) strncat(e.msg, ")", sizeof e.msg - strlen(e.msg) - 1);
      return mi_cli_fail(&e);
    }
  }
  r.period = period;
  if (mi_cli_open_store(cli, 0)) return 1;
  /* the report's language: --lang, the configuration's, else the locale's */
  mi_i18n_set(cli->lang ? cli->lang : cli->cfg->language ? cli->cfg->language : mi_i18n_from_locale());
  if (output && mi_outfile_check(output, mi_cli_db_path(cli), &e)) return mi_cli_fail(&e);
  json_t *doc = mi_report_gather(cli->store, cli->cfg, &r, &e);
  if (!doc) return mi_cli_fail(&e);
  int rc = output ? write_file(doc, format, chartjs, output, mi_cli_db_path(cli), &e)
                  : render(doc, format, chartjs, stdout, &e);
  json_decref(doc);
  if (!rc && !output && fflush(stdout))
    rc = mi_err_set(&e, MI_EIO, "writing the report: %s", strerror(errno));
  return rc ? mi_cli_fail(&e) : 0;
}

const mi_cli_command mi_cmd_report = {"report", "the periodic satisfaction report (html, md, json)",
                                      usage, run, 0, NULL};
