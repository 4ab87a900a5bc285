/* Interactions: contacts with a customer on any channel. */
#ifndef MI_STORE_INTERACTIONS_H
#define MI_STORE_INTERACTIONS_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_interaction {
  const char *external_id;
  int64_t customer_id;
  const char *channel;   /* phone|email|social|chat|visit */
  const char *direction; /* inbound|outbound */
  int64_t occurred_at;
  int64_t staff_id; /* 0 = none */
  const char *summary;
} mi_interaction;

/* Adds or updates by external_id; returns MI_PUT_* (store/put.h). */
int mi_interaction_put(mi_store *s, const mi_interaction *it, mi_err *e);

#endif
