/* The packed responses (migration 0013): a scan through blocks delivers
 * exactly the rows a scan of the response rows delivers, whatever is written
 * to the responses, tickets or invitations afterwards, and a broken or
 * forged block is never trusted. The reference is the same scan of a copy
 * without blocks, opened read-only (so that it reads rows and packs none). */
#include "fixture.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/survey_rows.h"
#include "store/surveys.h"

#define NRESP 10000

static char db_path[512];

static void sql(const char *text) {
  sqlite3 *db;
  assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
  char *msg = NULL;
  int rc = sqlite3_exec(db, text, NULL, NULL, &msg);
  if (rc) fprintf(stderr, "%s: %s\n", text, msg);
  assert_int_equal(rc, SQLITE_OK);
  sqlite3_close(db);
}

static long long sql_int(const char *text) {
  sqlite3 *db;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, text, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

/* A survey of three questions and NRESP responses of 500 customers over
 * two waves (stratified, cluster) and none, with flags, missing answers and
 * answers that are not whole numbers (question 3). */
static mi_store *make_store(void) {
  snprintf(db_path, sizeof db_path, "%s/blocks-test.db", MANYI_BINARY_DIR);
  unlink(db_path);
  mi_store *s = NULL;
  mi_err e = {0};
  assert_int_equal(mi_store_open(db_path, MI_STORE_CREATE, &s, &e), 0);
  mi_question_def qs[] = {{"q1", "Overall?", "overall", 0, 1, 5, 1.0, 0, NULL, 0},
                          {"q2", "Recommend?", "recommend", 0, 0, 10, 1.0, 0, NULL, 0},
                          {"q3", "Effort?", "effort", 0, 1, 7, 1.0, 0, NULL, 0}};
  mi_survey_def def = {"csat", "CSAT", "csat", "{\"v\":1}", qs, 3};
  int64_t id;
  int v;
  assert_int_equal(mi_store_begin(s, &e), 0);
  assert_int_equal(mi_survey_sync(s, &def, 1, &id, &v, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_store_commit(s, &e), 0);
  sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)"
      " INSERT INTO customers(id, external_id, name, kind, tier, region, created_at)"
      " SELECT i, 'C' || i, 'name ' || i, 'person', char(65 + i % 3), 'R' || (i % 7), 0 FROM n;"
      "INSERT INTO departments(id, code, name) VALUES (1, 'care', 'Care'), (2, 'repair', 'Repair');"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
      " INSERT INTO tickets(id, external_id, customer_id, kind, category, severity, channel, priority,"
      "  department_id, status, opened_at, subject)"
      " SELECT i, 'T' || i, i, 'inquiry', 'general', 'low', 'phone', 2, 1 + i % 2, 'open', 0, 's' FROM n;"
      "INSERT INTO survey_waves(id, survey_code, code, survey_id, method, design, created_at)"
      " VALUES (1, 'csat', 'w1', 1, 'stratified', '{}', 0), (2, 'csat', 'w2', 1, 'cluster', '{}', 0);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)"
      " INSERT INTO responses(id, external_id, survey_id, customer_id, submitted_at, channel,"
      "  scale_answers, weight, wave_id, stratum, flagged)"
      " SELECT 3 * i, 'R' || i, 1, 1 + (i * 7919) % 500, 1000000 + i * 60 + (i % 13) * 7,"
      "  CASE i % 4 WHEN 0 THEN 'email' WHEN 1 THEN 'web' WHEN 2 THEN NULL ELSE 'sms' END,"
      "  CASE WHEN i % 17 = 0 THEN NULL ELSE json_object('1', 1 + i % 5, '2', i % 11,"
      "    '3', CASE WHEN i % 5 = 0 THEN 2.5 + (i % 3) ELSE 1 + i % 7 END) END,"
      "  0.5 + (i % 9) / 4.0, CASE i % 3 WHEN 0 THEN 1 WHEN 1 THEN 2 ELSE NULL END,"
      "  CASE WHEN i % 3 = 2 THEN NULL ELSE 'S' || (i % 4) END, i % 23 = 0 FROM n;"
      /* every fifth response answered an invitation that followed a ticket
       * (of no wave: a wave invites a customer once) */
      "INSERT INTO invitations(id, external_id, survey_id, customer_id, ticket_id, channel, weight,"
      "  status, created_at, wave_id, stratum)"
      " SELECT id, 'I' || id, 1, customer_id, 1 + id % 200, 'email', weight, 'responded', 0,"
      "  NULL, stratum FROM responses WHERE id % 5 = 0;"
      "UPDATE responses SET invitation_id = id WHERE id % 5 = 0;");
  return s;
}

/* One delivered row, with every field the scan passes. */
typedef struct got {
  int64_t id, at;
  double weight;
  int flagged;
  char text[256];
  double v[3];
} got;

typedef struct rows {
  got *r;
  size_t n, cap;
  int unordered; /* a row came after one with a larger id */
} rows;

static int keep(void *ctx, const mi_survey_row *row) {
  rows *g = ctx;
  if (g->n == g->cap) g->r = realloc(g->r, (g->cap = g->cap ? 2 * g->cap : 1024) * sizeof *g->r);
  got *x = &g->r[g->n++];
  x->id = row->id, x->at = row->submitted_at, x->weight = row->weight, x->flagged = row->flagged;
  snprintf(x->text, sizeof x->text, "%s|%s|%s|%s|%s|%s|%s", row->tier, row->region, row->stratum,
           row->channel, row->department, row->design_stratum, row->design_cluster);
  memcpy(x->v, row->values, sizeof x->v);
  return 0;
}

static const char *codes[] = {"q1", "q2", "q3"};

/* The rows of a scan; need MI_SURVEY_NEED_DEPARTMENT reads rows only. */
static int scan(mi_store *s, unsigned need, int64_t wave, int64_t from, int64_t to, int flagged,
                rows *out, size_t *left_out, mi_err *e) {
  memset(out, 0, sizeof *out);
  return mi_survey_rows_scan(s, "csat", wave, from, to, flagged, need, codes, NULL, 3, keep, out,
                             left_out, e);
}

static int same_value(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

static void assert_same_rows(const rows *a, const rows *b) {
  assert_int_equal(a->n, b->n);
  for (size_t i = 0; i < a->n; i++) {
    const got *x = &a->r[i], *y = &b->r[i];
    assert_int_equal(x->id, y->id);
    assert_int_equal(x->at, y->at);
    assert_true(x->weight == y->weight);
    assert_int_equal(x->flagged, y->flagged);
    assert_string_equal(x->text, y->text);
    for (int q = 0; q < 3; q++) assert_true(same_value(x->v[q], y->v[q]));
  }
}

/* A copy of the database without blocks, opened read-only. */
static mi_store *reference(void) {
  char ref[600];
  snprintf(ref, sizeof ref, "%s.ref", db_path);
  unlink(ref);
  char text[1400];
  snprintf(text, sizeof text, "VACUUM INTO '%s'", ref);
  sql(text);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(ref, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "DELETE FROM response_blocks", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  mi_store *r = NULL;
  mi_err e = {0};
  assert_int_equal(mi_store_open(ref, MI_STORE_READONLY, &r, &e), 0);
  return r;
}

/* Through blocks against through rows, for several periods, waves, flag
 * choices and joined columns. */
static void assert_blocks_match_rows(mi_store *s) {
  mi_store *ref = reference();
  const unsigned needs[] = {0, MI_SURVEY_NEED_CUSTOMER, MI_SURVEY_NEED_DEPARTMENT,
                            MI_SURVEY_NEED_CUSTOMER | MI_SURVEY_NEED_DEPARTMENT};
  const int64_t periods[][2] = {{INT64_MIN, INT64_MAX}, {1000000 + 3000 * 60, 1000000 + 7000 * 60},
                                {1000000 + 4096 * 60, 1000000 + 4200 * 60}, {0, 1000}};
  for (size_t p = 0; p < sizeof periods / sizeof *periods; p++)
    for (int64_t wave = 0; wave <= 2; wave++)
      for (int flagged = 0; flagged <= 1; flagged++) {
        unsigned need = needs[(p + (size_t)wave + (size_t)flagged) % 4];
        rows a, b;
        size_t la, lb;
        mi_err e = {0};
        int ra = scan(s, need, wave, periods[p][0], periods[p][1], flagged, &a, &la, &e);
        int rb = scan(ref, need, wave, periods[p][0], periods[p][1], flagged, &b, &lb, &e);
        assert_int_equal(ra, 0);
        assert_int_equal(rb, 0);
        assert_same_rows(&a, &b);
        assert_int_equal(la, lb);
        free(a.r), free(b.r);
      }
  mi_store_close(ref);
}

static void test_scan_packs_and_blocks_give_the_same_rows(void **state) {
  (void)state;
  mi_store *s = make_store();
  rows before, after;
  size_t l1, l2;
  mi_err e = {0};
  assert_int_equal(sql_int("SELECT count(*) FROM response_blocks"), 0);
  assert_int_equal(scan(s, MI_SURVEY_NEED_CUSTOMER, 0, INT64_MIN, INT64_MAX, 1, &before, &l1, &e), 0);
  /* the scan read 10000 rows: it packed them, the newest 1808 wait as rows */
  assert_int_equal(sql_int("SELECT count(*) FROM response_blocks"), NRESP / 4096);
  assert_int_equal(sql_int("SELECT sum(n) FROM response_blocks"), NRESP / 4096 * 4096);
  assert_int_equal(scan(s, MI_SURVEY_NEED_CUSTOMER, 0, INT64_MIN, INT64_MAX, 1, &after, &l2, &e), 0);
  assert_int_equal(before.n, NRESP);
  assert_same_rows(&before, &after);
  /* the answers that are not whole numbers came through as they are */
  assert_true(after.r[4].v[2] == 2.5 + 5 % 3);
  free(before.r), free(after.r);
  /* response 15 answered ticket 16's invitation: department 1 + 16 % 2, care */
  assert_int_equal(scan(s, MI_SURVEY_NEED_DEPARTMENT, 0, INT64_MIN, INT64_MAX, 1, &after, &l2, &e), 0);
  assert_int_equal(after.r[4].id, 15);
  assert_string_equal(after.r[4].text, "|||web|care||");
  free(after.r);
  assert_blocks_match_rows(s);
  mi_store_close(s);
}

static void test_writes_drop_the_block_they_touch(void **state) {
  (void)state;
  mi_store *s = make_store();
  mi_err e = {0};
  size_t packed;
  assert_int_equal(mi_survey_rows_pack(s, NULL, 1, &packed, &e), 0);
  assert_int_equal(packed, 8192);
  assert_int_equal(mi_survey_rows_pack(s, "csat", 1, &packed, &e), 0);
  assert_int_equal(packed, 0); /* nothing new: the tail waits for a full block */
  const char *writes[] = {
      "UPDATE responses SET scale_answers = '{\"1\":2}' WHERE id = 30",
      "UPDATE responses SET flagged = 1 - flagged WHERE id = 12345",
      "UPDATE customers SET tier = 'Z' WHERE id = 7",          /* read at scan time: no block dropped */
      "UPDATE responses SET weight = 9 WHERE id = 24000",
      "INSERT INTO responses(id, external_id, survey_id, customer_id, submitted_at)"
      " VALUES (31, 'X1', 1, 1, 1000100)", /* inside the first block's range */
      "DELETE FROM responses WHERE id = 3 * 5000",
      "UPDATE tickets SET department_id = 3 - department_id WHERE id = 6", /* responses in both blocks */
      "UPDATE invitations SET ticket_id = 9 WHERE id = 24015",
  };
  const long long dropped[] = {1, 1, 0, 1, 1, 1, 2, 1};
  for (size_t w = 0; w < sizeof writes / sizeof *writes; w++) {
    assert_int_equal(mi_survey_rows_pack(s, NULL, 1, &packed, &e), 0);
    long long n = sql_int("SELECT count(*) FROM response_blocks");
    sql(writes[w]);
    assert_int_equal(sql_int("SELECT count(*) FROM response_blocks"), n - dropped[w]);
    assert_blocks_match_rows(s);
  }
  mi_store_close(s);
}

static void test_broken_or_forged_blocks_are_not_trusted(void **state) {
  (void)state;
  mi_store *s = make_store();
  mi_err e = {0};
  size_t packed;
  assert_int_equal(mi_survey_rows_pack(s, NULL, 1, &packed, &e), 0);
  /* a blob cut short, and one with a byte changed in its header */
  sql("UPDATE response_blocks SET data = substr(data, 1, 100) WHERE id = (SELECT min(id) FROM response_blocks)");
  assert_blocks_match_rows(s);
  sql("UPDATE response_blocks SET data = CAST(x'00' || substr(data, 2) AS BLOB) WHERE id = (SELECT max(id) FROM response_blocks)");
  assert_blocks_match_rows(s);
  /* a score drops the blocks it could not read and packs their ids again */
  rows r;
  size_t left;
  assert_int_equal(scan(s, 0, 0, INT64_MIN, INT64_MAX, 1, &r, &left, &e), 0);
  free(r.r);
  assert_int_equal(sql_int("SELECT count(*) FROM response_blocks WHERE length(data) = 100"), 0);
  assert_int_equal(sql_int("SELECT count(*) FROM response_blocks"), 2);
  assert_int_equal(sql_int("SELECT sum(n) FROM response_blocks"), 8192);
  /* a forged block overlapping another: no block is used, all are packed again */
  sql("INSERT INTO response_blocks(survey_id, first_id, last_id, min_at, max_at, n, data)"
      " SELECT survey_id, first_id + 1, last_id, min_at, max_at, n, data FROM response_blocks"
      " WHERE id = (SELECT min(id) FROM response_blocks)");
  assert_blocks_match_rows(s);
  assert_int_equal(scan(s, 0, 0, INT64_MIN, INT64_MAX, 1, &r, &left, &e), 0);
  free(r.r);
  assert_int_equal(sql_int("SELECT count(*) FROM response_blocks"), 2);
  assert_int_equal(sql_int("SELECT count(*) FROM response_blocks a JOIN response_blocks b"
                           " ON a.id < b.id AND a.first_id <= b.last_id AND b.first_id <= a.last_id"), 0);
  mi_store_close(s);
}

static void test_unreadable_answers_stay_a_row_and_are_reported(void **state) {
  (void)state;
  mi_store *s = make_store();
  mi_err e = {0};
  size_t packed, left;
  sql("UPDATE responses SET scale_answers = '{\"1\":\"five\"}' WHERE id = 3 * 100");
  assert_int_equal(mi_survey_rows_pack(s, NULL, 1, &packed, &e), 0);
  /* 99 responses before it, then two full blocks; the last 1708 wait */
  assert_int_equal(packed, 99 + 8192);
  assert_int_equal(sql_int("SELECT count(*) FROM response_blocks WHERE 300 BETWEEN first_id AND last_id"), 0);
  rows r;
  assert_int_equal(scan(s, 0, 0, INT64_MIN, INT64_MAX, 1, &r, &left, &e), MI_ECORRUPT);
  assert_non_null(strstr(e.msg, "response 300"));
  free(r.r);
  mi_store_close(s);
}

/* Two parts: every row once, each part in id order, the same rows as one part. */
static int keep_part(void *ctx, const mi_survey_row *row) {
  rows *g = ctx; /* called from the scan's threads: no assert here */
  if (g->n && row->id <= g->r[g->n - 1].id) g->unordered = 1;
  return keep(ctx, row);
}

static int by_id(const void *a, const void *b) {
  int64_t x = ((const got *)a)->id, y = ((const got *)b)->id;
  return (x > y) - (x < y);
}

static void test_two_parts_share_the_rows_out(void **state) {
  (void)state;
  mi_store *s = make_store();
  mi_err e = {0};
  size_t packed, left, left2;
  mi_store *live = s;
  for (int blocks = 0; blocks <= 1; blocks++) {
    /* without blocks: rows only (the read-only copy); with: blocks and the tail */
    unsigned need = MI_SURVEY_NEED_CUSTOMER | MI_SURVEY_NEED_DEPARTMENT;
    if (blocks) assert_int_equal(mi_survey_rows_pack(live, NULL, 1, &packed, &e), 0);
    s = blocks ? live : reference();
    rows one, parts[2] = {{0}};
    assert_int_equal(scan(s, need, 0, INT64_MIN, INT64_MAX, 0, &one, &left, &e), 0);
    mi_survey_row_fn cbs[2] = {keep_part, keep_part};
    void *ctxs[2] = {&parts[0], &parts[1]};
    assert_int_equal(mi_survey_rows_scan_parts(s, "csat", 0, INT64_MIN, INT64_MAX, 0,
                                               need, codes, NULL, 3, 2, cbs, ctxs, &left2, &e), 0);
    assert_int_equal(left, left2);
    assert_true(parts[0].n > 0 && parts[1].n > 0);
    assert_false(parts[0].unordered || parts[1].unordered);
    rows all = {malloc((parts[0].n + parts[1].n) * sizeof *all.r), parts[0].n + parts[1].n, 0, 0};
    memcpy(all.r, parts[0].r, parts[0].n * sizeof *all.r);
    memcpy(all.r + parts[0].n, parts[1].r, parts[1].n * sizeof *all.r);
    qsort(all.r, all.n, sizeof *all.r, by_id);
    assert_same_rows(&one, &all);
    free(one.r), free(parts[0].r), free(parts[1].r), free(all.r);
    if (s != live) mi_store_close(s);
  }
  s = live;
  assert_int_equal(mi_survey_rows_scan_parts(s, "csat", 0, INT64_MIN, INT64_MAX, 0, 0, codes,
                                             NULL, 3, 3, NULL, NULL, &left, &e), MI_EINVAL);
  mi_store_close(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scan_packs_and_blocks_give_the_same_rows),
      cmocka_unit_test(test_writes_drop_the_block_they_touch),
      cmocka_unit_test(test_broken_or_forged_blocks_are_not_trusted),
      cmocka_unit_test(test_unreadable_answers_stay_a_row_and_are_reported),
      cmocka_unit_test(test_two_parts_share_the_rows_out),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
