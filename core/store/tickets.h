/* Service tickets and their append-only event log. */
#ifndef MI_STORE_TICKETS_H
#define MI_STORE_TICKETS_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_ticket {
  const char *external_id;
  int64_t customer_id, department_id;
  const char *kind;     /* inquiry|complaint|after_sales|business_request */
  const char *category; /* general|technical|product_quality */
  const char *severity; /* low|medium|high|critical */
  const char *channel;  /* phone|email|social|chat|visit|web */
  int priority;         /* 1 (most urgent) .. 4 */
  const char *status;   /* new|open|pending|resolved|closed */
  int64_t opened_at;
  int64_t first_response_at, resolved_at; /* 0 = not yet */
  const char *subject;
} mi_ticket;

/* Adds or updates by external_id; returns MI_PUT_*. A new ticket gets an
 * 'imported' event (actor given) so that its log starts where it entered. */
int mi_ticket_put(mi_store *s, const mi_ticket *t, const char *actor, mi_err *e);

/* Appends one event to a ticket's log. detail_json may be NULL. */
int mi_ticket_event_add(mi_store *s, int64_t ticket_id, int64_t at, const char *kind,
                        const char *actor, const char *from_status, const char *to_status,
                        const char *detail_json, mi_err *e);

#endif
