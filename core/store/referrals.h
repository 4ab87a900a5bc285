/* Referrals (migration 10): which customer brought which. The rules (no
 * self-referral, no cycle, one referrer per customer) are checked in
 * core/service/referrals.c; the table's constraints back them up. */
#ifndef MI_STORE_REFERRALS_H
#define MI_STORE_REFERRALS_H

#include <stdint.h>

#include "store/store.h"

typedef struct mi_referral {
  int64_t id, referrer_id, referred_id, recorded_at;
  char referrer[65], referred[65]; /* external ids */
  char recorded_by[65];            /* "" when not known */
} mi_referral;

/* The referral that brought referred_id; MI_ENOTFOUND (no message) if none. */
int mi_referral_of(mi_store *s, int64_t referred_id, mi_referral *out, mi_err *e);

/* *found = 1 when ancestor referred referred_id, or referred its referrer,
 * and so on up the chain; else 0. */
int mi_referral_chain_has(mi_store *s, int64_t referred_id, int64_t ancestor, int *found,
                          mi_err *e);

/* Stores the referral (by: who recorded it, may be NULL). */
int mi_referral_insert(mi_store *s, int64_t referrer_id, int64_t referred_id, int64_t now,
                       const char *by, mi_err *e);

/* How many customers referrer_id referred. */
int mi_referral_count(mi_store *s, int64_t referrer_id, int64_t *n, mi_err *e);

#endif
