/* manyi eval departments --period P: the evaluation policy over every
 * department's figures for the period, and the company's CSAT against the
 * satisfaction target (per quarter of the year and the year to date). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/company_target.h"
#include "service/dept_eval.h"
#include "util/i18n.h"

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

/* "  company 2026-Q3  CSAT  76.0 % [72.6, 79.4] n 616  not met: lower bound 17.4 points
 * below the target of 90.0 %" for each span of c (mi_company_target). */
static void print_company(const json_t *c) {
  const json_t *qs = json_object_get(c, "quarters");
  double target = json_number_value(json_object_get(c, "target"));
  printf(_("company (survey %s, CSAT against the target, judged on the interval's lower "
           "bound)\n"),
         json_string_value(json_object_get(c, "survey")));
  for (size_t i = 0; i <= json_array_size(qs); i++) {
    const json_t *q = i < json_array_size(qs) ? json_array_get(qs, i)
                                               : json_object_get(c, "year_to_date");
    const char *st = json_string_value(json_object_get(q, "status"));
    int to_date = json_is_true(json_object_get(q, "to_date")) && i < json_array_size(qs);
    printf("  %s%s", mi_cli_cell(json_string_value(json_object_get(q, "label")), -10),
           mi_cli_cell(to_date ? _(" to date") : "", -10));
    if (!strcmp(st, "not_assessed")) {
      printf(_("  not assessed: %s\n"), mi_tr(json_string_value(json_object_get(q, "reason"))));
      continue;
    }
    double lo_gap = json_number_value(json_object_get(q, "lower_bound_gap_points"));
    int met = !strcmp(st, "met"), below = lo_gap < 0;
    /* one sentence per verdict and side of the target, each translated whole */
    printf(met ? below ? _("  CSAT %5.1f %% [%.1f, %.1f] n %lld  met: lower bound %.1f points "
                           "below the target of %.1f %%\n")
                       : _("  CSAT %5.1f %% [%.1f, %.1f] n %lld  met: lower bound %.1f points "
                           "above the target of %.1f %%\n")
           : below ? _("  CSAT %5.1f %% [%.1f, %.1f] n %lld  not met: lower bound %.1f points "
                       "below the target of %.1f %%\n")
                   : _("  CSAT %5.1f %% [%.1f, %.1f] n %lld  not met: lower bound %.1f points "
                       "above the target of %.1f %%\n"),
           json_number_value(json_object_get(q, "csat")),
           json_number_value(json_object_get(q, "ci_lower")),
           json_number_value(json_object_get(q, "ci_upper")),
           (long long)json_integer_value(json_object_get(q, "n")), fabs(lo_gap), target);
  }
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
  /* the company: the first survey's CSAT, as the report's */
  json_t *company = cli->cfg->nsurveys
                        ? mi_company_target(cli->store, cli->cfg, cli->cfg->surveys[0].code, period, &e)
                        : json_null();
  if (!company) {
    free(res);
    return mi_cli_fail(&e);
  }
  json_t *arr = cli->json ? json_array() : NULL;
  for (size_t i = 0; i < cli->cfg->ndepartments; i++) {
    const mi_dept_result *r = &res[i];
    if (arr) {
      json_array_append_new(arr, result_json(r));
      continue;
    }
    printf(_("%s %s  score %5.1f  grade %-2s %s\n"), mi_cli_cell(r->department, -14), p.label,
           r->d.score, r->d.grade, mi_eval_status_text(mi_eval_status(&r->d)));
    for (size_t k = 1; k < r->d.nreasons; k++) printf("    %s\n", r->d.reasons[k]);
  }
  free(res);
  if (!arr && json_is_object(company)) print_company(company);
  if (arr) mi_cli_print_json(json_pack("{s:s, s:o, s:O}", "period", p.label, "departments", arr,
                                       "company", company));
  json_decref(company);
  return 0;
}
