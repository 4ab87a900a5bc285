/* Fuzz target: manyi serve's own request parsing and page making. The first
 * byte picks what the rest is: 0 an HTML form body (mi_form_parse), 1 a text
 * put on the questionnaire page (title, question, answer and error), 2 an
 * Accept-Language header and a ?lang= value (split at the first NUL), 3 an
 * API call (mi_api_command): a method byte, the path up to a NUL, then
 * name NUL value NUL ... fields.
 * Besides not crashing: what the form parser accepts is clean text (no NUL,
 * valid UTF-8, names unique, 1..64 bytes, at most 256 fields); the page holds
 * exactly as many '<' with the text as without it (the text is escaped); an
 * API call's command line starts with a command word, and a word that is no
 * option ("--NAME...") never starts with '-'. */
#include <assert.h>

#include "fuzz.h"
#include "serve/api_routes.h"
#include "serve/form.h"
#include "serve/page.h"
#include "util/text.h"

static size_t count_lt(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += *s == '<';
  return n;
}

static char *page(const char *t) {
  mi_page_question q[2] = {
      {.code = "q1", .text = t, .other = t, .scale_min = 1, .scale_max = 5, .value = t},
      {.code = "q2", .text = t, .open = 1, .value = t}};
  mi_page_survey p = {.lang = MI_PAGE_ZH, .title = t, .questions = q, .n = 2, .opened = 1,
                      .error = t};
  char *html = mi_page_survey_html(&p);
  if (!html) abort();
  return html;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  char *s = fuzz_strdup(data + 1, size - 1);
  switch (data[0] % 4) {
  case 0: {
    mi_form f;
    mi_err e = {0};
    if (mi_form_parse((const char *)data + 1, size - 1, &f, &e) == 0) {
      assert(f.n <= MI_FORM_MAX_FIELDS);
      for (size_t i = 0; i < f.n; i++) {
        size_t bad, len = strlen(f.names[i]);
        assert(len >= 1 && len <= MI_FORM_MAX_NAME);
        assert(mi_text_utf8_check(f.values[i], strlen(f.values[i]), &bad, &e) == 0);
        for (size_t k = 0; k < i; k++) assert(strcmp(f.names[k], f.names[i]));
        assert(mi_form_get(&f, f.names[i]) == f.values[i]);
      }
      mi_form_free(&f);
    } else {
      assert(e.msg[0]);
    }
    break;
  }
  case 1: {
    size_t bad;
    mi_err e;
    if (mi_text_utf8_check(s, strlen(s), &bad, &e)) break; /* the engine's texts are UTF-8 */
    char *with = page(s), *without = page("");
    assert(count_lt(with) == count_lt(without));
    free(with);
    free(without);
    break;
  }
  case 3: {
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
    const char *end = (const char *)data + size, *p = s;
    mi_api_fields f = {0};
    const char *method = methods[size > 1 ? data[1] % 4 : 0];
    const char *path = size > 1 ? p + 1 : p; /* s + 1: after the method byte */
    p = path + strlen(path) + 1;
    const char *text_end = s + (end - (const char *)data - 1);
    while (p < text_end) {
      const char *name = p, *value = p + strlen(p) + 1;
      if (value >= text_end) break;
      mi_api_field_add(&f, name, value);
      p = value + strlen(value) + 1;
    }
    mi_api_call c;
    const char *allow;
    char why[300];
    int rc = mi_api_command(method, path, &f, &c, &allow, why, sizeof why);
    if (rc == 0) {
      assert(c.argc >= 2 && c.argc <= MI_API_MAX && !c.argv[c.argc]);
      for (int i = 2; i < c.argc; i++)
        assert(c.argv[i][0] != '-' || (c.argv[i][1] == '-' && c.argv[i][2] != '-' && c.argv[i][2]));
      mi_api_call_free(&c);
    } else {
      assert(rc == 400 || rc == 404 || rc == 405 || rc == 500);
      assert(why[0]);
    }
    mi_api_fields_free(&f);
    break;
  }
  default: {
    const char *lang = s + strlen(s) + 1 <= s + (size - 1) ? s + strlen(s) + 1 : NULL;
    mi_page_lang l = mi_page_lang_pick(lang, s, "zh_CN");
    assert(l == MI_PAGE_EN || l == MI_PAGE_ZH);
    char *html = mi_page_message_html(l, (mi_page_kind)(size % 7));
    if (!html) abort();
    free(html);
  }
  }
  free(s);
  return 0;
}
