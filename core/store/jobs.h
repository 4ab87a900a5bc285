/* Jobs: scheduled work, queued once per idempotency key. */
#ifndef MI_STORE_JOBS_H
#define MI_STORE_JOBS_H

#include <stdint.h>

#include "store/store.h"

/* Queues a job once: a second call with the same key adds nothing
 * (MI_PUT_UNCHANGED). payload_json may be NULL. */
int mi_job_enqueue(mi_store *s, const char *kind, const char *key, int64_t run_at,
                   const char *payload_json, int64_t now, int64_t *id, mi_err *e);

#endif
