/* Cleaning survey responses: flags, never deletes. */
#ifndef MI_STORE_RESPONSE_FLAGS_H
#define MI_STORE_RESPONSE_FLAGS_H

#include <stdint.h>

#include "store/store.h"

enum { MI_FLAG_DUPLICATE, MI_FLAG_SPEEDER, MI_FLAG_STRAIGHT, MI_FLAG_RANGE, MI_FLAG_MISSING,
       MI_FLAG_REASONS };

/* "duplicate", "speeder", "straight_liner", "out_of_range", "missing". */
extern const char *const mi_flag_reasons[MI_FLAG_REASONS];

typedef struct mi_clean_rules {
  int64_t duplicate_window; /* a later response of the same customer to the same survey
                               within this many seconds of an earlier one */
  int64_t min_duration;     /* seconds: faster is a speeder (responses without a duration
                               are not judged) */
  int straight_min;         /* at least this many scale answers, all the same value */
  double max_missing;       /* share of the survey's scale questions left unanswered above it */
} mi_clean_rules;

/* Flags the responses to survey (any version) by every rule; flagged[r] gets
 * the new flags per reason and total[r] all flags of the survey per reason.
 * A rerun adds nothing. Call inside a transaction. */
int mi_responses_flag(mi_store *s, const char *survey, const mi_clean_rules *rules, int64_t now,
                      int64_t flagged[MI_FLAG_REASONS], int64_t total[MI_FLAG_REASONS], mi_err *e);

#endif
