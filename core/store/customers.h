/* Customers: identity, contacts, kind, consent and tier. */
#ifndef MI_STORE_CUSTOMERS_H
#define MI_STORE_CUSTOMERS_H

#include <stdint.h>

#include "store/store.h"

/* Text fields are NULL (or "") when absent. created_at is an instant. */
typedef struct mi_customer {
  int64_t id;
  const char *external_id, *name, *kind, *region, *industry, *phone, *email, *birthday, *tier;
  const char *special_needs; /* NULL = none */
  int consent_email, consent_sms, consent_phone;
  int64_t created_at;
  void *owned; /* set by mi_customer_get: the block the strings live in */
} mi_customer;

/* Adds the customer, or updates the stored one with the same external_id.
 * tier is not written here (tiers change through mi_tier_set, with history).
 * Returns MI_PUT_INSERTED, MI_PUT_UPDATED or MI_PUT_UNCHANGED (store/put.h). */
int mi_customer_put(mi_store *s, const mi_customer *c, mi_err *e);

/* The two-character pieces of names that `customer find --name` looks up
 * (customer_name_grams, migration 16) are kept by triggers, row by row. A
 * bulk load defers them: on, the connection's triggers are off (no other
 * table's trigger fires while customers are imported), a renamed customer's
 * grams are changed as the triggers would at once, and those of new
 * customers are made by mi_customer_grams_catch_up, sorted passes of at
 * most 50,000 new customers each (bounded memory), that must run inside
 * each transaction before it commits (and may run more often). off turns the
 * triggers back on. Only between transactions. */
int mi_customer_grams_defer(mi_store *s, int on, mi_err *e);
int mi_customer_grams_catch_up(mi_store *s, mi_err *e);

/* The id of the customer with this external id; MI_ENOTFOUND if none. */
int mi_customer_id(mi_store *s, const char *external_id, int64_t *id, mi_err *e);

/* Reads the customer; strings belong to *out until mi_customer_release. */
int mi_customer_get(mi_store *s, const char *external_id, mi_customer *out, mi_err *e);
void mi_customer_release(mi_customer *c);

/* Whether c consented to be contacted on channel: email, sms and phone need
 * it; any other channel (internal, a visit arranged by staff) does not. */
int mi_customer_consents(const mi_customer *c, const char *channel);

/* Up to limit customers with id > after_id in id order: their row ids and
 * external ids (arrays of limit entries); *n how many. For batches that
 * write while they walk the customers. */
int mi_customer_page(mi_store *s, int64_t after_id, int limit, int64_t *ids, char (*external)[65],
                     int *n, mi_err *e);

/* Behaviour and value figures of one customer, for `customer show` and the
 * policy views. Money in minor units; instants 0 when there is none. */
typedef struct mi_customer_summary {
  int64_t orders, orders_12m, spend_12m_minor, lifetime_minor, last_order_at;
  int64_t refunded_orders, interactions, tickets, open_tickets, open_complaints;
  int64_t responses, points;
  double avg_overall; /* mean of answers to questions of dimension 'overall'; NaN if none */
} mi_customer_summary;

int mi_customer_summary_get(mi_store *s, int64_t customer_id, int64_t now,
                            mi_customer_summary *out, mi_err *e);

#endif
