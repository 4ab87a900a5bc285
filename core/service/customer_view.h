/* The customer view that policies see, made from the store's facts. */
#ifndef MI_SERVICE_CUSTOMER_VIEW_H
#define MI_SERVICE_CUSTOMER_VIEW_H

#include "policy/policy.h"
#include "store/customer_facts.h"

enum { MI_CUSTOMER_VIEW_FIELDS = 18 };

/* Fills fields (an array of MI_CUSTOMER_VIEW_FIELDS) and *view from f, as of
 * as_of. The view borrows f's strings. Field names and meanings are listed in
 * policies/README.md. */
void mi_customer_view_make(const mi_customer_facts *f, int64_t as_of,
                           mi_view_field fields[MI_CUSTOMER_VIEW_FIELDS], mi_view *view);

#endif
