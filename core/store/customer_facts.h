/* What the tier and other customer policies see: a customer's identity and
 * behaviour figures as of a moment, computed in one streaming pass over the
 * customers' orders, tickets, responses and ledger (customer_facts.c holds
 * the one definition of each figure). */
#ifndef MI_STORE_CUSTOMER_FACTS_H
#define MI_STORE_CUSTOMER_FACTS_H

#include <stdint.h>

#include "store/store.h"

/* Strings point into the store's statement and are valid only during the
 * callback (or until the next store call, for mi_customer_facts_get). */
typedef struct mi_customer_facts {
  int64_t id;
  const char *external_id, *kind, *region, *industry, *birthday, *tier;
  int64_t created_at;
  int64_t spend_12m_minor;          /* completed/paid/shipped/placed orders, 12 months */
  int64_t orders_12m, orders_total; /* orders_12m excludes cancelled and refunded */
  int64_t refunded_orders, cancelled_orders;
  int64_t last_order_at;            /* 0: no order */
  int64_t open_complaints;          /* complaint tickets not resolved or closed */
  int64_t tickets_12m;
  int has_satisfaction;
  double avg_satisfaction;          /* mean answer to 'overall' questions, 12 months */
  int64_t nps_answer;               /* last answer to a 'recommendation' question (equal
                                       instants: the later response, then question); -1 none */
  int64_t points;                   /* ledger balance */
} mi_customer_facts;

typedef int (*mi_customer_facts_cb)(void *ctx, const mi_customer_facts *f);
/* A customer whose figures cannot be computed (why: a sum past 64 bits). */
typedef int (*mi_customer_facts_skip_cb)(void *ctx, int64_t id, const char *external_id,
                                         const mi_err *why);

/* Calls cb for up to limit customers with id > after_id, in id order, with
 * figures counting only what happened at or before as_of. A customer whose
 * figures cannot be computed goes to skip instead (it counts towards limit),
 * and the others go on; without skip that is an error (MI_EINVAL). A non-zero
 * return from cb or skip stops and is returned. The customers and each of
 * their tables are read once, in id order, for the whole range: cb and skip
 * must not use the store (they copy what they keep). */
int mi_customer_facts_each(mi_store *s, int64_t as_of, int64_t after_id, int limit,
                           mi_customer_facts_cb cb, mi_customer_facts_skip_cb skip, void *ctx,
                           mi_err *e);

/* As mi_customer_facts_each for the customers of ids (n of them, in any
 * order, repeats allowed; unknown ids are left out), each delivered once in
 * id order: one pass over each table for all of them. */
int mi_customer_facts_of(mi_store *s, int64_t as_of, const int64_t *ids, int n,
                         mi_customer_facts_cb cb, mi_customer_facts_skip_cb skip, void *ctx,
                         mi_err *e);

/* The facts of one customer by external id; MI_ENOTFOUND if unknown,
 * MI_EINVAL if they cannot be computed (the message says why). */
int mi_customer_facts_get(mi_store *s, const char *external_id, int64_t as_of,
                          mi_customer_facts *out, mi_err *e);

/* Number of customers (for progress). */
int mi_customer_count(mi_store *s, int64_t *n, mi_err *e);

#endif
