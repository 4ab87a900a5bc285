#include "service/referrals.h"

#include <string.h>

#include "store/customers.h"
#include "store/referrals.h"
#include "util/timeutil.h"

int mi_referral_record(mi_store *s, const char *referrer, const char *referred, int64_t now,
                       const char *by, mi_err *e) {
  if (!s || !referrer || !referred)
    return mi_err_set(e, MI_EINVAL, "a referral needs the referrer and the referred customer");
  if (!strcmp(referrer, referred))
    return mi_err_set(e, MI_EINVAL, "customer %s cannot refer themselves", referred);
  int64_t from, to;
  int rc;
  if ((rc = mi_customer_id(s, referrer, &from, e)) || (rc = mi_customer_id(s, referred, &to, e)))
    return rc;
  mi_referral had;
  rc = mi_referral_of(s, to, &had, e);
  if (rc == 0) {
    if (had.referrer_id == from) return MI_PUT_UNCHANGED;
    char when[11];
    mi_date_format(had.recorded_at, when);
    return mi_err_set(e, MI_EEXIST, "%s was referred by %s (recorded %s); a customer has one "
                      "referrer and a referral is not changed, so %s cannot be recorded",
                      referred, had.referrer, when, referrer);
  }
  if (rc != MI_ENOTFOUND) return rc;
  /* A cycle: the referred customer is already up the referrer's chain. */
  int found = 0;
  if ((rc = mi_referral_chain_has(s, from, to, &found, e))) return rc;
  if (found)
    return mi_err_set(e, MI_EINVAL, "%s cannot refer %s: %s is already (directly or through "
                      "others) the referrer of %s, and referrals may not go round in a circle",
                      referrer, referred, referred, referrer);
  if ((rc = mi_referral_insert(s, from, to, now, by, e))) return rc;
  return MI_PUT_INSERTED;
}
