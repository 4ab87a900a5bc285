/* manyi status: what the database holds. */
#include <jansson.h>

#include "cli/cli.h"
#include "util/i18n.h"

static int run(mi_cli *cli, int argc, char **argv) {
  (void)argv;
  if (argc > 1) return mi_cli_usage_error("status", "takes no arguments");
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_store_count counts[32];
  mi_err e = {0};
  int n = mi_store_counts(cli->store, counts, 32, &e);
  if (n < 0) return mi_cli_fail(&e);
  if (cli->json) {
    json_t *rows = json_object();
    for (int i = 0; i < n; i++)
      json_object_set_new(rows, counts[i].table, json_integer(counts[i].rows));
    json_t *o = json_pack("{s:s, s:i, s:o}", "database", mi_store_path(cli->store),
                          "schema_version", mi_store_version(cli->store), "rows", rows);
    mi_cli_print_json(o);
    return 0;
  }
  printf(_("%s (schema version %d)\n"), mi_store_path(cli->store), mi_store_version(cli->store));
  for (int i = 0; i < n; i++) printf("  %-20s %12lld\n", counts[i].table, (long long)counts[i].rows);
  return 0;
}

const mi_cli_command mi_cmd_status = {
    "status", "show how many rows each table of the database holds",
    "Usage: manyi [--config FILE] [--db FILE] [--json] status\n"
    "\n"
    "Prints the database path, its schema version and the row count of each table.\n",
    run, 0, NULL};
