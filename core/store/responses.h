/* Survey responses and their answers. */
#ifndef MI_STORE_RESPONSES_H
#define MI_STORE_RESPONSES_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_answer {
  int64_t question_id;
  const char *text; /* open answers: the text; scale answers: NULL */
  double value;     /* scale answers */
} mi_answer;

typedef struct mi_response {
  const char *external_id;
  int64_t survey_id, customer_id;
  int64_t invitation_id; /* 0 = none */
  int64_t submitted_at;
  int has_duration;
  int64_t duration_s;
  const char *channel; /* email|sms|phone|web or NULL */
} mi_response;

/* Stores a response with its answers. A response is never rewritten: if one
 * with the same external_id is stored, nothing changes (MI_PUT_UNCHANGED).
 * Returns MI_PUT_INSERTED or MI_PUT_UNCHANGED. */
int mi_response_put(mi_store *s, const mi_response *r, const mi_answer *answers, int nanswers,
                    mi_err *e);

#endif
