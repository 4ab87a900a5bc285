/* Referrals: recording that one customer brought another (`manyi customer
 * refer`, the `referred_by` column of a customers import), with the rules
 * that keep the referral points honest: no one refers themselves, a
 * customer has one referrer, and no chain of referrals comes back to where
 * it started. The points themselves are the points batch's
 * (core/service/points.c): the referrer earns once, when the referred
 * customer's first order completes. */
#ifndef MI_SERVICE_REFERRALS_H
#define MI_SERVICE_REFERRALS_H

#include <stdint.h>

#include "store/store.h"

/* Records that referrer brought referred (external ids), recorded_at now by
 * `by` (may be NULL), inside the caller's transaction. Returns
 * MI_PUT_INSERTED, or MI_PUT_UNCHANGED when this very referral is recorded
 * already; MI_EINVAL for a self-referral or a cycle, MI_EEXIST when referred
 * has another referrer, MI_ENOTFOUND for an unknown customer — each with a
 * message naming the customers. */
int mi_referral_record(mi_store *s, const char *referrer, const char *referred, int64_t now,
                       const char *by, mi_err *e);

#endif
