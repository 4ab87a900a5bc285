/* GET and POST /s/TOKEN: the questionnaire of the invitation behind a
 * personal link, and the answers sent from it. What the customer sent is
 * checked by the import's own row checks (service/survey_links.c); a
 * problem shows the page again with the answers kept and the problem said. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/form.h"
#include "serve/page.h"
#include "serve/serve_internal.h"
#include "service/alerts.h"
#include "service/survey_links.h"
#include "store/put.h"
#include "store/surveys.h"

static void message(mi_reply *r, int status, mi_page_lang lang, mi_page_kind kind) {
  r->status = status;
  r->body = mi_page_message_html(lang, kind);
}

/* What the customer is told of a refused answer (e: the import's check,
 * "field 'CODE': ..."): the question's number and what it takes, in the
 * page's language. */
static void explain(mi_page_lang lang, const mi_err *e, const mi_question *qs, int n, char *out,
                    size_t size) {
  int zh = lang == MI_PAGE_ZH;
  for (int i = 0; e && i < n; i++) {
    char prefix[80];
    snprintf(prefix, sizeof prefix, "field '%s':", qs[i].code);
    if (strncmp(e->msg, prefix, strlen(prefix))) continue;
    if (*qs[i].choices)
      snprintf(out, size,
               qs[i].multiple ? (zh ? "第 %d 题：请从列出的选项中选择（可多选）。"
                                    : "Question %d: choose among the answers listed.")
                              : (zh ? "第 %d 题：请从列出的选项中选择一项。"
                                    : "Question %d: choose one of the answers listed."),
               i + 1);
    else if (qs[i].open)
      snprintf(out, size,
               zh ? "第 %d 题：回答太长（最多 10000 字节）。"
                  : "Question %d: the answer is too long (10000 bytes at most).",
               i + 1);
    else
      snprintf(out, size,
               zh ? "第 %d 题：请在 %d 到 %d 之间选择一个答案。"
                  : "Question %d: choose one answer from %d to %d.",
               i + 1, qs[i].scale_min, qs[i].scale_max);
    return;
  }
  snprintf(out, size, zh ? "回答未能保存：%s" : "The answers could not be saved: %s",
           e ? e->msg : "");
}

/* A choice question's choices as its version has them, each named by the
 * configuration in the page's language (Chinese: display_names' choices),
 * or by its code when the configuration has it no more. */
typedef struct page_choices {
  char codes[sizeof ((mi_question *)0)->choices];
  const char *code[MI_CHOICES_MAX], *text[MI_CHOICES_MAX];
} page_choices;

static size_t choices_of(const mi_config *cfg, const mi_config_survey *sv, const mi_question *q,
                         mi_page_lang lang, page_choices *pc) {
  const mi_config_question *cq = sv ? mi_config_find_question(sv, q->code) : NULL;
  snprintf(pc->codes, sizeof pc->codes, "%s", q->choices);
  size_t n = 0;
  for (char *c = pc->codes, *next; *c && n < MI_CHOICES_MAX; c = next) {
    next = c + strcspn(c, ";");
    if (*next) *next++ = '\0';
    const char *text = lang == MI_PAGE_ZH ? mi_config_display_name(cfg, "zh_CN", "choices", c) : NULL;
    for (size_t k = 0; !text && cq && k < cq->nchoices; k++)
      if (!strcmp(cq->choices[k], c)) text = cq->choice_texts[k];
    pc->code[n] = c, pc->text[n++] = text ? text : c;
  }
  return n;
}

/* The questionnaire of l, with form's answers and why they were refused
 * (error) when sent back. */
static void questionnaire(const mi_serve_options *o, const mi_survey_link *l, mi_page_lang lang,
                          const mi_form *form, const mi_err *error, int status, mi_reply *r) {
  const mi_config *cfg = o->cfg;
  const char *dl = "zh_CN"; /* display_names: the Chinese names */
  mi_question *qs = NULL;
  char **texts = NULL;
  int n = 0, nt = 0;
  mi_err e = {0};
  if (mi_survey_questions(o->store, l->survey_id, &qs, &n, &e) ||
      mi_survey_question_texts(o->store, l->survey_id, &texts, &nt, &e) || nt != n) {
    mi_serve_log("survey %s: %s", l->survey, e.msg);
    free(qs);
    mi_survey_texts_free(texts, nt);
    return message(r, 503, lang, MI_PAGE_TROUBLE);
  }
  mi_page_question *pq = calloc((size_t)n + 1, sizeof *pq);
  page_choices *pc = calloc((size_t)n + 1, sizeof *pc);
  const mi_config_survey *sv = mi_config_find_survey(cfg, l->survey);
  const char *zh_title = mi_config_display_name(cfg, dl, "surveys", l->survey);
  const char *en_title = sv ? sv->name : l->survey;
  for (int i = 0; pq && pc && i < n; i++) {
    const char *zh = mi_config_display_name(cfg, dl, "questions", qs[i].code);
    pq[i] = (mi_page_question){.code = qs[i].code,
                               .open = qs[i].open,
                               .scale_min = qs[i].scale_min,
                               .scale_max = qs[i].scale_max,
                               .choices = pc[i].code,
                               .choice_texts = pc[i].text,
                               .nchoices = choices_of(cfg, sv, &qs[i], lang, &pc[i]),
                               .multiple = qs[i].multiple,
                               .value = form ? mi_form_get(form, qs[i].code) : NULL};
    if (lang == MI_PAGE_ZH && zh)
      pq[i].text = zh, pq[i].other = texts[i];
    else
      pq[i].text = texts[i], pq[i].other = lang == MI_PAGE_ZH ? NULL : zh;
  }
  char why[1200];
  if (error) explain(lang, error, qs, n, why, sizeof why);
  mi_page_survey p = {.lang = lang,
                      .title = lang == MI_PAGE_ZH && zh_title ? zh_title : en_title,
                      .questions = pq,
                      .n = n,
                      .opened = o->now(),
                      .error = error ? why : NULL};
  r->status = status;
  r->body = pq && pc ? mi_page_survey_html(&p) : NULL;
  free(pq), free(pc);
  free(qs);
  mi_survey_texts_free(texts, nt);
}

/* The answers of form: its fields but the page's own (named _...). */
static void answer(const mi_serve_options *o, const mi_survey_link *l, mi_page_lang lang,
                   const mi_form *form, mi_reply *r) {
  const char *codes[MI_FORM_MAX_FIELDS], *values[MI_FORM_MAX_FIELDS];
  size_t n = 0;
  for (size_t i = 0; i < form->n; i++)
    if (form->names[i][0] != '_') codes[n] = form->names[i], values[n++] = form->values[i];
  long long now = o->now(), duration = -1;
  const char *opened = mi_form_get(form, "_opened");
  if (opened) { /* the page's own clock: only for the time taken (speeders) */
    char *end;
    long long t = strtoll(opened, &end, 10);
    if (!*end && t <= now && now - t <= 7 * 86400) duration = now - t;
  }
  int put = 0;
  mi_err e = {0};
  /* a hook of its own each time: this instant, the customer as stored now */
  mi_alert_intake *in =
      o->alert_policy ? mi_alert_intake_new(o->cfg, o->alert_policy, now, 0) : NULL;
  int rc =
      mi_survey_link_answer(o->store, o->cfg, l, codes, values, n, duration, in, now, &put, &e);
  mi_alert_intake_summary as;
  mi_alert_intake_get(in, &as);
  mi_alert_intake_free(in);
  if (!rc && as.failed) /* the response is stored: eval alerts asks again */
    mi_serve_log("the alert policy failed on the answers to %s: %s", l->invitation,
                 as.first_failure.msg);
  if (!rc && as.nshown)
    mi_serve_log("follow-up %s opened for %s: %s", as.shown[0].ticket, as.shown[0].response,
                 as.shown[0].reason);
  if (rc == MI_EPARSE || rc == MI_EINVAL) /* the answers: say what is wrong */
    return questionnaire(o, l, lang, form, &e, 400, r);
  if (rc) {
    mi_serve_log("storing the answers to %s: %s", l->invitation, e.msg);
    return message(r, rc == MI_EBUSY ? 503 : 500, lang, MI_PAGE_TROUBLE);
  }
  if (put != MI_PUT_INSERTED) return message(r, 409, lang, MI_PAGE_ANSWERED);
  message(r, 200, lang, MI_PAGE_THANKS);
}

static int form_type(const char *ct) {
  static const char want[] = "application/x-www-form-urlencoded";
  return ct && !strncasecmp(ct, want, sizeof want - 1) &&
         (ct[sizeof want - 1] == '\0' || ct[sizeof want - 1] == ';');
}

void mi_serve_survey(const mi_serve_options *o, const mi_request *rq, const char *token,
                     mi_reply *r) {
  mi_page_lang lang = mi_page_lang_pick(rq->lang, rq->accept_language, o->cfg->language);
  r->type = "text/html; charset=utf-8";
  int get = !strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD");
  if (!get && strcmp(rq->method, "POST")) {
    r->allow = "GET, HEAD, POST";
    return message(r, 405, lang, MI_PAGE_BAD);
  }
  mi_survey_link l;
  mi_link_state state;
  mi_err e = {0};
  int rc = mi_survey_link_open(o->store, token, o->now(), &l, &state, &e);
  if (rc == MI_ENOTFOUND) return message(r, 404, lang, MI_PAGE_UNKNOWN);
  if (rc) {
    mi_serve_log("opening a survey link: %s", e.msg);
    return message(r, 503, lang, MI_PAGE_TROUBLE);
  }
  if (state == MI_LINK_ANSWERED) return message(r, get ? 200 : 409, lang, MI_PAGE_ANSWERED);
  if (state == MI_LINK_EXPIRED) return message(r, 410, lang, MI_PAGE_EXPIRED);
  if (get) return questionnaire(o, &l, lang, NULL, NULL, 200, r);
  if (!form_type(rq->content_type)) return message(r, 415, lang, MI_PAGE_BAD);
  mi_form form;
  if (mi_form_parse(rq->body, rq->body_len, &form, &e)) return message(r, 400, lang, MI_PAGE_BAD);
  answer(o, &l, lang, &form, r);
  mi_form_free(&form);
}
