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

/* A stored entry; strings are valid only during the callback. */
typedef struct mi_ledger_row {
  int64_t id, customer_id, points, reverses_id, expires_at, created_at; /* 0 = none */
  const char *kind, *reason, *source, *policy, *idempotency_key;
} mi_ledger_row;
typedef int (*mi_ledger_cb)(void *ctx, const mi_ledger_row *r);

/* The customer's entries oldest first (newest first and at most limit > 0
 * with newest_first). A non-zero return from cb stops and is returned. */
int mi_ledger_each(mi_store *s, int64_t customer_id, int newest_first, int limit, mi_ledger_cb cb,
                   void *ctx, mi_err *e);

/* The entry with this idempotency key; MI_ENOTFOUND if none. */
int mi_ledger_by_key(mi_store *s, const char *key, mi_ledger_cb cb, void *ctx, mi_err *e);

/* Up to max customer ids > after_id, ascending, that have a lot (an entry of
 * positive points with an expiry) expiring at or before as_of and no
 * "expire:<lot id>" entry for it. *n gets how many. */
int mi_ledger_expiring_customers(mi_store *s, int64_t as_of, int64_t after_id, int64_t *ids,
                                 int max, int *n, mi_err *e);

/* Lots: a customer's points, replayed from the ledger in entry order.
 * - An entry of positive points (earn, adjust, or a reverse that gives back)
 *   is a lot with its expiry; it first pays off any debt.
 * - redeem, and negative adjust, take from the lots that are not expired at
 *   the entry's created_at, soonest expiry first (never-expiring last, then
 *   oldest); what they cannot cover becomes debt.
 * - expire takes from the lot its source names ("lot:<id>").
 * - reverse (negative) takes from the lot it reverses first, then as redeem.
 * So balance (the ledger's sum) = the lots' remaining points - debt, always. */
typedef struct mi_ledger_lot {
  int64_t id;         /* the entry that made the lot */
  int64_t points;     /* what it gave */
  int64_t remaining;  /* not yet redeemed, reversed or expired */
  int64_t expired;    /* taken by expire entries */
  int64_t earned_at;  /* the entry's created_at */
  int64_t expires_at; /* 0 = never */
} mi_ledger_lot;

typedef struct mi_ledger_lots {
  mi_ledger_lot *lots; /* every lot, in entry order (also those used up) */
  size_t n, cap;
  int64_t balance;   /* the ledger's sum */
  int64_t debt;      /* taken when no lot could cover it; paid by the next lots */
  int64_t entries;
} mi_ledger_lots;

/* Replays the customer's ledger into *out (zeroed first; free with
 * mi_ledger_lots_free, also after a failure). */
int mi_ledger_lots_get(mi_store *s, int64_t customer_id, mi_ledger_lots *out, mi_err *e);
void mi_ledger_lots_free(mi_ledger_lots *l);
/* Replays one entry (in id order) into l: for callers that already read the
 * rows. MI_ENOMEM if a lot cannot be added. */
int mi_ledger_lots_apply(mi_ledger_lots *l, const mi_ledger_row *r);
/* Points spendable at t: remaining of lots not expired at t (expires_at == 0
 * or > t) minus debt. May be negative. */
int64_t mi_ledger_lots_available(const mi_ledger_lots *l, int64_t t);
/* The lot made by entry id, or NULL. */
mi_ledger_lot *mi_ledger_lots_find(const mi_ledger_lots *l, int64_t id);

#endif
