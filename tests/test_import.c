/* Import and export: CSV and JSON Lines in, the same out; every bad input is
 * refused with file:line and field, and all-or-nothing stores nothing. */
#include "fixture.h"

#include <sqlite3.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "service/export.h"
#include "service/import.h"
#include "service/sync.h"
#include "store/customers.h"
#include "store/responses.h"
#include "store/store.h"

static char dir[] = "/tmp/manyi-test-import-XXXXXX";
static mi_config *cfg;

static const char *config_yaml =
    "version: 1\n"
    "database: test.db\n"
    "calendars:\n"
    "  office:\n"
    "    hours:\n"
    "      mon: [09:00-17:00]\n"
    "departments:\n"
    "  - {code: support, name: Support, calendar: office}\n"
    "tiers:\n"
    "  - {code: A, name: Key}\n"
    "  - {code: B, name: Other}\n"
    "surveys:\n"
    "  - code: csat\n"
    "    name: CSAT\n"
    "    kind: csat\n"
    "    questions:\n"
    "      - {code: q_overall, text: Overall, dimension: overall, scale: [1, 5]}\n"
    "      - {code: q_nps, text: Recommend, scale: [0, 10]}\n"
    "      - {code: q_comment, text: Comment, open: true}\n";

static const char *path_of(const char *name) {
  static char buf[4][512];
  static int next;
  char *b = buf[next++ % 4];
  snprintf(b, 512, "%s/%s", dir, name);
  return b;
}

static void write_file(const char *name, const char *text, size_t len) {
  FILE *f = fopen(path_of(name), "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, len, f), len);
  fclose(f);
}
#define WRITE(name, literal) write_file(name, literal, sizeof literal - 1)

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = calloc(1, (size_t)n + 1);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  return buf;
}

static int setup(void **state) {
  (void)state;
  return mi_test_tmpdir(dir) || mi_test_config(config_yaml, dir, &cfg);
}

static int teardown(void **state) {
  (void)state;
  mi_config_free(cfg);
  return mi_test_rmdir(dir);
}

static mi_store *fresh(const char *name) {
  mi_store *s = NULL;
  mi_err e = {0};
  unlink(path_of(name));
  assert_int_equal(mi_store_open(path_of(name), MI_STORE_CREATE, &s, &e), 0);
  assert_int_equal(mi_sync_config(s, cfg, 1, NULL, &e), 0);
  return s;
}

static int64_t rows_in(mi_store *s, const char *table) {
  mi_store_count counts[32];
  mi_err e = {0};
  int n = mi_store_counts(s, counts, 32, &e);
  for (int i = 0; i < n; i++)
    if (!strcmp(counts[i].table, table)) return counts[i].rows;
  fail_msg("no table %s", table);
  return -1;
}

/* Imports file into s; returns the code and fills e and sum. */
static int import(mi_store *s, const char *entity, const char *file, const char *rejects,
                  const char *encoding, mi_import_summary *sum, mi_err *e) {
  mi_import_options o = {.entity = entity, .path = path_of(file), .encoding = encoding,
                         .rejects_path = rejects ? path_of(rejects) : NULL, .actor = "test",
                         .now = 1800000000};
  mi_err_clear(e);
  return mi_import(s, cfg, &o, sum, e);
}

/* As import, but the test fails with the error message if it fails. */
static void import_ok(mi_store *s, const char *entity, const char *file, const char *rejects,
                      const char *encoding, mi_import_summary *sum, mi_err *e) {
  if (import(s, entity, file, rejects, encoding, sum, e))
    fail_msg("importing %s: %s:%d: %s", file, e->file, e->line, e->msg);
}

static const char customers_csv[] =
    "\xEF\xBB\xBF"
    "external_id,name,kind,region,phone,birthday,consent_email,created_at\r\n"
    "007,\"Acme Trading Co., Ltd.\",company,South,,,1,2024-01-02\r\n"
    "C2,\"Say \"\"hi\"\"\nagain\",person,North,+86 138 0000 0000,1990-02-28,0,2024-01-03\r\n"
    "C3,王伟,person,,,,,2024-01-04T10:00:00+08:00\r\n";

static void test_bad_arguments(void **state) {
  (void)state;
  mi_err e = {0};
  mi_import_summary sum;
  mi_import_options o = {0};
  assert_int_equal(mi_import(NULL, cfg, &o, &sum, &e), MI_EINVAL);
  mi_store *s = fresh("args.db");
  assert_int_equal(mi_import(s, NULL, &o, &sum, &e), MI_EINVAL);
  assert_int_equal(mi_import(s, cfg, NULL, &sum, &e), MI_EINVAL);
  assert_int_equal(mi_import(s, cfg, &o, &sum, &e), MI_EINVAL);
  o.entity = "planets";
  o.path = "x.csv";
  assert_int_equal(mi_import(s, cfg, &o, &sum, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "planets"));
  assert_int_equal(import(s, "customers", "does-not-exist.csv", NULL, NULL, &sum, &e), MI_EIO);
  assert_int_equal(mi_export(NULL, NULL, stdout, NULL, &e), MI_EINVAL);
  mi_store_close(s);
}

static void test_customers_rfc4180_bom_crlf(void **state) {
  (void)state;
  mi_store *s = fresh("customers.db");
  mi_err e = {0};
  mi_import_summary sum;
  WRITE("customers.csv", customers_csv);
  import_ok(s, "customers", "customers.csv", NULL, NULL, &sum, &e);
  assert_int_equal(sum.read, 3);
  assert_int_equal(sum.inserted, 3);
  mi_customer c;
  assert_int_equal(mi_customer_get(s, "007", &c, &e), 0);
  assert_string_equal(c.name, "Acme Trading Co., Ltd.");
  assert_string_equal(c.kind, "company");
  assert_int_equal(c.consent_email, 1);
  assert_int_equal(c.created_at, 1704153600); /* 2024-01-02T00:00:00Z */
  mi_customer_release(&c);
  assert_int_equal(mi_customer_get(s, "C2", &c, &e), 0);
  assert_string_equal(c.name, "Say \"hi\"\nagain");
  assert_string_equal(c.phone, "+86 138 0000 0000");
  assert_string_equal(c.birthday, "1990-02-28");
  mi_customer_release(&c);
  assert_int_equal(mi_customer_get(s, "C3", &c, &e), 0);
  assert_string_equal(c.name, "王伟");
  assert_null(c.region);
  assert_int_equal(c.created_at, 1704333600); /* 2024-01-04T02:00:00Z */
  mi_customer_release(&c);
  /* The same file again adds nothing. */
  import_ok(s, "customers", "customers.csv", NULL, NULL, &sum, &e);
  assert_int_equal(sum.inserted, 0);
  assert_int_equal(sum.unchanged, 3);
  assert_int_equal(rows_in(s, "customers"), 3);
  mi_store_close(s);
}

/* Each bad file: expected code, and substrings of the message and position. */
typedef struct bad_case {
  const char *entity, *content, *message;
  int line;
} bad_case;

static const bad_case bad_cases[] = {
    {"customers", "external_id,name,kind,created_at\nC1,A,person,2024-01-01\nC2,B,persn,2024-01-01\n",
     "field 'kind': 'persn' is not one of person, company, government", 3},
    {"customers", "external_id,name,kind,created_at\nC1,\"two\nlines\",person,2024-01-01\nC2,B,person,2024-02-30\n",
     "field 'created_at': '2024-02-30' is not a calendar date", 4},
    {"customers", "external_id,name,kind,created_at\nC1,A,person,2024-01-01\nC2,B,person\n",
     "expected 4 fields (as in the header), got 3", 3},
    {"customers", "external_id,name,kind,created_at\nC1,A,person,2024-01-01\nC1,B,person,2024-01-01\n",
     "'C1' occurs more than once", 3},
    {"customers", "external_id,name,kind,created_at\nC1,\"unterminated,person,2024-01-01\n",
     "", 2},
    {"customers", "external_id,name,kind,created_at\nC1,\xff\xfe,person,2024-01-01\n",
     "UTF-8", 2},
    {"customers", "external_id,name,kind,created_at,consent_sms\nC1,A,person,2024-01-01,yes\n",
     "field 'consent_sms': 'yes' is not 0/1 or true/false", 2},
    {"customers", "external_id,name,kind,created_at,tier\nC1,A,person,2024-01-01,Z\n",
     "field 'tier': 'Z' is not a tier of the configuration", 2},
    {"customers", "external_id,name,kind,created_at,email\nC1,A,person,2024-01-01,nobody\n",
     "CHECK constraint failed", 2},
    {"customers", "external_id,name,kind,created\nC1,A,person,2024-01-01\n",
     "required column 'created_at' is missing", 1},
    {"customers", "external_id,name,kind,created_at,colour\nC1,A,person,2024-01-01,red\n",
     "unknown column 'colour'", 1},
    {"orders", "external_id,customer_id,amount,currency,ordered_at,status\nO1,C999,10.00,CNY,2024-01-01,paid\n",
     "field 'customer_id': unknown customer 'C999' (import customers first)", 2},
    {"orders", "external_id,customer_id,amount,currency,ordered_at,status\nO1,C1,12.345,CNY,2024-01-01,paid\n",
     "field 'amount': '12.345' is not an amount", 2},
    {"orders", "external_id,customer_id,amount,currency,ordered_at,status\nO1,C1,-5,CNY,2024-01-01,paid\n",
     "field 'amount': '-5' is not an amount", 2},
    {"orders", "external_id,customer_id,amount,currency,ordered_at,status\nO1,C1,5,CNY,2024-01-01T25:00:00Z,paid\n",
     "field 'ordered_at'", 2},
    {"tickets",
     "external_id,customer_id,kind,category,severity,channel,priority,department,status,opened_at,subject\n"
     "T1,C1,complaint,general,high,phone,1,support,resolved,2024-01-01,broken\n",
     "field 'resolved_at': is empty but the ticket is resolved", 2},
    {"tickets",
     "external_id,customer_id,kind,category,severity,channel,priority,department,status,opened_at,subject\n"
     "T1,C1,complaint,general,high,phone,9,support,open,2024-01-01,broken\n",
     "field 'priority': 9 is outside 1..4", 2},
    {"tickets",
     "external_id,customer_id,kind,category,severity,channel,priority,department,status,opened_at,subject\n"
     "T1,C1,complaint,general,high,phone,1,sales,open,2024-01-01,broken\n",
     "field 'department': 'sales' is not a department of the configuration", 2},
    {"responses", "external_id,survey,customer_id,submitted_at,q_overall\nR1,csat,C1,2024-01-01,6\n",
     "field 'q_overall': 6 is outside 1..5 (the scale is 1..5)", 2},
    {"responses", "external_id,survey,customer_id,submitted_at,q_overal\nR1,csat,C1,2024-01-01,5\n",
     "field 'q_overal': is not a question of survey 'csat'", 2},
    {"responses", "external_id,survey,customer_id,submitted_at,q_overall\nR1,nps9,C1,2024-01-01,5\n",
     "field 'survey': 'nps9' is not a survey of the configuration", 2},
    {"interactions", "external_id,customer_id,channel,direction,occurred_at,staff_id\nI1,C1,phone,inbound,2024-01-01,S404\n",
     "field 'staff_id': unknown staff member 'S404' (import staff first)", 2},
};

static void test_bad_rows_store_nothing(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
    const bad_case *bc = &bad_cases[i];
    mi_store *s = fresh("bad.db");
    mi_err e = {0};
    mi_import_summary sum;
    /* One known customer for the entities that refer to one. */
    WRITE("c1.csv", "external_id,name,kind,created_at\nC1,A,person,2024-01-01\n");
    import_ok(s, "customers", "c1.csv", NULL, NULL, &sum, &e);
    int64_t before = rows_in(s, "customers");
    write_file("bad.csv", bc->content, strlen(bc->content));
    int rc = import(s, bc->entity, "bad.csv", NULL, NULL, &sum, &e);
    if (rc == 0 || !strstr(e.msg, bc->message) || e.line != bc->line || !strstr(e.file, "bad.csv"))
      fail_msg("case %zu: rc %d, got %s:%d: %s; want line %d: %s", i, rc, e.file, e.line, e.msg,
               bc->line, bc->message);
    assert_int_equal(rows_in(s, "customers"), before);
    assert_int_equal(rows_in(s, "orders") + rows_in(s, "tickets") + rows_in(s, "responses") +
                         rows_in(s, "interactions"),
                     0);
    mi_store_close(s);
  }
}

static void test_rejects_file_keeps_good_rows(void **state) {
  (void)state;
  mi_store *s = fresh("rejects.db");
  mi_err e = {0};
  mi_import_summary sum;
  WRITE("mixed.csv", "external_id,name,kind,created_at\n"
                     "C1,A,person,2024-01-01\n"
                     "C2,B,martian,2024-01-01\n"
                     "C3,C,person,2024-01-01,extra\n"
                     "C4,D,company,2024-01-01\n");
  import_ok(s, "customers", "mixed.csv", "rejects.csv", NULL, &sum, &e);
  assert_int_equal(sum.read, 4);
  assert_int_equal(sum.inserted, 2);
  assert_int_equal(sum.rejected, 2);
  assert_int_equal(rows_in(s, "customers"), 2);
  char *rej = read_file(path_of("rejects.csv"));
  assert_non_null(strstr(rej, "external_id,name,kind,created_at,reject_line,reject_reason\n"));
  assert_non_null(strstr(rej, "C2,B,martian,2024-01-01,3,"));
  assert_non_null(strstr(rej, "'martian' is not one of"));
  assert_non_null(strstr(rej, ",4,")); /* the row with too many fields */
  free(rej);
  mi_store_close(s);
}

static void test_gb18030_is_converted(void **state) {
  (void)state;
  mi_store *s = fresh("gb.db");
  mi_err e = {0};
  mi_import_summary sum;
  /* 王伟 in GB18030 is CD F5 CE B0. */
  WRITE("gb.csv", "external_id,name,kind,created_at\nC1,\xCD\xF5\xCE\xB0,person,2024-01-01\n");
  assert_int_not_equal(import(s, "customers", "gb.csv", NULL, NULL, &sum, &e), 0);
  assert_int_equal(rows_in(s, "customers"), 0);
  import_ok(s, "customers", "gb.csv", NULL, "GB18030", &sum, &e);
  mi_customer c;
  assert_int_equal(mi_customer_get(s, "C1", &c, &e), 0);
  assert_string_equal(c.name, "王伟");
  mi_customer_release(&c);
  assert_int_not_equal(import(s, "customers", "gb.csv", NULL, "NO-SUCH-ENCODING", &sum, &e), 0);
  assert_non_null(strstr(e.msg, "NO-SUCH-ENCODING"));
  mi_store_close(s);
}

static char *export_to_string(mi_store *s, const char *entity, mi_format fmt) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  mi_export_options o = {.entity = entity, .format = fmt, .target = "memory", .actor = "test",
                         .now = 1};
  mi_err e = {0};
  size_t rows;
  if (mi_export(s, &o, f, &rows, &e)) fail_msg("export: %s", e.msg);
  fclose(f);
  return buf;
}

/* Import -> export -> import elsewhere -> export gives the same bytes. */
static void round_trip(const char *entity, const char *file, mi_format fmt, const char *ext) {
  mi_err e = {0};
  mi_import_summary sum;
  mi_store *a = fresh("a.db"), *b = fresh("b.db");
  WRITE("people.csv", "external_id,name,kind,phone,created_at,tier\n"
                      "007,\"=SUM(A1:A9)\",person,+86 138 0000 0000,2024-01-01,A\n"
                      "C2,\"-12.5, \"\"quoted\"\"\n二行\",company,,2024-01-02,\n"
                      "C3,@home\t,government,(010) 1234,2024-01-03,B\n");
  import_ok(a, "customers", "people.csv", NULL, NULL, &sum, &e);
  if (strcmp(file, "people.csv") != 0)
    import_ok(a, entity, file, NULL, NULL, &sum, &e);
  char *first_customers = export_to_string(a, "customers", fmt);
  char *first = export_to_string(a, entity, fmt);
  char name[64];
  snprintf(name, sizeof name, "export-c.%s", ext);
  write_file(name, first_customers, strlen(first_customers));
  import_ok(b, "customers", name, NULL, NULL, &sum, &e);
  snprintf(name, sizeof name, "export.%s", ext);
  write_file(name, first, strlen(first));
  if (strcmp(entity, "customers") != 0)
    import_ok(b, entity, name, NULL, NULL, &sum, &e);
  char *second = export_to_string(b, entity, fmt);
  assert_string_equal(first, second);
  mi_customer c;
  assert_int_equal(mi_customer_get(b, "007", &c, &e), 0);
  assert_string_equal(c.name, "=SUM(A1:A9)");
  assert_string_equal(c.tier, "A");
  mi_customer_release(&c);
  free(first_customers);
  free(first);
  free(second);
  mi_store_close(a);
  mi_store_close(b);
}

static void test_export_round_trips(void **state) {
  (void)state;
  round_trip("customers", "people.csv", MI_FORMAT_CSV, "csv");
  round_trip("customers", "people.csv", MI_FORMAT_JSONL, "jsonl");
  WRITE("orders.jsonl", "{\"external_id\":\"O1\",\"customer_id\":\"007\",\"amount\":\"1299.5\","
                        "\"currency\":\"CNY\",\"ordered_at\":\"2024-05-01T08:00:00+08:00\","
                        "\"status\":\"refunded\"}\n");
  round_trip("orders", "orders.jsonl", MI_FORMAT_CSV, "csv");
  WRITE("responses.csv", "external_id,survey,customer_id,submitted_at,duration_s,channel,q_overall,q_nps,q_comment\n"
                         "R1,csat,007,2024-06-01T10:00:00Z,95,web,5,10,\"很好, thanks\"\n"
                         "R2,csat,C2,2024-06-02T10:00:00Z,,,2,,\n");
  round_trip("responses", "responses.csv", MI_FORMAT_CSV, "csv");
  round_trip("responses", "responses.csv", MI_FORMAT_JSONL, "jsonl");
}

static void test_export_neutralises_formulas(void **state) {
  (void)state;
  mi_store *s = fresh("formula.db");
  mi_err e = {0};
  mi_import_summary sum;
  WRITE("f.csv", "external_id,name,kind,created_at\nC1,\"=HYPERLINK(\"\"x\"\")\",person,2024-01-01\n");
  import_ok(s, "customers", "f.csv", NULL, NULL, &sum, &e);
  char *out = export_to_string(s, "customers", MI_FORMAT_CSV);
  assert_non_null(strstr(out, "\"'=HYPERLINK(\"\"x\"\")\""));
  free(out);
  mi_store_close(s);
}

static void test_responses_store_answers(void **state) {
  (void)state;
  mi_store *s = fresh("responses.db");
  mi_err e = {0};
  mi_import_summary sum;
  WRITE("c.csv", "external_id,name,kind,created_at\nC1,A,person,2024-01-01\n");
  WRITE("r.jsonl", "{\"external_id\":\"R1\",\"survey\":\"csat\",\"customer_id\":\"C1\","
                   "\"submitted_at\":\"2024-06-01\",\"q_overall\":4,\"q_nps\":9}\n"
                   "\n"
                   "{\"external_id\":\"R2\",\"survey\":\"csat\",\"customer_id\":\"C1\","
                   "\"submitted_at\":\"2024-06-02\",\"q_overall\":null,\"q_comment\":\"ok\"}\n");
  import_ok(s, "customers", "c.csv", NULL, NULL, &sum, &e);
  import_ok(s, "responses", "r.jsonl", NULL, NULL, &sum, &e);
  assert_int_equal(sum.inserted, 2);
  assert_int_equal(rows_in(s, "responses"), 2);
  assert_int_equal(rows_in(s, "answers"), 3);
  import_ok(s, "responses", "r.jsonl", NULL, NULL, &sum, &e);
  assert_int_equal(sum.unchanged, 2);
  assert_int_equal(rows_in(s, "answers"), 3);
  mi_store_close(s);
}

/* A text from the database at `name` (one value of one row). */
static char *sql_text(const char *name, const char *query) {
  sqlite3 *db;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(path_of(name), &db), SQLITE_OK);
  if (sqlite3_prepare_v2(db, query, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", query, sqlite3_errmsg(db));
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  const unsigned char *v = sqlite3_column_text(st, 0);
  char *out = strdup(v ? (const char *)v : "");
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

/* n responses of customers C1..C3: R00001.., q_overall 1 + i % 5, q_nps
 * i % 11, a comment "c<i>" on every 7th; line `bad` (2 = the first row)
 * gets `bad_row` instead. */
static void write_responses(const char *name, int first, int n, int bad, const char *bad_row) {
  FILE *f = fopen(path_of(name), "wb");
  assert_non_null(f);
  fputs("external_id,survey,customer_id,submitted_at,q_overall,q_nps,q_comment\n", f);
  for (int i = first; i < first + n; i++) {
    if (i - first + 2 == bad) {
      fprintf(f, "%s\n", bad_row);
      continue;
    }
    char comment[16] = "";
    if (i % 7 == 0) snprintf(comment, sizeof comment, "c%d", i);
    fprintf(f, "R%05d,csat,C%d,2024-06-%02dT10:00:00+08:00,%d,%d,%s\n", i, 1 + i % 3, 1 + i % 28,
            1 + i % 5, i % 11, comment);
  }
  fclose(f);
}

static mi_store *with_customers(const char *name) {
  mi_store *s = fresh(name);
  mi_err e = {0};
  mi_import_summary sum;
  WRITE("c3.csv", "external_id,name,kind,created_at\nC1,A,person,2024-01-01\n"
                  "C2,B,person,2024-01-01\nC3,C,person,2024-01-01\n");
  import_ok(s, "customers", "c3.csv", NULL, NULL, &sum, &e);
  return s;
}

#define RESPONSES_AS_TEXT                                                                      \
  "SELECT group_concat(r.id || ',' || r.external_id || ',' || c.external_id || ','"          \
  " || r.submitted_at || ',' || coalesce(r.scale_answers, '') || ','"                         \
  " || coalesce((SELECT text FROM answer_texts a WHERE a.response_id = r.id), ''), ';')"      \
  " FROM (SELECT * FROM responses ORDER BY id) r JOIN customers c ON c.id = r.customer_id"

/* 3000 responses span several of the import's batches of checked rows and
 * many statements of 64 rows plus a tail. The all-or-nothing import (two
 * threads, 64 rows to a statement) stores what the import with a rejects
 * file stores (one thread, a row at a time); an error far into the file
 * names its line and stores nothing; a file of stored and new rows adds the
 * new ones only, each with its own open answer. */
static void test_responses_two_threads(void **state) {
  (void)state;
  mi_err e = {0};
  mi_import_summary sum;
  write_responses("r3000.csv", 1, 3000, 0, NULL);
  mi_store *a = with_customers("two.db"), *b = with_customers("one.db");
  import_ok(a, "responses", "r3000.csv", NULL, NULL, &sum, &e);
  assert_int_equal(sum.read, 3000);
  assert_int_equal(sum.inserted, 3000);
  import_ok(b, "responses", "r3000.csv", "rej.csv", NULL, &sum, &e);
  assert_int_equal(sum.inserted, 3000);
  char *ta = sql_text("two.db", RESPONSES_AS_TEXT), *tb = sql_text("one.db", RESPONSES_AS_TEXT);
  assert_string_equal(ta, tb);
  free(ta), free(tb);
  /* by hand: R00014 is C3, 2024-06-15 10:00 +08:00, q_overall 5, q_nps 3, "c14" */
  char *q = sql_text("two.db", "SELECT group_concat(id) FROM (SELECT id FROM questions ORDER BY code)");
  char want[160];
  int qc, qn, qo;
  assert_int_equal(sscanf(q, "%d,%d,%d", &qc, &qn, &qo), 3); /* q_comment, q_nps, q_overall */
  free(q);
  snprintf(want, sizeof want, "14,R00014,C3,1718416800,{\"%d\":5,\"%d\":3},c14", qo, qn);
  char *one = sql_text("two.db", "SELECT r.id || ',' || r.external_id || ',' || c.external_id ||"
                                 " ',' || r.submitted_at || ',' || r.scale_answers || ',' ||"
                                 " (SELECT text FROM answer_texts WHERE response_id = r.id)"
                                 " FROM responses r JOIN customers c ON c.id = r.customer_id"
                                 " WHERE r.external_id = 'R00014'");
  assert_string_equal(one, want);
  free(one);

  /* a key twice, the second far into the file; a bad answer; an unknown customer */
  struct {
    int line;
    const char *row, *message;
  } bad[] = {{2001, "R00005,csat,C1,2024-06-01,1,1,", "'R00005' occurs more than once in this file"},
             {1700, "R09999,csat,C1,2024-06-01,9,1,", "the scale is 1..5"},
             {2999, "R09999,csat,NOBODY,2024-06-01,1,1,", "NOBODY"}};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    mi_store *c = with_customers("bad3000.db");
    write_responses("bad3000.csv", 1, 3000, bad[i].line, bad[i].row);
    assert_int_not_equal(import(c, "responses", "bad3000.csv", NULL, NULL, &sum, &e), 0);
    if (!strstr(e.msg, bad[i].message) || e.line != bad[i].line)
      fail_msg("case %zu: %s:%d: %s", i, e.file, e.line, e.msg);
    assert_int_equal(rows_in(c, "responses"), 0);
    mi_store_close(c);
  }

  /* rows 2001..4000: the first thousand stored already; new connections,
   * so that no earlier insert of this one can be taken for these rows' */
  mi_store_close(a);
  mi_store_close(b);
  assert_int_equal(mi_store_open(path_of("two.db"), 0, &a, &e), 0);
  assert_int_equal(mi_store_open(path_of("one.db"), 0, &b, &e), 0);
  write_responses("r2001.csv", 2001, 2000, 0, NULL);
  import_ok(a, "responses", "r2001.csv", NULL, NULL, &sum, &e);
  assert_int_equal(sum.inserted, 1000);
  assert_int_equal(sum.unchanged, 1000);
  import_ok(b, "responses", "r2001.csv", "rej.csv", NULL, &sum, &e);
  ta = sql_text("two.db", RESPONSES_AS_TEXT), tb = sql_text("one.db", RESPONSES_AS_TEXT);
  assert_string_equal(ta, tb);
  free(ta), free(tb);
  one = sql_text("two.db", "SELECT count(*) || ' ' || sum(text = 'c' || (substr(r.external_id, 2) + 0))"
                           " FROM answer_texts a JOIN responses r ON r.id = a.response_id");
  assert_string_equal(one, "571 571"); /* 4000 / 7 comments, each on its own response */
  free(one);
  /* SQLite's own checks are back on for the connection after the import */
  mi_response neg = {.external_id = "NEG", .survey_id = 1, .customer_id = 1,
                     .submitted_at = 1718416800, .has_duration = 1, .duration_s = -5};
  assert_int_not_equal(mi_response_put(a, &neg, NULL, 0, NULL, &e), MI_PUT_INSERTED);
  assert_non_null(strstr(e.msg, "a constraint of the table failed"));
  mi_store_close(a);
  mi_store_close(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_customers_rfc4180_bom_crlf),
      cmocka_unit_test(test_bad_rows_store_nothing),
      cmocka_unit_test(test_rejects_file_keeps_good_rows),
      cmocka_unit_test(test_gb18030_is_converted),
      cmocka_unit_test(test_export_round_trips),
      cmocka_unit_test(test_export_neutralises_formulas),
      cmocka_unit_test(test_responses_store_answers),
      cmocka_unit_test(test_responses_two_threads),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
