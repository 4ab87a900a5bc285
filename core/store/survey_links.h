/* Personal links to the hosted questionnaire (manyi serve): each is kept as
 * the SHA-256 digest of its token, with the invitation it opens. */
#ifndef MI_STORE_SURVEY_LINKS_H
#define MI_STORE_SURVEY_LINKS_H

#include <stdint.h>

#include "store/store.h"

/* What a link opens. */
typedef struct mi_survey_link {
  int64_t invitation_id, survey_id, customer_id;
  int64_t expires_at;
  int64_t response_id; /* the invitation's response, 0 while unanswered */
  char invitation[65], customer[65], survey[65], status[16];
  int version; /* of the survey the invitation belongs to */
} mi_survey_link;

/* Adds the link with this token (its digest is what is kept) to
 * invitation_id. Call inside a transaction. */
int mi_survey_link_put(mi_store *s, const char *token, int64_t invitation_id, int64_t created_at,
                       int64_t expires_at, mi_err *e);

/* The link with this token; MI_ENOTFOUND when there is none. */
int mi_survey_link_get(mi_store *s, const char *token, mi_survey_link *out, mi_err *e);

/* The texts of the questions of one survey version, in their order (as
 * mi_survey_questions): *out is a new array of *n new strings, freed by the
 * caller with mi_survey_texts_free. */
int mi_survey_question_texts(mi_store *s, int64_t survey_id, char ***out, int *n, mi_err *e);
void mi_survey_texts_free(char **texts, int n);

#endif
