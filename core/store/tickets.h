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
  int64_t assignee_id; /* staff, 0 = none */
} mi_ticket;

/* Adds or updates by external_id; returns MI_PUT_*. A new ticket gets an
 * 'imported' event (actor given) so that its log starts where it entered. */
int mi_ticket_put(mi_store *s, const mi_ticket *t, const char *actor, mi_err *e);

/* Appends one event to a ticket's log. detail_json may be NULL. */
int mi_ticket_event_add(mi_store *s, int64_t ticket_id, int64_t at, const char *kind,
                        const char *actor, const char *from_status, const char *to_status,
                        const char *detail_json, mi_err *e);

/* ---- the ticket workflow (ticket_flow.c) ---------------------------------- */

/* A stored ticket as the workflow reads it (codes resolved to external ids). */
typedef struct mi_ticket_row {
  int64_t id, customer_id, department_id, assignee_id; /* assignee 0 = none */
  char external_id[65], customer[65], customer_tier[33], department[65], assignee[65];
  char kind[65], category[65], severity[16], channel[65], status[16]; /* codes of the configuration: up to 64 bytes */
  int priority;
  int escalation_level; /* the highest level of its 'escalated' events, 0 = none */
  int64_t opened_at, first_response_at, resolved_at; /* 0 = not yet */
  char subject[1001];
  char stage[65]; /* the workflow stage it last reached, "" = none */
} mi_ticket_row;

/* Reads the ticket with this external id; MI_ENOTFOUND if none. */
int mi_ticket_get(mi_store *s, const char *external_id, mi_ticket_row *out, mi_err *e);

/* Inserts a new ticket (no event: the caller logs how it came); MI_EEXIST
 * if the external id is taken. *id gets the row id. */
int mi_ticket_insert(mi_store *s, const mi_ticket *t, int64_t *id, mi_err *e);

/* The next free id of the form T0000123 (one more than the highest). */
int mi_ticket_next_id(mi_store *s, char *buf, size_t size, mi_err *e);

/* Sets status, first_response_at and resolved_at (0 = NULL) and, unless
 * assignee_id < 0, the assignee (0 = none). */
int mi_ticket_set_state(mi_store *s, int64_t id, const char *status, int64_t first_response_at,
                        int64_t resolved_at, int64_t assignee_id, mi_err *e);

/* Sets the workflow stage (NULL = none). */
int mi_ticket_set_stage(mi_store *s, int64_t id, const char *stage, mi_err *e);

typedef struct mi_ticket_event_row {
  int64_t id, at;
  const char *kind, *actor, *from_status, *to_status, *detail; /* valid during the callback */
} mi_ticket_event_row;

/* Calls fn for each event of the ticket in order (at, id); fn returns
 * nonzero to stop. */
int mi_ticket_events_each(mi_store *s, int64_t ticket_id,
                          int (*fn)(const mi_ticket_event_row *ev, void *ud), void *ud, mi_err *e);

/* Calls fn for the tickets whose status and department match (NULL: any),
 * newest first, at most limit (0: all). */
int mi_ticket_each(mi_store *s, const char *status, const char *department, size_t limit,
                   int (*fn)(const mi_ticket_row *t, void *ud), void *ud, mi_err *e);

/* The external ids of the tickets in any of statuses (a NULL-terminated
 * list), read before the caller writes anything. *ids is the caller's to
 * free(); *n its length. */
int mi_ticket_ids(mi_store *s, const char *const *statuses, char (**ids)[65], size_t *n,
                  mi_err *e);

/* Up to limit tickets in status with a row id above after, in id order: their
 * row ids and external ids (arrays of limit entries); *n how many. For
 * batches that go through them chunk by chunk. */
int mi_ticket_ids_after(mi_store *s, const char *status, int64_t after, int limit, int64_t *ids,
                        char (*external_ids)[65], int *n, mi_err *e);

/* The same for the tickets opened in [from, to), oldest first, of a kind
 * (NULL: any) and a department (row id; 0: any). */
int mi_ticket_ids_opened(mi_store *s, const char *kind, int64_t department_id, int64_t from,
                         int64_t to, char (**ids)[65], size_t *n, mi_err *e);

#endif
