/* The date view that the care hook sees: one calendar day and its parts. */
#ifndef MI_SERVICE_DATE_VIEW_H
#define MI_SERVICE_DATE_VIEW_H

#include "policy/policy.h"
#include "util/err.h"

enum { MI_DATE_VIEW_FIELDS = 8 };

/* A date view for the day "YYYY-MM-DD" (copied into text, which must have 11
 * bytes and live as long as the view): date, year, month, day, weekday (1 =
 * Monday .. 7 = Sunday), day_of_year, quarter (1..4), day_of_quarter (1..92).
 * MI_EPARSE if the text is not a real date. */
int mi_date_view_make(const char *ymd, char text[11], mi_view_field fields[MI_DATE_VIEW_FIELDS],
                      mi_view *view, mi_err *e);

#endif
