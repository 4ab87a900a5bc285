/* The pages a customer sees (manyi serve): the questionnaire and the short
 * pages around it, in Chinese or English, mobile-first, one self-contained
 * document each (no script, no external asset). Every text that comes from
 * the configuration, the store or the request is escaped. */
#ifndef MI_SERVE_PAGE_H
#define MI_SERVE_PAGE_H

#include <stdint.h>

#include "util/strbuf.h"

typedef enum mi_page_lang { MI_PAGE_EN, MI_PAGE_ZH } mi_page_lang;

typedef struct mi_page_question {
  const char *code, *text; /* text in the page's language */
  const char *other;       /* the text in the other language, or NULL (shown smaller) */
  int open, scale_min, scale_max;
  /* a choice question: its codes, their texts in the page's language, and
   * whether several may be chosen (check boxes) */
  const char *const *choices, *const *choice_texts;
  size_t nchoices;
  int multiple;
  const char *value; /* what was answered (a form sent back with an error), or NULL;
                        several choices joined by ';' */
} mi_page_question;

typedef struct mi_page_survey {
  mi_page_lang lang;
  const char *title;
  const mi_page_question *questions;
  int n;
  int64_t opened;    /* when the page was made, sent back to measure the time taken */
  const char *error; /* the problem with what was sent, or NULL */
} mi_page_survey;

/* The questionnaire: a new string (free()), NULL when out of memory. */
char *mi_page_survey_html(const mi_page_survey *p);

/* The short pages: what a link or a submission came to. */
typedef enum mi_page_kind {
  MI_PAGE_THANKS,   /* the answers are stored */
  MI_PAGE_ANSWERED, /* the survey was answered already */
  MI_PAGE_EXPIRED,  /* the link is too old (or the invitation withdrawn) */
  MI_PAGE_UNKNOWN,  /* no such link */
  MI_PAGE_BAD,      /* a request the page cannot take */
  MI_PAGE_TROUBLE,  /* the engine failed: try again later */
} mi_page_kind;
char *mi_page_message_html(mi_page_lang lang, mi_page_kind kind);

/* The pieces of every page: the head (the style sheet, the title) up to
 * <main>, a text escaped, and the end (the document, NULL when an append ran
 * out of memory; the caller frees it). */
void mi_page_open(mi_strbuf *b, mi_page_lang lang, const char *title);
void mi_page_text(mi_strbuf *b, const char *s);
char *mi_page_close(mi_strbuf *b);

/* The language for a request: ?lang= (zh_CN or en) first, then the first of
 * zh or en in the Accept-Language header, then the configuration's language
 * (zh_CN or en; NULL: en). */
mi_page_lang mi_page_lang_pick(const char *query_lang, const char *accept, const char *config_lang);

#endif
