/* Customer tiers: the current tier and the history of every change. */
#ifndef MI_STORE_TIERS_H
#define MI_STORE_TIERS_H

#include <stdint.h>

#include "store/store.h"

/* Sets a customer's tier and records the change with its reason. Returns
 * MI_PUT_UPDATED, or MI_PUT_UNCHANGED when the tier was already new_tier. */
int mi_tier_set(mi_store *s, int64_t customer_id, const char *new_tier, const char *reason,
                const char *policy, int64_t job_id, int64_t at, mi_err *e);

/* One change of tier a batch has decided: old_tier is the tier the batch read
 * in the same transaction (NULL: none), and differs from new_tier. */
typedef struct mi_tier_change {
  int64_t customer_id;
  const char *old_tier, *new_tier, *reason;
} mi_tier_change;

/* Stores n changes (customers in any order, each at most once) with their
 * history rows, by statements of many rows each (a statement per row costs
 * more than the row). The caller holds the transaction in which it read
 * every old_tier, so no other writer changed them; a customer whose row is
 * gone, or a value the schema refuses, fails the whole call (roll back). */
int mi_tier_set_many(mi_store *s, const mi_tier_change *c, int n, const char *policy,
                     int64_t job_id, int64_t at, mi_err *e);

#endif
