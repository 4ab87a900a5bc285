/* Store: opening, refusing what is not ours, migrations, constraints, the
 * append-only ledger and the entity functions. */
#include "fixture.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/customers.h"
#include "store/departments.h"
#include "store/ledger.h"
#include "store/orders.h"
#include "store/actions.h"
#include "store/audit.h"
#include "store/evaluations.h"
#include "store/jobs.h"
#include "store/staff.h"
#include "store/tiers.h"
#include "store/store.h"
#include "store/surveys.h"
#include "store/tickets.h"

static char dir[] = "/tmp/manyi-test-store-XXXXXX";

static const char *path_of(const char *name) {
  static char buf[512];
  snprintf(buf, sizeof buf, "%s/%s", dir, name);
  return buf;
}

static int setup(void **state) {
  (void)state;
  return mi_test_tmpdir(dir);
}

static int teardown(void **state) {
  (void)state;
  return mi_test_rmdir(dir);
}

static mi_store *fresh(const char *name) {
  mi_store *s = NULL;
  mi_err e = {0};
  const char *p = path_of(name);
  unlink(p);
  assert_int_equal(mi_store_open(p, MI_STORE_CREATE, &s, &e), 0);
  return s;
}

static void write_file(const char *p, const char *text) {
  FILE *f = fopen(p, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int raw_exec(const char *p, const char *sql) {
  sqlite3 *db;
  assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
  int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
  sqlite3_close(db);
  return rc;
}

static void test_bad_arguments(void **state) {
  (void)state;
  mi_store *s = (mi_store *)1;
  mi_err e = {0};
  assert_int_equal(mi_store_open(NULL, 0, &s, &e), MI_EINVAL);
  assert_int_equal(mi_store_open("", 0, &s, &e), MI_EINVAL);
  assert_int_equal(mi_store_open(path_of("x.db"), 0, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_store_begin(NULL, &e), MI_EINVAL);
  assert_int_equal(mi_store_commit(NULL, &e), MI_EINVAL);
  mi_store_rollback(NULL);
  mi_store_close(NULL);
  assert_int_equal(mi_customer_put(NULL, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_ledger_append(NULL, NULL, NULL, &e), MI_EINVAL);
}

static void test_missing_database_is_not_created(void **state) {
  (void)state;
  mi_store *s = NULL;
  mi_err e = {0};
  assert_int_equal(mi_store_open(path_of("absent.db"), 0, &s, &e), MI_ENOTFOUND);
  assert_non_null(strstr(e.msg, "manyi init"));
  assert_int_equal(access(path_of("absent.db"), F_OK), -1);
}

static void test_create_is_0600_and_current(void **state) {
  (void)state;
  mi_store *s = fresh("new.db");
  struct stat sb;
  assert_int_equal(stat(path_of("new.db"), &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0600);
  assert_int_equal(mi_store_version(s), mi_store_latest_version());
  assert_true(mi_store_latest_version() >= 2);
  mi_err e = {0};
  assert_int_equal(mi_store_check(s, &e), 0);
  mi_store_close(s);
  /* Opening again is a no-op. */
  assert_int_equal(mi_store_open(path_of("new.db"), 0, &s, &e), 0);
  assert_int_equal(mi_store_version(s), mi_store_latest_version());
  mi_store_close(s);
}

static void test_text_file_is_refused_and_untouched(void **state) {
  (void)state;
  const char *p = path_of("notes.db");
  write_file(p, "these are my notes, not a database\n");
  mi_store *s = NULL;
  mi_err e = {0};
  assert_int_equal(mi_store_open(p, MI_STORE_CREATE, &s, &e), MI_ECORRUPT);
  assert_null(s);
  assert_non_null(strstr(e.msg, "not a SQLite database"));
  char buf[128] = {0};
  FILE *f = fopen(p, "r");
  assert_non_null(fgets(buf, sizeof buf, f));
  fclose(f);
  assert_string_equal(buf, "these are my notes, not a database\n");
}

static void test_other_programs_database_is_refused(void **state) {
  (void)state;
  const char *p = path_of("other.db");
  unlink(p);
  assert_int_equal(raw_exec(p, "CREATE TABLE accounts(id INTEGER PRIMARY KEY)"), SQLITE_OK);
  mi_store *s = NULL;
  mi_err e = {0};
  assert_int_equal(mi_store_open(p, MI_STORE_CREATE, &s, &e), MI_ECORRUPT);
  assert_non_null(strstr(e.msg, "another program"));
  /* Untouched: still only its own table, no manyi tables. */
  assert_int_equal(raw_exec(p, "SELECT * FROM customers"), SQLITE_ERROR);
}

static void test_damaged_database_is_reported(void **state) {
  (void)state;
  mi_store *s = fresh("damaged.db");
  mi_store_close(s);
  const char *p = path_of("damaged.db");
  raw_exec(p, "PRAGMA wal_checkpoint(TRUNCATE)");
  /* Overwrite page 2 onwards with garbage. */
  FILE *f = fopen(p, "r+b");
  assert_non_null(f);
  fseek(f, 4096, SEEK_SET);
  for (int i = 0; i < 4096 * 8; i++) fputc(0xA5, f);
  fclose(f);
  mi_err e = {0};
  int rc = mi_store_open(p, 0, &s, &e);
  if (rc == 0) {
    rc = mi_store_check(s, &e);
    mi_store_close(s);
  }
  assert_int_equal(rc, MI_ECORRUPT);
}

static void test_newer_database_is_refused(void **state) {
  (void)state;
  mi_store *s = fresh("newer.db");
  mi_store_close(s);
  assert_int_equal(raw_exec(path_of("newer.db"), "PRAGMA user_version = 999"), SQLITE_OK);
  mi_err e = {0};
  assert_int_equal(mi_store_open(path_of("newer.db"), 0, &s, &e), MI_EVERSION);
  assert_non_null(strstr(e.msg, "999"));
}

static void test_migration_is_all_or_nothing(void **state) {
  (void)state;
  const mi_schema_step v1[] = {{1, "base", "CREATE TABLE t(a INTEGER) STRICT;"}};
  const mi_schema_step broken[] = {
      {1, "base", "CREATE TABLE t(a INTEGER) STRICT;"},
      {2, "0002_ok", "CREATE TABLE u(b INTEGER) STRICT;"},
      {3, "0003_broken", "CREATE TABLE w(c INTEGER); INSERT INTO missing VALUES (1);"}};
  const char *p = path_of("migrate.db");
  unlink(p);
  mi_store *s = NULL;
  mi_err e = {0};
  assert_int_equal(mi_store_open_with(p, MI_STORE_CREATE, v1, 1, &s, &e), 0);
  assert_int_equal(mi_store_version(s), 1);
  mi_store_close(s);
  assert_int_not_equal(mi_store_open_with(p, 0, broken, 3, &s, &e), 0);
  assert_non_null(strstr(e.msg, "0003_broken"));
  assert_non_null(strstr(e.msg, "unchanged"));
  /* Neither step 2 nor the first half of step 3 stayed. */
  assert_int_equal(raw_exec(p, "SELECT * FROM u"), SQLITE_ERROR);
  assert_int_equal(raw_exec(p, "SELECT * FROM w"), SQLITE_ERROR);
  assert_int_equal(mi_store_open_with(p, 0, v1, 1, &s, &e), 0);
  assert_int_equal(mi_store_version(s), 1);
  mi_store_close(s);
}

static void test_base_database_migrates_to_latest(void **state) {
  (void)state;
  const char *p = path_of("old.db");
  unlink(p);
  mi_store *s = NULL;
  mi_err e = {0};
  /* A database made by a manyi that knew only the base schema. */
  assert_int_equal(mi_store_open_with(p, MI_STORE_CREATE, mi_schema_steps, 1, &s, &e), 0);
  assert_int_equal(mi_store_version(s), 1);
  mi_store_close(s);
  assert_int_equal(raw_exec(p, "SELECT * FROM customer_value"), SQLITE_ERROR);
  assert_int_equal(raw_exec(p, "SELECT * FROM referrals"), SQLITE_ERROR);
  assert_int_equal(mi_store_open(p, 0, &s, &e), 0);
  assert_int_equal(mi_store_version(s), mi_store_latest_version());
  mi_store_close(s);
  assert_int_equal(raw_exec(p, "SELECT * FROM customer_value"), SQLITE_OK);
  /* Version 10: referrals, one referrer per customer, never oneself. */
  assert_true(mi_store_latest_version() >= 10);
  assert_int_equal(raw_exec(p, "SELECT referrer_id, referred_id, recorded_at, recorded_by"
                               " FROM referrals"), SQLITE_OK);
}

static mi_customer sample_customer(const char *id) {
  mi_customer c = {0};
  c.external_id = id;
  c.name = "王伟";
  c.kind = "person";
  c.region = "South";
  c.phone = "+86 138 0000 0000";
  c.email = "wang@example.com";
  c.birthday = "1990-02-28";
  c.consent_email = 1;
  c.created_at = 1700000000;
  return c;
}

static void test_customer_put_get_update(void **state) {
  (void)state;
  mi_store *s = fresh("customers.db");
  mi_err e = {0};
  mi_customer c = sample_customer("C001");
  assert_int_equal(mi_store_begin(s, &e), 0);
  assert_int_equal(mi_customer_put(s, &c, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_customer_put(s, &c, &e), MI_PUT_UNCHANGED);
  c.region = "North";
  assert_int_equal(mi_customer_put(s, &c, &e), MI_PUT_UPDATED);
  assert_int_equal(mi_store_commit(s, &e), 0);
  mi_customer got;
  assert_int_equal(mi_customer_get(s, "C001", &got, &e), 0);
  assert_string_equal(got.name, "王伟");
  assert_string_equal(got.region, "North");
  assert_null(got.industry);
  assert_null(got.tier);
  assert_int_equal(got.consent_email, 1);
  assert_int_equal(got.created_at, 1700000000);
  mi_customer_release(&got);
  assert_int_equal(mi_customer_get(s, "C404", &got, &e), MI_ENOTFOUND);
  assert_non_null(strstr(e.msg, "C404"));
  mi_store_close(s);
}

static void test_constraints_keep_bad_data_out(void **state) {
  (void)state;
  mi_store *s = fresh("constraints.db");
  mi_err e = {0};
  mi_customer c = sample_customer("C001");
  c.kind = "alien";
  assert_int_equal(mi_customer_put(s, &c, &e), MI_EINVAL);
  c = sample_customer("C001");
  c.email = "no-at-sign";
  assert_int_equal(mi_customer_put(s, &c, &e), MI_EINVAL);
  c = sample_customer("C001");
  c.birthday = "1990-02-30";
  assert_int_equal(mi_customer_put(s, &c, &e), MI_EINVAL);
  c = sample_customer("C001");
  c.phone = "call me maybe";
  assert_int_equal(mi_customer_put(s, &c, &e), MI_EINVAL);
  /* An order of a customer that does not exist. */
  mi_order o = {"O1", 999, 100, "CNY", 1700000000, "paid"};
  assert_int_equal(mi_order_put(s, &o, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "does not exist"));
  c = sample_customer("C001");
  assert_int_equal(mi_customer_put(s, &c, &e), MI_PUT_INSERTED);
  int64_t cid;
  assert_int_equal(mi_customer_id(s, "C001", &cid, &e), 0);
  o.customer_id = cid;
  o.currency = "yuan";
  assert_int_equal(mi_order_put(s, &o, &e), MI_EINVAL);
  o.currency = "CNY";
  o.amount_minor = -1;
  assert_int_equal(mi_order_put(s, &o, &e), MI_EINVAL);
  o.amount_minor = 129900;
  assert_int_equal(mi_order_put(s, &o, &e), MI_PUT_INSERTED);
  mi_store_close(s);
}

static void test_ledger_is_append_only_and_idempotent(void **state) {
  (void)state;
  mi_store *s = fresh("ledger.db");
  mi_err e = {0};
  mi_customer c = sample_customer("C001");
  assert_int_equal(mi_customer_put(s, &c, &e), MI_PUT_INSERTED);
  int64_t cid, id1, id2;
  assert_int_equal(mi_customer_id(s, "C001", &cid, &e), 0);
  mi_ledger_entry earn = {.customer_id = cid, .kind = "earn", .points = 120,
                          .reason = "order O1", .idempotency_key = "order:O1:earn",
                          .created_at = 1700000000};
  assert_int_equal(mi_ledger_append(s, &earn, &id1, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_ledger_append(s, &earn, &id2, &e), MI_PUT_UNCHANGED);
  mi_ledger_entry rev = {.customer_id = cid, .kind = "reverse", .points = -120,
                         .reason = "order O1 refunded", .idempotency_key = "order:O1:reverse",
                         .reverses_id = id1, .created_at = 1700000100};
  assert_int_equal(mi_ledger_append(s, &rev, NULL, &e), MI_PUT_INSERTED);
  mi_ledger_entry bad = {.customer_id = cid, .kind = "redeem", .points = 50,
                         .reason = "redeeming must be negative", .idempotency_key = "x",
                         .created_at = 1};
  assert_int_equal(mi_ledger_append(s, &bad, NULL, &e), MI_EINVAL);
  int64_t balance;
  assert_int_equal(mi_ledger_balance(s, cid, &balance, &e), 0);
  assert_int_equal(balance, 0);
  mi_store_close(s);
  const char *p = path_of("ledger.db");
  assert_int_equal(raw_exec(p, "UPDATE loyalty_ledger SET points = 1000"), SQLITE_CONSTRAINT);
  assert_int_equal(raw_exec(p, "DELETE FROM loyalty_ledger"), SQLITE_CONSTRAINT);
}

static void test_tier_changes_are_recorded(void **state) {
  (void)state;
  mi_store *s = fresh("tiers.db");
  mi_err e = {0};
  mi_customer c = sample_customer("C001");
  int64_t cid;
  assert_int_equal(mi_customer_put(s, &c, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_customer_id(s, "C001", &cid, &e), 0);
  assert_int_equal(mi_tier_set(s, cid, "B", "spend 60000", "tiers.lua", 0, 10, &e), MI_PUT_UPDATED);
  assert_int_equal(mi_tier_set(s, cid, "B", "spend 60000", "tiers.lua", 0, 11, &e), MI_PUT_UNCHANGED);
  assert_int_equal(mi_tier_set(s, cid, "A", "spend 120000", "tiers.lua", 0, 12, &e), MI_PUT_UPDATED);
  mi_customer got;
  assert_int_equal(mi_customer_get(s, "C001", &got, &e), 0);
  assert_string_equal(got.tier, "A");
  mi_customer_release(&got);
  mi_store_count counts[32];
  int n = mi_store_counts(s, counts, 32, &e);
  for (int i = 0; i < n; i++)
    if (!strcmp(counts[i].table, "tier_history")) assert_int_equal(counts[i].rows, 2);
  mi_store_close(s);
  assert_int_equal(raw_exec(path_of("tiers.db"), "DELETE FROM tier_history"), SQLITE_CONSTRAINT);
}

static int64_t raw_int(const char *p, const char *sql) {
  sqlite3 *db;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

/* A batch's changes stored by statements of 64 rows: 70 customers (a full
 * group and a short one), each with its history row; a change the schema
 * refuses, or of a customer that is gone, fails the call. */
static void test_tier_changes_many(void **state) {
  (void)state;
  mi_store *s = fresh("tiers_many.db");
  mi_err e = {0};
  enum { N = 70 };
  mi_tier_change ch[N];
  char names[N][8];
  assert_int_equal(mi_store_begin(s, &e), 0);
  for (int i = 0; i < N; i++) {
    snprintf(names[i], sizeof names[i], "C%03d", i + 1);
    mi_customer c = sample_customer(names[i]);
    assert_int_equal(mi_customer_put(s, &c, &e), MI_PUT_INSERTED);
    int64_t id;
    assert_int_equal(mi_customer_id(s, names[i], &id, &e), 0);
    /* in reverse order: the statements do not rely on id order */
    ch[N - 1 - i] = (mi_tier_change){id, NULL, i % 2 ? "B" : "A", i % 2 ? "odd" : "even"};
  }
  assert_int_equal(mi_tier_set_many(s, ch, N, "tiers.lua", 0, 10, &e), 0);
  assert_int_equal(mi_tier_set_many(s, ch, 0, "tiers.lua", 0, 10, &e), 0);
  assert_int_equal(mi_store_commit(s, &e), 0);
  const char *p = path_of("tiers_many.db");
  assert_int_equal(raw_int(p, "SELECT count(*) FROM customers WHERE tier = 'A'"), 35);
  assert_int_equal(raw_int(p, "SELECT count(*) FROM customers WHERE tier = 'B'"), 35);
  /* C001 (i = 0) is A by "even", C070 (i = 69) B by "odd" */
  assert_int_equal(raw_int(p, "SELECT count(*) FROM tier_history h JOIN customers c ON c.id ="
                              " h.customer_id WHERE h.old_tier IS NULL AND h.policy = 'tiers.lua'"
                              " AND h.job_id IS NULL AND h.changed_at = 10 AND ((c.external_id ="
                              " 'C001' AND h.new_tier = 'A' AND h.reason = 'even') OR (c.external_id"
                              " = 'C070' AND h.new_tier = 'B' AND h.reason = 'odd'))"),
                   2);
  assert_int_equal(raw_int(p, "SELECT count(*) FROM tier_history h JOIN customers c ON c.id ="
                              " h.customer_id WHERE h.new_tier = c.tier"),
                   N);

  /* A to C for the first two, from what they hold; a customer that is gone */
  mi_tier_change next[3] = {{ch[N - 1].customer_id, "A", "C", "down"},
                            {ch[N - 2].customer_id, "B", "C", "down"},
                            {999999, NULL, "A", "gone"}};
  assert_int_equal(mi_store_begin(s, &e), 0);
  assert_int_equal(mi_tier_set_many(s, next, 3, NULL, 0, 20, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "refused by the schema or are gone"));
  mi_store_rollback(s);
  /* a tier the schema refuses (longer than 32) */
  mi_tier_change bad = {ch[0].customer_id, "B", "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABC", "long"};
  assert_int_equal(mi_store_begin(s, &e), 0);
  assert_int_equal(mi_tier_set_many(s, &bad, 1, NULL, 0, 20, &e), MI_EINVAL);
  mi_store_rollback(s);
  assert_int_equal(mi_store_begin(s, &e), 0);
  assert_int_equal(mi_tier_set_many(s, next, 2, NULL, 0, 20, &e), 0);
  assert_int_equal(mi_store_commit(s, &e), 0);
  mi_store_close(s);
  assert_int_equal(raw_int(p, "SELECT count(*) FROM customers WHERE tier = 'C'"), 2);
  assert_int_equal(raw_int(p, "SELECT count(*) FROM tier_history"), N + 2);
  assert_int_equal(raw_int(p, "SELECT count(*) FROM tier_history WHERE changed_at = 20 AND"
                              " new_tier = 'C' AND old_tier IN ('A', 'B') AND policy IS NULL"),
                   2);
}

static void test_tickets_log_their_entry(void **state) {
  (void)state;
  mi_store *s = fresh("tickets.db");
  mi_err e = {0};
  mi_customer c = sample_customer("C001");
  int64_t cid, did;
  assert_int_equal(mi_customer_put(s, &c, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_customer_id(s, "C001", &cid, &e), 0);
  assert_int_equal(mi_department_put(s, "support", "Support", "standard", &e), MI_PUT_INSERTED);
  assert_int_equal(mi_department_put(s, "support", "Support", "standard", &e), MI_PUT_UNCHANGED);
  assert_int_equal(mi_department_same(NULL, "support", "Support", NULL, &e), MI_EINVAL);
  assert_int_equal(mi_department_same(s, "support", "Support", "standard", &e), 1);
  assert_int_equal(mi_department_same(s, "support", "Support", NULL, &e), 0);
  assert_int_equal(mi_department_same(s, "support", "Help", "standard", &e), 0);
  assert_int_equal(mi_department_same(s, "sales", "Support", "standard", &e), 0);
  assert_int_equal(mi_department_id(s, "support", &did, &e), 0);
  mi_ticket t = {.external_id = "T1", .customer_id = cid, .department_id = did,
                 .kind = "complaint", .category = "product_quality", .severity = "high",
                 .channel = "phone", .priority = 1, .status = "open", .opened_at = 1000,
                 .subject = "机器坏了"};
  assert_int_equal(mi_ticket_put(s, &t, "tester", &e), MI_PUT_INSERTED);
  assert_int_equal(mi_ticket_put(s, &t, "tester", &e), MI_PUT_UNCHANGED);
  /* Resolved needs a resolution time, and it cannot be before opening. */
  t.status = "resolved";
  assert_int_equal(mi_ticket_put(s, &t, "tester", &e), MI_EINVAL);
  t.resolved_at = 500;
  assert_int_equal(mi_ticket_put(s, &t, "tester", &e), MI_EINVAL);
  t.resolved_at = 5000;
  assert_int_equal(mi_ticket_put(s, &t, "tester", &e), MI_PUT_UPDATED);
  mi_store_close(s);
  const char *p = path_of("tickets.db");
  assert_int_equal(raw_exec(p, "SELECT 1/(count(*) = 1) FROM ticket_events WHERE kind = 'imported'"),
                   SQLITE_OK);
  assert_int_equal(raw_exec(p, "UPDATE ticket_events SET actor = 'x'"), SQLITE_CONSTRAINT);
}

static void test_survey_versions(void **state) {
  (void)state;
  mi_store *s = fresh("surveys.db");
  mi_err e = {0};
  mi_question_def qs[] = {{"q1", "Overall?", "overall", 0, 1, 5, 1.0, 0, NULL, 0},
                          {"q2", "Comment", NULL, 1, 0, 0, 1.0, 0, NULL, 0}};
  mi_survey_def def = {"csat", "CSAT", "csat", "{\"v\":1}", qs, 2};
  int64_t id1, id2;
  int v;
  assert_int_equal(mi_survey_same(s, "csat", NULL, &e), MI_EINVAL);
  assert_int_equal(mi_survey_same(s, "csat", "{\"v\":1}", &e), 0); /* none stored */
  assert_int_equal(mi_store_begin(s, &e), 0);
  assert_int_equal(mi_survey_sync(s, &def, 1, &id1, &v, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_survey_same(s, "csat", "{\"v\":1}", &e), 1);
  assert_int_equal(v, 1);
  assert_int_equal(mi_survey_sync(s, &def, 2, &id2, &v, &e), MI_PUT_UNCHANGED);
  assert_int_equal(id1, id2);
  def.definition_json = "{\"v\":2}";
  assert_int_equal(mi_survey_sync(s, &def, 3, &id2, &v, &e), MI_PUT_INSERTED);
  assert_int_equal(v, 2);
  assert_int_not_equal(id1, id2);
  assert_int_equal(mi_store_commit(s, &e), 0);
  mi_question *q;
  int n;
  assert_int_equal(mi_survey_questions(s, id2, &q, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_string_equal(q[0].code, "q1");
  assert_int_equal(q[0].scale_max, 5);
  assert_int_equal(q[1].open, 1);
  free(q);
  int64_t latest;
  assert_int_equal(mi_survey_latest(s, "csat", &latest, &e), 0);
  assert_int_equal(latest, id2);
  mi_store_close(s);
}

static void test_jobs_evaluations_actions_audit(void **state) {
  (void)state;
  mi_store *s = fresh("records.db");
  mi_err e = {0};
  int64_t did, jid, aid;
  assert_int_equal(mi_department_put(s, "support", "Support", NULL, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_department_id(s, "support", &did, &e), 0);
  assert_int_equal(mi_job_enqueue(s, "tiers", "tiers:2026-11", 100, "{}", 1, &jid, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_job_enqueue(s, "tiers", "tiers:2026-11", 100, "{}", 1, &jid, &e), MI_PUT_UNCHANGED);
  assert_int_equal(mi_job_enqueue(s, "tiers", "bad", 100, "{not json", 1, &jid, &e), MI_EINVAL);
  mi_evaluation ev = {did, "2026-Q3", "satisfaction", 0.87, 1, 0.90, NULL, 5, 0};
  assert_int_equal(mi_evaluation_put(s, &ev, &e), MI_PUT_UPDATED);
  ev.value = 0.93;
  assert_int_equal(mi_evaluation_put(s, &ev, &e), MI_PUT_UPDATED);
  assert_int_equal(mi_action_add(s, did, 0, "Call back every complaint within 2h", 0, "2026-12-31", 6, &aid, &e), 0);
  assert_int_equal(mi_action_add(s, did, 0, "bad date", 0, "2026-13-01", 6, &aid, &e), MI_EINVAL);
  assert_int_equal(mi_audit_append(s, "alice", "export", "customers", "{\"rows\":3}", 7, &e), 0);
  mi_store_close(s);
  const char *p = path_of("records.db");
  assert_int_equal(raw_exec(p, "SELECT 1/(met = 1) FROM evaluations"), SQLITE_OK);
  assert_int_equal(raw_exec(p, "DELETE FROM audit_log"), SQLITE_CONSTRAINT);
}

static void test_second_writer_waits_then_reports_busy(void **state) {
  (void)state;
  mi_store *a = fresh("busy.db"), *b = NULL;
  mi_err e = {0};
  assert_int_equal(mi_store_open(path_of("busy.db"), 0, &b, &e), 0);
  assert_int_equal(mi_store_begin(a, &e), 0);
  assert_int_equal(mi_store_begin(b, &e), MI_EBUSY);
  assert_non_null(strstr(e.msg, "busy"));
  /* without waiting: refused at once; reading needs no lock (WAL) */
  mi_store_busy_wait(b, 0);
  assert_int_equal(mi_store_begin(b, &e), MI_EBUSY);
  assert_int_equal(mi_department_put(a, "support", "Support", NULL, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_department_same(b, "support", "Support", NULL, &e), 0); /* not committed */
  mi_store_busy_wait(b, MI_STORE_BUSY_MS);
  mi_store_rollback(a);
  assert_int_equal(mi_store_begin(b, &e), 0);
  mi_store_rollback(b);
  mi_store_close(a);
  mi_store_close(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_missing_database_is_not_created),
      cmocka_unit_test(test_create_is_0600_and_current),
      cmocka_unit_test(test_text_file_is_refused_and_untouched),
      cmocka_unit_test(test_other_programs_database_is_refused),
      cmocka_unit_test(test_damaged_database_is_reported),
      cmocka_unit_test(test_newer_database_is_refused),
      cmocka_unit_test(test_migration_is_all_or_nothing),
      cmocka_unit_test(test_base_database_migrates_to_latest),
      cmocka_unit_test(test_customer_put_get_update),
      cmocka_unit_test(test_constraints_keep_bad_data_out),
      cmocka_unit_test(test_ledger_is_append_only_and_idempotent),
      cmocka_unit_test(test_tier_changes_are_recorded),
      cmocka_unit_test(test_tier_changes_many),
      cmocka_unit_test(test_tickets_log_their_entry),
      cmocka_unit_test(test_survey_versions),
      cmocka_unit_test(test_jobs_evaluations_actions_audit),
      cmocka_unit_test(test_second_writer_waits_then_reports_busy),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
