/* manyi init: create (or migrate) the database and load the configuration's
 * departments and surveys into it. */
#include <jansson.h>
#include <string.h>

#include "cli/cli.h"
#include "util/i18n.h"
#include "service/roles.h"
#include "service/sync.h"

static int run(mi_cli *cli, int argc, char **argv) {
  (void)argv;
  if (argc > 1) return mi_cli_usage_error("init", "takes no arguments");
  if (mi_cli_load_config(cli)) return 1;
  mi_err e = {0};
  mi_sync_summary sum;
  int seeded = 0;
  if (!cli->store && mi_store_open(mi_cli_db_path(cli), MI_STORE_CREATE, &cli->store, &e))
    return mi_cli_fail(&e);
  if (mi_cli_recheck(cli)) return 1;
  if (mi_sync_config(cli->store, cli->cfg, mi_cli_now(), &sum, &e) ||
      mi_role_seed(cli->store, cli->cfg, mi_cli_user(), mi_cli_now(), &seeded, &e))
    return mi_cli_fail(&e);
  cli->synced = 1;
  if (cli->cfg->nusers && !seeded)
    fprintf(stderr, _("manyi: the 'users:' of %s was not used: the database has roles already "
                      "(see 'manyi role list'); delete the section\n"), cli->cfg->path);
  else if (cli->cfg->nusers)
    fprintf(stderr, _("manyi: roles granted from the 'users:' of %s; delete that section now: "
                      "other commands refuse it (roles change with 'manyi role grant')\n"),
            cli->cfg->path);
  int version = mi_store_version(cli->store);
  if (cli->json) {
    json_t *o = json_pack("{s:s, s:i, s:i, s:i, s:i}", "database", mi_store_path(cli->store),
                          "schema_version", version, "departments_added", sum.departments_added,
                          "surveys_added", sum.surveys_added, "roles_granted", seeded);
    mi_cli_print_json(o);
  } else if (!cli->quiet) {
    printf(_("database %s ready (schema version %d)\n"), mi_store_path(cli->store), version);
    printf(_("  departments: %zu in the configuration, %d added, %d changed\n"),
           cli->cfg->ndepartments, sum.departments_added, sum.departments_changed);
    printf(_("  surveys: %zu in the configuration, %d new or changed\n"), cli->cfg->nsurveys,
           sum.surveys_added);
    if (seeded) printf(_("  roles: %d granted (the first admin: %s)\n"), seeded, mi_cli_user());
  }
  return 0;
}

const mi_cli_command mi_cmd_init = {
    "init", "create or upgrade the database and load the configuration into it",
    "Usage: manyi [--config FILE] [--db FILE] init\n"
    "\n"
    "Creates the database named by the configuration (or --db) with mode 0600, or\n"
    "upgrades an existing one to the current schema in one transaction. Departments\n"
    "and survey definitions from the configuration are stored; a changed survey\n"
    "becomes a new questionnaire version. Running it again changes nothing.\n"
    "\n"
    "Roles: on a database without roles, the user running init becomes its first\n"
    "admin, and the users of the configuration's 'users:' section (if any) get\n"
    "their roles, once; after that only 'manyi role grant|revoke' changes roles and\n"
    "other commands refuse a configuration that still has 'users:'.\n",
    run, 0, NULL};
