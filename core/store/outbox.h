/* The outbox: messages for whatever sends them (mail, SMS, phone lists).
 * manyi writes them and never sends; `manyi outbox export` hands them on. */
#ifndef MI_STORE_OUTBOX_H
#define MI_STORE_OUTBOX_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_outbox_msg {
  const char *key;       /* idempotency key: the same key is stored once */
  const char *kind;      /* "notify", "care", "escalation", ... */
  const char *channel;   /* email | sms | phone | internal */
  const char *recipient; /* an address, a number, or a staff id / role */
  int64_t customer_id;   /* 0 = none */
  int64_t ticket_id;     /* 0 = none */
  const char *subject;
  const char *payload_json; /* NULL = none */
  int64_t job_id;           /* the job that wrote it, 0 = none */
  /* NULL: ready to send. "skipped": written so the record says why nothing
   * was sent (reason, e.g. the customer withdrew consent); senders skip it. */
  const char *status, *reason;
} mi_outbox_msg;

/* Adds m once: MI_PUT_INSERTED, or MI_PUT_UNCHANGED when its key is there. */
int mi_outbox_add(mi_store *s, const mi_outbox_msg *m, int64_t now, mi_err *e);

/* How many messages have a key in [lo, hi): keys that start with a date
 * make this a count per period (the care cap). */
int mi_outbox_count_keys(mi_store *s, const char *lo, const char *hi, int64_t *n, mi_err *e);

#endif
