/* Roles and audit: the role table for every command and subcommand rule of
 * the command table, the acting user, masking, and the audit hash chain with
 * tampering done behind manyi's back. */
#include "fixture.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "cli/cli.h"
#include "service/access.h"
#include "service/roles.h"
#include "service/sync.h"
#include "store/audit.h"
#include "store/scope.h"

/* Written from the README's role table, not from the code: which of admin,
 * agent, analyst, auditor, supervisor, department_head may run each command
 * (sub NULL) or subcommand. */
static const struct expect {
  const char *cmd, *sub;
  int admin, agent, analyst, auditor, supervisor, head;
} expected[] = {
    {"init", NULL, 1, 0, 0, 0, 0, 0},         {"check", NULL, 1, 1, 1, 1, 1, 1},
    {"import", NULL, 1, 0, 0, 0, 0, 0},       {"export", NULL, 1, 0, 1, 0, 0, 1},
    {"customer", NULL, 1, 1, 1, 0, 1, 1},     {"status", NULL, 1, 0, 1, 0, 0, 1},
    {"stats", NULL, 1, 1, 1, 1, 1, 1},        {"eval", NULL, 1, 0, 0, 0, 0, 0},
    {"explain", NULL, 1, 0, 1, 0, 0, 1},      {"points", NULL, 1, 1, 1, 0, 1, 1},
    {"points", "show", 1, 1, 1, 0, 1, 1},     {"points", "redeem", 1, 0, 0, 0, 0, 0},
    {"points", "expire", 1, 0, 0, 0, 0, 0},   {"policy", NULL, 1, 0, 0, 0, 0, 0},
    {"calendar", NULL, 1, 1, 1, 0, 1, 1},     {"cron", NULL, 1, 1, 1, 1, 1, 1},
    {"repl", NULL, 1, 0, 1, 0, 0, 1},         {"ticket", NULL, 1, 1, 0, 0, 1, 1},
    {"ticket", "show", 1, 1, 0, 0, 1, 1},     {"ticket", "list", 1, 1, 0, 0, 1, 1},
    {"ticket", "sla", 1, 1, 0, 0, 1, 1},      {"ticket", "assign", 1, 1, 0, 0, 1, 1},
    {"ticket", "resolve", 1, 1, 0, 0, 1, 1},  {"jobs", NULL, 1, 0, 0, 0, 0, 0},
    {"jobs", "add", 1, 0, 0, 0, 0, 0},        {"jobs", "retry", 1, 0, 0, 0, 0, 0},
    {"run", NULL, 1, 0, 0, 0, 0, 0},          {"tick", NULL, 1, 0, 0, 0, 0, 0},
    {"outbox", NULL, 1, 0, 0, 0, 0, 0},       {"audit", NULL, 1, 0, 0, 1, 0, 0},
    {"audit", "list", 1, 0, 0, 1, 0, 0},      {"audit", "verify", 1, 0, 0, 1, 0, 0},
    {"appoint", NULL, 1, 1, 0, 0, 1, 1},      {"appoint", "list", 1, 1, 0, 0, 1, 1},
    {"appoint", "skills", 1, 1, 0, 0, 1, 1},  {"appoint", "cancel", 1, 0, 0, 0, 0, 0},
    {"appoint", "done", 1, 0, 0, 0, 0, 0},    {"sla", NULL, 1, 0, 1, 0, 0, 1},
    {"care", NULL, 1, 0, 0, 0, 0, 0},         {"survey", NULL, 1, 0, 0, 0, 0, 0},
    {"survey", "status", 1, 0, 1, 0, 0, 1},   {"survey", "score", 1, 0, 1, 0, 0, 1},
    {"survey", "code", 1, 0, 0, 0, 0, 0},     {"action", NULL, 1, 0, 0, 0, 0, 0},
    {"action", "list", 1, 0, 1, 0, 0, 1},     {"action", "show", 1, 0, 1, 0, 0, 1},
    {"action", "close", 1, 0, 0, 0, 0, 0},    {"report", NULL, 1, 0, 1, 0, 0, 1},
    {"kpi", NULL, 1, 0, 1, 0, 0, 1},          {"eval", "staff", 1, 0, 0, 0, 0, 0},
    {"serve", NULL, 1, 0, 0, 0, 0, 0},
    {"customer", "refer", 1, 0, 0, 0, 0, 0},  {"role", NULL, 1, 0, 0, 0, 0, 0},
    {"role", "grant", 1, 0, 0, 0, 0, 0},      {"role", "revoke", 1, 0, 0, 0, 0, 0},
    {"role", "list", 1, 0, 0, 1, 0, 0},
    {"customer", "add", 1, 1, 0, 0, 1, 1},         {"customer", "edit", 1, 1, 0, 0, 1, 1},
    {"interaction", NULL, 1, 1, 0, 0, 1, 1},       {"interaction", "log", 1, 1, 0, 0, 1, 1},
    {"points", "grant", 1, 0, 0, 0, 1, 1},         {"ticket", "queue", 1, 1, 0, 0, 1, 1},
    {"customer", "show", 1, 1, 1, 0, 1, 1},        {"ticket", "open", 1, 1, 0, 0, 1, 1},
    {"customer", "history", 1, 1, 1, 0, 1, 1},
};

static int allowed_by_table(const char *cmd, const char *sub, mi_config_role role) {
  const mi_cli_entry *en = mi_cli_find(cmd);
  assert_non_null(en);
  char *argv[] = {(char *)cmd, (char *)(sub ? sub : "--x"), NULL};
  mi_access need;
  const char *audit;
  mi_cli_rule(en, sub ? 2 : 1, argv, &need, &audit);
  assert_int_not_equal(need, MI_ACCESS_UNSET);
  return mi_access_allows(role, need);
}

static void test_every_role_and_command(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
    const struct expect *x = &expected[i];
    int want[MI_CONFIG_ROLE_COUNT] = {x->admin,   x->agent,      x->analyst,
                                      x->auditor, x->supervisor, x->head};
    for (int r = 0; r < MI_CONFIG_ROLE_COUNT; r++) {
      int got = allowed_by_table(x->cmd, x->sub, (mi_config_role)r);
      if (got != want[r])
        fail_msg("%s %s as %s: table says %d, expected %d", x->cmd, x->sub ? x->sub : "",
                 mi_config_role_name((mi_config_role)r), got, want[r]);
    }
  }
  /* Every command and every subcommand rule has a row above: a new command
   * without an expectation fails here. */
  for (const mi_cli_entry *en = mi_cli_table; en->cmd; en++) {
    int found = 0;
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++)
      found |= !strcmp(expected[i].cmd, en->cmd->name) && !expected[i].sub;
    if (!found) fail_msg("command '%s' has no expected row", en->cmd->name);
    assert_int_not_equal(en->access, MI_ACCESS_UNSET);
    for (const mi_cli_sub_rule *r = en->subs; r && r->sub; r++) {
      found = 0;
      for (size_t i = 0; i < sizeof expected / sizeof *expected; i++)
        found |= !strcmp(expected[i].cmd, en->cmd->name) && expected[i].sub &&
                 !strcmp(expected[i].sub, r->sub);
      if (!found) fail_msg("'%s %s' has no expected row", en->cmd->name, r->sub);
      /* a rule names a subcommand the command has (a typo would leave the
       * subcommand under the command's own rule) */
      found = 0;
      for (const mi_cli_sub *s = en->cmd->subs; s && s->name; s++) found |= !strcmp(s->name, r->sub);
      if (!found) fail_msg("the rule for '%s %s' names no subcommand of it", en->cmd->name, r->sub);
    }
    /* every subcommand has its help (--help, the man page, the catalogue) */
    for (const mi_cli_sub *s = en->cmd->subs; s && s->name; s++)
      if (!s->help || !*s->help) fail_msg("'%s %s' has no help", en->cmd->name, s->name);
  }
  /* Fail closed: no rule, an out-of-range area or role. */
  assert_int_equal(mi_access_allows(MI_CONFIG_ROLE_ADMIN, MI_ACCESS_UNSET), 0);
  assert_int_equal(mi_access_allows(MI_CONFIG_ROLE_ADMIN, MI_ACCESS_COUNT), 0);
  assert_int_equal(mi_access_allows((mi_config_role)7, MI_ACCESS_OPEN), 0);
  assert_null(mi_cli_find("frobnicate"));
  assert_null(mi_cli_find(NULL));
  assert_string_equal(mi_cli_suggest("custmer"), "customer");
  assert_null(mi_cli_suggest("zz"));
  assert_null(mi_cli_suggest(NULL));
}

/* What an agent's department scope is checked on, from the command table
 * (it was a strcmp chain in access.c): the ticket operand of every ticket
 * subcommand but open and list, the --department of ticket list, the ticket
 * in appoint's subcommand place, the customer of customer show and points
 * show (past --last N). */
static void test_agent_scope_table(void **state) {
  (void)state;
  static const struct {
    const char *argv[4];
    int argc;
    mi_cli_scope want;
  } cases[] = {
      {{"ticket", "show", "T1"}, 3, MI_SCOPE_TICKET},    {{"ticket", "close", "T1"}, 3, MI_SCOPE_TICKET},
      {{"ticket", "open"}, 2, MI_SCOPE_NONE},            {{"ticket", "list"}, 2, MI_SCOPE_DEPARTMENT},
      {{"appoint", "T1"}, 2, MI_SCOPE_TICKET_SUB},       {{"appoint", "list"}, 2, MI_SCOPE_NONE},
      {{"appoint", "skills"}, 2, MI_SCOPE_NONE},         {{"appoint", "--json"}, 2, MI_SCOPE_NONE},
      {{"customer", "show", "C1"}, 3, MI_SCOPE_CUSTOMER}, {{"customer", "list"}, 2, MI_SCOPE_NONE},
      {{"points", "show", "C1"}, 3, MI_SCOPE_CUSTOMER},  {{"status"}, 1, MI_SCOPE_NONE},
      {{"ticket"}, 1, MI_SCOPE_NONE},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *const *with_value = NULL;
    const mi_cli_entry *en = mi_cli_find(cases[i].argv[0]);
    assert_non_null(en);
    mi_cli_scope got = mi_cli_scope_of(en, cases[i].argc, (char **)cases[i].argv, &with_value);
    if (got != cases[i].want)
      fail_msg("%s %s: scope %d, expected %d", cases[i].argv[0], cases[i].argv[1] ? cases[i].argv[1] : "",
               got, cases[i].want);
    assert_non_null(with_value);
  }
  const char *const *with_value = NULL;
  const char *argv[] = {"points", "show", "--last", "5", "C1"};
  mi_cli_scope_of(mi_cli_find("points"), 5, (char **)argv, &with_value);
  assert_string_equal(with_value[0], "--last");
}

static char dir[] = "/tmp/manyi-test-access-XXXXXX";

static const char *path_of(const char *name) {
  static char buf[4][512];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

static mi_config *config_with(const char *users) {
  const char *p = path_of("manyi.yaml");
  FILE *f = fopen(p, "w");
  assert_non_null(f);
  fprintf(f,
          "version: 1\ndatabase: a.db\ncalendars:\n  office:\n    hours:\n      mon: [09:00-17:00]\n"
          "departments:\n  - {code: support, name: Support, calendar: office}\n"
          "  - {code: field, name: Field, calendar: office}\n%s",
          users);
  fclose(f);
  mi_config *cfg = NULL;
  mi_err e = {0};
  if (mi_config_load(p, &cfg, &e)) fail_msg("%s", e.msg);
  return cfg;
}

static void test_acting_user(void **state) {
  (void)state;
  mi_actor a;
  mi_err e = {0};
  assert_int_equal(mi_access_resolve(NULL, NULL, 1, &a, &e), MI_EINVAL);
  /* No database yet: nothing to protect; the caller checks again later. */
  assert_int_equal(mi_access_resolve(NULL, "x", 4242, &a, &e), 0);
  assert_true(a.no_database);
  mi_config *cfg = config_with("");
  mi_store *s = NULL;
  unlink(path_of("roles.db"));
  assert_int_equal(mi_store_open(path_of("roles.db"), MI_STORE_CREATE, &s, &e), 0);
  assert_int_equal(mi_sync_config(s, cfg, 1000, NULL, &e), 0);
  /* No roles: the owner of the database file and root are admin, others refused. */
  assert_int_equal(mi_access_resolve(s, "me", getuid(), &a, &e), 0);
  assert_int_equal(a.role, MI_CONFIG_ROLE_ADMIN);
  assert_true(a.owner);
  assert_int_equal(mi_access_resolve(s, "root", 0, &a, &e), 0);
  assert_int_equal(mi_access_resolve(s, "mallory", getuid() + 4242, &a, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "user 'mallory' has no role"));
  assert_non_null(strstr(e.msg, "manyi role grant mallory"));

  /* Roles come from the table; a row applies even to the owner. */
  assert_int_equal(mi_role_grant(s, "me", "ann", "analyst", NULL, 1000, &e), 0);
  assert_int_equal(mi_role_grant(s, "me", "bob", "agent", "field", 1000, &e), 0);
  assert_int_equal(mi_access_resolve(s, "ann", 1000, &a, &e), 0);
  assert_int_equal(a.role, MI_CONFIG_ROLE_ANALYST);
  assert_true(mi_access_masked(&a));
  assert_int_equal(mi_access_check(&a, MI_ACCESS_ADMIN, "'manyi init'", &e), MI_EDENIED);
  assert_string_equal(e.msg, "user 'ann' (role analyst) may not run 'manyi init'");
  assert_int_equal(mi_access_resolve(s, "bob", 1001, &a, &e), 0);
  assert_string_equal(a.department, "field");
  assert_false(mi_access_masked(&a));
  assert_int_equal(mi_role_grant(s, "me", "root", "auditor", NULL, 1000, &e), 0);
  assert_int_equal(mi_access_resolve(s, "root", 0, &a, &e), 0);
  assert_int_equal(a.role, MI_CONFIG_ROLE_AUDITOR);
  assert_false(a.owner);

  /* Bad grants change nothing. */
  assert_int_equal(mi_role_grant(s, "me", "eve", "agent", NULL, 1000, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "--department"));
  assert_int_equal(mi_role_grant(s, "me", "eve", "agent", "nowhere", 1000, &e), MI_ENOTFOUND);
  assert_int_equal(mi_role_grant(s, "me", "eve", "analyst", "field", 1000, &e), MI_EINVAL);
  assert_int_equal(mi_role_grant(s, "me", "eve", "boss", NULL, 1000, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "unknown role 'boss'"));
  assert_int_equal(mi_role_grant(s, "me", "bad name", "admin", NULL, 1000, &e), MI_EINVAL);
  assert_int_equal(mi_role_grant(s, "me", "'; drop table roles; --", "admin", NULL, 1000, &e), MI_EINVAL);
  assert_int_equal(mi_role_revoke(s, "me", "eve", 1000, &e), MI_ENOTFOUND);
  assert_int_equal(mi_access_resolve(s, "eve", 4243, &a, &e), MI_EINVAL);
  /* Revoked: refused again. */
  assert_int_equal(mi_role_revoke(s, "me", "ann", 1000, &e), 0);
  assert_int_equal(mi_access_resolve(s, "ann", 1000, &a, &e), MI_EINVAL);
  /* Every change is in the audit log: 3 grants, 1 revoke. */
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path_of("roles.db"), &db), SQLITE_OK);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*), sum(detail LIKE '{\"revoke\":\"analyst\"%') "
                                          "FROM audit_log WHERE action = 'role'", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 4);
  assert_int_equal(sqlite3_column_int(st, 1), 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
  mi_store_close(s);
  mi_config_free(cfg);
  /* An agent without a department is a configuration error (config/load_org.c). */
  FILE *f = fopen(path_of("manyi.yaml"), "a");
  assert_non_null(f);
  fputs("users:\n  eve: {role: agent}\n", f);
  fclose(f);
  assert_int_equal(mi_config_load(path_of("manyi.yaml"), &cfg, &e), MI_ECONFIG);
  assert_non_null(strstr(e.msg, "agent 'eve' needs a department"));
}

static void test_masking(void **state) {
  (void)state;
  char b[320];
  assert_string_equal(mi_access_mask("name", "Zhang Wei", b, sizeof b), "Z***");
  assert_string_equal(mi_access_mask("name", "张伟", b, sizeof b), "张***");
  assert_string_equal(mi_access_mask("phone", "+86 138 0013 8000", b, sizeof b), "***00");
  assert_string_equal(mi_access_mask("email", "wei@example.cn", b, sizeof b), "w***@example.cn");
  assert_string_equal(mi_access_mask("email", "@x", b, sizeof b), "***");
  assert_string_equal(mi_access_mask("birthday", "1985-04-12", b, sizeof b), "1985-**-**");
  assert_string_equal(mi_access_mask("region", "east", b, sizeof b), "east");
  assert_null(mi_access_mask("name", NULL, b, sizeof b));
  /* The stored personal columns, by table (store/scope.c), masked by kind. */
  assert_int_equal(mi_scope_personal_column("outbox", "recipient"), MI_PERSONAL_CONTACT);
  assert_int_equal(mi_scope_personal_column("jobs", "payload"), MI_PERSONAL_JSON);
  assert_int_equal(mi_scope_personal_column("customers", "region"), MI_PERSONAL_NONE);
  assert_int_equal(mi_scope_personal_column(NULL, "name"), MI_PERSONAL_NONE);
  assert_true(mi_scope_restricted_table("audit_log"));
  assert_true(mi_scope_restricted_table("roles"));
  assert_false(mi_scope_restricted_table("customers"));
  assert_string_equal(mi_access_mask_as(MI_PERSONAL_CONTACT, "+86 138 0013 8000", b, sizeof b), "***00");
  assert_string_equal(mi_access_mask_as(MI_PERSONAL_CONTACT, "wei@example.cn", b, sizeof b), "w***@example.cn");
  assert_string_equal(mi_access_mask_as(MI_PERSONAL_NONE, "x", b, sizeof b), "x");
  /* An address too long for the buffer is not cut into a partial one. */
  char longmail[400];
  memset(longmail, 'a', sizeof longmail);
  longmail[0] = 'w', longmail[1] = '@', longmail[sizeof longmail - 1] = '\0';
  assert_string_equal(mi_access_mask_as(MI_PERSONAL_EMAIL, longmail, b, sizeof b), "***");
  /* JSON payloads: the personal members at any depth, the rest as it was. */
  char *j = mi_access_mask_json("{\"channel\":\"sms\",\"recipient\":\"+86 138 0013 8000\","
                                "\"to\":[{\"email\":\"wei@example.cn\",\"name\":\"张伟\"}],\"n\":1}");
  assert_string_equal(j, "{\"channel\":\"sms\",\"recipient\":\"***00\",\"to\":[{\"email\":"
                         "\"w***@example.cn\",\"name\":\"张***\"}],\"n\":1}");
  free(j);
  j = mi_access_mask_json("not json +86 138 0013 8000");
  assert_string_equal(j, "***");
  free(j);
  j = mi_access_mask_json("\"+86 138 0013 8000\"");
  assert_string_equal(j, "\"***\"");
  free(j);
  assert_null(mi_access_mask_json(NULL));
}

static int raw_exec(const char *sql) {
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path_of("audit.db"), &db), SQLITE_OK);
  int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
  sqlite3_close(db);
  return rc;
}

static mi_audit_report verify(const char *anchor) {
  mi_store *s = NULL;
  mi_err e = {0};
  mi_audit_report r;
  assert_int_equal(mi_store_open(path_of("audit.db"), 0, &s, &e), 0);
  assert_int_equal(mi_audit_verify(s, anchor, &r, &e), 0);
  mi_store_close(s);
  return r;
}

static const char *const UNTRIGGER =
    "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;";

static void fresh_log(void) {
  unlink(path_of("audit.db"));
  mi_store *s = NULL;
  mi_err e = {0};
  assert_int_equal(mi_store_open(path_of("audit.db"), MI_STORE_CREATE, &s, &e), 0);
  assert_int_equal(mi_audit_append(s, "alice", "export", "customers", "{\"rows\":3}", 7, &e), 0);
  assert_int_equal(mi_audit_append(s, "bob", "ticket", "assign", NULL, 8, &e), 0);
  assert_int_equal(mi_audit_append(s, "carol", "eval", "tiers", "{\"status\":0}", 9, &e), 0);
  assert_int_equal(mi_audit_append(s, "dave", "import", NULL, NULL, 10, &e), 0);
  assert_int_equal(mi_audit_append(NULL, "x", "y", NULL, NULL, 1, &e), MI_EINVAL);
  mi_store_close(s);
}

static void test_audit_chain(void **state) {
  (void)state;
  fresh_log();
  /* Entry 1's hash, computed with coreutils:
   * printf '%s' '~,1:1,1:7,5:alice,6:export,9:customers,10:{"rows":3},' | sha256sum */
  mi_store *s = NULL;
  mi_err e = {0};
  assert_int_equal(mi_store_open(path_of("audit.db"), 0, &s, &e), 0);
  char *last = NULL;
  assert_int_equal(mi_audit_last_detail(s, "eval", "tiers", &last, &e), 0);
  assert_string_equal(last, "{\"status\":0}");
  free(last);
  assert_int_equal(mi_audit_last_detail(s, "eval", "points", &last, &e), 0);
  assert_null(last);
  mi_store_close(s);
  sqlite3 *db;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(path_of("audit.db"), &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT hash, prev_hash FROM audit_log WHERE id = 1", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0),
                      "86586bd910d183f69925ac0af302b11503b79406b3438580ee738adb56b4c5d1");
  assert_int_equal(sqlite3_column_type(st, 1), SQLITE_NULL);
  sqlite3_finalize(st);
  sqlite3_close(db);

  mi_audit_report r = verify(NULL);
  assert_int_equal(r.entries, 4);
  assert_int_equal(r.bad_id, 0);
  char head[MI_AUDIT_HASH_LEN + 1];
  strcpy(head, r.head);
  assert_int_equal(strlen(head), 64);
  assert_true(verify(head).anchor_found);
  assert_false(verify("0000000000000000000000000000000000000000000000000000000000000000").anchor_found);

  /* The triggers refuse edits through SQL... */
  assert_int_equal(raw_exec("UPDATE audit_log SET os_user = 'x' WHERE id = 2"), SQLITE_CONSTRAINT);
  /* ...and an edit with the triggers dropped is named by verify. */
  assert_int_equal(raw_exec(UNTRIGGER), SQLITE_OK);
  assert_int_equal(raw_exec("UPDATE audit_log SET object = 'orders' WHERE id = 2"), SQLITE_OK);
  r = verify(NULL);
  assert_int_equal(r.bad_id, 2);
  assert_non_null(strstr(r.problem, "edited"));

  /* A deleted entry in the middle. */
  fresh_log();
  assert_int_equal(raw_exec(UNTRIGGER), SQLITE_OK);
  assert_int_equal(raw_exec("DELETE FROM audit_log WHERE id = 2"), SQLITE_OK);
  r = verify(NULL);
  assert_int_equal(r.bad_id, 3);
  assert_non_null(strstr(r.problem, "deleted"));

  /* The last entry deleted: only the anchor shows it. */
  fresh_log();
  r = verify(NULL);
  strcpy(head, r.head);
  assert_int_equal(raw_exec(UNTRIGGER), SQLITE_OK);
  assert_int_equal(raw_exec("DELETE FROM audit_log WHERE id = 4"), SQLITE_OK);
  r = verify(head);
  assert_int_equal(r.bad_id, 0);
  assert_false(r.anchor_found);

  /* An inserted entry (copying a real one's hashes does not help). */
  fresh_log();
  assert_int_equal(raw_exec("INSERT INTO audit_log SELECT 5, at, os_user, action, object, detail, "
                            "prev_hash, hash FROM audit_log WHERE id = 4"), SQLITE_OK);
  r = verify(NULL);
  assert_int_equal(r.bad_id, 5);
  /* An entry's content swapped with a valid hash recomputed for it, but the next link breaks. */
  fresh_log();
  assert_int_equal(raw_exec(UNTRIGGER), SQLITE_OK);
  mi_audit_entry forged = {1, 7, "mallory", "export", "customers", "{\"rows\":3}", NULL, NULL};
  char h[MI_AUDIT_HASH_LEN + 1], sql[512];
  mi_audit_hash(&forged, h);
  snprintf(sql, sizeof sql, "UPDATE audit_log SET os_user = 'mallory', hash = '%s' WHERE id = 1", h);
  assert_int_equal(raw_exec(sql), SQLITE_OK);
  r = verify(NULL);
  assert_int_equal(r.bad_id, 2);
  assert_non_null(strstr(r.problem, "prev_hash"));
}

static int setup(void **state) {
  (void)state;
  return mi_test_tmpdir(dir);
}

static int teardown(void **state) {
  (void)state;
  return mi_test_rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_role_and_command),
      cmocka_unit_test(test_acting_user),
      cmocka_unit_test(test_agent_scope_table),
      cmocka_unit_test(test_masking),
      cmocka_unit_test(test_audit_chain),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
