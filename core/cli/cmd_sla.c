/* manyi sla backtest: what-if over history for a candidate SLA. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sched/tz.h"
#include "service/sla_backtest.h"
#include "util/i18n.h"
#include "util/period.h"
#include "util/timeutil.h"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] sla backtest --kind KIND\n"
    "           --target NAME=DURATION [--target ...] (--period P | --from T --to T)\n"
    "\n"
    "Recomputes the SLA clocks of every ticket of KIND opened in the period from its\n"
    "event log and its rule's calendar (else its department's), under the configured\n"
    "rule and under the candidate (the configured rule with the targets given\n"
    "replaced), and counts by department how many breached each target: what the\n"
    "candidate would have meant.\n"
    "\n"
    "  --kind KIND         inquiry, complaint, after_sales or business_request\n"
    "  --target N=D        first_response, resolution or next_response = a target as\n"
    "                      the rule writes it, in the calendar the ticket's clocks run\n"
    "                      in: 30m, 2h, 1h30m, 3bd (business days); 3d only where that\n"
    "                      calendar never closes (24x7)\n"
    "  --period P          2026, 2026Q3, 2026-09 or 2026-09-14 (in the configuration's\n"
    "                      time zone), or --from/--to instants or dates\n"
    "\n"
    "Clocks of tickets still running are taken as of now ($MANYI_NOW in tests).\n";

static int set_target(const char *arg, mi_sla_candidate *c) {
  static const char *const names[] = {"first_response", "resolution", "next_response"};
  mi_config_sla_time *slots[] = {&c->first_response, &c->resolution, &c->next_response};
  const char *eq = strchr(arg, '=');
  for (int i = 0; eq && i < 3; i++)
    if ((size_t)(eq - arg) == strlen(names[i]) && !strncmp(arg, names[i], strlen(names[i]))) {
      if (mi_config_parse_sla_time(eq + 1, slots[i]))
        return mi_cli_usage_error("sla", "--target %s: '%s' is not a duration like 2h, 30m "
                                  "or 3bd (business days)", names[i], eq + 1);
      return 0;
    }
  return mi_cli_usage_error("sla", "--target takes first_response=, resolution= or "
                            "next_response= and a duration, not '%s'", arg);
}

/* label: the department's code, or the total's word */
static void print_row(const mi_backtest_row *r, const char *label) {
  printf("%s %7lld", mi_cli_cell(label, -16), (long long)r->tickets);
  for (int i = 0; i < 3; i++)
    printf("   %5lld -> %-5lld", (long long)r->breached_now[i], (long long)r->breached_candidate[i]);
  if (r->no_rule) printf(_("  (%lld without a rule)"), (long long)r->no_rule);
  putchar('\n');
}

static json_t *row_json(const mi_backtest_row *r) {
  static const char *const names[] = {"first_response", "resolution", "next_response"};
  json_t *o = json_pack("{s:s, s:I, s:I}", "department", r->department, "tickets",
                        (json_int_t)r->tickets, "no_rule", (json_int_t)r->no_rule);
  for (int i = 0; i < 3; i++)
    json_object_set_new(o, names[i],
                        json_pack("{s:I, s:I}", "breached_now", (json_int_t)r->breached_now[i],
                                  "breached_candidate", (json_int_t)r->breached_candidate[i]));
  return o;
}

static int cmd_backtest(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {
      {"kind", required_argument, NULL, 'k'}, {"target", required_argument, NULL, 't'},
      {"period", required_argument, NULL, 'p'}, {"from", required_argument, NULL, 'f'},
      {"to", required_argument, NULL, 'o'},   {NULL, 0, NULL, 0}};
  const char *kind = NULL, *period = NULL, *from_s = NULL, *to_s = NULL;
  mi_sla_candidate cand = {0};
  int opt, targets = 0;
  while ((opt = getopt_long(argc, argv, "k:t:p:f:o:", options, NULL)) != -1) {
    switch (opt) {
    case 'k': kind = optarg; break;
    case 't':
      if (set_target(optarg, &cand)) return 2;
      targets++;
      break;
    case 'p': period = optarg; break;
    case 'f': from_s = optarg; break;
    case 'o': to_s = optarg; break;
    default: return mi_cli_usage_error("sla", "backtest: unknown option");
    }
  }
  if (optind < argc) return mi_cli_usage_error("sla", "backtest: unexpected '%s'", argv[optind]);
  if (!kind || !targets) return mi_cli_usage_error("sla", "backtest needs --kind and a --target");
  if (period ? from_s || to_s : !(from_s && to_s))
    return mi_cli_usage_error("sla", "give --period, or both --from and --to");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  mi_sched_tz *tz;
  if (mi_sched_tz_open(cli->cfg->timezone, &tz, &e)) return mi_cli_fail(&e);
  int64_t from, to, first, end;
  int rc = 0;
  if (period) {
    if (!(rc = mi_period_parse(period, &first, &end, &e)))
      from = mi_sched_tz_utc(tz, first * 86400), to = mi_sched_tz_utc(tz, end * 86400);
  } else if (!(rc = mi_sched_tz_parse(tz, from_s, &from, &e))) {
    rc = mi_sched_tz_parse(tz, to_s, &to, &e);
  }
  mi_sched_tz_free(tz);
  if (rc) return mi_cli_fail(&e);
  if (to <= from) return mi_cli_usage_error("sla", "--to must come after --from");
  mi_backtest b;
  if (mi_sla_backtest(cli->store, cli->cfg, kind, from, to, mi_cli_now(), &cand, &b, &e))
    return mi_cli_fail(&e);
  if (cli->json) {
    json_t *rows = json_array();
    for (size_t i = 0; i < b.nrows; i++) json_array_append_new(rows, row_json(&b.rows[i]));
    mi_cli_print_json(json_pack("{s:s, s:o, s:o}", "kind", kind, "departments", rows, "total",
                                row_json(&b.total)));
  } else {
    printf("%s %s   %s   %s   %s\n", mi_cli_cell(_("department"), -16),
           mi_cli_cell(_("tickets"), 7), mi_cli_cell(_("first_response"), -14),
           mi_cli_cell(_("resolution"), -14), mi_cli_cell(_("next_response"), -14));
    printf("%-16s %7s   %s   %-14s   %-14s\n", "", "",
           mi_cli_cell(_("breached: now -> candidate"), -14), "", "");
    for (size_t i = 0; i < b.nrows; i++) print_row(&b.rows[i], b.rows[i].department);
    print_row(&b.total, _("all"));
  }
  mi_backtest_free(&b);
  return 0;
}

static const mi_cli_sub subs[] = {{"backtest", usage_all, cmd_backtest}, {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "sla", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_sla = {"sla", "SLA what-if: backtest a candidate target over history",
                                   usage_all, run, 1, subs};
