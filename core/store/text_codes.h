/* Coded texts: open answers of a survey and complaint subjects, with the
 * categories the coding policy gave them. */
#ifndef MI_STORE_TEXT_CODES_H
#define MI_STORE_TEXT_CODES_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_text_item {
  const char *source;   /* "survey" | "complaint" */
  int64_t response_id, question_id, ticket_id;
  const char *question; /* code, or NULL */
  const char *text;     /* valid in the callback */
} mi_text_item;

/* Calls fn for each text not coded yet (all of them with recode): with
 * complaints, the subjects of complaint tickets, then the open answers of
 * survey (any version; NULL: none), a response's together, in response id
 * order. Read fully before fn runs, so fn may write. */
int mi_text_uncoded(mi_store *s, const char *survey, int complaints, int recode,
                    int (*fn)(void *ud, const mi_text_item *t), void *ud, mi_err *e);

/* Stores the categories of one text (none: a row with category ''),
 * replacing earlier ones. */
int mi_text_code_put(mi_store *s, const mi_text_item *t, const char *const *categories, size_t n,
                     int64_t now, mi_err *e);

/* Counts per category (most first, then by name) of survey's answers (NULL:
 * all sources) or of complaints when source is "complaint". */
typedef struct mi_code_count {
  char category[65];
  int64_t count;
} mi_code_count;
int mi_text_code_counts(mi_store *s, const char *source, const char *survey, mi_code_count **out,
                        size_t *n, int64_t *texts, mi_err *e);
/* The same over the texts of [from, to): answers of responses submitted,
 * complaints opened then. */
int mi_text_code_counts_between(mi_store *s, const char *source, const char *survey, int64_t from,
                                int64_t to, mi_code_count **out, size_t *n, int64_t *texts,
                                mi_err *e);

#endif
