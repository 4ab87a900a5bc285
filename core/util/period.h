/* Reporting periods as people write them: "2026" (a year), "2026Q3" (a
 * quarter), "2026-09" (a month), "2026-09-14" (a day). */
#ifndef MI_UTIL_PERIOD_H
#define MI_UTIL_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* The period's days as [*first, *end) day numbers (days since 1970-01-01).
 * MI_EPARSE, saying the accepted forms, for anything else. */
int mi_period_parse(const char *s, int64_t *first, int64_t *end, mi_err *e);

/* The period k periods of the same kind after s (k < 0: before), written
 * in s's form into out: 2026Q3 by -1 is 2026Q2, 2026-01 by -1 is 2025-12.
 * MI_EPARSE as mi_period_parse; MI_EINVAL before 1970. */
int mi_period_shift(const char *s, int k, char *out, size_t size, mi_err *e);

#endif
