/* manyi eval departments --period P: the evaluation policy over every
 * department's figures for the period. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "service/dept_eval.h"

static json_t *num_or_null(double v) { return isnan(v) ? json_null() : json_real(v); }

static json_t *result_json(const mi_dept_result *r) {
  json_t *reasons = json_array();
  for (size_t i = 0; i < r->d.nreasons; i++) json_array_append_new(reasons, json_string(r->d.reasons[i]));
  const mi_dept_figures *f = &r->f;
  return json_pack("{s:s, s:f, s:s, s:o, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:I, "
                   "s:I, s:I, s:I}",
                   "department", r->department, "score", r->d.score, "grade", r->d.grade,
                   "passed", r->d.assessed ? json_boolean(r->d.passed) : json_null(), "status",
                   mi_eval_status(&r->d), "reasons", reasons, "tickets", (json_int_t)f->tickets,
                   "complaints", (json_int_t)f->complaints, "resolved", (json_int_t)f->resolved,
                   "responses", (json_int_t)f->responses, "satisfied", (json_int_t)f->satisfied,
                   "satisfied_share", num_or_null(r->satisfied_share), "ci_lower",
                   num_or_null(r->ci_lower), "ci_upper", num_or_null(r->ci_upper),
                   "sla_tickets", (json_int_t)r->with_rule, "first_response_met",
                   (json_int_t)r->first_response_met, "actions_planned",
                   (json_int_t)f->actions_planned, "actions_done", (json_int_t)f->actions_done);
}

int mi_cli_eval_departments(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"period", required_argument, NULL, 'p'},
                                          {NULL, 0, NULL, 0}};
  const char *period = NULL;
  int opt;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "p:", options, NULL)) != -1) {
    if (opt != 'p') return mi_cli_usage_error("eval", "departments: unknown option");
    period = optarg;
  }
  if (!period || optind < argc)
    return mi_cli_usage_error("eval", "departments takes --period P (2026Q3, 2026-09, 2026)");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_eval_period p;
  mi_policy *policy = NULL;
  mi_dept_result *res = NULL;
  if (mi_eval_period_parse(period, cli->cfg->timezone, &p, &e) ||
      mi_policy_load_config(cli->cfg, "evaluation", &policy, &e))
    return mi_cli_fail(&e);
  int rc = mi_departments_evaluate(cli->store, cli->cfg, policy, &p, mi_cli_now(), &res, &e);
  mi_policy_free(policy);
  if (rc) return mi_cli_fail(&e);
  json_t *arr = cli->json ? json_array() : NULL;
  for (size_t i = 0; i < cli->cfg->ndepartments; i++) {
    const mi_dept_result *r = &res[i];
    if (arr) {
      json_array_append_new(arr, result_json(r));
      continue;
    }
    printf("%-14s %s  score %5.1f  grade %-2s %s\n", r->department, p.label, r->d.score,
           r->d.grade, mi_eval_status_text(mi_eval_status(&r->d)));
    for (size_t k = 1; k < r->d.nreasons; k++) printf("    %s\n", r->d.reasons[k]);
  }
  free(res);
  if (arr) mi_cli_print_json(json_pack("{s:s, s:o}", "period", p.label, "departments", arr));
  return 0;
}
