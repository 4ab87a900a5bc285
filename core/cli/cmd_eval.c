/* manyi eval tiers: run the tier policy over every customer. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch_cli.h"
#include "cli/cli.h"
#include "util/i18n.h"
#include "util/outfile.h"
#include "policy/policy.h"
#include "service/tiers.h"
#include "util/timeutil.h"

static void print_summary(const mi_cli *cli, mi_cli_batch *b, const mi_tier_run_options *o,
                          const mi_tier_run_summary *s, const char *policy) {
  if (cli->json) {
    json_t *moves = json_array();
    for (int i = 0; i < s->ntransitions; i++)
      json_array_append_new(moves, json_pack("{s:s, s:s, s:I}", "from", s->transitions[i].from,
                                             "to", s->transitions[i].to, "count",
                                             (json_int_t)s->transitions[i].count));
    json_t *j = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:o}", "policy", policy, "dry_run",
                          o->batch.dry_run, "customers", (json_int_t)s->customers, "changed",
                          (json_int_t)s->changed, "unchanged", (json_int_t)s->unchanged, "failed",
                          (json_int_t)s->failed, "resumed_after_id", (json_int_t)s->resumed_after,
                          "moves", moves);
    mi_cli_batch_json(b, j, &s->stop);
    mi_cli_print_json(j);
    return;
  }
  if (cli->quiet) return;
  char ran[4200];
  printf(_("%s: %lld customers, %lld changed, %lld unchanged, %lld failed%s\n"),
         mi_cli_ran(o->batch.dry_run, policy, ran, sizeof ran), (long long)s->customers,
         (long long)s->changed, (long long)s->unchanged, (long long)s->failed,
         mi_cli_breaker_note(s->stop.tripped));
  if (s->resumed_after)
    printf(_("  resumed an interrupted run after customer id %lld\n"), (long long)s->resumed_after);
  for (int i = 0; i < s->ntransitions; i++)
    printf("  %s -> %s: %lld\n", s->transitions[i].from, s->transitions[i].to,
           (long long)s->transitions[i].count);
}

/* The configured tier policy, or the candidate file with the configured params. */
static int load_tier_policy(const mi_cli *cli, const char *candidate, mi_policy **out, mi_err *e) {
  if (!candidate) return mi_policy_load_config(cli->cfg, "tiers", out, e);
  const mi_config_policy *configured = mi_config_find_policy(cli->cfg, "tiers");
  mi_policy_limits limits = {cli->cfg->limits.policy_instructions, cli->cfg->limits.policy_memory,
                             cli->cfg->limits.policy_time_ms};
  return mi_policy_load("tiers", candidate, configured ? &configured->params : NULL, &limits, out, e);
}

static int run(mi_cli *cli, int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "staff")) return mi_cli_eval_staff(cli, argc - 1, argv + 1);
  if (mi_cli_wants_help(&mi_cmd_eval, argc, argv)) return 0; /* own_help: staff has its own */
  if (argc >= 2 && !strcmp(argv[1], "departments"))
    return mi_cli_eval_departments(cli, argc - 1, argv + 1);
  static const struct option options[] = {{"as-of", required_argument, NULL, 'a'},
                                          {"dry-run", no_argument, NULL, 'n'},
                                          {"diff", required_argument, NULL, 'D'},
                                          {"policy", required_argument, NULL, 'p'},
                                          {"jobs", required_argument, NULL, 'J'},
                                          {"rescan", no_argument, NULL, 'R'},
                                          MI_CLI_BATCH_LONG_OPTIONS,
                                          {NULL, 0, NULL, 0}};
  mi_tier_run_options o = {0};
  mi_cli_batch b = {.opt = {.now = mi_cli_now()}};
  o.as_of = b.opt.now;
  const char *diff_path = NULL, *policy_path = NULL;
  mi_err e = {0};
  int opt, jobs = 1, rescan = 0, as_of_given = 0;
  while ((opt = getopt_long(argc, argv, "a:nD:p:", options, NULL)) != -1) {
    switch (opt) {
    case 'a':
      if (mi_instant_parse(optarg, &o.as_of, &e)) return mi_cli_usage_error("eval", "--as-of: %s", e.msg);
      as_of_given = 1;
      break;
    case 'R': rescan = 1; break;
    case 'n': b.opt.dry_run = 1; break;
    case 'D': diff_path = optarg; break;
    case 'p': policy_path = optarg; break;
    case 'J': {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end || n < 1 || n > MI_TIER_MAX_WORKERS + 1)
        return mi_cli_usage_error("eval", "--jobs takes a number from 1 to %d",
                                  MI_TIER_MAX_WORKERS + 1);
      jobs = (int)n;
      break;
    }
    case '?': return mi_cli_usage_error("eval", "unknown option");
    default:
      if (mi_cli_batch_option(&b, opt, optarg, "eval")) return 2;
    }
  }
  if (argc - optind == 1 && strcmp(argv[optind], "alerts") == 0) {
    if (diff_path) return mi_cli_usage_error("eval", "--diff is for tiers only");
    if (as_of_given) return mi_cli_usage_error("eval", "--as-of is for tiers and points: eval alerts takes the responses not seen yet");
    return mi_cli_eval_alerts(cli, policy_path, rescan, jobs, &b);
  }
  if (rescan) return mi_cli_usage_error("eval", "--rescan is for alerts only");
  if (argc - optind == 1 && strcmp(argv[optind], "points") == 0) {
    if (diff_path) return mi_cli_usage_error("eval", "--diff is for tiers only");
    return mi_cli_eval_points(cli, o.as_of, policy_path, jobs, &b);
  }
  if (argc - optind != 1 || strcmp(argv[optind], "tiers") != 0)
    return mi_cli_usage_error("eval", "say what to evaluate: manyi eval tiers, manyi eval points, manyi eval alerts");
  if (mi_cli_open_store(cli, 0)) return 1;
  /* One Lua state per job: states are not shared between threads. */
  mi_policy *states[MI_TIER_MAX_WORKERS + 1] = {0};
  int rc = 0;
  for (int i = 0; i < jobs && rc == 0; i++) rc = load_tier_policy(cli, policy_path, &states[i], &e);
  mi_policy *policy = states[0];
  o.workers = states + 1;
  o.nworkers = jobs - 1;
  if (rc) {
    for (int i = 0; i < jobs; i++) mi_policy_free(states[i]);
    return mi_cli_fail(&e);
  }
  mi_outfile *diff = NULL;
  if (diff_path && mi_outfile_open(diff_path, mi_cli_db_path(cli), &diff, &e)) {
    for (int i = 0; i < jobs; i++) mi_policy_free(states[i]);
    return mi_cli_fail(&e);
  }
  if (mi_cli_batch_begin(cli, &b, N_("evaluating tiers"), N_("customers"))) {
    mi_outfile_abort(diff);
    for (int i = 0; i < jobs; i++) mi_policy_free(states[i]);
    return 1;
  }
  o.diff = mi_outfile_stream(diff);
  o.batch = b.opt;
  mi_tier_run_summary sum;
  rc = mi_tiers_run(cli->store, cli->cfg, policy, &o, &sum, &e);
  rc = mi_cli_batch_end(&b, rc, &e);
  mi_err de = {0}; /* kept after a failure too: it lists the chunks that were committed */
  if (mi_outfile_close(diff, &de) && rc == 0) e = de, rc = de.code;
  if (rc == 0 || sum.stop.tripped) print_summary(cli, &b, &o, &sum, mi_policy_path(policy));
  for (int i = 0; i < jobs; i++) mi_policy_free(states[i]);
  return mi_cli_batch_status(&b, rc, &e, &sum.stop, sum.failed);
}

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] eval tiers [OPTIONS]\n"
    "       manyi [--config FILE] [--db FILE] [--json] eval points [--as-of TIME] [--dry-run]\n"
    "                       [--policy FILE] [--jobs N] [--max-failures N] [--max-failure-share F]\n"
    "                       [--failures FILE]\n"
    "       manyi [--config FILE] [--db FILE] [--json] eval alerts [--dry-run] [--policy FILE]\n"
    "                       [--jobs N] [--rescan] [--max-failures N] [--failures FILE]\n"
    "\n"
    "Calls the tier policy of the configuration for every customer, in id order,\n"
    "with the customer's figures (12-month spend, orders, refunds, complaints,\n"
    "satisfaction, points ...) and stores each change of tier with its reason in\n"
    "the tier history. Customers are handled in chunks, one transaction each, so an\n"
    "interrupted run resumes where it stopped when started again with the same\n"
    "--as-of and policy. A customer the policy fails on is left unchanged; the\n"
    "failure names the policy file, line and customer, and the run goes on, until\n"
    "the breaker trips: the policy failed on --max-failures customers in a row, or\n"
    "(once there are that many failures) on more than --max-failure-share of the\n"
    "customers decided so far. Then nothing of the chunk in hand is committed (the\n"
    "chunks before it stay, and a rerun resumes after them), and the message names\n"
    "the policy, the bound, the first failing customers and the first error (exit\n"
    "status 4). A policy that fails on every customer by running out of its budget\n"
    "stops within about max-failures x limits.policy_time (25 s by default).\n"
    "\n"
    "Options:\n"
    "  -a, --as-of TIME    count what happened up to TIME (default: now)\n"
    "  -n, --dry-run       decide and report, change nothing\n"
    "  -D, --diff FILE     write each change (external_id,old_tier,new_tier,reason) as CSV\n"
    "  -p, --policy FILE   use this policy file instead of the configured one, with the\n"
    "                      configured params (try a rule change with --dry-run first)\n"
    "      --jobs N        decide with N Lua states on N threads (tiers, points and\n"
    "                      alerts); the calling thread reads, writes each decision as\n"
    "                      it comes and decides when it has nothing else to do; default 1\n"
    "      --rescan        alerts: from the first response, not after the last run's\n"
    "                      mark (no response ever gets a second follow-up)\n"
    MI_CLI_BATCH_HELP
    "\n"
    "eval points credits every completed order, answered survey and follow-up feedback\n"
    "(`ticket followup`) up to --as-of that has not been credited yet, through the\n"
    "loyalty policy, exactly once (ledger keys order:<id>:earn, response:<id>:earn,\n"
    "feedback:<ticket>:earn), and every referral (`customer refer`) whose referred\n"
    "customer has completed an order: the referrer earns once, as of that first\n"
    "completed order (referral:<referred>:earn). It takes back the points of refunded\n"
    "orders (order:<id>:reverse) and of referrals whose referred customer has\n"
    "refunded orders and no completed one left (referral:<referred>:reverse; never\n"
    "credited again). Same chunks, checkpoint, --dry-run, --policy, breaker and\n"
    "--failures as for tiers (the breaker counts events); a failing policy call\n"
    "names file:line and the event.\n"
    "\n"
    "eval departments --period P (2026Q3, 2026-09, 2026) gathers each department's\n"
    "figures for the period (tickets, first responses in time from the SLA clocks,\n"
    "resolutions, complaints, survey answers about its tickets with a Wilson 95%\n"
    "interval, improvement actions due and done), calls the evaluation policy and\n"
    "stores score, grade and reasons with the figures in `evaluations` (rerun:\n"
    "replaced). satisfied_lower_bound judges the satisfaction target on the\n"
    "interval's lower bound. A department with too few answers (the policy's\n"
    "assessed = false) is \"not assessed\", never \"not passed\" (JSON: status\n"
    "passed | failed | not_assessed). Then the company's CSAT (the first survey,\n"
    "as `survey score`) per quarter of the year and for the year to date against\n"
    "evaluation.targets.satisfaction, judged on the 95% interval's lower bound:\n"
    "met, not met or not assessed, with the gap in points (JSON: company).\n"
    "\n"
    "eval alerts [--dry-run] [--policy FILE] [--jobs N] [--rescan] runs the alert policy\n"
    "(policies.alert) over every survey response not seen by an earlier run, in id\n"
    "order: alert(response, customer, ticket, params) sees its answers by question\n"
    "code, the categories its open answers were coded to (run `survey code` first),\n"
    "the customer and the ticket its invitation followed, and may open a follow-up\n"
    "ticket for a department (a ticket kind with its own SLA rules), linked to the\n"
    "response. Exactly once: the ticket, its link and the mark of how far the step\n"
    "got commit together chunk by chunk, and a response never gets a second\n"
    "follow-up (--rescan: from the first response again, e.g. after a policy fix;\n"
    "responses with a follow-up are skipped). A failing call names file:line and the\n"
    "response and the rest go on; the breaker, --failures, --chunk (default 2000)\n"
    "and --jobs work as for tiers.\n"
    "\n"
    "eval staff --period P: agent scorecards judged by the evaluation policy's\n"
    "evaluate_staff hook, stored in staff_evaluations (manyi eval staff --help).\n"
    "\n"
    "Exit status: 0 done, 1 error, 3 done but the policy failed on some customers,\n"
    "events or responses, 4 stopped by the breaker.\n";

/* run() tells them apart itself (the options come before the subcommand). */
static const mi_cli_sub subs[] = {{"tiers", usage_all, NULL},
                                  {"points", usage_all, NULL},
                                  {"alerts", usage_all, NULL},
                                  {"departments", usage_all, NULL},
                                  {"staff", mi_cli_eval_staff_help, NULL},
                                  {NULL, NULL, NULL}};

const mi_cli_command mi_cmd_eval = {
    "eval", "run the tier or loyalty policy over the base (--dry-run to preview)", usage_all,
    run, 1, subs};
