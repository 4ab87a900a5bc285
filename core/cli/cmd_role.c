/* manyi role grant|revoke|list: who may do what, kept in the database
 * (service/roles.c records every change in the audit log). */
#include <getopt.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "service/roles.h"
#include "store/roles.h"
#include "util/i18n.h"
#include "util/timeutil.h"

static const char usage_all[] =
    "Usage: manyi [--config FILE] [--db FILE] [--json] role SUBCOMMAND\n"
    "\n"
    "Roles live in the database, not in the configuration; only an admin changes\n"
    "them, and every change is recorded in the audit log (action 'role').\n"
    "\n"
    "  grant USER ROLE [--department CODE]   give USER (an OS user name) a role:\n"
    "                                        admin, agent, analyst, auditor, supervisor,\n"
    "                                        department_head (agent, supervisor and\n"
    "                                        department_head need --department); replaces\n"
    "                                        the role USER had\n"
    "  revoke USER                           take USER's role away\n"
    "  list                                  every user with a role\n"
    "\n"
    "Who a user is comes from the operating system (the real uid). A user without a\n"
    "role is refused, except the owner of the database file and root, who act as\n"
    "admin: the user who ran 'manyi init' is the first admin.\n"
    "\n"
    "A supervisor works like an agent of their department and may also approve a\n"
    "business request (ticket stage ID approved) and grant goodwill points (points\n"
    "grant); a department_head may do the same and read the figures (reports,\n"
    "statistics) as an analyst does.\n";
static const char H_GRANT[] =
    "Usage: manyi role grant USER admin|agent|analyst|auditor|supervisor|department_head\n"
    "                        [--department CODE]\n"
    "\nGives USER the role (an agent, a supervisor and a department_head need the\n"
    "department they work for).\n";
static const char H_REVOKE[] = "Usage: manyi role revoke USER\n\nTakes USER's role away.\n";
static const char H_LIST[] = "Usage: manyi role list\n\nEvery user with a role, by name.\n";

static int cmd_grant(mi_cli *cli, int argc, char **argv) {
  static const struct option opts[] = {{"department", required_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
  const char *department = NULL;
  int c;
  while ((c = getopt_long(argc, argv, "d:", opts, NULL)) != -1) {
    if (c == 'd') department = optarg;
    else return mi_cli_usage_error("role", "grant: unknown option");
  }
  if (argc - optind != 2) return mi_cli_usage_error("role", "grant needs USER and ROLE");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  const char *user = argv[optind], *role = argv[optind + 1];
  if (mi_role_grant(cli->store, cli->actor.name, user, role, department, mi_cli_now(), &e))
    return mi_cli_fail(&e);
  if (cli->quiet) return 0;
  if (department) printf(_("%s is now %s of %s\n"), user, role, department);
  else printf(_("%s is now %s\n"), user, role);
  return 0;
}

static int cmd_revoke(mi_cli *cli, int argc, char **argv) {
  if (argc != 2 || argv[1][0] == '-') return mi_cli_usage_error("role", "revoke needs USER");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  if (mi_role_revoke(cli->store, cli->actor.name, argv[1], mi_cli_now(), &e)) return mi_cli_fail(&e);
  if (!cli->quiet) printf(_("%s has no role now\n"), argv[1]);
  return 0;
}

static int print_row(const mi_role_row *r, void *ud) {
  json_t *arr = ud;
  char at[21];
  mi_instant_format(r->granted_at, at);
  if (arr)
    return json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:s, s:s}", "user", r->user, "role",
                                                r->role, "department",
                                                r->department[0] ? r->department : NULL,
                                                "granted_by", r->granted_by, "granted_at", at));
  printf(_("%-20s %-8s %-12s granted by %s at %s\n"), r->user, r->role,
         r->department[0] ? r->department : "-", r->granted_by, at);
  return 0;
}

static int cmd_list(mi_cli *cli, int argc, char **argv) {
  (void)argv;
  if (argc != 1) return mi_cli_usage_error("role", "list takes no arguments");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  json_t *arr = cli->json ? json_array() : NULL;
  if (mi_roles_each(cli->store, print_row, arr, &e)) {
    json_decref(arr);
    return mi_cli_fail(&e);
  }
  if (arr) mi_cli_print_json(arr);
  return 0;
}

static const mi_cli_sub subs[] = {{"grant", H_GRANT, cmd_grant},
                                  {"revoke", H_REVOKE, cmd_revoke},
                                  {"list", H_LIST, cmd_list},
                                  {NULL, NULL, NULL}};

static int run(mi_cli *cli, int argc, char **argv) {
  return mi_cli_dispatch(cli, "role", usage_all, subs, NULL, argc, argv);
}

const mi_cli_command mi_cmd_role = {"role", "who may do what: grant, revoke and list roles",
                                    usage_all, run, 1, subs};
