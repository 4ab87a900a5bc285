/* The loyalty ledger: append-only, and idempotent by key. */
#ifndef MI_STORE_LEDGER_H
#define MI_STORE_LEDGER_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_ledger_entry {
  int64_t customer_id;
  const char *kind;   /* earn|redeem|expire|reverse|adjust */
  int64_t points;     /* != 0; redeem and expire are negative */
  const char *reason; /* why, for people */
  const char *source; /* what caused it, e.g. "order:O00000042"; may be NULL */
  const char *policy; /* the policy file that decided it; may be NULL */
  const char *idempotency_key; /* the same key never credits twice */
  int64_t reverses_id;         /* for kind reverse: the entry reversed */
  int64_t expires_at;          /* 0 = never */
  int64_t created_at;
} mi_ledger_entry;

/* Appends the entry. If an entry with the same idempotency key exists, nothing
 * is added and MI_PUT_UNCHANGED is returned; else MI_PUT_INSERTED. */
int mi_ledger_append(mi_store *s, const mi_ledger_entry *entry, int64_t *id, mi_err *e);

/* Sum of a customer's entries. */
int mi_ledger_balance(mi_store *s, int64_t customer_id, int64_t *balance, mi_err *e);

#endif
