/* manyi care run: the care policy over every customer for today (or the day
 * of --now), as the daily `care` job does, with a summary. */
#include <stdio.h>

#include "cli/cli.h"
#include "service/care.h"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] care run\n"
    "\n"
    "Runs the care policy (policies.care in manyi.yaml) for every customer for the\n"
    "day of now ($MANYI_NOW, or the clock) in the configuration's time zone. What it\n"
    "asks for (birthday and holiday greetings, special-needs calls, visits) goes to\n"
    "the outbox once per customer, day and kind: running it twice adds nothing. At\n"
    "most care.max_per_customer messages per customer per care.per (month, quarter\n"
    "or year). Schedule it daily with `- {name: care, cron: \"0 8 * * *\", job: care}`.\n";

static void on_failure(void *ctx, const char *customer, const mi_err *err) {
  (void)ctx;
  fprintf(stderr, "manyi care: customer %s: ", customer);
  mi_err_print(err, stderr);
}

static int cmd_run(mi_cli *cli, int argc, char **argv) {
  (void)argv;
  if (argc > 1) return mi_cli_usage_error("care", "run takes no arguments");
  if (mi_cli_open_store(cli, 1)) return 1;
  mi_err e = {0};
  mi_policy *care = NULL;
  mi_care_summary sum;
  if (mi_policy_load_config(cli->cfg, "care", &care, &e)) return mi_cli_fail(&e);
  int rc = mi_store_begin(cli->store, &e);
  if (!rc) rc = mi_care_run(cli->store, cli->cfg, care, mi_cli_now(), 0, on_failure, NULL, &sum, &e);
  if (!rc) rc = mi_store_commit(cli->store, &e);
  else mi_store_rollback(cli->store);
  mi_policy_free(care);
  if (rc) return mi_cli_fail(&e);
  if (cli->json)
    mi_cli_print_json(json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "date", sum.date,
                                "customers", (json_int_t)sum.customers, "messages",
                                (json_int_t)sum.messages, "repeated", (json_int_t)sum.repeated,
                                "capped", (json_int_t)sum.capped, "no_address",
                                (json_int_t)sum.no_address, "failed", (json_int_t)sum.failed));
  else
    printf("care %s: %lld customers, %lld new messages, %lld already sent, %lld over the cap, "
           "%lld without an address, %lld failed\n", sum.date, (long long)sum.customers,
           (long long)sum.messages, (long long)sum.repeated, (long long)sum.capped,
           (long long)sum.no_address, (long long)sum.failed);
  return sum.failed ? 1 : 0;
}

static const mi_cli_sub subs[] = {{"run", usage_all, cmd_run}, {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "care", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_care = {"care", "care events: the care policy for today, to the outbox",
                                    usage_all, run, 1};
