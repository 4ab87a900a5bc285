/* Customers' facts (store/customer_facts.c): the streaming pass, in chunks
 * of any size, for a set of ids and for one customer, gives every customer
 * the figures of the per-customer query below (the definition the pass
 * replaced, written independently in SQL here), on generated data with
 * planted customers: no orders, only cancelled or refunded orders, orders
 * on the window's edges and after as_of, open and closed complaints,
 * responses with and without answers and with equal instants, ledger
 * entries after as_of, gaps in the ids, and one whose spend is past 64 bits. */
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

#include "store/customer_facts.h"
#include "store/store.h"

static char dir[] = "/tmp/manyi-test-facts-XXXXXX";
static char path[512];

static const int64_t as_of = 1790000000; /* 2026-09-21 */
static const int64_t year = 365 * 86400;

enum { NCUST = 900, OVERFLOW_ID = 5000 };

/* The reference: one row per customer, each figure a subquery (the latest
 * recommendation answer with equal instants going to the later response,
 * then the later question, as customer_facts.h defines it). */
static const char *reference_sql =
    "SELECT c.id, c.external_id, c.kind, c.region, c.industry, c.birthday, c.tier, c.created_at,"
    " (SELECT coalesce(sum(amount_minor), 0) FROM orders WHERE customer_id = c.id"
    "   AND ordered_at > ?2 AND ordered_at <= ?1 AND status NOT IN ('cancelled', 'refunded')),"
    " (SELECT count(*) FROM orders WHERE customer_id = c.id"
    "   AND ordered_at > ?2 AND ordered_at <= ?1 AND status NOT IN ('cancelled', 'refunded')),"
    " (SELECT count(*) FROM orders WHERE customer_id = c.id AND ordered_at <= ?1),"
    " (SELECT count(*) FROM orders WHERE customer_id = c.id AND ordered_at <= ?1 AND status = 'refunded'),"
    " (SELECT count(*) FROM orders WHERE customer_id = c.id AND ordered_at <= ?1 AND status = 'cancelled'),"
    " (SELECT coalesce(max(ordered_at), 0) FROM orders WHERE customer_id = c.id AND ordered_at <= ?1),"
    " (SELECT count(*) FROM tickets WHERE customer_id = c.id AND kind = 'complaint'"
    "   AND opened_at <= ?1 AND status NOT IN ('resolved', 'closed')),"
    " (SELECT count(*) FROM tickets WHERE customer_id = c.id AND opened_at > ?2 AND opened_at <= ?1),"
    " (SELECT avg(r.scale_answers ->> ('$.' || q.id)) FROM responses r"
    "   JOIN questions q ON q.survey_id = r.survey_id WHERE r.customer_id = c.id"
    "   AND r.submitted_at > ?2 AND r.submitted_at <= ?1 AND q.dimension = 'overall'),"
    " (SELECT r.scale_answers ->> ('$.' || q.id) FROM responses r"
    "   JOIN questions q ON q.survey_id = r.survey_id WHERE r.customer_id = c.id"
    "   AND r.submitted_at <= ?1 AND q.dimension = 'recommendation'"
    "   AND (r.scale_answers ->> ('$.' || q.id)) IS NOT NULL"
    "   ORDER BY r.submitted_at DESC, r.id DESC, q.id DESC LIMIT 1),"
    " (SELECT coalesce(sum(points), 0) FROM loyalty_ledger WHERE customer_id = c.id AND created_at <= ?1)"
    " FROM customers c WHERE c.id = ?3";

typedef struct ref {
  int64_t id;
  char text[6][80];
  int null[6];
  int64_t num[9]; /* created_at, spend, orders_12m, total, refunded, cancelled, last, complaints, tickets */
  int has_sat;
  double sat;
  int64_t nps, points;
} ref;

static ref refs[NCUST + 1];
static int nrefs;

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return rng;
}
static int64_t pick(int64_t n) { return (int64_t)(next() % (uint64_t)n); }

static void exec(sqlite3 *db, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
}

/* Generated customers 1.. with gaps (every 7th id is not used), then the
 * planted ones with their own ids. */
static void generate(sqlite3 *db) {
  static const char *status[] = {"placed", "paid", "shipped", "completed", "completed", "cancelled", "refunded"};
  static const char *tkind[] = {"inquiry", "complaint", "after_sales", "business_request"};
  static const char *tstatus[] = {"new", "open", "pending", "resolved", "closed"};
  exec(db, "BEGIN");
  exec(db, "INSERT INTO departments(id, code, name) VALUES (1, 'support', 'Support')");
  exec(db, "INSERT INTO surveys(id, code, version, name, kind, definition, created_at)"
           " VALUES (1, 'csat', 1, 'CSAT', 'csat', '{}', 0), (2, 'nps', 1, 'NPS', 'nps', '{}', 0)");
  exec(db, "INSERT INTO questions(id, survey_id, position, code, text, dimension, scale_min, scale_max) VALUES"
           " (11, 1, 1, 'overall', 'Overall?', 'overall', 1, 5),"
           " (12, 1, 2, 'speed', 'Speed?', 'speed', 1, 5),"
           " (13, 1, 3, 'overall2', 'Again?', 'overall', 1, 5),"
           " (21, 2, 1, 'rec', 'Recommend?', 'recommendation', 0, 10),"
           " (22, 2, 2, 'rec2', 'Recommend again?', 'recommendation', 0, 10)");
  sqlite3_stmt *c, *o, *t, *r, *l;
  sqlite3_prepare_v2(db, "INSERT INTO customers(id, external_id, name, kind, region, industry, birthday, tier, created_at)"
                         " VALUES (?1, printf('C%05d', ?1), 'n', ?2, ?3, ?4, ?5, ?6, ?7)", -1, &c, NULL);
  sqlite3_prepare_v2(db, "INSERT INTO orders(external_id, customer_id, amount_minor, currency, ordered_at, status)"
                     " VALUES (printf('O%d', (SELECT count(*) FROM orders)), ?1, ?2, 'CNY', ?3, ?4)", -1, &o, NULL);
  sqlite3_prepare_v2(db, "INSERT INTO tickets(external_id, customer_id, kind, category, severity, channel, priority,"
                         " department_id, status, opened_at, resolved_at, subject)"
                         " VALUES (printf('T%d', (SELECT count(*) FROM tickets)), ?1, ?2, 'general', 'low', 'email', 1,"
                         " 1, ?3, ?4, CASE WHEN ?3 IN ('resolved', 'closed') THEN ?4 END, 's')", -1, &t, NULL);
  sqlite3_prepare_v2(db, "INSERT INTO responses(id, external_id, survey_id, customer_id, submitted_at, scale_answers)"
                         " VALUES (?1, printf('R%d', ?1), ?2, ?3, ?4, ?5)", -1, &r, NULL);
  sqlite3_prepare_v2(db, "INSERT INTO loyalty_ledger(customer_id, kind, points, reason, idempotency_key, created_at)"
                     " VALUES (?1, ?2, ?3, 'r', printf('k%d', (SELECT count(*) FROM loyalty_ledger)), ?4)", -1, &l, NULL);
  assert_non_null(c), assert_non_null(o), assert_non_null(t), assert_non_null(r), assert_non_null(l);
  int64_t rid = 1;
  for (int64_t id = 1; id <= NCUST * 7 / 6; id++) {
    if (id % 7 == 0) continue; /* gaps in the ids */
    int kind = (int)(id % 10);
    sqlite3_bind_int64(c, 1, id);
    sqlite3_bind_text(c, 2, id % 3 ? "person" : "company", -1, SQLITE_STATIC);
    if (id % 4) sqlite3_bind_text(c, 3, "北京", -1, SQLITE_STATIC); else sqlite3_bind_null(c, 3);
    if (id % 5) sqlite3_bind_text(c, 4, "retail", -1, SQLITE_STATIC); else sqlite3_bind_null(c, 4);
    if (id % 2) sqlite3_bind_text(c, 5, "1990-02-03", -1, SQLITE_STATIC); else sqlite3_bind_null(c, 5);
    if (id % 6) sqlite3_bind_text(c, 6, id % 2 ? "A" : "C", -1, SQLITE_STATIC); else sqlite3_bind_null(c, 6);
    sqlite3_bind_int64(c, 7, as_of - pick(5 * year));
    assert_int_equal(sqlite3_step(c), SQLITE_DONE);
    sqlite3_reset(c);
    /* kind 0: no orders; 1: only cancelled; 2: only refunded; the others mixed,
     * some on the window's edges (since, as_of) and after as_of */
    int norders = kind == 0 ? 0 : (int)pick(12);
    for (int k = 0; k < norders; k++) {
      int64_t at = as_of - pick(2 * year);
      if (k == 0 && id % 3 == 0) at = as_of - year; /* on the edge: outside the 12 months */
      if (k == 1 && id % 3 == 0) at = as_of;        /* on the edge: inside */
      if (k == 2 && id % 5 == 0) at = as_of + 1;    /* after as_of */
      sqlite3_bind_int64(o, 1, id);
      sqlite3_bind_int64(o, 2, pick(100000));
      sqlite3_bind_int64(o, 3, at);
      sqlite3_bind_text(o, 4, kind == 1 ? "cancelled" : kind == 2 ? "refunded" : status[pick(7)], -1, SQLITE_STATIC);
      assert_int_equal(sqlite3_step(o), SQLITE_DONE);
      sqlite3_reset(o);
    }
    for (int k = 0, n = kind == 3 ? 0 : (int)pick(4); k < n; k++) {
      sqlite3_bind_int64(t, 1, id);
      sqlite3_bind_text(t, 2, tkind[pick(4)], -1, SQLITE_STATIC);
      sqlite3_bind_text(t, 3, tstatus[pick(5)], -1, SQLITE_STATIC);
      sqlite3_bind_int64(t, 4, k == 0 && id % 4 == 0 ? as_of + 10 : as_of - pick(2 * year));
      assert_int_equal(sqlite3_step(t), SQLITE_DONE);
      sqlite3_reset(t);
    }
    /* responses: answers missing, in both surveys, some at equal instants */
    int64_t same_at = as_of - pick(year);
    for (int k = 0, n = kind == 4 ? 0 : (int)pick(5); k < n; k++) {
      int sv = 1 + (int)pick(2);
      char json[96];
      if (sv == 1)
        snprintf(json, sizeof json, pick(4) ? "{\"11\":%d,\"12\":%d,\"13\":%d}" : "{\"12\":%d}",
                 (int)pick(5) + 1, (int)pick(5) + 1, (int)pick(5) + 1);
      else if (pick(5))
        snprintf(json, sizeof json, "{\"21\":%d,\"22\":%d}", (int)pick(11), (int)pick(11));
      else
        snprintf(json, sizeof json, "{\"22\":%d}", (int)pick(11));
      sqlite3_bind_int64(r, 1, rid++);
      sqlite3_bind_int(r, 2, sv);
      sqlite3_bind_int64(r, 3, id);
      sqlite3_bind_int64(r, 4, id % 3 == 1 ? same_at : pick(9) ? as_of - pick(2 * year) : as_of + 5);
      if (pick(8)) sqlite3_bind_text(r, 5, json, -1, SQLITE_TRANSIENT); else sqlite3_bind_null(r, 5);
      assert_int_equal(sqlite3_step(r), SQLITE_DONE);
      sqlite3_reset(r);
    }
    for (int k = 0, n = kind == 5 ? 0 : (int)pick(4); k < n; k++) {
      int redeem = k > 0 && pick(3) == 0;
      sqlite3_bind_int64(l, 1, id);
      sqlite3_bind_text(l, 2, redeem ? "redeem" : "earn", -1, SQLITE_STATIC);
      sqlite3_bind_int64(l, 3, redeem ? -1 - pick(50) : 1 + pick(500));
      sqlite3_bind_int64(l, 4, pick(6) ? as_of - pick(year) : as_of + 100);
      assert_int_equal(sqlite3_step(l), SQLITE_DONE);
      sqlite3_reset(l);
    }
  }
  /* One whose 12-month spend is past 64 bits (orders stored before the
   * import's bound, or with SQL): the batches skip it, the others go on. */
  char sql[512];
  snprintf(sql, sizeof sql,
           "INSERT INTO customers(id, external_id, name, kind, created_at) VALUES (%d, 'BIG', 'n', 'person', 0);"
           "INSERT INTO orders(external_id, customer_id, amount_minor, currency, ordered_at, status) VALUES"
           " ('BIG1', %d, 9223372036854775807, 'CNY', %lld, 'paid'), ('BIG2', %d, 9223372036854775807, 'CNY', %lld, 'paid');"
           "INSERT INTO customers(id, external_id, name, kind, created_at) VALUES (%d, 'LAST', 'n', 'person', 0);",
           OVERFLOW_ID, OVERFLOW_ID, (long long)(as_of - 10), OVERFLOW_ID, (long long)(as_of - 20),
           OVERFLOW_ID + 1);
  exec(db, sql);
  sqlite3_finalize(c), sqlite3_finalize(o), sqlite3_finalize(t), sqlite3_finalize(r), sqlite3_finalize(l);
  exec(db, "COMMIT");
}

static void reference(sqlite3 *db) {
  sqlite3_stmt *ids, *st;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT id FROM customers ORDER BY id", -1, &ids, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, reference_sql, -1, &st, NULL), SQLITE_OK);
  nrefs = 0;
  while (sqlite3_step(ids) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(ids, 0);
    if (id == OVERFLOW_ID) continue; /* its query fails: below */
    assert_true(nrefs < NCUST + 1);
    ref *f = &refs[nrefs++];
    sqlite3_bind_int64(st, 1, as_of);
    sqlite3_bind_int64(st, 2, as_of - year);
    sqlite3_bind_int64(st, 3, id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    f->id = id;
    for (int i = 0; i < 6; i++) {
      f->null[i] = sqlite3_column_type(st, i + 1) == SQLITE_NULL;
      snprintf(f->text[i], sizeof f->text[i], "%s", f->null[i] ? "" : (const char *)sqlite3_column_text(st, i + 1));
    }
    for (int i = 0; i < 9; i++) f->num[i] = sqlite3_column_int64(st, i + 7);
    f->has_sat = sqlite3_column_type(st, 16) != SQLITE_NULL;
    f->sat = sqlite3_column_double(st, 16);
    f->nps = sqlite3_column_type(st, 17) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 17);
    f->points = sqlite3_column_int64(st, 18);
    sqlite3_reset(st);
  }
  /* The overflowing customer's query fails in SQLite too. */
  sqlite3_bind_int64(st, 1, as_of);
  sqlite3_bind_int64(st, 2, as_of - year);
  sqlite3_bind_int64(st, 3, OVERFLOW_ID);
  assert_int_equal(sqlite3_step(st), SQLITE_ERROR);
  assert_non_null(strstr(sqlite3_errmsg(db), "overflow"));
  sqlite3_finalize(st);
  sqlite3_finalize(ids);
}

static int setup(void **state) {
  (void)state;
  if (mi_test_tmpdir(dir)) return -1;
  snprintf(path, sizeof path, "%s/facts.db", dir);
  mi_store *s;
  mi_err e = {0};
  if (mi_store_open(path, MI_STORE_CREATE, &s, &e)) return -1;
  mi_store_close(s);
  sqlite3 *db;
  if (sqlite3_open(path, &db) != SQLITE_OK) return -1;
  generate(db);
  reference(db);
  sqlite3_close(db);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  return mi_test_rmdir(dir);
}

static const ref *find_ref(int64_t id) {
  for (int i = 0; i < nrefs; i++)
    if (refs[i].id == id) return &refs[i];
  return NULL;
}

static void same_text(const char *got, const ref *r, int i) {
  if (r->null[i]) assert_null(got);
  else {
    assert_non_null(got);
    assert_string_equal(got, r->text[i]);
  }
}

static void check(const mi_customer_facts *f) {
  const ref *r = find_ref(f->id);
  if (!r) fail_msg("customer %lld delivered, not in the reference", (long long)f->id);
  const char *text[] = {f->external_id, f->kind, f->region, f->industry, f->birthday, f->tier};
  for (int i = 0; i < 6; i++) same_text(text[i], r, i);
  int64_t num[] = {f->created_at, f->spend_12m_minor, f->orders_12m, f->orders_total, f->refunded_orders,
                   f->cancelled_orders, f->last_order_at, f->open_complaints, f->tickets_12m};
  for (int i = 0; i < 9; i++)
    if (num[i] != r->num[i])
      fail_msg("customer %lld: figure %d is %lld, the query says %lld", (long long)f->id, i,
               (long long)num[i], (long long)r->num[i]);
  assert_int_equal(f->has_satisfaction, r->has_sat);
  if (r->has_sat) assert_true(f->avg_satisfaction == r->sat); /* integer answers: the same division */
  assert_int_equal(f->nps_answer, r->nps);
  assert_int_equal(f->points, r->points);
}

typedef struct seen {
  int64_t last;
  int n, skipped;
} seen;

static int on_facts(void *ctx, const mi_customer_facts *f) {
  seen *s = ctx;
  assert_true(f->id > s->last); /* id order */
  s->last = f->id;
  s->n++;
  check(f);
  return 0;
}

static int on_skip(void *ctx, int64_t id, const char *external_id, const mi_err *why) {
  seen *s = ctx;
  assert_int_equal(id, OVERFLOW_ID);
  assert_string_equal(external_id, "BIG");
  assert_int_equal(why->code, MI_EINVAL);
  assert_non_null(strstr(why->msg, "the figures of customer BIG cannot be computed"));
  s->last = id;
  s->skipped++;
  return 0;
}

/* Every chunk size gives every customer the reference's figures, once. */
static void test_chunks_equal_query(void **state) {
  (void)state;
  mi_store *s;
  mi_err e = {0};
  assert_int_equal(mi_store_open(path, 0, &s, &e), 0);
  static const int sizes[] = {1, 7, 500, 100000};
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    seen sn = {0};
    for (;;) {
      int before = sn.n + sn.skipped;
      assert_int_equal(mi_customer_facts_each(s, as_of, sn.last, sizes[k], on_facts, on_skip, &sn, &e), 0);
      int got = sn.n + sn.skipped - before;
      assert_true(got <= sizes[k]);
      if (got < sizes[k]) break;
    }
    assert_int_equal(sn.n, nrefs);
    assert_int_equal(sn.skipped, 1);
  }
  /* Without skip, the overflowing customer stops the pass with why. */
  seen sn = {.last = OVERFLOW_ID - 1};
  assert_int_equal(mi_customer_facts_each(s, as_of, OVERFLOW_ID - 1, 5, on_facts, NULL, &sn, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "beyond 64 bits"));
  mi_store_close(s);
}

/* A set of ids (in any order, with repeats) and one customer by external id. */
static void test_set_and_one_equal_query(void **state) {
  (void)state;
  mi_store *s;
  mi_err e = {0};
  assert_int_equal(mi_store_open(path, 0, &s, &e), 0);
  int64_t ids[600];
  int n = 0;
  for (int i = nrefs - 1; i >= 0 && n < 590; i -= 2) ids[n++] = refs[i].id;
  ids[n++] = ids[5];      /* a repeat */
  ids[n++] = OVERFLOW_ID;
  ids[n++] = 7;           /* no such customer: left out */
  seen sn = {0};
  assert_int_equal(mi_customer_facts_of(s, as_of, ids, n, on_facts, on_skip, &sn, &e), 0);
  assert_int_equal(sn.skipped, 1);
  assert_int_equal(sn.n, n - 3);
  for (int i = 0; i < nrefs; i++) {
    mi_customer_facts f;
    char ext[80];
    snprintf(ext, sizeof ext, "%s", refs[i].text[0]);
    assert_int_equal(mi_customer_facts_get(s, ext, as_of, &f, &e), 0);
    check(&f);
  }
  mi_customer_facts f;
  assert_int_equal(mi_customer_facts_get(s, "BIG", as_of, &f, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "cannot be computed"));
  assert_int_equal(mi_customer_facts_get(s, "NOBODY", as_of, &f, &e), MI_ENOTFOUND);
  mi_store_close(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_chunks_equal_query),
      cmocka_unit_test(test_set_and_one_equal_query),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
