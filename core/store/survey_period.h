/* A survey's invitations and responses over a period, by wave: the sample
 * and response summary of the satisfaction report. */
#ifndef MI_STORE_SURVEY_PERIOD_H
#define MI_STORE_SURVEY_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct mi_period_wave {
  char wave[65];       /* the wave's code; "" for invitations and responses outside waves */
  int64_t invitations; /* invitations created in the period */
  int64_t answered;    /* of those, with a response (whenever it came) */
  int64_t responses;   /* responses submitted in the period */
  int64_t flagged;     /* of those, with a cleaning flag */
} mi_period_wave;

/* The rows for survey (any version) in [from, to), by wave code ("" first).
 * *out is the caller's to free(). */
int mi_survey_period_waves(mi_store *s, const char *survey, int64_t from, int64_t to,
                           mi_period_wave **out, size_t *n, mi_err *e);

#endif
