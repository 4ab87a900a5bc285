/* Customer tiers: the current tier and the history of every change. */
#ifndef MI_STORE_TIERS_H
#define MI_STORE_TIERS_H

#include <stdint.h>

#include "store/store.h"

/* Sets a customer's tier and records the change with its reason. Returns
 * MI_PUT_UPDATED, or MI_PUT_UNCHANGED when the tier was already new_tier. */
int mi_tier_set(mi_store *s, int64_t customer_id, const char *new_tier, const char *reason,
                const char *policy, int64_t job_id, int64_t at, mi_err *e);

#endif
