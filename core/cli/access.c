/* The role check before every command, and the audit entries the command
 * table asks for: the command that ran, and a changed configuration or
 * policy file (by hash, compared with the last one recorded). */
#define _GNU_SOURCE /* setresuid */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "service/tickets.h"
#include "store/audit.h"
#include "util/i18n.h"

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

/* The n-th operand (0-based) after the subcommand, options skipped as in operand(). */
static const char *nth_operand(int argc, char **argv, int n, const char *const *with_value) {
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--")) return i + 1 + n < argc ? argv[i + 1 + n] : NULL;
    if (argv[i][0] != '-' || !argv[i][1]) {
      if (n-- == 0) return argv[i];
      continue;
    }
    for (const char *const *w = with_value; *w; w++)
      if (!strcmp(argv[i], *w)) i++;
  }
  return NULL;
}

/* The value of option name (--name V or --name=V) in argv, or NULL. */
static const char *option_arg(int argc, char **argv, const char *name) {
  size_t len = strlen(name);
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--")) break;
    if (!strcmp(argv[i], name) && i + 1 < argc) return argv[i + 1];
    if (!strncmp(argv[i], name, len) && argv[i][len] == '=') return argv[i] + len + 1;
  }
  return NULL;
}

/* Approvals: moving a ticket to a stage marked `approve: true` (a business
 * request's approval) needs a supervisor, a department head or an admin. */
static int approval(mi_cli *cli, const mi_cli_entry *en, int argc, char **argv) {
  static const char *const with_value[] = {"--reason", "-r", NULL};
  if (strcmp(en->cmd->name, "ticket") || argc < 2 || strcmp(argv[1], "stage")) return 0;
  const char *ticket = nth_operand(argc, argv, 0, with_value),
             *stage = nth_operand(argc, argv, 1, with_value);
  if (!ticket || !stage) return 0; /* a usage error: the command says so */
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  int needs = 0;
  if (mi_ticket_stage_approves(cli->store, cli->cfg, ticket, stage, &needs, &e))
    return 0; /* an unknown ticket or stage: the command says so */
  if (!needs || mi_access_allows(cli->actor.role, MI_ACCESS_APPROVE)) return 0;
  mi_err_set(&e, MI_EDENIED, "user '%s' (role %s) may not approve: stage '%s' of ticket %s is an "
             "approval, a supervisor's or department head's (manyi role grant USER supervisor "
             "--department CODE)", cli->actor.name, mi_config_role_name(cli->actor.role), stage,
             ticket);
  return mi_cli_fail(&e);
}

/* Agents, supervisors and department heads reach the tickets and customers
 * of their department: the commands that name one (their scope in the
 * command table) are checked here, before they run (service/access.c
 * decides). */
static int agent_scope(mi_cli *cli, const mi_cli_entry *en, int argc, char **argv) {
  if (!mi_config_role_scoped(cli->actor.role) || argc < 2) return 0;
  const char *const *with_value;
  mi_cli_scope scope = mi_cli_scope_of(en, argc, argv, &with_value);
  const char *ticket = NULL, *customer = NULL, *own = cli->actor.department;
  mi_err e = {0};
  switch (scope) {
  case MI_SCOPE_NONE: return 0;
  case MI_SCOPE_DEPARTMENT: {
    const char *dept = department_arg(argc, argv);
    if (dept && !strcmp(dept, own)) return 0;
    mi_err_set(&e, MI_EINVAL, "user '%s' (%s of %s) lists the tickets of %s only: add --department %s",
               cli->actor.name, mi_config_role_name(cli->actor.role), own, own, own);
    return mi_cli_fail(&e);
  }
  case MI_SCOPE_QUEUE: {
    const char *dept = department_arg(argc, argv), *staff = option_arg(argc, argv, "--staff");
    if (dept && !strcmp(dept, own)) return 0;
    if (staff && !dept) {
      if (mi_cli_open_store(cli, 0)) return 1;
      return mi_access_staff(cli->store, &cli->actor, staff, &e) ? mi_cli_fail(&e) : 0;
    }
    mi_err_set(&e, MI_EINVAL, "user '%s' (%s of %s) sees the queue of %s or of its staff only: "
               "add --department %s or --staff STAFF", cli->actor.name,
               mi_config_role_name(cli->actor.role), own, own, own);
    return mi_cli_fail(&e);
  }
  case MI_SCOPE_TICKET: ticket = operand(argc, argv, with_value); break;
  case MI_SCOPE_TICKET_SUB: ticket = argv[1]; break;
  case MI_SCOPE_CUSTOMER: customer = operand(argc, argv, with_value); break;
  }
  if (!ticket && !customer) return 0; /* a usage error: the command says so */
  if (mi_cli_open_store(cli, 0)) return 1;
  if (ticket ? mi_access_ticket(cli->store, &cli->actor, ticket, &e)
             : mi_access_customer(cli->store, &cli->actor, customer, NULL, &e))
    return mi_cli_fail(&e);
  return 0;
}

int mi_cli_setuid(void) { return getuid() != geteuid(); }

/* A set-user-id manyi runs with the service account's rights for a caller:
 * the configuration must be root's (the path and, for a link, what it points
 * to), so that no caller makes it read a file of theirs or of the service
 * account (the database) as one; the database must be the service
 * account's, and only the service account itself creates one. */
static int setuid_config(const mi_cli *cli) {
  struct stat ln, st;
  mi_err e = {0};
  if (!mi_cli_setuid()) return 0;
  if (lstat(cli->config_path, &ln) == 0 && ln.st_uid == 0 && stat(cli->config_path, &st) == 0 &&
      st.st_uid == 0 && S_ISREG(st.st_mode))
    return 0;
  mi_err_set(&e, MI_EINVAL, "manyi runs set-user-id: the configuration %s must be a file of "
             "root's (e.g. /etc/manyi/manyi.yaml), not the caller's or the service account's",
             cli->config_path);
  return mi_cli_fail(&e);
}

static int setuid_database(const char *db, int db_exists) {
  if (!mi_cli_setuid()) return 0;
  struct stat st;
  mi_err e = {0};
  uid_t svc = geteuid();
  if (!db_exists)
    mi_err_set(&e, MI_EINVAL, "manyi runs set-user-id and there is no database at %s: the "
               "service account creates it ('manyi init' run as that account)", db);
  else if (stat(db, &st) != 0 || st.st_uid != svc)
    mi_err_set(&e, MI_EINVAL, "manyi runs set-user-id: the database %s must belong to the "
               "service account", db);
  else
    return 0;
  return mi_cli_fail(&e);
}

/* A configuration grants no role: its users: section is only read by init,
 * to seed a database that has no roles yet. */
static int users_section(const mi_cli *cli, const mi_cli_entry *en) {
  if (cli->cfg->nusers == 0 || !strcmp(en->cmd->name, "init")) return 0;
  const mi_config_user *u = &cli->cfg->users[0];
  mi_err e = {0};
  mi_err_set(&e, MI_EINVAL,
             "%s:%d:%d: 'users:' no longer gives roles: roles live in the database, changed by "
             "an admin. Run 'manyi role grant USER ROLE [--department CODE]' for each user (on a "
             "database without roles, 'manyi init' grants them from this section once), then "
             "delete the section",
             cli->cfg->path, u->line, u->column);
  return mi_cli_fail(&e);
}

int mi_cli_authorize(mi_cli *cli, const mi_cli_entry *en, int argc, char **argv) {
  mi_access need;
  const char *audit;
  mi_cli_rule(en, argc, argv, &need, &audit);
  if (need == MI_ACCESS_OPEN) {
    /* Reads no engine data: no configuration needed. Set-user-id, it reads
     * the caller's files with the caller's rights only: drop the rest. */
    if (mi_cli_setuid() && (setresgid(getgid(), getgid(), getgid()) ||
                            setresuid(getuid(), getuid(), getuid()))) {
      fprintf(stderr, _("manyi: giving up the set-user-id rights: %s\n"), mi_strerror(errno));
      return 1;
    }
    return 0;
  }
  /* Checked before the file is read: a caller's own path is not read with
   * the service account's rights. */
  if (setuid_config(cli) || mi_cli_load_config(cli) || users_section(cli, en)) return 1;
  mi_err e = {0};
  snprintf(cli->what, sizeof cli->what, "'manyi %s%s%s'", en->cmd->name,
           en->subs && argc >= 2 ? " " : "", en->subs && argc >= 2 ? argv[1] : "");
  cli->need = need;
  /* The role is in the database: open it (without the configuration's
   * departments and surveys, which are synced once the user may go on). */
  const char *db = mi_cli_db_path(cli);
  struct stat st;
  int exists = db && stat(db, &st) == 0;
  if (setuid_database(db, exists)) return 1;
  if (!cli->store && exists && mi_store_open(db, 0, &cli->store, &e)) return mi_cli_fail(&e);
  if (cli->client) cli->actor = *cli->client; /* an API client: its role, never the owner's */
  else if (mi_access_resolve(cli->store, mi_cli_user(), getuid(), &cli->actor, &e))
    return mi_cli_fail(&e);
  if (mi_access_check(&cli->actor, need, cli->what, &e)) return mi_cli_fail(&e);
  cli->authorized = 1;
  return agent_scope(cli, en, argc, argv) || approval(cli, en, argc, argv);
}

int mi_cli_recheck(mi_cli *cli) {
  if (!cli->authorized || !cli->actor.no_database || !cli->store) return 0;
  mi_err e = {0};
  if (mi_access_resolve(cli->store, mi_cli_user(), getuid(), &cli->actor, &e) ||
      mi_access_check(&cli->actor, cli->need, cli->what, &e))
    return mi_cli_fail(&e);
  return 0;
}

/* One audit entry. A failure cannot undo what ran; it is reported (and the
 * exit status says so). */
static int record(mi_cli *cli, const char *action, const char *object, json_t *detail) {
  char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
  json_decref(detail);
  mi_err e = {0};
  int rc = mi_audit_append(cli->store, mi_cli_user(), action, object, text, mi_cli_now(), &e);
  if (rc) {
    /* "nothing was changed" would speak of this entry alone */
    mi_err_kept(&e, "what the command committed stays, with the entries written with it");
    fprintf(stderr, _("manyi: '%s' was not recorded in the audit log: "), action);
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
