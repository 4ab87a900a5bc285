#include "util/period.h"

#include <stdio.h>
#include <string.h>

#include "util/timeutil.h"

int mi_period_parse(const char *s, int64_t *first, int64_t *end, mi_err *e) {
  int y, q, m, d, n = 0;
  size_t len = s ? strlen(s) : 0;
  if (len == 4 && sscanf(s, "%4d%n", &y, &n) == 1 && n == 4 && y >= 1970) {
    *first = mi_days_from_civil(y, 1, 1);
    *end = mi_days_from_civil(y + 1, 1, 1);
    return 0;
  }
  if (len == 6 && sscanf(s, "%4dQ%1d%n", &y, &q, &n) == 2 && n == 6 && y >= 1970 && q >= 1 &&
      q <= 4) {
    *first = mi_days_from_civil(y, 3 * q - 2, 1);
    *end = q == 4 ? mi_days_from_civil(y + 1, 1, 1) : mi_days_from_civil(y, 3 * q + 1, 1);
    return 0;
  }
  if (len == 7 && sscanf(s, "%4d-%2d%n", &y, &m, &n) == 2 && n == 7 && y >= 1970 && m >= 1 &&
      m <= 12 && s[5] >= '0' && s[6] >= '0') {
    *first = mi_days_from_civil(y, m, 1);
    *end = m == 12 ? mi_days_from_civil(y + 1, 1, 1) : mi_days_from_civil(y, m + 1, 1);
    return 0;
  }
  if (len == 10 && mi_date_parse(s, &y, &m, &d, NULL) == 0 && y >= 1970) {
    *first = mi_days_from_civil(y, m, d);
    *end = *first + 1;
    return 0;
  }
  return mi_err_set(e, MI_EPARSE,
                    "'%s' is not a period: write a year (2026), a quarter (2026Q3), a month "
                    "(2026-09) or a day (2026-09-14)", s ? s : "");
}

int mi_period_previous(const char *s, char *out, size_t size, mi_err *e) {
  int64_t first, end;
  int rc = mi_period_parse(s, &first, &end, e);
  if (rc) return rc;
  int y, m, d;
  mi_civil_from_days(first - 1, &y, &m, &d); /* the last day of the period before */
  size_t len = strlen(s);
  if (len == 4) snprintf(out, size, "%04d", y);
  else if (len == 6) snprintf(out, size, "%04dQ%d", y, (m + 2) / 3);
  else if (len == 7) snprintf(out, size, "%04d-%02d", y, m);
  else snprintf(out, size, "%04d-%02d-%02d", y, m, d);
  return mi_period_parse(out, &first, &end, e);
}
