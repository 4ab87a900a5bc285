/* The customer view that policies see, made from the store's facts. */
#ifndef MI_SERVICE_CUSTOMER_VIEW_H
#define MI_SERVICE_CUSTOMER_VIEW_H

#include "policy/policy.h"
#include "store/customer_facts.h"
#include "store/survey_waves.h"

enum { MI_CUSTOMER_VIEW_FIELDS = 18 };

/* Fills fields (an array of MI_CUSTOMER_VIEW_FIELDS) and *view from f, as of
 * as_of. The view borrows f's strings. Field names and meanings are listed in
 * policies/README.md. */
void mi_customer_view_make(const mi_customer_facts *f, int64_t as_of,
                           mi_view_field fields[MI_CUSTOMER_VIEW_FIELDS], mi_view *view);

enum { MI_FRAME_VIEW_FIELDS = 14 };

/* The view of the eligible hook for one customer of the survey frame, as of
 * now (policies/README.md, "The eligible hook"). Borrows r's strings. */
void mi_frame_view_make(const mi_frame_row *r, int64_t now,
                        mi_view_field fields[MI_FRAME_VIEW_FIELDS], mi_view *view);

#endif
