/* Orders: what a customer bought, for how much, and what became of it. */
#ifndef MI_STORE_ORDERS_H
#define MI_STORE_ORDERS_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_order {
  const char *external_id;
  int64_t customer_id;  /* store id (mi_customer_id) */
  int64_t amount_minor; /* fen/cents, >= 0 */
  const char *currency; /* ISO 4217, e.g. "CNY" */
  int64_t ordered_at;
  const char *status; /* placed|paid|shipped|completed|cancelled|refunded */
} mi_order;

/* Adds or updates by external_id; returns MI_PUT_* (store/put.h). */
int mi_order_put(mi_store *s, const mi_order *o, mi_err *e);

#endif
