/* The role check before every command, and the audit entries the command
 * table asks for: the command that ran, and a changed configuration or
 * policy file (by hash, compared with the last one recorded). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/audit.h"

/* The value of option -d/--department in argv, or NULL. */
static const char *department_arg(int argc, char **argv) {
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--")) break;
    if ((!strcmp(argv[i], "--department") || !strcmp(argv[i], "-d")) && i + 1 < argc) return argv[i + 1];
    if (!strncmp(argv[i], "--department=", 13)) return argv[i] + 13;
    if (!strncmp(argv[i], "-d", 2) && argv[i][2]) return argv[i] + 2;
  }
  return NULL;
}

/* The first operand after the subcommand, skipping options and the values of
 * those in with_value ("--last", "-l", ...). */
static const char *operand(int argc, char **argv, const char *const *with_value) {
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--")) return i + 1 < argc ? argv[i + 1] : NULL;
    if (argv[i][0] != '-' || !argv[i][1]) return argv[i];
    for (const char *const *w = with_value; *w; w++)
      if (!strcmp(argv[i], *w)) i++;
  }
  return NULL;
}

/* Agents reach the tickets and customers of their department: the commands
 * that name one are checked here, before they run (service/access.c decides). */
static int agent_scope(mi_cli *cli, const mi_cli_entry *en, int argc, char **argv) {
  static const char *const none[] = {NULL}, *const points_show[] = {"--last", "-l", NULL};
  if (cli->actor.role != MI_CONFIG_ROLE_AGENT || argc < 2) return 0;
  const char *cmd = en->cmd->name, *sub = argv[1], *ticket = NULL, *customer = NULL;
  mi_err e = {0};
  if (!strcmp(cmd, "ticket") && !strcmp(sub, "list")) {
    const char *dept = department_arg(argc, argv), *own = cli->actor.department->code;
    if (dept && !strcmp(dept, own)) return 0;
    mi_err_set(&e, MI_EINVAL, "user '%s' (agent of %s) lists the tickets of %s only: add --department %s",
               cli->actor.name, own, own, own);
    return mi_cli_fail(&e);
  }
  if (!strcmp(cmd, "ticket") && strcmp(sub, "open")) ticket = operand(argc, argv, none);
  else if (!strcmp(cmd, "appoint") && sub[0] != '-' && strcmp(sub, "list") && strcmp(sub, "skills"))
    ticket = sub; /* appoint TICKET: booking (cancel and done are the admin's) */
  else if ((!strcmp(cmd, "customer") && !strcmp(sub, "show")))
    customer = operand(argc, argv, none);
  else if (!strcmp(cmd, "points") && !strcmp(sub, "show"))
    customer = operand(argc, argv, points_show);
  if (!ticket && !customer) return 0; /* a usage error: the command says so */
  if (mi_cli_open_store(cli, 0)) return 1;
  if (ticket ? mi_access_ticket(cli->store, &cli->actor, ticket, &e)
             : mi_access_customer(cli->store, &cli->actor, customer, &e))
    return mi_cli_fail(&e);
  return 0;
}

int mi_cli_authorize(mi_cli *cli, const mi_cli_entry *en, int argc, char **argv) {
  mi_access need;
  const char *audit;
  mi_cli_rule(en, argc, argv, &need, &audit);
  if (need == MI_ACCESS_OPEN) return 0; /* reads no engine data: no configuration needed */
  if (mi_cli_load_config(cli)) return 1;
  mi_err e = {0};
  char what[128];
  snprintf(what, sizeof what, "'manyi %s%s%s'", en->cmd->name, en->subs && argc >= 2 ? " " : "",
           en->subs && argc >= 2 ? argv[1] : "");
  if (mi_access_resolve(cli->cfg, mi_cli_user(), geteuid(), &cli->actor, &e) ||
      mi_access_check(&cli->actor, need, what, &e))
    return mi_cli_fail(&e);
  cli->authorized = 1;
  return agent_scope(cli, en, argc, argv);
}

/* One audit entry. A failure cannot undo what ran; it is reported (and the
 * exit status says so). */
static int record(mi_cli *cli, const char *action, const char *object, json_t *detail) {
  char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
  json_decref(detail);
  mi_err e = {0};
  int rc = mi_audit_append(cli->store, mi_cli_user(), action, object, text, mi_cli_now(), &e);
  if (rc) {
    fprintf(stderr, "manyi: '%s' was not recorded in the audit log: ", action);
    mi_err_print(&e, stderr);
  }
  free(text);
  return rc;
}

int mi_cli_audit_run(mi_cli *cli, const mi_cli_entry *en, int argc, char **argv, int status) {
  mi_access need;
  const char *action;
  mi_cli_rule(en, argc, argv, &need, &action);
  /* nothing recorded, it never reached the data, or it recorded itself */
  if (!action || !cli->store || cli->audited) return 0;
  json_t *args = json_array();
  for (int i = 0; i < argc; i++) json_array_append_new(args, json_string(argv[i]));
  return record(cli, action, argc >= 2 ? argv[1] : NULL,
         json_pack("{s:o, s:i, s:s}", "argv", args, "status", status, "role",
                   cli->authorized ? mi_config_role_name(cli->actor.role) : "-"));
}

char *mi_cli_audit_args(const mi_cli *cli, int argc, char **argv) {
  json_t *args = json_array();
  for (int i = 0; args && i < argc; i++) json_array_append_new(args, json_string(argv[i]));
  json_t *o = json_pack("{s:o, s:s}", "argv", args, "role",
                        cli->authorized ? mi_config_role_name(cli->actor.role) : "-");
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  return text;
}

/* Records path under action when its hash differs from the last recorded one. */
int mi_cli_note_file(mi_cli *cli, const char *action, const char *name, const char *path,
                     mi_err *e) {
  char hash[MI_AUDIT_HASH_LEN + 1], *last = NULL;
  int rc = mi_audit_file_hash(path, hash, e);
  if (rc == 0) rc = mi_audit_last_detail(cli->store, action, path, &last, e);
  if (rc) return rc;
  json_t *old = last ? json_loads(last, 0, NULL) : NULL;
  const char *was = json_string_value(json_object_get(old, "sha256"));
  if (!was || strcmp(was, hash))
    rc = record(cli, action, path,
           json_pack("{s:s, s:s, s:s?}", "name", name, "sha256", hash, "previous", was));
  json_decref(old);
  free(last);
  return rc ? mi_err_set(e, rc, "a changed %s file could not be recorded", action) : 0;
}

int mi_cli_note_config(mi_cli *cli, mi_err *e) {
  int rc = mi_cli_note_file(cli, "config", "configuration", cli->cfg->path, e);
  for (size_t i = 0; rc == 0 && i < cli->cfg->npolicies; i++)
    rc = mi_cli_note_file(cli, "policy", cli->cfg->policies[i].name, cli->cfg->policies[i].file, e);
  return rc ? rc : mi_cli_note_modules(cli, e);
}
