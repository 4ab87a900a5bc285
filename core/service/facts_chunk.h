/* A chunk of customers' facts copied out of the store's pass (whose strings
 * live only during its callback), for a batch to decide on after the pass:
 * the tier batch's customers and the points batch's customers of a chunk of
 * events. A customer whose figures cannot be computed is kept too, with why. */
#ifndef MI_SERVICE_FACTS_CHUNK_H
#define MI_SERVICE_FACTS_CHUNK_H

#include <stdint.h>

#include "store/customer_facts.h"
#include "util/err.h"

typedef struct mi_facts_item {
  mi_customer_facts f;
  char *strings[6];
  mi_err *unreadable; /* NULL: its figures were read */
} mi_facts_item;

typedef struct mi_facts_chunk {
  mi_facts_item *items;
  int n, cap;
} mi_facts_chunk;

/* Room for cap customers; 0 or MI_ENOMEM. */
int mi_facts_chunk_init(mi_facts_chunk *c, int cap, mi_err *e);
void mi_facts_chunk_clear(mi_facts_chunk *c);
void mi_facts_chunk_free(mi_facts_chunk *c);
/* Callbacks for mi_customer_facts_each/_of with ctx = the chunk: copy the
 * customer in (MI_ENOMEM when full or out of memory). */
int mi_facts_chunk_add(void *chunk, const mi_customer_facts *f);
int mi_facts_chunk_add_unreadable(void *chunk, int64_t id, const char *external_id,
                                  const mi_err *why);
/* The item of customer id (items are in id order), or NULL. */
const mi_facts_item *mi_facts_chunk_find(const mi_facts_chunk *c, int64_t id);

#endif
