/* Unit tests for core/serve (the form parser, the pages, the language of a
 * request) and service/survey_links.c (links made, opened, answered): NULL
 * and bad arguments first, then hand-made cases whose answer is known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fixture.h"
#include "serve/api_routes.h"
#include "serve/form.h"
#include "serve/page.h"
#include "service/survey_links.h"
#include "service/sync.h"
#include "store/customers.h"
#include "store/invitations.h"
#include "store/put.h"
#include "store/surveys.h"
#include "util/token.h"

static int parse(const char *body, mi_form *f, mi_err *e) {
  return mi_form_parse(body, strlen(body), f, e);
}

static void test_form_bad(void **state) {
  (void)state;
  mi_form f;
  mi_err e = {0};
  const char *bad[] = {"a=%", "a=%4", "a=%G0", "a=%00", "a=%C3%28", "%ZZ=1", "=1"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    e.msg[0] = '\0';
    if (parse(bad[i], &f, &e) != MI_EPARSE) fail_msg("'%s' was accepted", bad[i]);
    assert_int_equal(f.n, 0);
    assert_true(e.msg[0] != '\0');
  }
  assert_int_equal(parse("a=%C3%28", &f, &e), MI_EPARSE);
  assert_string_equal(e.msg, "field 'a' is not UTF-8 text");
  /* a name given again: the check boxes of a multiple choice, joined by ';' */
  assert_int_equal(parse("q=phone&r=1&&q=e+mail&q=", &f, &e), 0);
  assert_int_equal(f.n, 2);
  assert_string_equal(mi_form_get(&f, "q"), "phone;e mail;");
  assert_string_equal(mi_form_get(&f, "r"), "1");
  mi_form_free(&f);
  char name[80];
  memset(name, 'n', 65);
  strcpy(name + 65, "=1");
  assert_int_equal(parse(name, &f, &e), MI_EPARSE); /* a name of 65 bytes */
  /* 257 fields */
  char *many = malloc(257 * 8 + 1), *p = many;
  for (int i = 0; i < 257; i++) p += sprintf(p, "f%d=1&", i);
  assert_int_equal(mi_form_parse(many, strlen(many), &f, &e), MI_EPARSE);
  assert_string_equal(e.msg, "more than 256 fields");
  *strstr(many, "&f256=") = '\0'; /* 256 of them */
  assert_int_equal(mi_form_parse(many, strlen(many), &f, &e), 0);
  assert_int_equal(f.n, 256);
  mi_form_free(&f);
  /* a name given 257 times counts as 257 fields */
  for (int i = 0; i < 257; i++) memcpy(many + 4 * i, "q=1&", 4);
  many[4 * 257] = '\0';
  assert_int_equal(mi_form_parse(many, strlen(many), &f, &e), MI_EPARSE);
  assert_string_equal(e.msg, "more than 256 fields");
  free(many);
}

static void test_form_good(void **state) {
  (void)state;
  mi_form f;
  mi_err e = {0};
  assert_int_equal(parse("", &f, &e), 0);
  assert_int_equal(f.n, 0);
  const char body[] = "q_overall=4&&q_comment=%E6%88%91+%2B%26%3D+ok&flag&empty=&_opened=17";
  assert_int_equal(parse(body, &f, &e), 0);
  assert_int_equal(f.n, 5);
  assert_string_equal(mi_form_get(&f, "q_overall"), "4");
  assert_string_equal(mi_form_get(&f, "q_comment"), "我 +&= ok");
  assert_string_equal(mi_form_get(&f, "flag"), "");
  assert_string_equal(mi_form_get(&f, "empty"), "");
  assert_string_equal(mi_form_get(&f, "_opened"), "17");
  assert_null(mi_form_get(&f, "missing"));
  mi_form_free(&f);
  /* the length given, not the NUL: a body is not a C string */
  assert_int_equal(mi_form_parse("a=1&b=2", 3, &f, &e), 0);
  assert_int_equal(f.n, 1);
  mi_form_free(&f);
}

static void test_lang(void **state) {
  (void)state;
  assert_int_equal(mi_page_lang_pick(NULL, NULL, NULL), MI_PAGE_EN);
  assert_int_equal(mi_page_lang_pick(NULL, NULL, "zh_CN"), MI_PAGE_ZH);
  assert_int_equal(mi_page_lang_pick(NULL, "zh-CN,zh;q=0.9,en;q=0.8", "en"), MI_PAGE_ZH);
  assert_int_equal(mi_page_lang_pick(NULL, "en-US,en;q=0.9,zh;q=0.8", "zh_CN"), MI_PAGE_EN);
  assert_int_equal(mi_page_lang_pick(NULL, "fr-FR, zh-TW;q=0.5", NULL), MI_PAGE_ZH);
  assert_int_equal(mi_page_lang_pick(NULL, "fr-FR, de", "zh_CN"), MI_PAGE_ZH);
  assert_int_equal(mi_page_lang_pick(NULL, "zhx, enx", NULL), MI_PAGE_EN); /* not zh or en */
  assert_int_equal(mi_page_lang_pick("en", "zh-CN", "zh_CN"), MI_PAGE_EN);
  assert_int_equal(mi_page_lang_pick("zh_CN", NULL, "en"), MI_PAGE_ZH);
  assert_int_equal(mi_page_lang_pick("xx", "zh", NULL), MI_PAGE_ZH);
}

static void test_page_escapes(void **state) {
  (void)state;
  const char *evil = "<script>alert('x')</script> & \"q\"";
  mi_page_question q[] = {{.code = "q1", .text = evil, .other = evil, .scale_min = 0,
                           .scale_max = 10, .value = "7"},
                          {.code = "c", .text = evil, .open = 1, .value = evil}};
  mi_page_survey p = {.lang = MI_PAGE_ZH, .title = evil, .questions = q, .n = 2, .opened = 42,
                      .error = evil};
  char *html = mi_page_survey_html(&p);
  assert_non_null(html);
  assert_null(strstr(html, "<script"));
  assert_non_null(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
  assert_non_null(strstr(html, "<html lang=\"zh-CN\">"));
  assert_non_null(strstr(html, "value=\"7\" checked>7</label>"));
  assert_null(strstr(html, "value=\"6\" checked"));
  assert_non_null(strstr(html, "name=\"_opened\" value=\"42\""));
  assert_non_null(strstr(html, "0 = 最低，10 = 最高"));
  int radios = 0;
  for (const char *s = html; (s = strstr(s, "type=\"radio\"")); s++) radios++;
  assert_int_equal(radios, 11);
  free(html);
  for (int k = MI_PAGE_THANKS; k <= MI_PAGE_TROUBLE; k++) {
    char *m = mi_page_message_html(MI_PAGE_EN, (mi_page_kind)k);
    assert_non_null(m);
    assert_null(strstr(m, "<form"));
    free(m);
  }
}

/* The command line of a call, as one string ("" when refused: *status). */
static const char *command(const char *method, const char *path, const char *const *kv,
                           int *status) {
  static char line[512];
  mi_api_fields f = {0};
  for (int i = 0; kv && kv[i]; i += 2) assert_int_equal(mi_api_field_add(&f, kv[i], kv[i + 1]), 0);
  mi_api_call c;
  const char *allow;
  char why[300];
  *status = mi_api_command(method, path, &f, &c, &allow, why, sizeof why);
  line[0] = '\0';
  for (int i = 0; !*status && i < c.argc; i++) strcat(strcat(line, i ? " " : ""), c.argv[i]);
  if (!*status) mi_api_call_free(&c);
  else assert_true(why[0] != '\0');
  mi_api_fields_free(&f);
  return line;
}

static void test_api_routes(void **state) {
  (void)state;
  int st;
  const char *find[] = {"q", "138 0013", "phone", "true", "limit", "5", NULL};
  assert_string_equal(command("GET", "/api/v1/customers", find, &st), "customer find 138 0013 --phone --limit=5");
  const char *nophone[] = {"q", "x", "phone", "false", NULL};
  assert_string_equal(command("GET", "/api/v1/customers", nophone, &st), "customer find x");
  assert_string_equal(command("GET", "/api/v1/customers/C1/history", NULL, &st), "customer history C1");
  const char *stage[] = {"stage", "acknowledged", "reason", "--dry-run", NULL};
  assert_string_equal(command("POST", "/api/v1/tickets/T1/stage", stage, &st),
                      "ticket stage T1 acknowledged --reason=--dry-run");
  const char *redeem[] = {"points", "120", "key", "k1", NULL};
  assert_string_equal(command("POST", "/api/v1/customers/C1/points/redeem", redeem, &st),
                      "points redeem C1 120 --key=k1");
  /* refusals */
  command("GET", "/api/v1/nothing", NULL, &st);
  assert_int_equal(st, 404);
  command("DELETE", "/api/v1/tickets/T1", NULL, &st);
  assert_int_equal(st, 405);
  command("GET", "/api/v1/customers/", NULL, &st);
  assert_int_equal(st, 404);
  command("GET", "/api/v1/customers", NULL, &st); /* q missing */
  assert_int_equal(st, 400);
  const char *dash[] = {"text", "-h", NULL};
  command("POST", "/api/v1/tickets/T1/reply", dash, &st);
  assert_int_equal(st, 400);
  command("POST", "/api/v1/tickets/-x/reply", (const char *[]){"text", "hi", NULL}, &st);
  assert_int_equal(st, 400);
  command("GET", "/api/v1/customers/C1", (const char *[]){"db", "/etc/passwd", NULL}, &st);
  assert_int_equal(st, 400);
  command("GET", "/api/v1/customers/C1", (const char *[]){"id", "C2", NULL}, &st); /* twice */
  assert_int_equal(st, 400);
  command("GET", "/api/v1/customers", (const char *[]){"q", "x", "phone", "maybe", NULL}, &st);
  assert_int_equal(st, 400);
}

/* ---- links: made, opened, answered ------------------------------------- */

static const char yaml[] =
    "version: 1\ndatabase: x.db\ncalendars: {office: {hours: {mon: [09:00-17:00]}}}\n"
    "departments: [{code: support, name: Support, calendar: office}]\n"
    "surveys:\n"
    "  - code: csat\n    name: CSAT\n    kind: csat\n    questions:\n"
    "      - {code: q1, text: Overall?, scale: [1, 5]}\n"
    "      - {code: note, text: Anything else?, open: true}\n"
    "serve: {base_url: 'https://s.example.com/x/', link_days: 2}\n";

typedef struct fx {
  char dir[64];
  mi_config *cfg;
  mi_store *s;
  int64_t inv;
} fx;

static int setup(void **state) {
  fx *x = calloc(1, sizeof *x);
  strcpy(x->dir, "/tmp/manyi-serve-XXXXXX");
  if (mi_test_tmpdir(x->dir) || mi_test_config(yaml, x->dir, &x->cfg)) return -1;
  char path[128];
  snprintf(path, sizeof path, "%s/t.db", x->dir);
  mi_err e = {0};
  if (mi_store_open(path, MI_STORE_CREATE, &x->s, &e) || mi_sync_config(x->s, x->cfg, 1, NULL, &e))
    return fprintf(stderr, "%s\n", e.msg), -1;
  mi_customer c = {.external_id = "C1", .name = "Wang", .kind = "person", .created_at = 1};
  int64_t cid, sid;
  if (mi_customer_put(x->s, &c, &e) < 0 || mi_customer_id(x->s, "C1", &cid, &e) ||
      mi_survey_latest(x->s, "csat", &sid, &e))
    return fprintf(stderr, "%s\n", e.msg), -1;
  mi_invitation inv = {.external_id = "I1", .survey_id = sid, .customer_id = cid,
                       .channel = "email", .weight = 1, .created_at = 1};
  if (mi_invitation_put(x->s, &inv, &x->inv, &e) < 0) return fprintf(stderr, "%s\n", e.msg), -1;
  *state = x;
  return 0;
}

static int teardown(void **state) {
  fx *x = *state;
  mi_store_close(x->s);
  mi_config_free(x->cfg);
  mi_test_rmdir(x->dir);
  free(x);
  return 0;
}

static void test_links(void **state) {
  fx *x = *state;
  mi_err e = {0};
  char url[MI_LINK_URL_MAX], url2[MI_LINK_URL_MAX];
  const int64_t now = 1000000;
  assert_int_equal(mi_survey_link_new(x->s, x->cfg, x->inv, now, url, &e), 0);
  assert_int_equal(strncmp(url, "https://s.example.com/x/s/", 26), 0); /* the '/' trimmed once */
  assert_int_equal(strlen(url + 26), MI_TOKEN_LEN);
  assert_int_equal(mi_survey_link_new(x->s, x->cfg, x->inv, now, url2, &e), 0);
  assert_string_not_equal(url, url2); /* a reminder's link is another */
  const char *token = url + 26;
  mi_survey_link l;
  mi_link_state st;
  /* wrong forms and unknown tokens */
  const char *bad[] = {"", "abc", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'", NULL};
  for (int i = 0; i < 5; i++)
    assert_int_equal(mi_survey_link_open(x->s, bad[i], now, &l, &st, &e), MI_ENOTFOUND);
  assert_int_equal(mi_survey_link_open(x->s, token, now, &l, &st, &e), 0);
  assert_int_equal(st, MI_LINK_OPEN);
  assert_string_equal(l.invitation, "I1");
  assert_string_equal(l.customer, "C1");
  assert_string_equal(l.survey, "csat");
  assert_int_equal(l.expires_at, now + 2 * 86400);
  assert_int_equal(mi_survey_link_open(x->s, token, now + 2 * 86400, &l, &st, &e), 0);
  assert_int_equal(st, MI_LINK_EXPIRED);
  assert_int_equal(mi_survey_link_open(x->s, token, now + 2 * 86400 - 1, &l, &st, &e), 0);
  assert_int_equal(st, MI_LINK_OPEN);
  /* the survey changes after the invitation went out: its answers stay with
   * the version it was sent for (q1 and note; version 2 has q1 and q2) */
  mi_question_def v2[] = {{"q1", "Overall?", NULL, 0, 1, 5, 1.0, 0, NULL, 0},
                          {"q2", "Again?", NULL, 0, 1, 5, 1.0, 0, NULL, 0}};
  mi_survey_def def = {"csat", "CSAT", "csat", "{\"v\":2}", v2, 2};
  int64_t v2_id;
  int version;
  assert_int_equal(mi_store_begin(x->s, &e), 0);
  assert_int_equal(mi_survey_sync(x->s, &def, now, &v2_id, &version, &e), MI_PUT_INSERTED);
  assert_int_equal(mi_store_commit(x->s, &e), 0);
  assert_true(v2_id != l.survey_id);
  /* answers: refused ones store nothing, a good one once */
  const char *codes[] = {"q1", "note"}, *out_of_range[] = {"6", ""}, *good[] = {"2", "slow"};
  int put = -1;
  assert_int_equal(mi_survey_link_answer(x->s, x->cfg, &l, codes, out_of_range, 2, 30, NULL, now,
                                         &put, &e),
                   MI_EPARSE);
  assert_non_null(strstr(e.msg, "field 'q1'"));
  const char *unknown[] = {"zz"};
  assert_int_equal(mi_survey_link_answer(x->s, x->cfg, &l, unknown, good, 1, 30, NULL, now, &put,
                                         &e),
                   MI_EPARSE);
  if (mi_survey_link_answer(x->s, x->cfg, &l, codes, good, 2, 30, NULL, now, &put, &e))
    fail_msg("%s", e.msg);
  assert_int_equal(put, MI_PUT_INSERTED);
  assert_int_equal(mi_survey_link_answer(x->s, x->cfg, &l, codes, good, 2, 30, NULL, now, &put, &e),
                   0);
  assert_int_equal(put, MI_PUT_UNCHANGED);
  /* both links now say: answered */
  assert_int_equal(mi_survey_link_open(x->s, token, now, &l, &st, &e), 0);
  assert_int_equal(st, MI_LINK_ANSWERED);
  assert_int_equal(mi_survey_link_open(x->s, url2 + 26, now, &l, &st, &e), 0);
  assert_int_equal(st, MI_LINK_ANSWERED);
  assert_true(l.response_id > 0);
  sqlite3 *db;
  sqlite3_stmt *q;
  char path[128];
  snprintf(path, sizeof path, "%s/t.db", x->dir);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT survey_id FROM responses", -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int64(q, 0), l.survey_id); /* version 1's */
  sqlite3_finalize(q);
  sqlite3_close(db);
  /* no base_url: no link, nothing stored */
  char *saved = x->cfg->serve.base_url;
  x->cfg->serve.base_url = NULL;
  assert_int_equal(mi_survey_link_new(x->s, x->cfg, x->inv, now, url, &e), 0);
  assert_string_equal(url, "");
  x->cfg->serve.base_url = saved;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_form_bad),
      cmocka_unit_test(test_form_good),
      cmocka_unit_test(test_lang),
      cmocka_unit_test(test_page_escapes),
      cmocka_unit_test(test_api_routes),
      cmocka_unit_test_setup_teardown(test_links, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
