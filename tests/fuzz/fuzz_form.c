/* Fuzz target: manyi serve's own request parsing and page making. The first
 * byte picks what the rest is: 0 an HTML form body (mi_form_parse), 1 a text
 * put on the questionnaire page (title, question, answer and error), 2 an
 * Accept-Language header and a ?lang= value (split at the first NUL).
 * Besides not crashing: what the form parser accepts is clean text (no NUL,
 * valid UTF-8, names unique, 1..64 bytes, at most 256 fields); the page holds
 * exactly as many '<' with the text as without it (the text is escaped). */
#include <assert.h>

#include "fuzz.h"
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
  switch (data[0] % 3) {
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
