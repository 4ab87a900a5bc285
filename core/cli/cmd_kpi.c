/* manyi kpi --period P [--by department|tier|region]: the company KPIs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "service/kpi.h"

static const char usage[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] kpi --period P\n"
    "           [--by department|tier|region] [--conf 0.95]\n"
    "\n"
    "The company KPIs of the period (2026, 2026Q3, 2026-09 or a day, in the\n"
    "configuration's time zone) against the period before it, each rate with its\n"
    "numerator, denominator and Wilson interval. A purchase is an order that was\n"
    "not cancelled or refunded; a customer is active in a period with a purchase.\n"
    "\n"
    "  recommendation_rate  promoters (9-10) among the answers to the 0-10\n"
    "                       recommendation question in the period (flagged\n"
    "                       responses left out)\n"
    "  repurchase_rate      customers who bought before the period and again in it,\n"
    "                       of those who bought before it\n"
    "  complaint_rate       active customers with a complaint ticket opened in the\n"
    "                       period, of the active customers (also complaints per 100\n"
    "                       purchases)\n"
    "  retention_rate       customers active in the period before who are active\n"
    "                       again, of those active before; churn_rate = 1 - retention\n"
    "  customer_growth      new customers (first purchase ever in the period), the\n"
    "                       same for the period before, net growth of active\n"
    "                       customers and its rate, new customers' share of actives\n"
    "\n"
    "--by tier or region groups customers by their current tier or region;\n"
    "--by department puts a customer in each department that handled a ticket of\n"
    "theirs opened before the period's end (groups overlap).\n";

static int run(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"period", required_argument, NULL, 'p'},
                                          {"by", required_argument, NULL, 'b'},
                                          {"conf", required_argument, NULL, 'c'},
                                          {NULL, 0, NULL, 0}};
  const char *period = NULL, *by = NULL;
  double conf = 0.95;
  char *end;
  int opt;
  while ((opt = getopt_long(argc, argv, "p:b:c:", options, NULL)) != -1) {
    switch (opt) {
    case 'p': period = optarg; break;
    case 'b': by = optarg; break;
    case 'c':
      conf = strtod(optarg, &end);
      if (*end || !(conf > 0 && conf < 1))
        return mi_cli_usage_error("kpi", "--conf takes a number between 0 and 1");
      break;
    default: return mi_cli_usage_error("kpi", "unknown option");
    }
  }
  if (!period || optind < argc) return mi_cli_usage_error("kpi", "kpi takes --period P (2026Q3)");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  json_t *o = mi_kpi(cli->store, cli->cfg, period, by, conf, &e);
  if (!o) return mi_cli_fail(&e);
  if (cli->json) {
    mi_cli_print_json(o);
    return 0;
  }
  mi_cli_kpi_print(o);
  json_decref(o);
  return 0;
}

const mi_cli_command mi_cmd_kpi = {"kpi", "company KPIs of a period: recommendation, repurchase, "
                                   "complaint, retention, churn, growth", usage, run, 0, NULL};
