/* Which department a customer or ticket belongs to, for the agents'
 * department restriction (service/access.c). */
#ifndef MI_STORE_SCOPE_H
#define MI_STORE_SCOPE_H

#include "store/store.h"

/* *yes = 1 when the customer (external id) has a ticket in the department
 * (code); *clear = 1 when one of those tickets was not opened by agent (an
 * OS user name): it came from elsewhere (an import, another user), so the
 * agent was given the customer rather than chose them. MI_ENOTFOUND for an
 * unknown customer. */
int mi_scope_customer_in_department(mi_store *s, const char *customer, const char *department,
                                    const char *agent, int *yes, int *clear, mi_err *e);

/* The department code of the ticket (external id) into buf. MI_ENOTFOUND
 * for an unknown ticket. */
int mi_scope_ticket_department(mi_store *s, const char *ticket, char *buf, size_t size,
                               mi_err *e);
/* The department code of a staff member into buf ("" when none);
 * MI_ENOTFOUND for an unknown one. */
int mi_scope_staff_department(mi_store *s, const char *staff, char *buf, size_t size, mi_err *e);

/* 1 when a field of a customer holds personal data (name, phone, email,
 * birthday): the names of the customer view (explain, manyi.customer). */
int mi_scope_personal(const char *column);

/* What kind of personal data a stored column holds, for masking. */
typedef enum mi_personal {
  MI_PERSONAL_NONE = 0,
  MI_PERSONAL_NAME,
  MI_PERSONAL_PHONE,
  MI_PERSONAL_EMAIL,
  MI_PERSONAL_BIRTHDAY,
  MI_PERSONAL_CONTACT, /* a phone number or an e-mail address (outbox recipients) */
  MI_PERSONAL_JSON,    /* JSON that may hold a recipient, name, phone, ... (payloads) */
  MI_PERSONAL_TEXT,    /* free text: personal data may be typed into it (subjects, notes) */
  MI_PERSONAL_HEALTH,  /* health and other special-category data (special needs): never shown in part */
} mi_personal;

/* The one list of stored personal data: the kind held by column of table
 * (a table name, or an export entity, which carries the table's column
 * names), MI_PERSONAL_NONE for other columns. Masking (service/access.c),
 * exports and the REPL's SQL (query.c) all use it. */
mi_personal mi_scope_personal_column(const char *table, const char *column);

/* The same for a column of an export entity: the list above, and for
 * "responses" each question's column (an open answer is free text). */
mi_personal mi_scope_export_column(const char *entity, const char *column);

/* 1 for a table that only admins and auditors read (the audit log, the
 * roles): analysts' SQL may not name it. */
int mi_scope_restricted_table(const char *table);

#endif
