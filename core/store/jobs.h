/* Jobs: scheduled work, queued once per idempotency key. */
#ifndef MI_STORE_JOBS_H
#define MI_STORE_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Queues a job once: a second call with the same key adds nothing
 * (MI_PUT_UNCHANGED). payload_json may be NULL. */
int mi_job_enqueue(mi_store *s, const char *kind, const char *key, int64_t run_at,
                   const char *payload_json, int64_t now, int64_t *id, mi_err *e);

/* Starts (or resumes) the job with this key: creates it if new, and if a
 * previous run of it stopped while running or failed, copies its checkpoint
 * into checkpoint (else ""), so the caller goes on where it stopped. The job
 * is marked running. Call inside a transaction. */
int mi_job_start(mi_store *s, const char *kind, const char *key, int64_t now, int64_t *id,
                 char *checkpoint, size_t size, mi_err *e);

/* Sets status (queued|running|done|failed|cancelled) and error (NULL: none);
 * checkpoint NULL keeps the stored one. */
int mi_job_update(mi_store *s, int64_t id, const char *status, const char *checkpoint,
                  const char *error, int64_t now, mi_err *e);

#endif
