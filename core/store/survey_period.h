/* A survey's invitations over a period, by wave: the sample section of the
 * satisfaction report (its responses by wave come from the report's pass). */
#ifndef MI_STORE_SURVEY_PERIOD_H
#define MI_STORE_SURVEY_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct mi_period_invitations {
  char wave[65];       /* the wave's code; "" for invitations outside waves */
  int64_t invitations; /* invitations created in the period */
  int64_t answered;    /* of those, with a response (whenever it came) */
} mi_period_invitations;

/* The invitations of survey (any version) created in [from, to), by wave
 * code ("" first). *out is the caller's to free(). */
int mi_survey_period_invitations(mi_store *s, const char *survey, int64_t from, int64_t to,
                                 mi_period_invitations **out, size_t *n, mi_err *e);

#endif
