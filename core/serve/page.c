/* The customer's pages: see page.h. The page's own words are in the table
 * below, one column per language, as the language is the request's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/page.h"
#include "util/codelist.h"
#include "util/strbuf.h"

enum { W_SUBMIT, W_LOW, W_HIGH, W_COMMA, W_OPTIONAL, W_LANGS, W_COUNT };
static const char *const words[W_COUNT][2] = {
    [W_SUBMIT] = {"Send my answers", "提交"},
    [W_LOW] = {"lowest", "最低"},
    [W_HIGH] = {"highest", "最高"},
    [W_COMMA] = {", ", "，"},
    [W_OPTIONAL] = {"Every question may be left out.", "每个问题都可以不答。"},
    [W_LANGS] = {"中文", "English"},
};

static const char *const message_words[][2][2] = {
    [MI_PAGE_THANKS] = {{"Thank you", "Your answers are saved. Thank you for your time."},
                        {"感谢您的反馈", "您的回答已保存，感谢您抽出宝贵时间。"}},
    [MI_PAGE_ANSWERED] = {{"Already answered", "This survey was answered already. Thank you."},
                          {"已经答过", "此问卷已经提交过，感谢您的参与。"}},
    [MI_PAGE_EXPIRED] = {{"This link has expired",
                          "The survey behind this link is closed. Thank you all the same."},
                         {"链接已过期", "此链接对应的问卷已结束，仍然感谢您的关注。"}},
    [MI_PAGE_UNKNOWN] = {{"Unknown link",
                          "This link opens no survey. Please check that it was copied whole."},
                         {"无效链接", "此链接没有对应的问卷，请检查链接是否完整。"}},
    [MI_PAGE_BAD] = {{"This request cannot be taken",
                      "Please go back to the survey and send it again."},
                     {"无法处理此请求", "请返回问卷页面重新提交。"}},
    [MI_PAGE_TROUBLE] = {{"Something went wrong on our side",
                          "Your answers were not saved. Please try again in a few minutes."},
                         {"系统暂时出现问题", "您的回答尚未保存，请稍后再试。"}},
};

static const char style[] =
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,\"PingFang SC\",\"Noto Sans CJK SC\","
    "sans-serif;color:#1d2733;background:#f4f6f8}"
    "main{max-width:40rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh;"
    "box-sizing:border-box}"
    "nav{text-align:right;font-size:.9rem}h1{font-size:1.35rem;margin:.5rem 0 1rem}"
    "fieldset{border:0;border-top:1px solid #dde3e8;margin:0;padding:1rem 0}"
    "legend{font-weight:600;padding:0}.other{display:block;font-weight:400;color:#5b6773;"
    "font-size:.9rem}.scale{display:flex;flex-wrap:wrap;gap:.4rem;margin-top:.6rem}"
    ".scale label{flex:1 0 2.6rem;text-align:center;border:1px solid #b8c2cc;border-radius:.4rem;"
    "padding:.55rem 0;cursor:pointer}.scale input{display:block;margin:0 auto .2rem}"
    ".choices label{display:block;padding:.45rem .2rem;cursor:pointer}"
    ".ends{font-size:.85rem;color:#5b6773;margin:.3rem 0 0}"
    "textarea{width:100%;box-sizing:border-box;min-height:6rem;margin-top:.6rem;font:inherit}"
    "button{width:100%;font:inherit;font-weight:600;padding:.8rem;margin-top:1rem;border:0;"
    "border-radius:.4rem;background:#1f6feb;color:#fff}"
    ".error{background:#fdecea;color:#8a1c12;padding:.6rem;border-radius:.4rem}"
    ".note{color:#5b6773;font-size:.9rem}"
    "table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}"
    "th,td{text-align:left;vertical-align:top;padding:.3rem;border-bottom:1px solid #dde3e8}";

/* s with & < > " ' as entities. */
void mi_page_text(mi_strbuf *b, const char *s) {
  for (; s && *s; s++) {
    const char *entity = *s == '&'    ? "&amp;"
                         : *s == '<'  ? "&lt;"
                         : *s == '>'  ? "&gt;"
                         : *s == '"'  ? "&quot;"
                         : *s == '\'' ? "&#39;"
                                      : NULL;
    if (entity) mi_strbuf_appends(b, entity);
    else mi_strbuf_appendc(b, *s);
  }
}

void mi_page_open(mi_strbuf *b, mi_page_lang lang, const char *title) {
  mi_strbuf_appendf(b,
                    "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                    "<meta name=\"robots\" content=\"noindex\"><title>",
                    lang == MI_PAGE_ZH ? "zh-CN" : "en");
  mi_page_text(b, title);
  mi_strbuf_appendf(b, "</title><style>%s</style></head><body><main>\n", style);
}

char *mi_page_close(mi_strbuf *b) {
  mi_strbuf_appends(b, "</main></body></html>\n");
  return b->data; /* NULL when an append ran out of memory */
}

char *mi_page_message_html(mi_page_lang lang, mi_page_kind kind) {
  if ((unsigned)kind > MI_PAGE_TROUBLE) kind = MI_PAGE_TROUBLE;
  const char *const *w = message_words[kind][lang == MI_PAGE_ZH];
  mi_strbuf b;
  mi_strbuf_init(&b);
  mi_page_open(&b, lang, w[0]);
  mi_strbuf_appends(&b, "<h1>");
  mi_page_text(&b, w[0]);
  mi_strbuf_appends(&b, "</h1><p>");
  mi_page_text(&b, w[1]);
  mi_strbuf_appends(&b, "</p>\n");
  return mi_page_close(&b);
}

/* A choice question's radio buttons (one choice) or check boxes (several). */
static void choices(mi_strbuf *b, const mi_page_question *q) {
  mi_strbuf_appends(b, "<div class=\"choices\">");
  for (size_t i = 0; i < q->nchoices; i++) {
    mi_strbuf_appendf(b, "<label><input type=\"%s\" name=\"", q->multiple ? "checkbox" : "radio");
    mi_page_text(b, q->code);
    mi_strbuf_appends(b, "\" value=\"");
    mi_page_text(b, q->choices[i]);
    int checked = q->value && mi_codelist_has(q->value, strlen(q->value), q->choices[i],
                                              strlen(q->choices[i]));
    mi_strbuf_appendf(b, "\"%s> ", checked ? " checked" : "");
    mi_page_text(b, q->choice_texts[i]);
    mi_strbuf_appends(b, "</label>");
  }
  mi_strbuf_appends(b, "</div></fieldset>\n");
}

static void question(mi_strbuf *b, mi_page_lang lang, int number, const mi_page_question *q) {
  mi_strbuf_appends(b, "<fieldset><legend>");
  mi_strbuf_appendf(b, "%d. ", number);
  int free_text = q->open && !q->nchoices;
  if (free_text) {
    mi_strbuf_appends(b, "<label for=\"");
    mi_page_text(b, q->code);
    mi_strbuf_appends(b, "\">");
  }
  mi_page_text(b, q->text);
  if (free_text) mi_strbuf_appends(b, "</label>");
  if (q->other) {
    mi_strbuf_appends(b, "<span class=\"other\">");
    mi_page_text(b, q->other);
    mi_strbuf_appends(b, "</span>");
  }
  mi_strbuf_appends(b, "</legend>");
  if (q->nchoices) return choices(b, q);
  if (free_text) {
    mi_strbuf_appends(b, "<textarea maxlength=\"10000\" id=\"");
    mi_page_text(b, q->code);
    mi_strbuf_appends(b, "\" name=\"");
    mi_page_text(b, q->code);
    mi_strbuf_appends(b, "\">");
    mi_page_text(b, q->value);
    mi_strbuf_appends(b, "</textarea></fieldset>\n");
    return;
  }
  mi_strbuf_appends(b, "<div class=\"scale\">");
  for (int v = q->scale_min; v <= q->scale_max; v++) {
    char text[16];
    snprintf(text, sizeof text, "%d", v);
    mi_strbuf_appends(b, "<label><input type=\"radio\" name=\"");
    mi_page_text(b, q->code);
    mi_strbuf_appendf(b, "\" value=\"%d\"%s>%d</label>", v,
                      q->value && !strcmp(q->value, text) ? " checked" : "", v);
  }
  mi_strbuf_appends(b, "</div><p class=\"ends\">");
  int zh = lang == MI_PAGE_ZH;
  mi_strbuf_appendf(b, "%d = %s%s%d = %s", q->scale_min, words[W_LOW][zh], words[W_COMMA][zh],
                    q->scale_max, words[W_HIGH][zh]);
  mi_strbuf_appends(b, "</p></fieldset>\n");
}

char *mi_page_survey_html(const mi_page_survey *p) {
  int zh = p->lang == MI_PAGE_ZH;
  mi_strbuf b;
  mi_strbuf_init(&b);
  mi_page_open(&b, p->lang, p->title);
  mi_strbuf_appendf(&b, "<nav><a href=\"?lang=%s\">%s</a></nav><h1>", zh ? "en" : "zh_CN",
                    words[W_LANGS][zh]);
  mi_page_text(&b, p->title);
  mi_strbuf_appends(&b, "</h1>\n");
  if (p->error) {
    mi_strbuf_appends(&b, "<p class=\"error\" role=\"alert\">");
    mi_page_text(&b, p->error);
    mi_strbuf_appends(&b, "</p>\n");
  }
  mi_strbuf_appendf(&b, "<p class=\"note\">%s</p>\n", words[W_OPTIONAL][zh]);
  /* action "": back to this very address, token and language included */
  mi_strbuf_appendf(&b,
                    "<form method=\"post\" action=\"\" accept-charset=\"utf-8\">"
                    "<input type=\"hidden\" name=\"_opened\" value=\"%lld\">\n",
                    (long long)p->opened);
  for (int i = 0; i < p->n; i++) question(&b, p->lang, i + 1, &p->questions[i]);
  mi_strbuf_appendf(&b, "<button type=\"submit\">%s</button></form>\n", words[W_SUBMIT][zh]);
  return mi_page_close(&b);
}

/* Whether the language tag at s (up to a ',' or ';') is zh... or en... */
static int tag_is(const char *s, const char *lang) {
  size_t n = strlen(lang);
  return !strncasecmp(s, lang, n) &&
         (s[n] == '\0' || s[n] == '-' || s[n] == '_' || s[n] == ',' || s[n] == ';' || s[n] == ' ');
}

mi_page_lang mi_page_lang_pick(const char *query_lang, const char *accept,
                               const char *config_lang) {
  if (query_lang && tag_is(query_lang, "zh")) return MI_PAGE_ZH;
  if (query_lang && tag_is(query_lang, "en")) return MI_PAGE_EN;
  for (const char *p = accept; p && *p;) {
    while (*p == ' ' || *p == ',') p++;
    if (tag_is(p, "zh")) return MI_PAGE_ZH;
    if (tag_is(p, "en")) return MI_PAGE_EN;
    p = strchr(p, ',');
  }
  return config_lang && tag_is(config_lang, "zh") ? MI_PAGE_ZH : MI_PAGE_EN;
}
