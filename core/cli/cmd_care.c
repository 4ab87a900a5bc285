/* manyi care run: the care policy over every customer for today (or the day
 * of --now), as the daily `care` job does, through the batch engine (chunks,
 * resume, progress, the breaker, a dry run), with a summary. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/batch_cli.h"
#include "cli/cli.h"
#include "util/i18n.h"
#include "service/care.h"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] care run [--dry-run] [OPTIONS]\n"
    "\n"
    "Runs the care policy (policies.care in manyi.yaml) for every customer for the\n"
    "day of now ($MANYI_NOW, or the clock) in the configuration's time zone. What it\n"
    "asks for (birthday and holiday greetings, special-needs calls, visits) goes to\n"
    "the outbox once per customer, day and kind: running it twice adds nothing. At\n"
    "most care.max_per_customer messages per customer per care.per (month, quarter\n"
    "or year). Schedule it daily with `- {name: care, cron: \"0 8 * * *\", job: care}`.\n"
    "A message by email, SMS or phone goes only to a customer who consented to that\n"
    "channel, unless the policy marks it service = true (a service call, not\n"
    "marketing); the others are counted as without consent.\n"
    "\n"
    "Customers go in chunks, each committed with its checkpoint (the job\n"
    "care:DATE): a run that was killed or stopped resumes after its last chunk.\n"
    "One batch runs at a time: a second one (care, eval, import) waits up to 5 s\n"
    "and is then refused. On a terminal a progress line shows the share done and\n"
    "the time left.\n"
    "\n"
    "Options:\n"
    "  -n, --dry-run       decide and count, write nothing (\"new messages\": those\n"
    "                      it would write)\n" MI_CLI_BATCH_HELP
    "\n"
    "Exit status: 0; 1 when the policy failed for some customers (each named on\n"
    "standard error) or on an error; 4 when the breaker stopped the run; 2 on a\n"
    "usage error.\n";

static void print_summary(const mi_cli *cli, mi_cli_batch *b, const mi_care_summary *sum) {
  if (cli->json) {
    json_t *j = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "date", sum->date,
                          "dry_run", b->opt.dry_run, "customers", (json_int_t)sum->customers,
                          "messages", (json_int_t)sum->messages, "repeated",
                          (json_int_t)sum->repeated, "capped", (json_int_t)sum->capped,
                          "no_address", (json_int_t)sum->no_address, "no_consent",
                          (json_int_t)sum->no_consent, "failed", (json_int_t)sum->failed);
    mi_cli_batch_json(b, j, &sum->stop);
    mi_cli_print_json(j);
    return;
  }
  if (cli->quiet) return;
  char what[64], ran[128];
  snprintf(what, sizeof what, _("care %s"), sum->date);
  printf(_("%s: %lld customers, %lld new messages, %lld already sent, %lld over the cap, "
           "%lld without an address, %lld without consent, %lld failed%s\n"),
         mi_cli_ran(b->opt.dry_run, what, ran, sizeof ran), (long long)sum->customers,
         (long long)sum->messages, (long long)sum->repeated, (long long)sum->capped,
         (long long)sum->no_address, (long long)sum->no_consent, (long long)sum->failed,
         mi_cli_breaker_note(sum->stop.tripped));
}

static int cmd_run(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {{"dry-run", no_argument, NULL, 'n'},
                                          MI_CLI_BATCH_LONG_OPTIONS,
                                          {NULL, 0, NULL, 0}};
  mi_cli_batch b = {.opt = {.now = mi_cli_now()}};
  int opt;
  while ((opt = getopt_long(argc, argv, "n", options, NULL)) != -1) {
    if (opt == 'n') b.opt.dry_run = 1;
    else if (opt == '?') return mi_cli_usage_error("care", "unknown option");
    else if (mi_cli_batch_option(&b, opt, optarg, "care")) return 2;
  }
  if (argc > optind) return mi_cli_usage_error("care", "run takes no arguments, only options");
  if (mi_cli_open_store(cli, 1)) return 1;
  mi_err e = {0};
  mi_policy *care = NULL;
  if (mi_policy_load_config(cli->cfg, "care", &care, &e)) return mi_cli_fail(&e);
  if (mi_cli_batch_begin(cli, &b, N_("caring"), N_("customers"))) {
    mi_policy_free(care);
    return 1;
  }
  b.opt.audit_action = "care";
  mi_care_summary sum;
  int rc = mi_care_run(cli->store, cli->cfg, care, b.opt.now, &b.opt, &sum, &e);
  rc = mi_cli_batch_end(&b, rc, &e);
  if (rc == 0 || sum.stop.tripped) print_summary(cli, &b, &sum);
  mi_policy_free(care);
  int status = mi_cli_batch_status(&b, rc, &e, &sum.stop, sum.failed);
  return status == 3 ? 1 : status; /* some customers failed: 1, as before the engine */
}

static const mi_cli_sub subs[] = {{"run", usage_all, cmd_run}, {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "care", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_care = {"care", "care events: the care policy for today, to the outbox",
                                    usage_all, run, 1, subs};
