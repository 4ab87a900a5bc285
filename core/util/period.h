/* Reporting periods as people write them: "2026" (a year), "2026Q3" (a
 * quarter), "2026-09" (a month), "2026-09-14" (a day). */
#ifndef MI_UTIL_PERIOD_H
#define MI_UTIL_PERIOD_H

#include <stdint.h>

#include "util/err.h"

/* The period's days as [*first, *end) day numbers (days since 1970-01-01).
 * MI_EPARSE, saying the accepted forms, for anything else. */
int mi_period_parse(const char *s, int64_t *first, int64_t *end, mi_err *e);

#endif
