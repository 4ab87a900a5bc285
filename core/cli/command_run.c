/* One command of the table run for cli: found (or a suggestion), its help,
 * the caller's role checked, run, and recorded in the audit log. main()
 * runs the command line through it; manyi serve's API runs each call
 * through it in a process of its own, as the API client. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/i18n.h"

int mi_cli_command_run(mi_cli *cli, int argc, char **argv) {
  const mi_cli_entry *en = mi_cli_find(argv[0]);
  const mi_cli_command *cmd = en ? en->cmd : NULL;
  if (!cmd) {
    const char *near = mi_cli_suggest(argv[0]);
    char msg[400];
    if (near)
      snprintf(msg, sizeof msg, _("unknown command '%.100s' (did you mean '%s'?)"), argv[0], near);
    else
      snprintf(msg, sizeof msg, _("unknown command '%.100s'"), argv[0]);
    if (cli->json)
      mi_cli_json_error("usage", NULL, msg, NULL);
    else
      fprintf(stderr, "manyi: %s\n%s", msg, _("Try 'manyi --help'.\n"));
    return 2;
  }
  if (!cmd->own_help && mi_cli_wants_help(cmd, argc, argv)) return 0;
  /* Help is text only; everything else is checked against the user's role first. */
  if (!mi_cli_help_requested(argc, argv) && mi_cli_authorize(cli, en, argc, argv)) {
    if (!cli->store_lent)
      mi_store_close(cli->store); /* an agent's scope check may have opened it */
    cli->store = NULL;
    return 1;
  }
  /* The audit log gets the arguments as given: getopt reorders argv. */
  char **given = malloc((size_t)argc * sizeof *given);
  if (given) memcpy(given, argv, (size_t)argc * sizeof *given);
  cli->given_argc = given ? argc : 0;
  cli->given_argv = given;
  optind = 0; /* reset getopt for the command's own options */
  int status = cmd->run(cli, argc, argv);
  if (mi_cli_audit_run(cli, en, argc, given ? given : argv, status) && status == 0) status = 1;
  free(given);
  if (!cli->store_lent) mi_store_close(cli->store);
  cli->store = NULL;
  return status;
}
