#include "service/date_view.h"

#include <stdio.h>

#include "util/timeutil.h"

static mi_view_field integer(const char *name, int64_t v) {
  return (mi_view_field){.name = name, .type = MI_VIEW_INT, .i = v};
}

int mi_date_view_make(const char *ymd, char text[11], mi_view_field fields[MI_DATE_VIEW_FIELDS],
                      mi_view *view, mi_err *e) {
  int y, m, d;
  int rc = mi_date_parse(ymd ? ymd : "", &y, &m, &d, e);
  if (rc) return rc;
  int64_t days = mi_days_from_civil(y, m, d);
  int q = (m - 1) / 3 + 1;
  snprintf(text, 11, "%04d-%02d-%02d", y, m, d);
  int n = 0;
  fields[n++] = (mi_view_field){.name = "date", .type = MI_VIEW_STR, .s = text};
  fields[n++] = integer("year", y);
  fields[n++] = integer("month", m);
  fields[n++] = integer("day", d);
  fields[n++] = integer("weekday", ((days + 3) % 7 + 7) % 7 + 1); /* 1970-01-01 was a Thursday */
  fields[n++] = integer("day_of_year", days - mi_days_from_civil(y, 1, 1) + 1);
  fields[n++] = integer("quarter", q);
  fields[n++] = integer("day_of_quarter", days - mi_days_from_civil(y, (q - 1) * 3 + 1, 1) + 1);
  *view = (mi_view){.kind = "date", .id = text, .fields = fields, .nfields = (size_t)n};
  return 0;
}
