/* Loyalty points: the batch that credits what earns points (orders, answered
 * surveys, feedback in follow-up calls, referrals) through the loyalty policy
 * and reverses refunded orders (and referrals that brought nothing), and the
 * account operations (show, redeem, expire). Every write is a ledger entry
 * with an idempotency key, so reruns and crashes never credit twice. */
#ifndef MI_SERVICE_POINTS_H
#define MI_SERVICE_POINTS_H

#include <stdint.h>

#include "config/config.h"
#include "policy/policy.h"
#include "service/batch.h"
#include "service/customer_view.h"
#include "store/ledger.h"
#include "store/store.h"

/* Events per transaction by default: more than the engine's 500, because
 * each chunk's ledger entries touch pages all over the ledger's indexes (the
 * idempotency keys are in no order the stream follows), and a commit writes
 * each touched page once, however many entries it took. */
enum { MI_POINTS_CHUNK = 20000 };

typedef struct mi_points_run_options {
  int64_t as_of; /* events that occurred up to this instant; the customer view as of it */
  /* dry run, chunk (events per transaction; 0: MI_POINTS_CHUNK), now (created_at of the
   * entries), breaker, failures, progress (phases "orders", "responses",
   * "feedback", "referrals", "reversals", "referral_reversals") */
  mi_batch_options batch;
  /* --jobs: extra states of the same policy (each used by one thread) that
   * decide events while the calling thread reads and writes (0 .. 15). */
  mi_policy **workers;
  int nworkers;
} mi_points_run_options;

typedef struct mi_points_run_summary {
  int64_t events;          /* events (orders, responses, feedback, referrals) not credited
                              before this run */
  int64_t credited, points; /* entries written (or that would be) and their sum */
  int64_t skipped;         /* the policy gave no points (nil or 0) */
  int64_t failed;          /* the policy failed or gave negative points */
  int64_t reversed, reversed_points; /* reverse entries and their sum (<= 0) */
  int64_t reverse_expired; /* refunded, but every point of it had expired: nothing to take */
  char resumed[48];        /* the checkpoint an interrupted run resumed from, or "" */
  mi_batch_stop stop;      /* why the breaker stopped the run (stop.tripped) */
} mi_points_run_summary;

/* Credits every completed order, survey response, follow-up feedback and
 * referral (at or before as_of) that has no earn entry yet, then reverses the
 * points of refunded orders that were credited. The policy decides per event
 * (the event view's fields are in policies/README.md); a positive decision is
 * an earn entry keyed "order:<id>:earn" / "response:<id>:earn" /
 * "feedback:<ticket>:earn" / "referral:<referred customer>:earn" expiring as
 * the decision says, computed from the event's instant. A referral is an
 * event of the referrer once the referred customer has a completed order
 * (its instant: the first such order's); it is credited once, ever. A
 * reversal (key "order:<id>:reverse") takes back what the entry gave minus
 * what of it expired; a referral is reversed the same way (key
 * "referral:<referred>:reverse") when the referred customer has refunded
 * orders and no completed one left, and is not credited again after. Runs
 * through the batch engine (service/batch.h): chunks of events, one
 * transaction each with a checkpoint; a policy failure is counted, passed
 * to on_failure and the run goes on until the breaker trips (MI_EPOLICY,
 * sum->stop filled, nothing of the chunk in hand committed); a store
 * failure stops it (committed chunks stay). */
int mi_points_run(mi_store *s, const mi_config *cfg, mi_policy *policy,
                  const mi_points_run_options *opt, mi_points_run_summary *sum, mi_err *e);

/* A customer's account as of t: the replayed lots (lots.lots is owned by the
 * account: mi_points_account_free), what is spendable at t, and what has
 * expired at t but has no expire entry yet. */
typedef struct mi_points_account {
  int64_t customer_id;
  mi_ledger_lots lots;
  int64_t available;
  int64_t expired_pending;
} mi_points_account;
int mi_points_account_get(mi_store *s, const char *customer, int64_t t, mi_points_account *out,
                          mi_err *e);
void mi_points_account_free(mi_points_account *a);

typedef struct mi_points_redeem_result {
  int64_t entry_id;
  int already;      /* the key was used before for this same redemption: nothing added */
  int64_t available; /* spendable after it */
  int64_t balance;
} mi_points_redeem_result;

/* Redeems points (> 0) from the customer's lots that are spendable at now,
 * soonest expiry first. The ledger key is "redeem:<key>": the same key again
 * for the same customer and points is the same redemption (already = 1); for
 * anything else it is MI_EEXIST. More than is available is MI_EINVAL and
 * nothing is written. reason may be NULL. Runs in its own transaction. */
int mi_points_redeem(mi_store *s, const char *customer, int64_t points, const char *key,
                     const char *reason, int64_t now, mi_points_redeem_result *out, mi_err *e);

/* Goodwill: grants points (1..cfg's points_max) to the customer as an
 * `adjust` entry with key "goodwill:<key>" (the same key again for the same
 * customer and points adds nothing: *already = 1; else MI_EEXIST), the
 * reason (required, at most 500 bytes) and who granted it (source
 * "goodwill:<by>"), expiring at expires_at (0 = never). Who may call this
 * is the command table's business (supervisors, department heads, admins). */
int mi_points_grant(mi_store *s, const mi_config *cfg, const char *customer, int64_t points,
                    const char *key, const char *reason, const char *by, int64_t expires_at,
                    int64_t now, int64_t *entry_id, int *already, mi_err *e);

typedef struct mi_points_expire_summary {
  int64_t customers, lots, points; /* points <= 0 */
} mi_points_expire_summary;

/* Writes an expire entry (key "expire:<lot entry id>") for every lot that
 * expired at or before as_of and still has points. as_of may not be later
 * than now. Idempotent; one transaction per chunk of customers. */
int mi_points_expire(mi_store *s, int64_t as_of, int64_t now, int dry_run,
                     mi_points_expire_summary *sum, mi_err *e);

/* One order through the loyalty policy without writing anything, for
 * `manyi explain points ORDER`: the event and customer views it saw (strings
 * valid until the next store call) and its decision. */
typedef struct mi_points_explanation {
  mi_view_field event_fields[8], customer_fields[MI_CUSTOMER_VIEW_FIELDS];
  mi_view event, customer;
  char date[11];
  mi_points_decision decision;
} mi_points_explanation;
int mi_points_explain(mi_store *s, const mi_config *cfg, mi_policy *policy, const char *order,
                      int64_t as_of, mi_points_explanation *out, mi_err *e);

#endif
