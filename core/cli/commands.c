/* The command table: for every command and subcommand, its help (the
 * mi_cli_command of its file), what it reads or writes, what the audit log
 * records after it ran, and which ticket or customer an agent's scope is
 * checked on. The role check for every command happens here and in
 * mi_cli_authorize (access.c), not in the commands; --help, the man page and
 * the shell completion (doc.c) are generated from the same table. */
#include <string.h>

#include "cli/cli.h"
#include "util/suggest.h"

static const char *const last_value[] = {"--last", "-l", NULL};
static const char *const grant_values[] = {"--key", "-k", "--reason", "-r", "--expires", "-x", NULL};
static const char *const edit_values[] = {
    "--name", "--kind", "--region", "--industry", "--phone", "--email", "--birthday",
    "--consent-email", "--consent-sms", "--consent-phone", "--special-needs", NULL};
static const mi_cli_sub_rule points_rules[] = {
    {"redeem", MI_ACCESS_ADMIN, "points-redeem", MI_SCOPE_NONE, NULL}, {"expire", MI_ACCESS_ADMIN, "points-expire", MI_SCOPE_NONE, NULL},
    {"grant", MI_ACCESS_APPROVE, "points-grant", MI_SCOPE_CUSTOMER, grant_values},
    {"show", MI_ACCESS_CUSTOMERS, NULL, MI_SCOPE_CUSTOMER, last_value}, {NULL, 0, NULL, MI_SCOPE_NONE, NULL}};
/* Reading a ticket is not recorded; every change is. An agent reaches the
 * tickets of their department only (the ticket named, or --department, or
 * a queue of the department or of one of its staff). */
static const mi_cli_sub_rule ticket_rules[] = {
    {"show", MI_ACCESS_TICKETS, NULL, MI_SCOPE_TICKET, NULL}, {"list", MI_ACCESS_TICKETS, NULL, MI_SCOPE_DEPARTMENT, NULL},
    {"sla", MI_ACCESS_TICKETS, NULL, MI_SCOPE_TICKET, NULL}, {"queue", MI_ACCESS_TICKETS, NULL, MI_SCOPE_QUEUE, NULL},
    {"open", MI_ACCESS_TICKETS, "ticket", MI_SCOPE_NONE, NULL}, {NULL, 0, NULL, MI_SCOPE_NONE, NULL}};
/* Booking (appoint TICKET) names a ticket (checked like ticket commands);
 * closing one is the dispatcher's. */
static const mi_cli_sub_rule appoint_rules[] = {
    {"list", MI_ACCESS_TICKETS, NULL, MI_SCOPE_NONE, NULL}, {"skills", MI_ACCESS_TICKETS, NULL, MI_SCOPE_NONE, NULL},
    {"cancel", MI_ACCESS_ADMIN, "appoint", MI_SCOPE_NONE, NULL}, {"done", MI_ACCESS_ADMIN, "appoint", MI_SCOPE_NONE, NULL}, {NULL, 0, NULL, MI_SCOPE_NONE, NULL}};
/* Waves, cleaning and coding write; the figures are for analysts. */
static const mi_cli_sub_rule survey_rules[] = {
    {"status", MI_ACCESS_ANALYSIS, NULL, MI_SCOPE_NONE, NULL}, {"score", MI_ACCESS_ANALYSIS, NULL, MI_SCOPE_NONE, NULL}, {NULL, 0, NULL, MI_SCOPE_NONE, NULL}};
static const mi_cli_sub_rule action_rules[] = {
    {"list", MI_ACCESS_ANALYSIS, NULL, MI_SCOPE_NONE, NULL}, {"show", MI_ACCESS_ANALYSIS, NULL, MI_SCOPE_NONE, NULL}, {NULL, 0, NULL, MI_SCOPE_NONE, NULL}};
/* Recording a referral moves points: an admin's, like redeeming them. */
static const mi_cli_sub_rule customer_rules[] = {
    {"refer", MI_ACCESS_ADMIN, "customer-refer", MI_SCOPE_NONE, NULL}, {"show", MI_ACCESS_CUSTOMERS, NULL, MI_SCOPE_CUSTOMER, NULL},
    {"history", MI_ACCESS_CUSTOMERS, NULL, MI_SCOPE_CUSTOMER, last_value},
    {"add", MI_ACCESS_DESK, NULL, MI_SCOPE_NONE, NULL}, /* add and edit audit themselves */
    {"edit", MI_ACCESS_DESK, NULL, MI_SCOPE_CUSTOMER, edit_values}, {NULL, 0, NULL, MI_SCOPE_NONE, NULL}};
/* Logging a contact is the front desk's (service/desk.c audits it). */
static const mi_cli_sub_rule interaction_rules[] = {{"log", MI_ACCESS_DESK, NULL, MI_SCOPE_NONE, NULL}, {NULL, 0, NULL, MI_SCOPE_NONE, NULL}};
/* Changing roles is an admin's (audited by service/roles.c); auditors may see them. */
static const mi_cli_sub_rule role_rules[] = {{"list", MI_ACCESS_AUDIT, NULL, MI_SCOPE_NONE, NULL}, {NULL, 0, NULL, MI_SCOPE_NONE, NULL}};
static const mi_cli_sub_rule jobs_rules[] = {
    {"add", MI_ACCESS_ADMIN, "jobs", MI_SCOPE_NONE, NULL}, {"retry", MI_ACCESS_ADMIN, "jobs", MI_SCOPE_NONE, NULL}, {NULL, 0, NULL, MI_SCOPE_NONE, NULL}};

const mi_cli_entry mi_cli_table[] = {
    {&mi_cmd_init, MI_ACCESS_ADMIN, "init", NULL, MI_SCOPE_NONE},
    {&mi_cmd_check, MI_ACCESS_OPEN, NULL, NULL, MI_SCOPE_NONE}, /* reads only the file it checks */
    {&mi_cmd_import, MI_ACCESS_ADMIN, "import", NULL, MI_SCOPE_NONE},
    {&mi_cmd_export, MI_ACCESS_ANALYSIS, NULL, NULL, MI_SCOPE_NONE}, /* service/export.c records each export */
    {&mi_cmd_customer, MI_ACCESS_CUSTOMERS, NULL, customer_rules, MI_SCOPE_NONE},
    {&mi_cmd_interaction, MI_ACCESS_DESK, NULL, interaction_rules, MI_SCOPE_NONE},
    {&mi_cmd_status, MI_ACCESS_ANALYSIS, NULL, NULL, MI_SCOPE_NONE},
    {&mi_cmd_stats, MI_ACCESS_OPEN, NULL, NULL, MI_SCOPE_NONE},
    {&mi_cmd_eval, MI_ACCESS_ADMIN, "eval", NULL, MI_SCOPE_NONE},
    {&mi_cmd_explain, MI_ACCESS_ANALYSIS, NULL, NULL, MI_SCOPE_NONE},
    {&mi_cmd_points, MI_ACCESS_CUSTOMERS, NULL, points_rules, MI_SCOPE_NONE},
    {&mi_cmd_policy, MI_ACCESS_ADMIN, NULL, NULL, MI_SCOPE_NONE},
    {&mi_cmd_calendar, MI_ACCESS_TOOLS, NULL, NULL, MI_SCOPE_NONE},
    {&mi_cmd_cron, MI_ACCESS_OPEN, NULL, NULL, MI_SCOPE_NONE},
    {&mi_cmd_repl, MI_ACCESS_ANALYSIS, NULL, NULL, MI_SCOPE_NONE}, /* cmd_repl.c records the session */
    {&mi_cmd_ticket, MI_ACCESS_TICKETS, "ticket", ticket_rules, MI_SCOPE_TICKET},
    {&mi_cmd_jobs, MI_ACCESS_ADMIN, NULL, jobs_rules, MI_SCOPE_NONE},
    {&mi_cmd_run, MI_ACCESS_ADMIN, "run", NULL, MI_SCOPE_NONE},
    {&mi_cmd_tick, MI_ACCESS_ADMIN, "tick", NULL, MI_SCOPE_NONE},
    {&mi_cmd_outbox, MI_ACCESS_ADMIN, NULL, NULL, MI_SCOPE_NONE}, /* its export is recorded like any export */
    {&mi_cmd_appoint, MI_ACCESS_TICKETS, "appoint", appoint_rules, MI_SCOPE_TICKET_SUB},
    {&mi_cmd_sla, MI_ACCESS_ANALYSIS, NULL, NULL, MI_SCOPE_NONE}, /* backtest: figures, changes nothing */
    {&mi_cmd_care, MI_ACCESS_ADMIN, "care", NULL, MI_SCOPE_NONE},
    {&mi_cmd_survey, MI_ACCESS_ADMIN, "survey", survey_rules, MI_SCOPE_NONE},
    {&mi_cmd_action, MI_ACCESS_ADMIN, "action", action_rules, MI_SCOPE_NONE},
    {&mi_cmd_audit, MI_ACCESS_AUDIT, NULL, NULL, MI_SCOPE_NONE},
    {&mi_cmd_role, MI_ACCESS_ADMIN, NULL, role_rules, MI_SCOPE_NONE},
    {&mi_cmd_report, MI_ACCESS_ANALYSIS, NULL, NULL, MI_SCOPE_NONE}, /* figures only: no personal data */
    {&mi_cmd_kpi, MI_ACCESS_ANALYSIS, NULL, NULL, MI_SCOPE_NONE}, /* figures, changes nothing */
    {&mi_cmd_serve, MI_ACCESS_ADMIN, "serve", NULL, MI_SCOPE_NONE}, /* each answer audits itself */
    {NULL, 0, NULL, NULL, MI_SCOPE_NONE}};

const mi_cli_entry *mi_cli_find(const char *name) {
  for (const mi_cli_entry *en = mi_cli_table; name && en->cmd; en++)
    if (!strcmp(en->cmd->name, name)) return en;
  return NULL;
}

const char *mi_cli_suggest(const char *name) {
  enum { MAX = 64 };
  const char *words[MAX + 1];
  size_t n = 0;
  for (const mi_cli_entry *en = mi_cli_table; en->cmd && n < MAX; en++) words[n++] = en->cmd->name;
  words[n] = NULL;
  return name ? mi_suggest(name, words) : NULL;
}

static const mi_cli_sub_rule *sub_rule(const mi_cli_entry *en, int argc, char **argv) {
  if (!en->subs || argc < 2) return NULL;
  for (const mi_cli_sub_rule *r = en->subs; r->sub; r++)
    if (!strcmp(r->sub, argv[1])) return r;
  return NULL;
}

void mi_cli_rule(const mi_cli_entry *en, int argc, char **argv, mi_access *access,
                 const char **audit) {
  const mi_cli_sub_rule *r = sub_rule(en, argc, argv);
  *access = r ? r->access : en->access;
  *audit = r ? r->audit : en->audit;
}

mi_cli_scope mi_cli_scope_of(const mi_cli_entry *en, int argc, char **argv,
                             const char *const **with_value) {
  static const char *const none[] = {NULL};
  const mi_cli_sub_rule *r = sub_rule(en, argc, argv);
  *with_value = r && r->with_value ? r->with_value : none;
  if (argc < 2) return MI_SCOPE_NONE;
  /* appoint TICKET: an option or a subcommand of the table is no ticket */
  if (!r && en->scope == MI_SCOPE_TICKET_SUB && argv[1][0] == '-') return MI_SCOPE_NONE;
  return r ? r->scope : en->scope;
}
