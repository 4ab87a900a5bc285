/* manyi outbox list|export: the messages manyi wrote for others to send.
 * Both are `manyi export outbox` (audited, since messages carry addresses);
 * list writes to the terminal. */
#include <stdlib.h>

#include "cli/cli.h"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] outbox list|export [FILE] [--format csv|jsonl]\n"
    "\n"
    "The outbox holds the messages manyi decided to send (notifications, escalations,\n"
    "care messages, survey invitations); manyi never sends them itself. Each message\n"
    "has a unique key, so reruns never write one twice.\n"
    "\n"
    "  list            every message, oldest first, as CSV on standard output\n"
    "  export FILE     the same into FILE (.csv or .jsonl), for whatever sends them\n"
    "\n"
    "Columns: key, kind, channel, recipient, customer_id, ticket_id, subject, payload,\n"
    "created_at, status, reason. Send the rows with status 'ready'; a 'skipped' row\n"
    "is a message manyi decided not to send, with the reason (e.g. a customer who\n"
    "withdrew consent on every channel of notify: in manyi.yaml: the record shows why\n"
    "they were not told). Kinds: ticket_received, ticket_stage, ticket_reply,\n"
    "ticket_resolved, ticket_visit_booked and ticket_visit_cancelled (the customer\n"
    "told about their ticket), survey_invitation and survey_reminder, care:KIND (a\n"
    "greeting, call or visit of the care policy), callback (an agent's call-back\n"
    "task), escalation, report (the quarter's report to management and each\n"
    "department) and notify (a job's message). Both are recorded in the audit log\n"
    "like any export.\n";

/* Runs `manyi export outbox [FILE] [options...]` with argv[1..] after the entity. */
static int as_export(mi_cli *cli, int argc, char **argv) {
  char **args = calloc((size_t)argc + 2, sizeof *args);
  if (!args) return 1;
  args[0] = "export";
  args[1] = "outbox";
  for (int i = 1; i < argc; i++) args[i + 1] = argv[i];
  int rc = mi_cmd_export.run(cli, argc + 1, args);
  free(args);
  return rc;
}

static int cmd_list(mi_cli *cli, int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (argv[i][0] != '-') return mi_cli_usage_error("outbox", "list writes to the terminal; use export FILE");
  return as_export(cli, argc, argv);
}

static int cmd_export(mi_cli *cli, int argc, char **argv) {
  int files = 0;
  for (int i = 1; i < argc; i++) files += argv[i][0] != '-';
  if (files != 1) return mi_cli_usage_error("outbox", "export takes one FILE");
  return as_export(cli, argc, argv);
}

static const mi_cli_sub subs[] = {
    {"list", usage_all, cmd_list}, {"export", usage_all, cmd_export}, {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "outbox", usage_all, subs, "list", argc, argv);
}

const mi_cli_command mi_cmd_outbox = {"outbox", "messages for others to send: list, export",
                                      usage_all, run, 1, subs};
