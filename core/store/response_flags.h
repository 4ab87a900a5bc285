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
  int64_t duplicate_window; /* seconds: a response of a customer to the survey (any version)
                               at most this long after an earlier one of theirs (by time,
                               then id), whatever its answers; the first one stays */
  int64_t identical_window; /* seconds, 0 = off: also a duplicate when it gives the same
                               answers (every question of the version, blanks and open
                               text alike) as an earlier one at most this long before */
  int64_t min_duration;     /* seconds: faster is a speeder (responses without a duration
                               are not judged) */
  int straight_min;         /* at least this many answers on one scale (the same
                               scale_min..scale_max), all the same value */
  double max_missing;       /* a real share: flagged when more than this share of the
                               version's closed questions has no answer */
} mi_clean_rules;

/* Flags the responses to survey (any version) by every rule and withdraws the
 * flags the rules no longer give; flagged[r] gets the new flags per reason,
 * removed[r] those withdrawn and total[r] all flags of the survey per reason.
 * A rerun with the same rules changes nothing (a kept flag keeps its time).
 * Call inside a transaction. */
int mi_responses_flag(mi_store *s, const char *survey, const mi_clean_rules *rules, int64_t now,
                      int64_t flagged[MI_FLAG_REASONS], int64_t removed[MI_FLAG_REASONS],
                      int64_t total[MI_FLAG_REASONS], mi_err *e);

#endif
