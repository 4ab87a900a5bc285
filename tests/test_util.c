/* Unit tests for core/util: errors, time, string buffers, text (UTF-8,
 * BOM, encodings, formula neutralisation), the record reader (CSV, JSONL)
 * and the record writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <iconv.h>

#include "util/codelist.h"
#include "util/err.h"
#include "util/period.h"
#include "util/record_reader.h"
#include "util/record_writer.h"
#include "util/redact_text.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/text_fold.h"
#include "util/textset.h"
#include "util/timeutil.h"

#define DATA MANYI_SOURCE_DIR "/tests/data/io/"

/* ---- helpers ------------------------------------------------------------ */

/* A stream holding s[0..n). */
static FILE *mem_file(const char *s, size_t n) {
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(fwrite(s, 1, n, f), n);
  rewind(f);
  return f;
}

typedef struct opened {
  FILE *f;
  mi_reader *r;
} opened;

/* Opens a reader over the string s; rc is mi_reader_fopen's result. */
static int open_str(opened *o, const char *s, const char *name, const mi_reader_opts *opts,
                    mi_err *e) {
  o->f = mem_file(s, strlen(s));
  o->r = NULL;
  mi_err_clear(e);
  return mi_reader_fopen(o->f, name, MI_FORMAT_AUTO, opts, &o->r, e);
}

static void close_str(opened *o) {
  mi_reader_close(o->r);
  fclose(o->f);
}

/* The text mi_err_print would show. */
static const char *err_text(const mi_err *e) {
  static char buf[2048];
  FILE *f = fmemopen(buf, sizeof buf, "w");
  mi_err_print(e, f);
  fclose(f);
  return buf;
}

static void assert_contains(const char *hay, const char *needle) {
  if (!strstr(hay, needle)) fail_msg("'%s' does not contain '%s'", hay, needle);
}


/* ---- free text redaction ------------------------------------------------ */

static void expect_redacted(const char *text, const char *name, const char *want) {
  char *got = mi_redact_text(text, name);
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

static void test_redact_text(void **state) {
  (void)state;
  assert_null(mi_redact_text(NULL, "x"));
  expect_redacted("", NULL, "");
  /* e-mail addresses: first character, ***@ and the domain */
  expect_redacted("write to li.na@corp.example.net.", NULL, "write to l***@corp.example.net.");
  expect_redacted("<a+b@x.cn>", NULL, "<a***@x.cn>");
  expect_redacted("13800138000@qq.com", NULL, "1***@qq.com");
  expect_redacted("not@mail, a@b, x@.cn", NULL, "not@mail, a@b, x@.cn");
  /* phones: 7+ digits with separators, *** and the last two digits */
  expect_redacted("call 13800138000 now", NULL, "call ***00 now");
  expect_redacted("tel:+86 138-0013-8012", NULL, "tel:***12");
  expect_redacted("(010) 6552 3347.", NULL, "***47.");
  expect_redacted("1234 5 6 7 9", NULL, "***79");
  expect_redacted("电话13912345678谢谢", NULL, "电话***78谢谢");
  /* not phones: six digits, ids glued to letters, dates, amounts */
  expect_redacted("code 123456", NULL, "code 123456");
  expect_redacted("order O1234567 and C0000001, T-1234567", NULL,
                  "order O1234567 and C0000001, T-1234567");
  expect_redacted("on 2026-10-30 at 10:00", NULL, "on 2026-10-30 at 10:00");
  expect_redacted("12,345,678 yuan", NULL, "12,345,678 yuan");
  expect_redacted("1234567x", NULL, "1234567x");
  /* the name, and its parts of 3 bytes or more */
  expect_redacted("李娜的空调坏了，李娜说", "李娜", "李***的空调坏了，李***说");
  expect_redacted("Mr ZHANG and wei zhang called; Zhangs", "Wei Zhang",
                  "Mr Z*** and w*** called; Zhangs");
  expect_redacted("Weird", "Wei Zhang", "Weird");
  expect_redacted("Li Na rang", "Li Na", "L*** rang");
  expect_redacted("nothing here", "", "nothing here");
  /* everything at once */
  expect_redacted("王芳 (wang.fang@163.com, 139 1234 5678) on 2026-01-02", "王芳",
                  "王*** (w***@163.com, ***78) on 2026-01-02");
}

/* ---- err ---------------------------------------------------------------- */

static void test_err_basics(void **state) {
  (void)state;
  mi_err e;
  mi_err_clear(NULL);
  assert_int_equal(mi_err_set(NULL, MI_EINVAL, "x"), MI_EINVAL);
  mi_err_setpos(&e, MI_EPARSE, "a.csv", 3, 0, "field '%s': bad", "amount");
  assert_string_equal(err_text(&e), "a.csv:3: field 'amount': bad\n");
  mi_err_prefix(&e, "import");
  assert_string_equal(e.msg, "import: field 'amount': bad");
  assert_string_equal(mi_err_name(MI_EPARSE), "malformed input");
}

/* ---- timeutil ----------------------------------------------------------- */

static void test_time_null_and_bad(void **state) {
  (void)state;
  int y, m, d, mins;
  int64_t t;
  mi_err e;
  assert_int_equal(mi_date_parse(NULL, &y, &m, &d, &e), MI_EINVAL);
  assert_int_equal(mi_instant_parse(NULL, &t, &e), MI_EINVAL);
  assert_int_equal(mi_duration_parse(NULL, &t, &e), MI_EPARSE);
  assert_int_equal(mi_time_of_day_parse(NULL, &mins, &e), MI_EPARSE);
  const char *bad_dates[] = {"2023-02-29", "1900-02-29",  "2024-02-30", "2024-13-01",
                             "2024-00-10", "2024-04-31",  "2024-2-3",   "0999-01-01",
                             "",           "2024-02-29x", "24-02-29",   "2024/02/29"};
  for (size_t i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++) {
    mi_err_clear(&e);
    if (mi_date_parse(bad_dates[i], &y, &m, &d, &e) != MI_EPARSE)
      fail_msg("'%s' was accepted as a date", bad_dates[i]);
    assert_true(e.msg[0] != '\0');
  }
}

static void test_time_dates(void **state) {
  (void)state;
  int y, m, d;
  assert_int_equal(mi_date_parse("2024-02-29", &y, &m, &d, NULL), 0);
  assert_int_equal(y, 2024);
  assert_int_equal(m, 2);
  assert_int_equal(d, 29);
  assert_int_equal(mi_date_parse("2000-02-29", &y, &m, &d, NULL), 0); /* 400-year leap */
  assert_int_equal(mi_days_from_civil(1970, 1, 1), 0);
  assert_int_equal(mi_days_from_civil(2024, 2, 29), 19782);
  assert_int_equal(mi_days_from_civil(1969, 12, 31), -1);
  mi_civil_from_days(19782, &y, &m, &d);
  assert_int_equal(y * 10000 + m * 100 + d, 20240229);
  mi_civil_from_days(-1, &y, &m, &d);
  assert_int_equal(y * 10000 + m * 100 + d, 19691231);
  char buf[11];
  mi_date_format(1709164800 + 86399, buf);
  assert_string_equal(buf, "2024-02-29");
  mi_date_format(-1, buf);
  assert_string_equal(buf, "1969-12-31");
}

static void test_time_instants(void **state) {
  (void)state;
  struct {
    const char *s;
    int64_t t;
  } ok[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"2024-02-29", 1709164800}, /* 19782 days * 86400 */
      {"2024-02-29T00:00:00Z", 1709164800},
      {"2024-02-29 12:30", 1709164800 + 45000},
      {"2024-02-29T12:30:45+08:00", 1709164800 + 45045 - 8 * 3600},
      {"2024-03-01T00:30:00+08:00", 1709251200 + 1800 - 8 * 3600},
      {"2000-01-01T00:00:00-05:00", 946684800 + 5 * 3600},
      {"2038-01-19T03:14:07Z", 2147483647},
      {"1969-12-31T23:59:59Z", -1},
  };
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    int64_t t = 0;
    mi_err e;
    if (mi_instant_parse(ok[i].s, &t, &e)) fail_msg("'%s': %s", ok[i].s, e.msg);
    if (t != ok[i].t)
      fail_msg("'%s' -> %lld, want %lld", ok[i].s, (long long)t, (long long)ok[i].t);
  }
  char buf[21];
  mi_instant_format(1709251200 + 1800 - 8 * 3600, buf);
  assert_string_equal(buf, "2024-02-29T16:30:00Z");
  mi_instant_format(-1, buf);
  assert_string_equal(buf, "1969-12-31T23:59:59Z");
  /* Against the C library's own calendar, from year 1 to 9999: every second
   * of a few days and a spread of instants (a fixed LCG, so it repeats). */
  uint64_t x = 42;
  for (int i = 0; i < 200000; i++) {
    int64_t t;
    if (i < 100000) {
      t = 951782400 - 50000 + i; /* around 2000-02-29 */
    } else {
      x = x * 6364136223846793005u + 1442695040888963407u;
      t = -62135596800 + (int64_t)((x >> 11) % 315537897600u); /* 0001-01-01 .. 9999-12-31 */
    }
    time_t tt = (time_t)t;
    struct tm tm;
    char want[64];
    gmtime_r(&tt, &tm);
    snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    mi_instant_format(t, buf);
    if (strcmp(buf, want)) fail_msg("%lld: '%s', want '%s'", (long long)t, buf, want);
  }
  const char *bad[] = {"2023-02-29T00:00:00Z",  "2024-02-29T24:00",
                       "2024-02-29T12:60",      "2024-02-29T12:00:60",
                       "2024-02-29T12:00+8",    "2024-02-29T12:00+15:00",
                       "2024-02-29T12:00Z x",   "2024-02-29T1:00",
                       "2024-02-29T",           "now",
                       "2024-02-29T12:00+08:60"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int64_t t;
    if (mi_instant_parse(bad[i], &t, NULL) != MI_EPARSE)
      fail_msg("'%s' was accepted as an instant", bad[i]);
  }
}

static void test_time_durations(void **state) {
  (void)state;
  struct {
    const char *s;
    int64_t v;
  } ok[] = {{"90m", 5400},  {"1d12h", 129600}, {"45s", 45},    {"12h", 43200},
            {"3d", 259200}, {"2w", 1209600},   {"1h30m", 5400}};
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    int64_t v = 0;
    assert_int_equal(mi_duration_parse(ok[i].s, &v, NULL), 0);
    assert_int_equal(v, ok[i].v);
  }
  const char *bad[] = {"", "0m", "5", "m", "1x", "1d12", "-5m", "1.5h", "90 m", "999999999d"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int64_t v;
    mi_err e;
    if (mi_duration_parse(bad[i], &v, &e) != MI_EPARSE)
      fail_msg("'%s' was accepted as a duration", bad[i]);
  }
  int mins;
  assert_int_equal(mi_time_of_day_parse("00:00", &mins, NULL), 0);
  assert_int_equal(mins, 0);
  assert_int_equal(mi_time_of_day_parse("24:00", &mins, NULL), 0);
  assert_int_equal(mins, 1440);
  assert_int_equal(mi_time_of_day_parse("23:59", &mins, NULL), 0);
  assert_int_equal(mins, 1439);
  assert_int_equal(mi_time_of_day_parse("24:01", &mins, NULL), MI_EPARSE);
  assert_int_equal(mi_time_of_day_parse("7:00", &mins, NULL), MI_EPARSE);
  assert_int_equal(mi_time_of_day_parse("12:60", &mins, NULL), MI_EPARSE);
}

/* ---- strbuf ------------------------------------------------------------- */

static void test_strbuf(void **state) {
  (void)state;
  mi_strbuf b;
  mi_strbuf_init(&b);
  assert_int_equal(mi_strbuf_appends(&b, "ab"), 0);
  assert_int_equal(mi_strbuf_appendc(&b, 'c'), 0);
  assert_int_equal(mi_strbuf_appendf(&b, "%d-%s", 42, "x"), 0);
  assert_string_equal(b.data, "abc42-x");
  for (int i = 0; i < 1000; i++)
    assert_int_equal(mi_strbuf_appendc(&b, 'z'), 0);
  assert_int_equal(b.len, 1007);
  assert_int_equal(b.data[b.len], '\0');
  mi_strbuf_reset(&b);
  assert_int_equal(b.len, 0);
  assert_string_equal(b.data, "");
  mi_strbuf_free(&b);
  assert_null(b.data);
}

/* ---- text --------------------------------------------------------------- */

static void test_utf8_check(void **state) {
  (void)state;
  mi_err e;
  size_t bad = 99;
  assert_int_equal(mi_text_utf8_check(NULL, 1, &bad, &e), MI_EINVAL);
  assert_int_equal(mi_text_utf8_check(NULL, 0, &bad, &e), 0);
  const char *good[] = {"",
                        "plain ascii text, long enough for the fast path",
                        "王伟",
                        "Zoë",
                        "\xF0\x9F\x98\x80",
                        "\xF4\x8F\xBF\xBF",
                        "\xEF\xBB\xBF",
                        "\xED\x9F\xBF"};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    assert_int_equal(mi_text_utf8_check(good[i], strlen(good[i]), NULL, NULL), 0);
  struct {
    const char *s;
    size_t at;
    const char *why;
  } badc[] = {
      {"ab\xC0\xAF", 2, "overlong"}, /* '/' in two bytes */
      {"\xC1\xBF", 0, "overlong"},
      {"x\xE0\x80\xAF", 1, "overlong"},          /* three-byte overlong */
      {"\xF0\x80\x80\xAF", 0, "overlong"},       /* four-byte overlong */
      {"abc\xED\xA0\x80", 3, "surrogate"},       /* U+D800 */
      {"\xED\xBF\xBF", 0, "surrogate"},          /* U+DFFF */
      {"\xF4\x90\x80\x80", 0, "above U+10FFFF"}, /* U+110000 */
      {"\xF5\x80\x80\x80", 0, "above U+10FFFF"},
      {"\xFF", 0, "never occurs"},
      {"ok\x80", 2, "continuation"},
      {"\xE4\xB8", 0, "incomplete"}, /* cut-off 中 */
      {"\xE4\xB8x", 0, "incomplete"},
      {"0123456789abcdef\xC3", 16, "incomplete"}, /* after the fast path */
  };
  for (size_t i = 0; i < sizeof badc / sizeof *badc; i++) {
    mi_err_clear(&e);
    bad = 99;
    assert_int_equal(mi_text_utf8_check(badc[i].s, strlen(badc[i].s), &bad, &e), MI_EPARSE);
    assert_int_equal(bad, badc[i].at);
    assert_contains(e.msg, badc[i].why);
  }
  assert_int_equal(mi_text_utf8_check("ab\xC0\xAF", 4, NULL, &e), MI_EPARSE);
  assert_string_equal(e.msg, "invalid UTF-8 at byte 2: overlong encoding (0xC0 0xAF)");
  /* NUL is valid UTF-8 (the reader refuses it separately). */
  assert_int_equal(mi_text_utf8_check("a\0b", 3, NULL, NULL), 0);
}

static void test_utf8_complete_len(void **state) {
  (void)state;
  assert_int_equal(mi_text_utf8_complete_len("abc", 3), 3);
  assert_int_equal(mi_text_utf8_complete_len("a\xE7\x8E\x8B", 4), 4);
  assert_int_equal(mi_text_utf8_complete_len("a\xE7\x8E", 3), 1);
  assert_int_equal(mi_text_utf8_complete_len("a\xE7", 2), 1);
  assert_int_equal(mi_text_utf8_complete_len("a\xF0\x9F\x98", 4), 1);
  assert_int_equal(mi_text_utf8_complete_len("\x80\x80", 2), 2); /* left for the validator */
  assert_int_equal(mi_text_utf8_complete_len("", 0), 0);
}

static void test_bom(void **state) {
  (void)state;
  const char *enc = "x";
  assert_int_equal(mi_text_bom("\xEF\xBB\xBFid", 5, &enc), 3);
  assert_string_equal(enc, "UTF-8");
  assert_int_equal(mi_text_bom("\xFF\xFEi\0", 4, &enc), 2);
  assert_string_equal(enc, "UTF-16LE");
  assert_int_equal(mi_text_bom("\xFE\xFF", 2, &enc), 2);
  assert_string_equal(enc, "UTF-16BE");
  assert_int_equal(mi_text_bom("\xFF\xFE\0\0", 4, &enc), 4);
  assert_string_equal(enc, "UTF-32LE");
  assert_int_equal(mi_text_bom("\xEF\xBB", 2, &enc), 0);
  assert_null(enc);
  assert_int_equal(mi_text_bom("id", 2, NULL), 0);
  assert_true(mi_text_is_utf8_name(NULL));
  assert_true(mi_text_is_utf8_name("UTF-8"));
  assert_true(mi_text_is_utf8_name("utf8"));
  assert_true(mi_text_is_utf8_name("Utf_8"));
  assert_false(mi_text_is_utf8_name("UTF-16"));
  assert_false(mi_text_is_utf8_name("gb18030"));
}

static void test_convert(void **state) {
  (void)state;
  mi_err e;
  char *out = NULL;
  size_t n = 0;
  assert_int_equal(mi_text_convert("gb18030", NULL, 1, &out, &n, &e), MI_EINVAL);
  assert_int_equal(mi_text_convert("gb18030", "x", 1, NULL, &n, &e), MI_EINVAL);
  /* 王伟 in GB18030 is CD F5 CE B0. */
  assert_int_equal(mi_text_convert("gb18030", "\xCD\xF5\xCE\xB0", 4, &out, &n, &e), 0);
  assert_string_equal(out, "王伟");
  assert_int_equal(n, strlen("王伟"));
  free(out);
  assert_int_equal(mi_text_convert("latin1", "Zo\xEB", 3, &out, &n, &e), 0);
  assert_string_equal(out, "Zoë");
  free(out);
  assert_int_equal(mi_text_convert("GB18030", "", 0, &out, &n, &e), 0);
  assert_string_equal(out, "");
  free(out);
  /* Unknown encodings are named. */
  assert_int_equal(mi_text_convert("klingon-8", "x", 1, &out, &n, &e), MI_EINVAL);
  assert_null(out);
  assert_contains(e.msg, "unknown encoding 'klingon-8'");
  /* Suffixes that would drop or replace characters are refused. */
  assert_int_equal(mi_text_convert("GB18030//IGNORE", "x", 1, &out, &n, &e), MI_EINVAL);
  assert_contains(e.msg, "//IGNORE");
  /* Bytes that are not GB18030: error with position, no output. */
  assert_int_equal(mi_text_convert("gb18030", "ab\xCD\xF5\x80\xFF", 6, &out, &n, &e), MI_EPARSE);
  assert_null(out);
  assert_contains(e.msg, "at byte 4");
  assert_contains(e.msg, "0x80");
  /* A character cut off at the end. */
  assert_int_equal(mi_text_convert("gb18030", "ab\xCD", 3, &out, &n, &e), MI_EPARSE);
  assert_contains(e.msg, "middle of a gb18030 character");
  /* ASCII has no byte 0xE9: refused, not replaced. */
  assert_int_equal(mi_text_convert("ASCII", "caf\xE9", 4, &out, &n, &e), MI_EPARSE);
  assert_contains(e.msg, "at byte 3");

  mi_text_conv *c;
  assert_int_equal(mi_text_conv_open(NULL, &c, &e), MI_EINVAL);
  assert_int_equal(mi_text_conv_open("latin1", NULL, &e), MI_EINVAL);
  assert_int_equal(mi_text_conv_open("latin1", &c, &e), 0);
  assert_string_equal(mi_text_conv_encoding(c), "latin1");
  char buf[8];
  size_t in = 3, got = 0;
  assert_int_equal(mi_text_conv_run(c, "\xE9\xE9\xE9", &in, buf, sizeof buf, &got, 1, &e), 0);
  assert_int_equal(in, 3);
  assert_int_equal(got, 6);
  assert_int_equal(mi_text_conv_offset(c), 3);
  mi_text_conv_close(c);
  mi_text_conv_close(NULL);
}

static void test_neutralize(void **state) {
  (void)state;
  assert_true(mi_text_is_plain_number("-12.5"));
  assert_true(mi_text_is_plain_number("+3"));
  assert_true(mi_text_is_plain_number("-1e5"));
  assert_true(mi_text_is_plain_number(".5"));
  assert_true(mi_text_is_plain_number("007"));
  assert_false(mi_text_is_plain_number("-"));
  assert_false(mi_text_is_plain_number("-1+2"));
  assert_false(mi_text_is_plain_number("+86 138 0000 0000"));
  assert_false(mi_text_is_plain_number("1e"));
  assert_false(mi_text_is_plain_number(""));
  assert_false(mi_text_is_plain_number(NULL));

  const char *yes[] = {
      "=SUM(A1)", "+86 138 0000 0000", "-1+2", "@cmd", "\tx", "\rx", "'=x", "''+1 2", "-", "+"};
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
    if (!mi_text_neutralize_needed(yes[i])) fail_msg("'%s' should be neutralised", yes[i]);
  const char *no[] = {"-12.5", "+3", "007", "abc", "'abc", "''", "", "a=b", " =1", NULL};
  for (size_t i = 0; i < sizeof no / sizeof *no; i++)
    if (mi_text_neutralize_needed(no[i])) fail_msg("'%s' should be left alone", no[i]);

  const char *s = "'=SUM(A1)";
  assert_ptr_equal(mi_text_unneutralize(s), s + 1);
  s = "''=x";
  assert_ptr_equal(mi_text_unneutralize(s), s + 1);
  s = "'abc";
  assert_ptr_equal(mi_text_unneutralize(s), s);
  s = "'";
  assert_ptr_equal(mi_text_unneutralize(s), s);
  assert_null(mi_text_unneutralize(NULL));
}

/* ---- reader: arguments -------------------------------------------------- */

static void test_reader_bad_args(void **state) {
  (void)state;
  mi_reader *r = (mi_reader *)1;
  mi_err e;
  assert_int_equal(mi_reader_open(NULL, MI_FORMAT_CSV, NULL, &r, &e), MI_EINVAL);
  assert_null(r);
  assert_int_equal(mi_reader_open(DATA "quoted.csv", MI_FORMAT_CSV, NULL, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_reader_fopen(NULL, "x.csv", MI_FORMAT_CSV, NULL, &r, &e), MI_EINVAL);
  assert_int_equal(mi_reader_open(DATA "no-such-file.csv", MI_FORMAT_AUTO, NULL, &r, &e), MI_EIO);
  assert_contains(err_text(&e), "no-such-file.csv: cannot open");
  assert_int_equal(mi_reader_open(DATA "quoted.dat", MI_FORMAT_AUTO, NULL, &r, &e), MI_EINVAL);
  assert_contains(e.msg, "cannot tell the format");
  assert_int_equal(mi_reader_open(DATA "quoted.csv", (mi_format)9, NULL, &r, &e), MI_EINVAL);
  assert_int_equal(mi_reader_open(DATA "quoted.csv", MI_FORMAT_CSV, "klingon-8", &r, &e),
                   MI_EINVAL);
  assert_contains(e.msg, "unknown encoding 'klingon-8'");
  assert_int_equal(mi_reader_next(NULL, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_reader_header(NULL, NULL, NULL), MI_EINVAL);
  assert_int_equal(mi_reader_column(NULL, "x", NULL), MI_EINVAL);
  mi_reader_close(NULL);
  assert_null(mi_record_field(NULL, 0));
  assert_null(mi_record_get(NULL, "x"));
  assert_int_equal(mi_record_count(NULL), 0);

  mi_format f;
  assert_int_equal(mi_format_parse("CSV", &f, &e), 0);
  assert_int_equal(f, MI_FORMAT_CSV);
  assert_int_equal(mi_format_parse("ndjson", &f, &e), 0);
  assert_int_equal(f, MI_FORMAT_JSONL);
  assert_int_equal(mi_format_parse("xlsx", &f, &e), MI_EINVAL);
  assert_int_equal(mi_format_from_path("dir.csv/data.JSONL", &f, &e), 0);
  assert_int_equal(f, MI_FORMAT_JSONL);
  assert_int_equal(mi_format_from_path("dir.csv/data", &f, &e), MI_EINVAL);
}

/* ---- reader: CSV -------------------------------------------------------- */

/* Reads the next record, failing the test on error. */
static const mi_record *next_ok(mi_reader *r) {
  const mi_record *rec = NULL;
  mi_err e;
  mi_err_clear(&e);
  int rc = mi_reader_next(r, &rec, &e);
  if (rc != 1) fail_msg("expected a record, got %d: %s", rc, err_text(&e));
  return rec;
}

static void expect_end(mi_reader *r) {
  const mi_record *rec = (const mi_record *)1;
  mi_err e;
  assert_int_equal(mi_reader_next(r, &rec, &e), 0);
  assert_null(rec);
  assert_int_equal(mi_reader_next(r, &rec, &e), 0);
}

static void test_csv_quoting_and_lines(void **state) {
  (void)state;
  mi_reader *r;
  mi_err e;
  assert_int_equal(mi_reader_open(DATA "quoted.csv", MI_FORMAT_AUTO, NULL, &r, &e), 0);
  const char *const *names;
  size_t n;
  assert_int_equal(mi_reader_header(r, &names, &n), 0);
  assert_int_equal(n, 4);
  assert_string_equal(names[0], "id");
  assert_string_equal(names[3], "amount");
  size_t idx;
  assert_int_equal(mi_reader_column(r, "note", &idx), 0);
  assert_int_equal(idx, 2);
  assert_int_equal(mi_reader_column(r, "nope", &idx), MI_ENOTFOUND);

  const mi_record *rec = next_ok(r);
  assert_int_equal(mi_record_line(rec), 2);
  assert_int_equal(mi_record_count(rec), 4);
  assert_string_equal(mi_record_get(rec, "name"), "Smith, John");
  assert_string_equal(mi_record_get(rec, "note"), "said \"hi\"");
  assert_string_equal(mi_record_field(rec, 3), "12.5");
  assert_int_equal(mi_record_len(rec, 1), 11);
  assert_null(mi_record_field(rec, 4));
  assert_null(mi_record_get(rec, "nope"));

  rec = next_ok(r); /* spans lines 3-5 */
  assert_int_equal(mi_record_line(rec), 3);
  assert_string_equal(mi_record_get(rec, "note"), "multi\nline\nnote");
  assert_int_equal(mi_record_field_line(rec, 2), 3);
  assert_int_equal(mi_record_field_line(rec, 3), 5); /* -3 is on line 5 */
  assert_string_equal(mi_record_get(rec, "amount"), "-3");
  mi_err_clear(&e);
  assert_int_equal(mi_record_error(rec, &e, MI_EINVAL, "amount", "must not be negative (%s)",
                                   mi_record_get(rec, "amount")),
                   MI_EINVAL);
  assert_string_equal(err_text(&e),
                      DATA "quoted.csv:5: field 'amount': must not be negative (-3)\n");

  rec = next_ok(r); /* 3,"",,007 */
  assert_int_equal(mi_record_line(rec), 6);
  assert_string_equal(mi_record_get(rec, "name"), ""); /* quoted empty: present */
  assert_null(mi_record_get(rec, "note"));             /* unquoted empty: absent */
  assert_int_equal(mi_record_len(rec, 2), 0);
  assert_string_equal(mi_record_get(rec, "amount"), "007");

  rec = next_ok(r);
  assert_int_equal(mi_record_line(rec), 7);
  assert_string_equal(mi_record_get(rec, "name"), "王伟");
  assert_string_equal(mi_record_get(rec, "note"), "a,b");
  assert_null(mi_record_get(rec, "amount"));
  expect_end(r);
  assert_int_equal(mi_reader_count(r), 4);
  assert_false(mi_reader_failed(r));
  mi_reader_close(r);
}

/* Expects a record-level error whose printed form contains `want`. */
static void expect_bad(mi_reader *r, int code, const char *want) {
  const mi_record *rec = (const mi_record *)1;
  mi_err e;
  mi_err_clear(&e);
  int rc = mi_reader_next(r, &rec, &e);
  if (rc != code) fail_msg("expected %d, got %d (%s)", code, rc, err_text(&e));
  assert_null(rec);
  assert_contains(err_text(&e), want);
}

static void test_csv_crlf_bom(void **state) {
  (void)state;
  mi_reader *r;
  mi_err e;
  assert_int_equal(mi_reader_open(DATA "crlf.csv", MI_FORMAT_CSV, NULL, &r, &e), 0);
  const mi_record *rec = next_ok(r);
  assert_int_equal(mi_record_line(rec), 2);
  assert_string_equal(mi_record_get(rec, "id"), "1");
  assert_string_equal(mi_record_get(rec, "name"), "two\r\nlines"); /* quoted: kept as is */
  rec = next_ok(r);
  assert_int_equal(mi_record_line(rec), 4);
  assert_string_equal(mi_record_get(rec, "name"), "b");
  expect_end(r);
  mi_reader_close(r);

  assert_int_equal(mi_reader_open(DATA "bom.csv", MI_FORMAT_CSV, NULL, &r, &e), 0);
  const char *const *names;
  size_t n;
  mi_reader_header(r, &names, &n);
  assert_string_equal(names[0], "id"); /* not "\xEF\xBB\xBFid" */
  rec = next_ok(r);
  assert_string_equal(mi_record_get(rec, "name"), "王伟");
  expect_end(r);
  mi_reader_close(r);

  /* Bare CR line ends (old Mac) count as line breaks too. */
  opened o;
  assert_int_equal(open_str(&o, "a,b\r1,2\r3,4\r", "cr.csv", NULL, &e), 0);
  assert_int_equal(mi_record_line(next_ok(o.r)), 2);
  rec = next_ok(o.r);
  assert_int_equal(mi_record_line(rec), 3);
  assert_string_equal(mi_record_field(rec, 1), "4");
  expect_end(o.r);
  close_str(&o);

  /* No line end after the last record; nothing is trimmed. */
  assert_int_equal(open_str(&o, "a,b\n x , y ", "t.csv", NULL, &e), 0);
  rec = next_ok(o.r);
  assert_string_equal(mi_record_field(rec, 0), " x ");
  assert_string_equal(mi_record_field(rec, 1), " y ");
  expect_end(o.r);
  close_str(&o);
}

/* A BOM at the start of a later line (files joined with cat) is not kept in
 * the first field: that row is bad, named by its line; the others read. */
static void test_csv_bom_later_line(void **state) {
  (void)state;
  opened o;
  mi_err e;
  assert_int_equal(open_str(&o, "\xEF\xBB\xBF" "id,name\n1,a\n\xEF\xBB\xBF" "2,b\n3,c\n", "j.csv", NULL, &e), 0);
  assert_string_equal(mi_record_get(next_ok(o.r), "id"), "1");
  expect_bad(o.r, MI_EPARSE, "j.csv:3:1: a byte order mark (U+FEFF) starts this line");
  const mi_record *rec = next_ok(o.r);
  assert_string_equal(mi_record_get(rec, "id"), "3");
  expect_end(o.r);
  close_str(&o);
  /* inside a quoted field that runs over lines it is text, not a line start */
  assert_int_equal(open_str(&o, "id,name\n1,\"a\n\xEF\xBB\xBF" "b\"\n", "q.csv", NULL, &e), 0);
  assert_string_equal(mi_record_get(next_ok(o.r), "name"), "a\n\xEF\xBB\xBF" "b");
  expect_end(o.r);
  close_str(&o);
}

/* Text shown on a terminal: control characters (C0, DEL, C1) become escapes;
 * other UTF-8 stays; a cut never splits a character. */
static void test_text_shown(void **state) {
  (void)state;
  char buf[64];
  mi_text_shown("a\x1b[31mred\x07\x7f\n", buf, sizeof buf);
  assert_string_equal(buf, "a\\x1B[31mred\\x07\\x7F\\n");
  mi_text_shown("\xc2\x9b" "2J \xe7\x8e\x8b", buf, sizeof buf); /* CSI as C1, then 王 */
  assert_string_equal(buf, "\\u009B2J \xe7\x8e\x8b");
  char small[5];
  assert_int_equal(mi_text_shown("ab\xe7\x8e\x8b", small, sizeof small), 2); /* 王 does not fit */
  assert_string_equal(small, "ab");
  mi_text_shown(NULL, buf, sizeof buf);
  assert_string_equal(buf, "");
}

static void test_csv_utf16_bom_refused(void **state) {
  (void)state;
  opened o;
  mi_err e;
  assert_int_equal(open_str(&o, "\xFF\xFEi\0d\0\n\0", "u16.csv", NULL, &e), MI_EPARSE);
  assert_contains(err_text(&e), "u16.csv");
  assert_contains(e.msg, "UTF-16LE byte order mark");
  close_str(&o);
  /* A UTF-8 BOM on a file said to be GB18030. */
  mi_reader_opts opts = {.encoding = "gb18030"};
  assert_int_equal(open_str(&o, "\xEF\xBB\xBFid\n1\n", "x.csv", &opts, &e), MI_EPARSE);
  assert_contains(e.msg, "UTF-8 byte order mark");
  close_str(&o);
  /* With the right encoding, a UTF-16 file reads fine and its BOM goes. */
  opts.encoding = "UTF-16LE";
  const char u16[] = "\xFF\xFEi\0d\0\n\0"
                     "1\0\n\0";
  o.f = mem_file(u16, sizeof u16 - 1);
  assert_int_equal(mi_reader_fopen(o.f, "u16.csv", MI_FORMAT_CSV, &opts, &o.r, &e), 0);
  const char *const *names;
  size_t n;
  mi_reader_header(o.r, &names, &n);
  assert_int_equal(n, 1);
  assert_string_equal(names[0], "id");
  assert_string_equal(mi_record_field(next_ok(o.r), 0), "1");
  expect_end(o.r);
  close_str(&o);
}

static void test_csv_encodings(void **state) {
  (void)state;
  mi_reader *r;
  mi_err e;
  assert_int_equal(mi_reader_open(DATA "gb18030.csv", MI_FORMAT_CSV, "gb18030", &r, &e), 0);
  const mi_record *rec = next_ok(r);
  assert_string_equal(mi_record_get(rec, "name"), "王伟");
  assert_string_equal(mi_record_get(rec, "city"), "北京");
  rec = next_ok(r);
  assert_int_equal(mi_record_line(rec), 3);
  assert_string_equal(mi_record_get(rec, "name"), "李娜");
  assert_string_equal(mi_record_get(rec, "city"), "上海");
  expect_end(r);
  mi_reader_close(r);

  /* Read as UTF-8, the same file is refused with the line and column. */
  assert_int_equal(mi_reader_open(DATA "gb18030.csv", MI_FORMAT_CSV, NULL, &r, &e), 0);
  expect_bad(r, MI_EPARSE, "gb18030.csv:2:3: invalid UTF-8");
  mi_reader_close(r);

  assert_int_equal(mi_reader_open(DATA "latin1.csv", MI_FORMAT_CSV, "latin1", &r, &e), 0);
  assert_string_equal(mi_record_get(next_ok(r), "name"), "Zoë");
  expect_end(r);
  mi_reader_close(r);

  /* Bytes that are not GB18030 stop the reader, with the line. */
  opened o;
  mi_reader_opts opts = {.encoding = "GB18030"};
  assert_int_equal(open_str(&o, "id,name\n1,\xCD\xF5\n2,\xCD\x7F\n3,x\n", "g.csv", &opts, &e), 0);
  assert_string_equal(mi_record_field(next_ok(o.r), 1), "王");
  expect_bad(o.r, MI_EPARSE, "g.csv:3:");
  assert_true(mi_reader_failed(o.r));
  expect_bad(o.r, MI_EPARSE, "not valid GB18030");
  close_str(&o);
}

static void test_csv_invalid_utf8(void **state) {
  (void)state;
  mi_reader *r;
  mi_err e;
  assert_int_equal(mi_reader_open(DATA "bad_utf8.csv", MI_FORMAT_CSV, NULL, &r, &e), 0);
  assert_string_equal(mi_record_get(next_ok(r), "name"), "ok");
  expect_bad(r, MI_EPARSE, "bad_utf8.csv:3:6: invalid UTF-8: overlong encoding (0xC0 0xAF)");
  assert_false(mi_reader_failed(r)); /* the record is rejected; reading goes on */
  const mi_record *rec = next_ok(r);
  assert_int_equal(mi_record_line(rec), 4);
  assert_string_equal(mi_record_get(rec, "name"), "fine");
  expect_end(r);
  mi_reader_close(r);

  opened o;
  const char nul[] = "a\nx\0y\nz\n";
  o.f = mem_file(nul, sizeof nul - 1);
  assert_int_equal(mi_reader_fopen(o.f, "nul.csv", MI_FORMAT_CSV, NULL, &o.r, &e), 0);
  expect_bad(o.r, MI_EPARSE, "nul.csv:2:2: NUL byte");
  assert_string_equal(mi_record_field(next_ok(o.r), 0), "z");
  close_str(&o);
}

static void test_csv_field_count(void **state) {
  (void)state;
  mi_reader *r;
  mi_err e;
  assert_int_equal(mi_reader_open(DATA "wrong_count.csv", MI_FORMAT_CSV, NULL, &r, &e), 0);
  next_ok(r);
  expect_bad(r, MI_EPARSE, "wrong_count.csv:3: expected 3 fields (as in the header), got 2");
  const mi_record *rec = next_ok(r);
  assert_int_equal(mi_record_line(rec), 4);
  assert_string_equal(mi_record_field(rec, 2), "8");
  expect_end(r);
  mi_reader_close(r);

  opened o;
  assert_int_equal(open_str(&o, "a,b\n1,2,3\n", "x.csv", NULL, &e), 0);
  expect_bad(o.r, MI_EPARSE, "x.csv:2: expected 2 fields (as in the header), got 3");
  close_str(&o);
}

static void test_csv_quote_errors(void **state) {
  (void)state;
  mi_reader *r;
  mi_err e;
  assert_int_equal(mi_reader_open(DATA "unterminated.csv", MI_FORMAT_CSV, NULL, &r, &e), 0);
  next_ok(r);
  expect_bad(r, MI_EPARSE, "unterminated.csv:3: quoted field is not closed");
  assert_true(mi_reader_failed(r));
  expect_bad(r, MI_EPARSE, "the quote opened on line 3"); /* stays failed */
  mi_reader_close(r);

  assert_int_equal(mi_reader_open(DATA "malformed.csv", MI_FORMAT_CSV, NULL, &r, &e), 0);
  next_ok(r);
  expect_bad(r, MI_EPARSE, "malformed.csv:3:5: malformed quotes");
  assert_true(mi_reader_failed(r));
  mi_reader_close(r);

  opened o;
  assert_int_equal(open_str(&o, "a,b\n\"x\" ,y\n", "sp.csv", NULL, &e), 0);
  expect_bad(o.r, MI_EPARSE, "sp.csv:2:4: malformed quotes"); /* text after the close */
  close_str(&o);
}

static void test_csv_blank_lines(void **state) {
  (void)state;
  mi_reader *r;
  mi_err e;
  assert_int_equal(mi_reader_open(DATA "trailing_blank.csv", MI_FORMAT_CSV, NULL, &r, &e), 0);
  next_ok(r);
  next_ok(r);
  expect_end(r);
  mi_reader_close(r);

  assert_int_equal(mi_reader_open(DATA "blank_middle.csv", MI_FORMAT_CSV, NULL, &r, &e), 0);
  next_ok(r);
  expect_bad(r, MI_EPARSE, "blank_middle.csv:3: blank line between records");
  const mi_record *rec = next_ok(r);
  assert_int_equal(mi_record_line(rec), 4);
  assert_string_equal(mi_record_field(rec, 1), "y");
  expect_end(r);
  mi_reader_close(r);

  /* One column: a blank line is a row whose field is absent. */
  opened o;
  assert_int_equal(open_str(&o, "v\nx\n\n\"\"\n", "one.csv", NULL, &e), 0);
  assert_string_equal(mi_record_field(next_ok(o.r), 0), "x");
  rec = next_ok(o.r);
  assert_int_equal(mi_record_line(rec), 3);
  assert_int_equal(mi_record_count(rec), 1);
  assert_null(mi_record_field(rec, 0));
  assert_string_equal(mi_record_field(next_ok(o.r), 0), "");
  expect_end(o.r);
  close_str(&o);
}

static void test_csv_header_errors(void **state) {
  (void)state;
  opened o;
  mi_err e;
  assert_int_equal(open_str(&o, "id,name,id\n1,2,3\n", "dup.csv", NULL, &e), MI_EPARSE);
  assert_string_equal(err_text(&e),
                      "dup.csv:1: column 'id' appears twice in the header (columns 1 and 3)\n");
  close_str(&o);
  assert_int_equal(open_str(&o, "id,,x\n", "empty.csv", NULL, &e), MI_EPARSE);
  assert_contains(err_text(&e), "empty.csv:1: column 2 of the header has no name");
  close_str(&o);
  assert_int_equal(open_str(&o, "id,\"\"\n", "empty2.csv", NULL, &e), MI_EPARSE);
  assert_contains(e.msg, "column 2 of the header has no name");
  close_str(&o);
  o.f = tmpfile();
  assert_int_equal(mi_reader_fopen(o.f, "nothing.csv", MI_FORMAT_CSV, NULL, &o.r, &e), MI_EPARSE);
  assert_contains(err_text(&e), "nothing.csv:1: the file is empty");
  fclose(o.f);
  assert_int_equal(open_str(&o, "\nid\n", "lead.csv", NULL, &e), MI_EPARSE);
  assert_contains(err_text(&e), "lead.csv:1: blank line before the header");
  close_str(&o);

  /* Expected columns. */
  const char *want[] = {"id", "amount"};
  mi_reader_opts opts = {.columns = want, .ncolumns = 2};
  assert_int_equal(open_str(&o, "id,name\n", "c.csv", &opts, &e), MI_EPARSE);
  assert_contains(err_text(&e), "c.csv:1: missing column 'amount' (the header has: id, name)");
  close_str(&o);
  assert_int_equal(open_str(&o, "amount,id,extra\n", "c.csv", &opts, &e), MI_EPARSE);
  assert_contains(e.msg, "unexpected column 'extra'");
  close_str(&o);
  opts.allow_extra = 1;
  assert_int_equal(open_str(&o, "amount,id,extra\n5,1,z\n", "c.csv", &opts, &e), 0);
  assert_string_equal(mi_record_get(next_ok(o.r), "amount"), "5");
  close_str(&o);
}

static void test_csv_limits(void **state) {
  (void)state;
  opened o;
  mi_err e;
  /* A field just over the default 1 MiB limit. */
  size_t big = MI_READER_MAX_FIELD + 10;
  char *s = malloc(big + 64);
  strcpy(s, "id,text\n1,\"");
  size_t at = strlen(s);
  memset(s + at, 'x', big);
  strcpy(s + at + big, "\"\n2,y\n");
  assert_int_equal(open_str(&o, s, "big.csv", NULL, &e), 0);
  expect_bad(o.r, MI_EPARSE, "big.csv:2: field 'text' is longer than 1048576 bytes (the limit)");
  assert_true(mi_reader_failed(o.r));
  close_str(&o);
  /* ... and one at the limit is fine. */
  strcpy(s + at + MI_READER_MAX_FIELD, "\"\n2,y\n");
  assert_int_equal(open_str(&o, s, "big.csv", NULL, &e), 0);
  assert_int_equal(mi_record_len(next_ok(o.r), 1), MI_READER_MAX_FIELD);
  assert_string_equal(mi_record_field(next_ok(o.r), 1), "y");
  close_str(&o);
  free(s);

  mi_reader_opts opts = {.max_field = 4};
  assert_int_equal(open_str(&o, "a,b\n1,12345\n", "f.csv", &opts, &e), 0);
  expect_bad(o.r, MI_EPARSE, "f.csv:2: field 'b' is longer than 4 bytes");
  close_str(&o);

  opts = (mi_reader_opts){.max_record = 16};
  assert_int_equal(open_str(&o, "a,b\n1,\"never closed\nand on\nand on\n", "r.csv", &opts, &e), 0);
  expect_bad(o.r, MI_EPARSE, "r.csv:2: record is longer than 16 bytes");
  close_str(&o);

  opts = (mi_reader_opts){.max_columns = 3};
  assert_int_equal(open_str(&o, "a,b,c,d\n", "m.csv", &opts, &e), MI_EPARSE);
  assert_contains(err_text(&e), "m.csv:1: record has more than 3 fields");
  close_str(&o);
  assert_int_equal(open_str(&o, "a,b,c\n1,2,3,4,5\n", "m.csv", &opts, &e), 0);
  expect_bad(o.r, MI_EPARSE, "m.csv:2: record has more than 3 fields");
  close_str(&o);
}

static void test_csv_apostrophe(void **state) {
  (void)state;
  opened o;
  mi_err e;
  const char *in = "a,b,c\n'=SUM(A1),''=x,'abc\n";
  assert_int_equal(open_str(&o, in, "n.csv", NULL, &e), 0);
  const mi_record *rec = next_ok(o.r);
  assert_string_equal(mi_record_field(rec, 0), "=SUM(A1)");
  assert_string_equal(mi_record_field(rec, 1), "'=x");
  assert_string_equal(mi_record_field(rec, 2), "'abc");
  close_str(&o);
  mi_reader_opts opts = {.keep_apostrophe = 1};
  assert_int_equal(open_str(&o, in, "n.csv", &opts, &e), 0);
  assert_string_equal(mi_record_field(next_ok(o.r), 0), "'=SUM(A1)");
  close_str(&o);
}

/* UTF-8 -> GB18030 with iconv directly (manyi only converts to UTF-8). */
static char *to_gb18030(const char *s, size_t n, size_t *outlen) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  assert_true(cd != (iconv_t)-1);
  size_t cap = n * 2 + 16, left = cap;
  char *out = malloc(cap), *op = out, *ip = (char *)s;
  assert_true(iconv(cd, &ip, &n, &op, &left) != (size_t)-1);
  iconv_close(cd);
  *outlen = cap - left;
  return out;
}

/* Every block size puts block ends at other places: inside CRLF, inside
 * multi-byte characters, inside quoted line breaks; once as UTF-8 and once
 * as GB18030 through iconv (with a BOM each time). */
static void test_csv_block_boundaries(void **state) {
  (void)state;
  mi_strbuf in;
  mi_strbuf_init(&in);
  mi_strbuf_appends(&in, "\xEF\xBB\xBFid,name,note\r\n");
  for (int i = 0; i < 40; i++)
    mi_strbuf_appendf(&in, "%d,王伟%d,\"a,\"\"b\"\"\r\nc%s\"\r\n", i, i, i % 3 ? "" : "\r\nd");
  size_t gblen;
  char *gb = to_gb18030(in.data, in.len, &gblen);
  for (size_t block = 8; block <= 40; block++) {
    for (int conv = 0; conv < 2; conv++) {
      mi_reader_opts opts = {.block_size = block, .encoding = conv ? "GB18030" : NULL};
      opened o;
      mi_err e;
      o.f = conv ? mem_file(gb, gblen) : mem_file(in.data, in.len);
      if (mi_reader_fopen(o.f, "b.csv", MI_FORMAT_CSV, &opts, &o.r, &e))
        fail_msg("block %zu conv %d: %s", block, conv, err_text(&e));
      const char *const *names;
      size_t n;
      mi_reader_header(o.r, &names, &n);
      assert_int_equal(n, 3);
      assert_string_equal(names[0], "id");
      long line = 2;
      for (int i = 0; i < 40; i++) {
        const mi_record *rec = next_ok(o.r);
        char want[64];
        snprintf(want, sizeof want, "王伟%d", i);
        if (strcmp(mi_record_field(rec, 1), want) != 0 || mi_record_line(rec) != line)
          fail_msg("block %zu conv %d, row %d: '%s' on line %ld", block, conv, i,
                   mi_record_field(rec, 1), mi_record_line(rec));
        assert_string_equal(mi_record_field(rec, 2), i % 3 ? "a,\"b\"\r\nc" : "a,\"b\"\r\nc\r\nd");
        line += i % 3 ? 2 : 3;
      }
      expect_end(o.r);
      close_str(&o);
    }
  }
  free(gb);
  mi_strbuf_free(&in);
}

/* ---- reader: JSONL ------------------------------------------------------ */

static void test_jsonl_values_and_header(void **state) {
  (void)state;
  mi_reader *r;
  mi_err e;
  assert_int_equal(mi_reader_open(DATA "people.jsonl", MI_FORMAT_AUTO, NULL, &r, &e), 0);
  assert_int_equal(mi_reader_format(r), MI_FORMAT_JSONL);
  const char *const *names;
  size_t n;
  assert_int_equal(mi_reader_header(r, &names, &n), 0);
  assert_int_equal(n, 0); /* keys are learnt as records come */
  const mi_record *rec = next_ok(r);
  assert_int_equal(mi_record_line(rec), 1);
  mi_reader_header(r, &names, &n);
  assert_int_equal(n, 6);
  assert_string_equal(names[0], "id");
  assert_string_equal(names[5], "note");
  assert_string_equal(mi_record_get(rec, "id"), "007"); /* a string stays a string */
  assert_string_equal(mi_record_get(rec, "name"), "王伟");
  assert_string_equal(mi_record_get(rec, "age"), "30");
  assert_string_equal(mi_record_get(rec, "score"), "12.5"); /* 12.50 -> canonical */
  assert_string_equal(mi_record_get(rec, "vip"), "true");
  assert_null(mi_record_get(rec, "note")); /* null -> absent */
  assert_int_equal(mi_record_count(rec), 6);

  rec = next_ok(r); /* line 2 is blank; CRLF line end */
  assert_int_equal(mi_record_line(rec), 3);
  mi_reader_header(r, &names, &n);
  assert_int_equal(n, 7);
  assert_string_equal(names[6], "extra");
  assert_int_equal(mi_record_count(rec), 7);
  assert_string_equal(mi_record_get(rec, "id"), "008");
  assert_string_equal(mi_record_get(rec, "extra"), "x");
  assert_null(mi_record_get(rec, "age")); /* missing key -> absent */
  mi_err_clear(&e);
  mi_record_error(rec, &e, MI_EINVAL, "age", "is required");
  assert_string_equal(err_text(&e), DATA "people.jsonl:3: field 'age': is required\n");
  expect_end(r);
  mi_reader_close(r);
}

static void test_jsonl_bad_lines(void **state) {
  (void)state;
  mi_reader *r;
  mi_err e;
  assert_int_equal(mi_reader_open(DATA "bad.jsonl", MI_FORMAT_JSONL, NULL, &r, &e), 0);
  assert_string_equal(mi_record_get(next_ok(r), "id"), "1");
  expect_bad(r, MI_EPARSE, "bad.jsonl:2:");
  expect_bad(r, MI_EPARSE, "bad.jsonl:3: expected a JSON object {...} on each line, got an array");
  expect_bad(r, MI_EPARSE, "bad.jsonl:4: field 'tags' holds an array");
  expect_bad(r, MI_EPARSE, "bad.jsonl:5:");
  const mi_record *rec = next_ok(r);
  assert_int_equal(mi_record_line(rec), 6);
  assert_string_equal(mi_record_get(rec, "id"), "7");
  expect_end(r);
  assert_false(mi_reader_failed(r));
  mi_reader_close(r);

  opened o;
  assert_int_equal(open_str(&o, "{\"a\":{\"b\":1}}\n", "n.jsonl", NULL, &e), 0);
  expect_bad(o.r, MI_EPARSE, "n.jsonl:1: field 'a' holds an object");
  close_str(&o);
  assert_int_equal(open_str(&o, "{\"a\":\"x\xC0\xAF\"}\n", "u.jsonl", NULL, &e), 0);
  expect_bad(o.r, MI_EPARSE, "u.jsonl:1:8: invalid UTF-8");
  close_str(&o);
  assert_int_equal(open_str(&o, "{\"a\":1e400}\n{\"a\":-0.5}\n{\"a\":1E2}\n{\"a\":123456789012}\n",
                            "num.jsonl", NULL, &e),
                   0);
  expect_bad(o.r, MI_EPARSE, "num.jsonl:1:"); /* out of range for a double */
  assert_string_equal(mi_record_field(next_ok(o.r), 0), "-0.5");
  assert_string_equal(mi_record_field(next_ok(o.r), 0), "100");
  assert_string_equal(mi_record_field(next_ok(o.r), 0), "123456789012");
  close_str(&o);
  /* The last line may lack its LF. */
  assert_int_equal(open_str(&o, "{\"a\":\"x\"}\n{\"a\":\"y\"}", "t.jsonl", NULL, &e), 0);
  next_ok(o.r);
  assert_string_equal(mi_record_field(next_ok(o.r), 0), "y");
  expect_end(o.r);
  close_str(&o);
}

static void test_jsonl_columns_and_limits(void **state) {
  (void)state;
  const char *cols[] = {"id", "amount"};
  mi_reader_opts opts = {.columns = cols, .ncolumns = 2};
  opened o;
  mi_err e;
  assert_int_equal(open_str(&o,
                            "{\"amount\":5,\"id\":\"a\"}\n{\"id\":\"b\",\"x\":1}\n{\"id\":\"c\"}\n",
                            "c.jsonl", &opts, &e),
                   0);
  const char *const *names;
  size_t n;
  mi_reader_header(o.r, &names, &n);
  assert_int_equal(n, 2);
  const mi_record *rec = next_ok(o.r);
  assert_string_equal(mi_record_field(rec, 0), "a");
  assert_string_equal(mi_record_field(rec, 1), "5");
  expect_bad(o.r, MI_EPARSE, "c.jsonl:2: unknown field 'x'");
  rec = next_ok(o.r);
  assert_string_equal(mi_record_get(rec, "id"), "c");
  assert_null(mi_record_get(rec, "amount"));
  close_str(&o);

  opts.allow_extra = 1;
  assert_int_equal(open_str(&o, "{\"id\":\"b\",\"x\":1}\n", "c.jsonl", &opts, &e), 0);
  rec = next_ok(o.r);
  assert_int_equal(mi_record_count(rec), 2);
  assert_null(mi_record_get(rec, "x"));
  close_str(&o);

  opts = (mi_reader_opts){.max_record = 20};
  assert_int_equal(
      open_str(&o, "{\"a\":\"1\"}\n{\"a\":\"0123456789012345678\"}\n", "l.jsonl", &opts, &e), 0);
  next_ok(o.r);
  expect_bad(o.r, MI_EPARSE, "l.jsonl:2: line is longer than 20 bytes");
  assert_true(mi_reader_failed(o.r));
  close_str(&o);

  opts = (mi_reader_opts){.max_columns = 2};
  assert_int_equal(open_str(&o, "{\"a\":1,\"b\":2,\"c\":3}\n", "k.jsonl", &opts, &e), 0);
  expect_bad(o.r, MI_EPARSE, "k.jsonl:1: more than 2 distinct keys");
  close_str(&o);

  /* Small blocks: lines cut by block ends are reassembled. */
  opts = (mi_reader_opts){.block_size = 8};
  assert_int_equal(
      open_str(&o, "{\"name\":\"王伟\",\"n\":1}\r\n\n{\"name\":\"李娜\"}\n", "s.jsonl", &opts, &e),
      0);
  rec = next_ok(o.r);
  assert_string_equal(mi_record_get(rec, "name"), "王伟");
  rec = next_ok(o.r);
  assert_int_equal(mi_record_line(rec), 3);
  assert_string_equal(mi_record_get(rec, "name"), "李娜");
  expect_end(o.r);
  close_str(&o);
}

/* ---- writer ------------------------------------------------------------- */

/* What was written to f so far, as a string (static buffer). */
static const char *contents(FILE *f) {
  static char buf[4096];
  fflush(f);
  long n = ftell(f);
  rewind(f);
  assert_true(n >= 0 && (size_t)n < sizeof buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  return buf;
}

static void test_writer_bad_args(void **state) {
  (void)state;
  mi_writer *w = (mi_writer *)1;
  mi_err e;
  const char *cols[] = {"id", "name", "id"};
  FILE *f = tmpfile();
  assert_int_equal(mi_writer_open(NULL, MI_FORMAT_CSV, cols, 2, &w, &e), MI_EINVAL);
  assert_null(w);
  assert_int_equal(mi_writer_open(f, MI_FORMAT_CSV, cols, 2, NULL, &e), MI_EINVAL);
  assert_int_equal(mi_writer_open(f, MI_FORMAT_AUTO, cols, 2, &w, &e), MI_EINVAL);
  assert_int_equal(mi_writer_open(f, MI_FORMAT_CSV, NULL, 2, &w, &e), MI_EINVAL);
  assert_int_equal(mi_writer_open(f, MI_FORMAT_CSV, cols, 0, &w, &e), MI_EINVAL);
  assert_int_equal(mi_writer_open(f, MI_FORMAT_CSV, cols, 3, &w, &e), MI_EINVAL);
  assert_contains(e.msg, "column 'id' is given twice");
  const char *empty[] = {"a", ""};
  assert_int_equal(mi_writer_open(f, MI_FORMAT_JSONL, empty, 2, &w, &e), MI_EINVAL);
  assert_int_equal(mi_writer_row(NULL, cols, &e), MI_EINVAL);
  assert_int_equal(mi_writer_close(NULL, &e), 0);

  assert_int_equal(mi_writer_open(f, MI_FORMAT_CSV, cols, 2, &w, &e), 0);
  assert_int_equal(mi_writer_row(w, NULL, &e), MI_EINVAL);
  const char *badrow[] = {"1", "bad\xC0\xAF"};
  assert_int_equal(mi_writer_row(w, badrow, &e), MI_EINVAL);
  assert_contains(e.msg, "row 1, column 'name': invalid UTF-8 at byte 3");
  assert_int_equal(mi_writer_count(w), 0);
  assert_int_equal(mi_writer_close(w, &e), 0);
  assert_string_equal(contents(f), "id,name\n"); /* nothing of the bad row */
  fclose(f);

  /* A failing stream is reported. */
  f = fopen("/dev/full", "w");
  if (f) {
    setvbuf(f, NULL, _IONBF, 0);
    assert_int_equal(mi_writer_open(f, MI_FORMAT_CSV, cols, 2, &w, &e), MI_EIO);
    fclose(f);
  }
}

static void test_writer_csv_bytes(void **state) {
  (void)state;
  FILE *f = tmpfile();
  mi_writer *w;
  mi_err e;
  const char *cols[] = {"id", "name", "note"};
  assert_int_equal(mi_writer_open(f, MI_FORMAT_CSV, cols, 3, &w, &e), 0);
  const char *rows[][3] = {
      {"007", "Smith, John", "say \"hi\""},
      {"=SUM(A1)", "-12.5", "+86 138 0000 0000"},
      {NULL, "", "line1\nline2"},
      {"'=x", "@cmd", "\tx"},
      {" pad", "-1+2", "王伟"},
  };
  for (size_t i = 0; i < 5; i++)
    assert_int_equal(mi_writer_row(w, rows[i], &e), 0);
  assert_int_equal(mi_writer_count(w), 5);
  assert_int_equal(mi_writer_close(w, &e), 0);
  assert_string_equal(contents(f), "id,name,note\n"
                                   "007,\"Smith, John\",\"say \"\"hi\"\"\"\n"
                                   "'=SUM(A1),-12.5,'+86 138 0000 0000\n"
                                   ",\"\",\"line1\nline2\"\n"
                                   "''=x,'@cmd,\"'\tx\"\n"
                                   "\" pad\",'-1+2,王伟\n");
  fclose(f);

  f = tmpfile();
  const char *hcols[] = {"=cmd", "ok"};
  assert_int_equal(mi_writer_open(f, MI_FORMAT_CSV, hcols, 2, &w, &e), 0);
  assert_int_equal(mi_writer_close(w, &e), 0);
  assert_string_equal(contents(f), "'=cmd,ok\n");
  fclose(f);
}

static void test_writer_jsonl_bytes(void **state) {
  (void)state;
  FILE *f = tmpfile();
  mi_writer *w;
  mi_err e;
  const char *cols[] = {"id", "name", "note"};
  assert_int_equal(mi_writer_open(f, MI_FORMAT_JSONL, cols, 3, &w, &e), 0);
  const char *r1[] = {"007", "王伟", NULL};
  const char *r2[] = {"=SUM(A1)", "a\"b\\c", "x\ny\x01\t"};
  assert_int_equal(mi_writer_row(w, r1, &e), 0);
  assert_int_equal(mi_writer_row(w, r2, &e), 0);
  assert_int_equal(mi_writer_close(w, &e), 0);
  assert_string_equal(
      contents(f), "{\"id\":\"007\",\"name\":\"王伟\",\"note\":null}\n"
                   "{\"id\":\"=SUM(A1)\",\"name\":\"a\\\"b\\\\c\",\"note\":\"x\\ny\\u0001\\t\"}\n");
  fclose(f);
}

/* Writes rows, reads them back, and wants exactly the same strings and
 * the same absent values. */
static void round_trip(mi_format fmt, const char *const *cols, size_t ncols,
                       const char *const *vals, size_t nrows) {
  FILE *f = tmpfile();
  mi_writer *w;
  mi_err e;
  assert_int_equal(mi_writer_open(f, fmt, cols, ncols, &w, &e), 0);
  for (size_t i = 0; i < nrows; i++)
    if (mi_writer_row(w, vals + i * ncols, &e)) fail_msg("row %zu: %s", i, e.msg);
  assert_int_equal(mi_writer_close(w, &e), 0);
  rewind(f);
  mi_reader *r;
  if (mi_reader_fopen(f, fmt == MI_FORMAT_CSV ? "rt.csv" : "rt.jsonl", fmt, NULL, &r, &e))
    fail_msg("%s", err_text(&e));
  for (size_t i = 0; i < nrows; i++) {
    const mi_record *rec = next_ok(r);
    assert_int_equal(mi_record_count(rec), ncols);
    for (size_t k = 0; k < ncols; k++) {
      const char *want = vals[i * ncols + k], *got = mi_record_get(rec, cols[k]);
      if (!want != !got || (want && strcmp(want, got) != 0))
        fail_msg("%s row %zu column %s: wrote '%s', read '%s'", mi_format_name(fmt), i, cols[k],
                 want ? want : "(absent)", got ? got : "(absent)");
    }
  }
  expect_end(r);
  mi_reader_close(r);
  fclose(f);
}

/* ---- textset ---------------------------------------------------------------- */

static void test_textset(void **state) {
  (void)state;
  mi_textset s = {0};
  mi_textset_free(&s); /* an empty set frees */
  const char *a = mi_textset_add(&s, "A"), *e = mi_textset_add(&s, "");
  assert_non_null(a);
  assert_string_equal(a, "A");
  assert_string_equal(e, "");
  assert_ptr_equal(mi_textset_add(&s, "A"), a); /* one copy per text */
  char buf[16];
  const char *first = NULL;
  for (int i = 0; i < 1000; i++) { /* grows past its first 64 slots */
    snprintf(buf, sizeof buf, "level %d", i);
    const char *p = mi_textset_add(&s, buf);
    assert_non_null(p);
    assert_string_equal(p, buf);
    if (!i) first = p;
  }
  assert_int_equal(s.n, 1002);
  assert_ptr_equal(mi_textset_add(&s, "level 0"), first);
  assert_ptr_equal(mi_textset_add(&s, "A"), a);
  mi_textset_free(&s);
  assert_int_equal(s.n, 0);
  assert_null(s.slot);
}

static void test_round_trip(void **state) {
  (void)state;
  const char *cols[] = {"id", "a", "b", "c"};
  /* clang-format off */
  const char *vals[] = {
      "007",  "=SUM(A1)",   "-12.5",        "+86 138 0000 0000",
      "0012", "'=x",        "''+1",         "'abc",
      "1",    "",           NULL,           "a,b",
      "2",    "say \"hi\"", "line1\nline2", "crlf\r\nin",
      "3",    " lead",      "trail ",       "王伟",
      "4",    "\ttab",      "@cmd",         "-",
      "5",    "'",          "+",            "-1e5",
      "6",    "\r",         "=",            "''",
      "7",    "'-5",        "'@",           "x'=y",
      "=id",  NULL,         NULL,           NULL,
  };
  /* clang-format on */

  const char *const *v = vals;
  round_trip(MI_FORMAT_CSV, cols, 4, v, sizeof vals / sizeof *vals / 4);
  round_trip(MI_FORMAT_JSONL, cols, 4, v, sizeof vals / sizeof *vals / 4);
  /* One column: absent and "" and a formula. */
  const char *one[] = {"v"};
  const char *ovals[] = {"x", NULL, "", "=1", NULL};
  round_trip(MI_FORMAT_CSV, one, 1, ovals, 5);
  round_trip(MI_FORMAT_JSONL, one, 1, ovals, 5);
  /* Column names that need quoting or neutralising survive too. */
  const char *odd[] = {"=name", "a,b", "say \"x\"", "名字"};
  const char *oddv[] = {"1", "2", "3", "4"};
  round_trip(MI_FORMAT_CSV, odd, 4, oddv, 1);
  round_trip(MI_FORMAT_JSONL, odd, 4, oddv, 1);
}

/* The period before (shift by -1): same form, across year ends and leap
 * days; bad forms and the period before 1970 refused. */
static void test_period_previous(void **state) {
  (void)state;
  mi_err e = {0};
  char out[16];
  static const char *const cases[][2] = {
      {"2026", "2025"},       {"2026Q3", "2026Q2"},         {"2026Q1", "2025Q4"},
      {"2026-01", "2025-12"}, {"2026-10", "2026-09"},       {"2024-03-01", "2024-02-29"},
      {"2026-01-01", "2025-12-31"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    assert_int_equal(mi_period_shift(cases[i][0], -1, out, sizeof out, &e), 0);
    assert_string_equal(out, cases[i][1]);
  }
  assert_int_equal(mi_period_shift(NULL, -1, out, sizeof out, &e), MI_EPARSE);
  assert_int_equal(mi_period_shift("2026Q5", -1, out, sizeof out, &e), MI_EPARSE);
  assert_non_null(strstr(e.msg, "is not a period"));
  assert_int_equal(mi_period_shift("1970", -1, out, sizeof out, &e), MI_EINVAL);
  assert_int_equal(mi_period_shift("1970-01-01", -1, out, sizeof out, &e), MI_EINVAL);
}

/* Folding for look-ups: NFKC (full-width to ASCII), ASCII lower case only
 * (as SQLite's lower()), control characters refused. Expected by hand. */
static void test_text_fold(void **state) {
  (void)state;
  char out[64];
  mi_err e = {0};
  assert_int_equal(mi_text_fold(NULL, out, sizeof out, &e), MI_EINVAL);
  assert_int_equal(mi_text_fold("x", NULL, 0, &e), MI_EINVAL);
  assert_int_equal(mi_text_fold("Wang XiaoMing", out, sizeof out, &e), 0);
  assert_string_equal(out, "wang xiaoming");
  /* full-width Ｗａｎｇ and １３８ become ASCII, then lower case */
  assert_int_equal(mi_text_fold("\xef\xbc\xb7\xef\xbd\x81\xef\xbd\x8e\xef\xbd\x87\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98", out, sizeof out, &e), 0);
  assert_string_equal(out, "wang138");
  /* Chinese stays as it is; É keeps its case (SQLite's lower() is ASCII) */
  assert_int_equal(mi_text_fold("张刚海 \xc3\x89", out, sizeof out, &e), 0);
  assert_string_equal(out, "张刚海 \xc3\x89");
  /* '%' and '_' are plain characters */
  assert_int_equal(mi_text_fold("a%_b", out, sizeof out, &e), 0);
  assert_string_equal(out, "a%_b");
  assert_int_equal(mi_text_fold("a\x1b[31mb", out, sizeof out, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "control character"));
  assert_int_equal(mi_text_fold("\xff\xfe", out, sizeof out, &e), MI_EINVAL);
  assert_int_equal(mi_text_fold("0123456789", out, 5, &e), MI_EINVAL);
}

/* The phone key of what is typed: the rules of migration 0016's
 * customers.phone_key, worked by hand per case. */
static void test_phone_key(void **state) {
  (void)state;
  static const struct {
    const char *in, *key;
  } ok[] = {
      {"13800138000", "13800138000"},        {"138 0013 8000", "13800138000"},
      {"+86-138-0013-8000", "13800138000"},  {"+86 138 0013 8000", "13800138000"},
      {"0086 138 0013 8000", "13800138000"}, {"8613800138000", "13800138000"},
      {"(+86) 138.0013.8000", "13800138000"}, {"+86 21 7300 6156", "2173006156"},
      {"021-7300-6156", "2173006156"},       {"(021) 7300 6156", "2173006156"},
      {"\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98 0013 8000", "13800138000"}, /* full-width 138 */
      {"862173006156", "862173006156"},      /* 86 without '+' before a landline stays */
      {"+44 20 7946 0958", "442079460958"},
  };
  char out[64];
  mi_err e = {0};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    assert_int_equal(mi_phone_key(ok[i].in, out, sizeof out, &e), 0);
    assert_string_equal(out, ok[i].key);
  }
  assert_int_equal(mi_phone_key("138 abc", out, sizeof out, &e), MI_EINVAL);
  assert_non_null(strstr(e.msg, "not a phone number"));
  assert_int_equal(mi_phone_key("12", out, sizeof out, &e), MI_EINVAL);
  assert_int_equal(mi_phone_key("1%2_3", out, sizeof out, &e), MI_EINVAL);
  assert_int_equal(mi_phone_key("138\n0013", out, sizeof out, &e), MI_EINVAL);
}

static void test_codelist(void **state) {
  (void)state;
  const char *list = "phone;web;store";
  assert_true(mi_codelist_has(list, strlen(list), "phone", 5));
  assert_true(mi_codelist_has(list, strlen(list), "store", 5));
  assert_false(mi_codelist_has(list, strlen(list), "sto", 3));   /* a prefix is no code */
  assert_false(mi_codelist_has(list, strlen(list), "phones", 6));
  assert_false(mi_codelist_has(list, strlen(list), "", 0));
  assert_true(mi_codelist_has(list, 6, "phone", 5));   /* the first 6 bytes: "phone;" */
  assert_false(mi_codelist_has(list, 6, "web", 3));
  assert_false(mi_codelist_has(list, 0, "phone", 5));
  assert_true(mi_codelist_has(";a", 2, "", 0));
  assert_false(mi_codelist_has("a;", 2, "", 0));
  assert_false(mi_codelist_has(NULL, 0, "a", 1));
  assert_true(mi_codelist_has("web", 3, "web;x", 3)); /* the code's own bytes only */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_err_basics),
      cmocka_unit_test(test_textset),
      cmocka_unit_test(test_time_null_and_bad),
      cmocka_unit_test(test_time_dates),
      cmocka_unit_test(test_time_instants),
      cmocka_unit_test(test_time_durations),
      cmocka_unit_test(test_strbuf),
      cmocka_unit_test(test_utf8_check),
      cmocka_unit_test(test_utf8_complete_len),
      cmocka_unit_test(test_bom),
      cmocka_unit_test(test_convert),
      cmocka_unit_test(test_neutralize),
      cmocka_unit_test(test_reader_bad_args),
      cmocka_unit_test(test_csv_quoting_and_lines),
      cmocka_unit_test(test_csv_crlf_bom),
      cmocka_unit_test(test_csv_utf16_bom_refused),
      cmocka_unit_test(test_csv_bom_later_line),
      cmocka_unit_test(test_text_shown),
      cmocka_unit_test(test_csv_encodings),
      cmocka_unit_test(test_csv_invalid_utf8),
      cmocka_unit_test(test_csv_field_count),
      cmocka_unit_test(test_csv_quote_errors),
      cmocka_unit_test(test_csv_blank_lines),
      cmocka_unit_test(test_csv_header_errors),
      cmocka_unit_test(test_csv_limits),
      cmocka_unit_test(test_csv_apostrophe),
      cmocka_unit_test(test_csv_block_boundaries),
      cmocka_unit_test(test_jsonl_values_and_header),
      cmocka_unit_test(test_jsonl_bad_lines),
      cmocka_unit_test(test_jsonl_columns_and_limits),
      cmocka_unit_test(test_writer_bad_args),
      cmocka_unit_test(test_writer_csv_bytes),
      cmocka_unit_test(test_writer_jsonl_bytes),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_period_previous),
      cmocka_unit_test(test_redact_text),
      cmocka_unit_test(test_text_fold),
      cmocka_unit_test(test_phone_key),
      cmocka_unit_test(test_codelist),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
