/* Which department a customer or ticket belongs to, for the agents'
 * department restriction (service/access.c). */
#ifndef MI_STORE_SCOPE_H
#define MI_STORE_SCOPE_H

#include "store/store.h"

/* *yes = 1 when the customer (external id) has a ticket in the department
 * (code). MI_ENOTFOUND for an unknown customer. */
int mi_scope_customer_in_department(mi_store *s, const char *customer, const char *department,
                                    int *yes, mi_err *e);

/* The department code of the ticket (external id) into buf. MI_ENOTFOUND
 * for an unknown ticket. */
int mi_scope_ticket_department(mi_store *s, const char *ticket, char *buf, size_t size,
                               mi_err *e);

/* 1 when a column of customers holds personal data (name, phone, email,
 * birthday): the one list that masking (service/access.c) and the REPL's
 * SQL (query.c) use. */
int mi_scope_personal(const char *column);

#endif
