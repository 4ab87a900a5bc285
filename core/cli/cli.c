#include "cli/cli.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "service/sync.h"
#include "util/timeutil.h"

int mi_cli_fail(const mi_err *e) {
  fputs("manyi: ", stderr);
  mi_err_print(e, stderr);
  return 1;
}

void mi_cli_print_json(json_t *v) {
  if (!v) {
    fputs("manyi: out of memory\n", stderr);
    return;
  }
  json_dumpf(v, stdout, JSON_INDENT(2));
  putchar('\n');
  json_decref(v);
}

int mi_cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "manyi %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'manyi %s --help'.\n", cmd);
  return 2;
}

int mi_cli_wants_help(const mi_cli_command *cmd, int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--")) break;
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fputs(cmd->usage, stdout);
      return 1;
    }
  }
  return 0;
}

int mi_cli_load_config(mi_cli *cli) {
  if (cli->cfg) return 0;
  mi_err e = {0};
  if (mi_config_load(cli->config_path, &cli->cfg, &e)) {
    if (e.code == MI_EIO && access(cli->config_path, F_OK) != 0)
      fprintf(stderr, "manyi: no configuration at %s: give one with --config FILE "
                      "(see examples/after-sales/manyi.yaml)\n", cli->config_path);
    else
      mi_cli_fail(&e);
    return 1;
  }
  return 0;
}

const char *mi_cli_db_path(const mi_cli *cli) {
  return cli->db_path ? cli->db_path : cli->cfg ? cli->cfg->database : NULL;
}

int mi_cli_open_store(mi_cli *cli, int create) {
  if (mi_cli_load_config(cli)) return 1;
  mi_err e = {0};
  if (mi_store_open(mi_cli_db_path(cli), create ? MI_STORE_CREATE : 0, &cli->store, &e) ||
      mi_sync_config(cli->store, cli->cfg, mi_cli_now(), NULL, &e))
    return mi_cli_fail(&e);
  return 0;
}

long long mi_cli_now(void) {
  const char *fixed = getenv("MANYI_NOW");
  int64_t t;
  if (fixed && *fixed && mi_instant_parse(fixed, &t, NULL) == 0) return t;
  return (long long)time(NULL);
}

const char *mi_cli_user(void) {
  struct passwd *pw = getpwuid(geteuid());
  return pw && pw->pw_name ? pw->pw_name : "unknown";
}
