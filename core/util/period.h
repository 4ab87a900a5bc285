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

/* The period before s, written the same way: 2026 -> 2025, 2026Q1 -> 2025Q4,
 * 2026-01 -> 2025-12, 2026-03-01 -> 2026-02-28. out holds at least 16 bytes.
 * MI_EPARSE as mi_period_parse, also when the period before is before 1970. */
int mi_period_previous(const char *s, char *out, size_t size, mi_err *e);

#endif
