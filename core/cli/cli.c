#define _GNU_SOURCE /* secure_getenv */
#include "cli/cli.h"

#include <pwd.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "service/sync.h"
#include "util/i18n.h"
#include "util/suggest.h"
#include "util/text.h"
#include "util/timeutil.h"

const char *mi_cli_shown(const char *s) {
  static char bufs[8][1024];
  static int next;
  char *b = bufs[next++ % 8];
  mi_text_shown(s ? s : "-", b, sizeof bufs[0]);
  return b;
}

static int json_errors; /* --json: errors on stderr are JSON too */

void mi_cli_set_json_errors(int on) { json_errors = on; }

void mi_cli_json_error(const char *code, const char *command, const char *message,
                       const mi_err *e) {
  json_t *o = json_pack("{s:s, s:s}", "code", code, "message", message);
  if (command) json_object_set_new(o, "command", json_string(command));
  if (command) {
    char help[96];
    snprintf(help, sizeof help, "manyi %s --help", command);
    json_object_set_new(o, "help", json_string(help));
  }
  if (e && e->file[0]) json_object_set_new(o, "file", json_string(e->file));
  if (e && e->line) json_object_set_new(o, "line", json_integer(e->line));
  if (e && e->column) json_object_set_new(o, "column", json_integer(e->column));
  json_t *doc = json_pack("{s:o}", "error", o);
  char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
  fprintf(stderr, "%s\n", text ? text : "{\"error\": {\"code\": \"out of memory\"}}");
  free(text);
  json_decref(doc);
}

int mi_cli_json_errors(void) { return json_errors; }

int mi_cli_fail(const mi_err *e) {
  if (json_errors) {
    mi_cli_json_error(mi_err_name(e->code), NULL, e->msg, e);
    return 1;
  }
  fputs("manyi: ", stderr);
  mi_err_print(e, stderr);
  return 1;
}

const char *mi_cli_fig(const json_t *o, const char *key, double scale, int prec, char buf[48]) {
  const json_t *v = json_object_get(o, key);
  if (!json_is_number(v)) return strcpy(buf, "-");
  snprintf(buf, 48, "%.*f", prec, scale * json_number_value(v));
  return buf;
}

const char *mi_cli_interval(const json_t *o, double scale, int prec, char buf[64]) {
  const json_t *lo = json_object_get(o, "ci_lower"), *hi = json_object_get(o, "ci_upper");
  if (!json_is_number(lo) || !json_is_number(hi)) return strcpy(buf, "-");
  snprintf(buf, 64, "[%.*f, %.*f]", prec, scale * json_number_value(lo), prec,
           scale * json_number_value(hi));
  return buf;
}

void mi_cli_print_json(json_t *v) {
  if (!v) {
    fputs(_("manyi: out of memory\n"), stderr);
    return;
  }
  json_dumpf(v, stdout, JSON_INDENT(2));
  putchar('\n');
  json_decref(v);
}

const char *mi_cli_ran(int dry_run, const char *what, char *buf, size_t size) {
  if (!dry_run) return what;
  snprintf(buf, size, _("dry run of %s"), what);
  return buf;
}

const char *mi_cli_breaker_note(int tripped) { return tripped ? _(" (stopped by the breaker)") : ""; }

int mi_cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  char msg[1024];
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, mi_tr(fmt), ap);
  va_end(ap);
  if (json_errors) mi_cli_json_error("usage", cmd, msg, NULL);
  else {
    fprintf(stderr, "manyi %s: %s\n", cmd, msg);
    fprintf(stderr, _("Try 'manyi %s --help'.\n"), cmd);
  }
  return 2;
}

/* -h/--help among the arguments (before "--"): prints text, returns 1. */
static int help_asked(int argc, char **argv, const char *text) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--")) break;
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fputs(mi_tr(text), stdout);
      return 1;
    }
  }
  return 0;
}

int mi_cli_help_requested(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--")) break;
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
  }
  return 0;
}

int mi_cli_wants_help(const mi_cli_command *cmd, int argc, char **argv) {
  return help_asked(argc, argv, cmd->usage);
}

int mi_cli_dispatch(mi_cli *cli, const char *cmd, const char *usage, const mi_cli_sub *subs,
                    const char *def_sub, int argc, char **argv) {
  if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    fputs(mi_tr(usage), stdout);
    return 0;
  }
  const char *name = argc >= 2 && argv[1][0] != '-' ? argv[1] : def_sub;
  if (!name) {
    fputs(mi_tr(usage), stderr);
    return 2;
  }
  int shift = name == def_sub && !(argc >= 2 && def_sub && !strcmp(argv[1], def_sub)) ? 0 : 1;
  char list[256] = "";
  for (const mi_cli_sub *s = subs; s->name; s++) {
    if (strcmp(name, s->name)) {
      if (strlen(list) + strlen(s->name) + 3 < sizeof list)
        strcat(strcat(list, *list ? ", " : ""), s->name);
      continue;
    }
    if (help_asked(argc - shift, argv + shift, s->help)) return 0;
    optind = 0;
    return s->run(cli, argc - shift, argv + shift);
  }
  const char *words[65];
  size_t n = 0;
  for (const mi_cli_sub *s = subs; s->name && n < 64; s++) words[n++] = s->name;
  words[n] = NULL;
  const char *near = mi_suggest(name, words);
  if (near)
    return mi_cli_usage_error(cmd, "unknown subcommand '%s' (did you mean '%s'?); use %s", name,
                              near, list);
  return mi_cli_usage_error(cmd, "unknown subcommand '%s'; use %s", name, list);
}

int mi_cli_load_config(mi_cli *cli) {
  if (cli->cfg) return 0;
  mi_err e = {0};
  int rc = mi_config_load(cli->config_path, &cli->cfg, &e);
  /* the configuration's language, unless --lang chose one (util/i18n.h) */
  if (rc == 0 && !cli->lang && cli->cfg->language) mi_i18n_set(cli->cfg->language);
  if (rc) {
    if (e.code == MI_EIO && access(cli->config_path, F_OK) != 0) {
      mi_err_set(&e, MI_EIO, "no configuration at %s: give one with --config FILE "
                 "(see examples/after-sales/manyi.yaml)", cli->config_path);
      mi_cli_fail(&e);
    } else
      mi_cli_fail(&e);
    return 1;
  }
  return 0;
}

const char *mi_cli_db_path(const mi_cli *cli) {
  return cli->db_path ? cli->db_path : cli->cfg ? cli->cfg->database : NULL;
}

int mi_cli_open_store(mi_cli *cli, int create) {
  if (cli->store && cli->synced) return 0;
  if (mi_cli_load_config(cli)) return 1;
  mi_err e = {0};
  /* Usually opened already, by mi_cli_authorize to read the user's role. */
  if (!cli->store &&
      mi_store_open(mi_cli_db_path(cli), create ? MI_STORE_CREATE : 0, &cli->store, &e))
    return mi_cli_fail(&e);
  if (mi_cli_recheck(cli)) return 1;
  if (mi_sync_config(cli->store, cli->cfg, mi_cli_now(), NULL, &e) || mi_cli_note_config(cli, &e))
    return mi_cli_fail(&e);
  cli->synced = 1;
  return 0;
}

long long mi_cli_now(void) {
  /* Not under set-user-id: a caller must not set the time of audit entries. */
  const char *fixed = secure_getenv("MANYI_NOW");
  int64_t t;
  if (fixed && *fixed && mi_instant_parse(fixed, &t, NULL) == 0) return t;
  return (long long)time(NULL);
}

static const char *acting_as; /* an API client's "api:NAME" (mi_cli_act_as) */

void mi_cli_act_as(mi_cli *cli, const mi_actor *client) {
  cli->client = client;
  acting_as = client ? client->name : NULL;
}

const char *mi_cli_user(void) {
  if (acting_as) return acting_as;
  /* A uid without a name gets "#UID": not a user name, so no role can be
   * granted to it (only the database's owner or root get in that way). */
  static char unnamed[24];
  struct passwd *pw = getpwuid(getuid());
  if (pw && pw->pw_name && *pw->pw_name) return pw->pw_name;
  snprintf(unnamed, sizeof unnamed, "#%lu", (unsigned long)getuid());
  return unnamed;
}
