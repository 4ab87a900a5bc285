/* manyi eval staff --period P: agent scorecards, judged by the evaluation
 * policy's evaluate_staff hook. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/staff_eval.h"
#include "util/i18n.h"

const char mi_cli_eval_staff_help[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] eval staff --period P\n"
    "\n"
    "Agent scorecards for the period (2026, 2026Q3, 2026-09 or a day): for every\n"
    "active staff member (and anyone with a ticket in the period) the tickets\n"
    "assigned to them opened in the period, the share of their first-response and\n"
    "resolution SLA clocks met (of the clocks decided: met, or breached), the\n"
    "median business time to resolution, the share of satisfied answers (top two\n"
    "points of the overall question) about their tickets with a Wilson 95%\n"
    "interval, and the complaints against them (complaints whose customer's\n"
    "previous ticket was theirs). The evaluation policy's evaluate_staff(staff,\n"
    "figures, params) returns {rating, notes}; the rating must be one of\n"
    "params.staff.ratings when given. Stored in staff_evaluations (a rerun\n"
    "replaces the period's rows); one failure stores nothing.\n";

static json_t *num_or_null(double v) { return isnan(v) ? json_null() : json_real(v); }

static json_t *share(int64_t x, int64_t n) {
  return n ? json_real((double)x / (double)n) : json_null();
}

static json_t *result_json(const mi_staff_result *r) {
  json_t *notes = json_array();
  for (size_t i = 0; i < r->d.nnotes; i++) json_array_append_new(notes, json_string(r->d.notes[i]));
  const mi_staff_figures *f = &r->f;
  return json_pack(
      "{s:s, s:s, s:o, s:s, s:o, s:I, s:I, s:I, s:I, s:o, s:I, s:o, s:I, s:o, s:I, s:o, s:o, "
      "s:o, s:I, s:I}",
      "staff", r->m.code, "name", r->m.name, "department",
      r->m.department[0] ? json_string(r->m.department) : json_null(), "rating", r->d.rating,
      "notes", notes, "tickets", (json_int_t)f->tickets, "resolved", (json_int_t)f->resolved,
      "complaints_handled", (json_int_t)f->complaints_handled, "sla_tickets",
      (json_int_t)r->sla_tickets, "first_response_met",
      share(r->first_response_met, r->first_response_decided), "first_response_decided",
      (json_int_t)r->first_response_decided, "resolution_met",
      share(r->resolution_met, r->resolution_decided), "resolution_decided",
      (json_int_t)r->resolution_decided, "median_resolution_s",
      num_or_null(r->median_resolution_s), "responses", (json_int_t)f->responses,
      "satisfied_share", num_or_null(r->satisfied_share), "ci_lower", num_or_null(r->ci_lower),
      "ci_upper", num_or_null(r->ci_upper), "complaints", (json_int_t)f->complaints_against,
      "complaints_accountable", (json_int_t)f->complaints_accountable);
}

int mi_cli_eval_staff(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"period", required_argument, NULL, 'p'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
  const char *period = NULL;
  int opt;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "p:h", options, NULL)) != -1) {
    if (opt == 'h') return fputs(mi_tr(mi_cli_eval_staff_help), stdout), 0;
    if (opt != 'p') return mi_cli_usage_error("eval", "staff: unknown option");
    period = optarg;
  }
  if (!period || optind < argc)
    return mi_cli_usage_error("eval", "staff takes --period P (2026Q3, 2026-09, 2026)");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_eval_period p;
  mi_policy *policy = NULL;
  mi_staff_result *res = NULL;
  size_t n = 0;
  if (mi_eval_period_parse(period, cli->cfg->timezone, &p, &e) ||
      mi_policy_load_config(cli->cfg, "evaluation", &policy, &e))
    return mi_cli_fail(&e);
  int rc = mi_staff_evaluate(cli->store, cli->cfg, policy, &p, mi_cli_now(), &res, &n, &e);
  mi_policy_free(policy);
  if (rc) return mi_cli_fail(&e);
  json_t *arr = cli->json ? json_array() : NULL;
  for (size_t i = 0; i < n; i++) {
    const mi_staff_result *r = &res[i];
    if (arr) {
      json_array_append_new(arr, result_json(r));
      continue;
    }
    /* names are often Chinese: padded by display width */
    const char *code = mi_cli_cell(r->m.code, -8), *name = mi_cli_cell(r->m.name, -12),
               *dept = mi_cli_cell(r->m.department[0] ? r->m.department : "-", -10),
               *rating = mi_cli_cell(r->d.rating, -10);
    if (cli->cfg->nroot_causes) /* accountability is recorded: show it */
      printf(_("%s %s %s %s  %s tickets %lld, complaints %lld, responsible for %lld\n"), code,
             name, dept, p.label, rating, (long long)r->f.tickets,
             (long long)r->f.complaints_against, (long long)r->f.complaints_accountable);
    else
      printf(_("%s %s %s %s  %s tickets %lld, complaints %lld\n"), code, name, dept, p.label,
             rating, (long long)r->f.tickets, (long long)r->f.complaints_against);
    for (size_t k = 0; k < r->d.nnotes; k++) printf("    %s\n", r->d.notes[k]);
  }
  free(res);
  if (arr) mi_cli_print_json(json_pack("{s:s, s:o}", "period", p.label, "staff", arr));
  return 0;
}
