/* manyi interaction log: the front desk records a contact with a customer
 * on any configured channel (service/desk.c, through the import's checks). */
#include <getopt.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "service/desk.h"
#include "util/i18n.h"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] interaction log --customer C\n"
    "             --channel CH [--direction inbound|outbound] [--summary TEXT]\n"
    "             [--staff S] [--at TIME] [--id ID]\n"
    "\n"
    "Records a contact with customer C (external id) on channel CH, one of the\n"
    "configuration's channels (channels: in manyi.yaml; `manyi check` lists them; an\n"
    "unknown one is refused with the list). Inbound unless --direction; now unless\n"
    "--at (ISO 8601); the staff member who took it (--staff, an external id); the id\n"
    "the next free I00000123 unless --id. The same checks as `manyi import\n"
    "interactions`; agents, supervisors, department heads and admins; recorded in the\n"
    "audit log. The contact shows in `manyi customer history C`.\n";

static int cmd_log(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {
      {"customer", required_argument, NULL, 'c'}, {"channel", required_argument, NULL, 'h'},
      {"direction", required_argument, NULL, 'd'}, {"summary", required_argument, NULL, 's'},
      {"staff", required_argument, NULL, 'f'},    {"at", required_argument, NULL, 'a'},
      {"id", required_argument, NULL, 'i'},       {NULL, 0, NULL, 0}};
  mi_desk_field f[8];
  size_t n = 0;
  const char *id = NULL, *direction = "inbound";
  int opt;
  while ((opt = getopt_long(argc, argv, "c:h:d:s:f:a:i:", options, NULL)) != -1) {
    switch (opt) {
    case 'c': f[n++] = (mi_desk_field){"customer_id", optarg}; break;
    case 'h': f[n++] = (mi_desk_field){"channel", optarg}; break;
    case 'd': direction = optarg; break;
    case 's': f[n++] = (mi_desk_field){"summary", optarg}; break;
    case 'f': f[n++] = (mi_desk_field){"staff_id", optarg}; break;
    case 'a': f[n++] = (mi_desk_field){"occurred_at", optarg}; break;
    case 'i': id = optarg; break;
    default: return mi_cli_usage_error("interaction log", "unknown option");
    }
    if (n == 7) return mi_cli_usage_error("interaction log", "an option is given twice");
  }
  if (optind < argc) return mi_cli_usage_error("interaction log", "unexpected '%s'", argv[optind]);
  f[n++] = (mi_desk_field){"direction", direction};
  int has_customer = 0, has_channel = 0;
  for (size_t i = 0; i < n; i++) {
    has_customer |= !strcmp(f[i].key, "customer_id");
    has_channel |= !strcmp(f[i].key, "channel");
  }
  if (!has_customer || !has_channel)
    return mi_cli_usage_error("interaction log", "give --customer C and --channel CH");
  if (mi_cli_open_store(cli, 0)) return 1;
  char out[65];
  mi_err e = {0};
  if (mi_desk_interaction_log(cli->store, cli->cfg, id, f, n, cli->actor.name, mi_cli_now(), out, &e))
    return mi_cli_fail(&e);
  cli->audited = 1;
  if (cli->json) mi_cli_print_json(json_pack("{s:s}", "id", out));
  else if (!cli->quiet) printf(_("contact %s logged\n"), out);
  return 0;
}

static const mi_cli_sub subs[] = {{"log", usage_all, cmd_log}, {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "interaction", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_interaction = {
    "interaction", "log a contact with a customer on any channel", usage_all, run, 1, subs};
