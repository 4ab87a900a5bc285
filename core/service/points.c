#include "service/points.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/customer_view.h"
#include "store/customer_facts.h"
#include "store/customers.h"
#include "store/jobs.h"
#include "store/point_events.h"
#include "util/timeutil.h"

/* ---- the batch ------------------------------------------------------------ */

/* Events copied out of the store's cursor, so that writing entries cannot
 * disturb the read. */
typedef struct ev_item {
  mi_point_event ev;
  char *strings[5]; /* external_id, customer, currency, status, survey */
} ev_item;

typedef struct rv_item {
  mi_point_reversal r;
  char *strings[2]; /* external_id, customer */
} rv_item;

typedef struct chunk {
  ev_item *ev;
  rv_item *rv;
  int n, cap;
} chunk;

static void chunk_clear(chunk *c) {
  for (int i = 0; i < c->n; i++) {
    for (int k = 0; k < 5; k++) free(c->ev[i].strings[k]);
    for (int k = 0; k < 2; k++) free(c->rv[i].strings[k]);
  }
  memset(c->ev, 0, (size_t)c->cap * sizeof *c->ev);
  memset(c->rv, 0, (size_t)c->cap * sizeof *c->rv);
  c->n = 0;
}

static int copy_str(const char *src, char **slot, const char **dst) {
  *slot = src ? strdup(src) : NULL;
  *dst = *slot;
  return src && !*slot ? MI_ENOMEM : 0;
}

static int collect_event(void *ctx, const mi_point_event *ev) {
  chunk *c = ctx;
  if (c->n == c->cap) return MI_ENOMEM; /* cannot happen: limit == cap */
  ev_item *it = &c->ev[c->n++];
  it->ev = *ev;
  int rc = copy_str(ev->external_id, &it->strings[0], &it->ev.external_id);
  rc |= copy_str(ev->customer, &it->strings[1], &it->ev.customer);
  rc |= copy_str(ev->currency, &it->strings[2], &it->ev.currency);
  rc |= copy_str(ev->status, &it->strings[3], &it->ev.status);
  rc |= copy_str(ev->survey, &it->strings[4], &it->ev.survey);
  return rc ? MI_ENOMEM : 0;
}

static int collect_reversal(void *ctx, const mi_point_reversal *r) {
  chunk *c = ctx;
  if (c->n == c->cap) return MI_ENOMEM;
  rv_item *it = &c->rv[c->n++];
  it->r = *r;
  int rc = copy_str(r->external_id, &it->strings[0], &it->r.external_id);
  rc |= copy_str(r->customer, &it->strings[1], &it->r.customer);
  return rc ? MI_ENOMEM : 0;
}

typedef struct run {
  mi_store *s;
  const mi_config *cfg;
  mi_policy *policy;
  const mi_points_run_options *opt;
  mi_points_run_summary *sum;
  int64_t job_id;
} run;

enum { EVENT_VIEW_FIELDS = 7 };

static void event_view(const mi_point_event *ev, char date[11], mi_view_field *f, mi_view *v) {
  mi_date_format(ev->occurred_at, date);
  int orders = !strcmp(ev->type, "order");
  f[0] = (mi_view_field){.name = "type", .type = MI_VIEW_STR, .s = ev->type};
  f[1] = (mi_view_field){.name = "id", .type = MI_VIEW_STR, .s = ev->external_id};
  /* Money in currency units, like the customer view's spend_12m. */
  f[2] = orders ? (mi_view_field){.name = "amount", .type = MI_VIEW_NUM, .d = (double)ev->amount_minor / 100.0}
                : (mi_view_field){.name = "amount", .type = MI_VIEW_NIL};
  f[3] = (mi_view_field){.name = "currency", .type = ev->currency ? MI_VIEW_STR : MI_VIEW_NIL, .s = ev->currency};
  f[4] = (mi_view_field){.name = "occurred_at", .type = MI_VIEW_STR, .s = date};
  f[5] = (mi_view_field){.name = "status", .type = MI_VIEW_STR, .s = ev->status};
  f[6] = (mi_view_field){.name = "survey", .type = ev->survey ? MI_VIEW_STR : MI_VIEW_NIL, .s = ev->survey};
  *v = (mi_view){.kind = "event", .id = ev->external_id, .fields = f, .nfields = EVENT_VIEW_FIELDS};
}

static void report(run *r, const mi_err *pe) {
  r->sum->failed++;
  if (r->opt->on_failure) r->opt->on_failure(r->opt->ctx, pe);
}

/* One event through the policy and (unless dry-run) into the ledger.
 * Returns 0 or a store error; policy failures are counted, not returned. */
static int credit(run *r, mi_point_source src, const mi_point_event *ev, mi_err *e) {
  mi_customer_facts f;
  mi_view_field cf[MI_CUSTOMER_VIEW_FIELDS], ef[EVENT_VIEW_FIELDS];
  mi_view cv, evv;
  char date[11];
  mi_points_decision d;
  mi_err pe = {0};
  r->sum->events++;
  int frc = mi_customer_facts_get(r->s, ev->customer, r->opt->as_of, &f, &pe);
  if (frc == MI_EINVAL) { /* its figures cannot be computed: skipped and reported */
    mi_err_prefix(&pe, "event %s", ev->external_id);
    report(r, &pe);
    return 0;
  }
  if (frc) {
    *e = pe;
    return frc;
  }
  mi_customer_view_make(&f, r->opt->as_of, cf, &cv);
  event_view(ev, date, ef, &evv);
  if (mi_policy_call_points(r->policy, &evv, &cv, r->cfg, ev->occurred_at, &d, &pe)) {
    report(r, &pe);
    return 0;
  }
  if (!d.has_points || d.points == 0) {
    r->sum->skipped++;
    return 0;
  }
  if (d.points < 0) {
    mi_err_setpos(&pe, MI_EPOLICY, mi_policy_path(r->policy), d.line, 0,
                  "points() gave %lld points; an event earns 0 or more (a correction is an "
                  "adjustment, not an event) (event %s)",
                  (long long)d.points, ev->external_id);
    report(r, &pe);
    return 0;
  }
  r->sum->credited++;
  r->sum->points += d.points;
  if (r->opt->dry_run) return 0;
  char key[200], source[96];
  if (mi_point_key_earn(src, ev->external_id, key, sizeof key))
    return mi_err_set(e, MI_EINVAL, "event id '%s' is too long for a ledger key", ev->external_id);
  snprintf(source, sizeof source, "%s:%s", mi_point_source_name(src), ev->external_id);
  mi_ledger_entry l = {.customer_id = ev->customer_id, .kind = "earn", .points = d.points,
                       .reason = d.reason, .source = source, .policy = mi_policy_path(r->policy),
                       .idempotency_key = key, .expires_at = d.expires_at,
                       .created_at = r->opt->now};
  int rc = mi_ledger_append(r->s, &l, NULL, e);
  if (rc < 0) return rc;
  if (rc == MI_PUT_UNCHANGED) { /* another writer credited it in between */
    r->sum->credited--;
    r->sum->points -= d.points;
  }
  return 0;
}

/* Takes back what a refunded order's (or a referral's whose referred
 * customer refunded everything) entry gave, minus what of it expired. */
static int reverse(run *r, mi_point_source src, const mi_point_reversal *rv, mi_err *e) {
  mi_ledger_lots lots;
  int rc = mi_ledger_lots_get(r->s, rv->customer_id, &lots, e);
  if (rc) {
    mi_ledger_lots_free(&lots);
    return rc;
  }
  const mi_ledger_lot *lot = mi_ledger_lots_find(&lots, rv->earn_id);
  int64_t expired = lot ? lot->expired : 0;
  mi_ledger_lots_free(&lots);
  int64_t take = rv->points - expired;
  if (take <= 0) {
    r->sum->reverse_expired++;
    return 0;
  }
  r->sum->reversed++;
  r->sum->reversed_points -= take;
  if (r->opt->dry_run) return 0;
  char key[200], source[96], reason[300], why[120], part[80] = "";
  if (mi_point_key_reverse(src, rv->external_id, key, sizeof key))
    return mi_err_set(e, MI_EINVAL, "id '%s' is too long for a ledger key", rv->external_id);
  snprintf(source, sizeof source, "%s:%s", mi_point_source_name(src), rv->external_id);
  if (src == MI_POINT_REFERRALS)
    snprintf(why, sizeof why, "referral of %s: every completed order of theirs was refunded",
             rv->external_id);
  else
    snprintf(why, sizeof why, "order %s refunded", rv->external_id);
  if (expired) snprintf(part, sizeof part, ", %lld of them had expired", (long long)expired);
  snprintf(reason, sizeof reason, "%s: takes back entry %lld (%lld points%s)", why,
           (long long)rv->earn_id, (long long)rv->points, part);
  mi_ledger_entry l = {.customer_id = rv->customer_id, .kind = "reverse", .points = -take,
                       .reason = reason, .source = source, .idempotency_key = key,
                       .reverses_id = rv->earn_id, .created_at = r->opt->now};
  rc = mi_ledger_append(r->s, &l, NULL, e);
  if (rc < 0) return rc;
  if (rc == MI_PUT_UNCHANGED) {
    r->sum->reversed--;
    r->sum->reversed_points += take;
  }
  return 0;
}

/* The events that earn, one source per phase, then the reversals (of
 * orders, then of referrals). */
static const char *const phases[] = {"orders",   "responses", "feedback",
                                     "referrals", "reversals", "referral_reversals"};
static const mi_point_source phase_source[] = {MI_POINT_ORDERS,    MI_POINT_RESPONSES,
                                               MI_POINT_FEEDBACK,  MI_POINT_REFERRALS,
                                               MI_POINT_ORDERS,    MI_POINT_REFERRALS};
enum { NPHASES = 6, REVERSALS = 4 };

/* The job key names the moment and the policy text: the same run resumes. */
static int start(run *r, int *phase, int64_t *after, mi_err *e) {
  char key[128], date[21], checkpoint[48];
  mi_instant_format(r->opt->as_of, date);
  snprintf(key, sizeof key, "eval-points:%s:%s", date, mi_policy_digest(r->policy));
  if (mi_store_begin(r->s, e)) return e->code;
  if (mi_job_start(r->s, "eval-points", key, r->opt->now, &r->job_id, checkpoint,
                   sizeof checkpoint, e) ||
      mi_store_commit(r->s, e)) {
    mi_store_rollback(r->s);
    return e->code;
  }
  *phase = 0;
  *after = 0;
  for (int i = 0; i < NPHASES && checkpoint[0]; i++) {
    size_t n = strlen(phases[i]);
    if (!strncmp(checkpoint, phases[i], n) && checkpoint[n] == ':') {
      *phase = i;
      *after = strtoll(checkpoint + n + 1, NULL, 10);
      snprintf(r->sum->resumed, sizeof r->sum->resumed, "%s", checkpoint);
    }
  }
  return 0;
}

static int phase_loop(run *r, chunk *c, int phase, int64_t after, mi_err *e) {
  int64_t done = 0;
  for (;;) {
    if (!r->opt->dry_run && mi_store_begin(r->s, e)) return e->code;
    chunk_clear(c);
    int rc = phase < REVERSALS ? mi_point_events_uncredited(r->s, phase_source[phase], r->opt->as_of,
                                                            after, c->cap, collect_event, c, e)
                               : mi_point_reversals_pending(r->s, phase_source[phase], after,
                                                            c->cap, collect_reversal, c, e);
    if (rc == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory reading events");
    for (int i = 0; rc == 0 && i < c->n; i++)
      rc = phase < REVERSALS ? credit(r, phase_source[phase], &c->ev[i].ev, e)
                             : reverse(r, phase_source[phase], &c->rv[i].r, e);
    if (rc == 0 && c->n) {
      after = phase < REVERSALS ? c->ev[c->n - 1].ev.id : c->rv[c->n - 1].r.event_id;
      char checkpoint[48];
      snprintf(checkpoint, sizeof checkpoint, "%s:%lld", phases[phase], (long long)after);
      if (!r->opt->dry_run)
        rc = mi_job_update(r->s, r->job_id, "running", checkpoint, NULL, r->opt->now, e);
    }
    if (!r->opt->dry_run) {
      if (rc == 0) rc = mi_store_commit(r->s, e);
      else mi_store_rollback(r->s);
    }
    if (rc) return rc;
    done += c->n;
    if (r->opt->progress) r->opt->progress(r->opt->ctx, phases[phase], done);
    if (c->n < c->cap) return 0;
  }
}

int mi_points_run(mi_store *s, const mi_config *cfg, mi_policy *policy,
                  const mi_points_run_options *opt, mi_points_run_summary *sum, mi_err *e) {
  if (!s || !cfg || !policy || !opt || !sum)
    return mi_err_set(e, MI_EINVAL, "points run needs a store, a configuration, a policy and options");
  memset(sum, 0, sizeof *sum);
  run r = {s, cfg, policy, opt, sum, 0};
  chunk c = {0};
  c.cap = opt->chunk > 0 ? opt->chunk : 500;
  c.ev = calloc((size_t)c.cap, sizeof *c.ev);
  c.rv = calloc((size_t)c.cap, sizeof *c.rv);
  int phase = 0;
  int64_t after = 0;
  int rc = c.ev && c.rv ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  int locked = 0; /* one batch at a time: no interleaved chunks */
  if (rc == 0 && !opt->dry_run)
    locked = (rc = mi_store_batch_lock(s, "eval points", MI_STORE_BUSY_MS, e)) == 0;
  if (rc == 0 && !opt->dry_run) rc = start(&r, &phase, &after, e);
  for (; rc == 0 && phase < NPHASES; phase++, after = 0) rc = phase_loop(&r, &c, phase, after, e);
  if (!opt->dry_run && r.job_id) {
    mi_err je;
    if (mi_store_begin(s, &je) == 0) {
      if (mi_job_update(s, r.job_id, rc ? "failed" : "done", NULL, rc ? e->msg : NULL, opt->now, &je) == 0)
        mi_store_commit(s, &je);
      else
        mi_store_rollback(s);
    }
  }
  if (locked) mi_store_batch_unlock(s);
  if (c.ev && c.rv) chunk_clear(&c);
  free(c.ev);
  free(c.rv);
  return rc;
}

/* ---- accounts ------------------------------------------------------------- */

void mi_points_account_free(mi_points_account *a) {
  if (a) mi_ledger_lots_free(&a->lots);
}

static int account_fill(mi_store *s, int64_t customer_id, int64_t t, mi_points_account *out,
                        mi_err *e) {
  out->customer_id = customer_id;
  int rc = mi_ledger_lots_get(s, customer_id, &out->lots, e);
  if (rc) return rc;
  out->available = mi_ledger_lots_available(&out->lots, t);
  for (size_t i = 0; i < out->lots.n; i++) {
    const mi_ledger_lot *l = &out->lots.lots[i];
    if (l->remaining > 0 && l->expires_at && l->expires_at <= t) out->expired_pending += l->remaining;
  }
  return 0;
}

int mi_points_account_get(mi_store *s, const char *customer, int64_t t, mi_points_account *out,
                          mi_err *e) {
  if (out) memset(out, 0, sizeof *out);
  if (!s || !customer || !out) return mi_err_set(e, MI_EINVAL, "no customer given");
  int64_t id;
  if (mi_customer_id(s, customer, &id, e)) return e->code;
  return account_fill(s, id, t, out, e);
}

typedef struct found_entry {
  int64_t id, customer_id, points;
  char kind[16];
} found_entry;

static int keep_entry(void *ctx, const mi_ledger_row *r) {
  found_entry *f = ctx;
  f->id = r->id;
  f->customer_id = r->customer_id;
  f->points = r->points;
  snprintf(f->kind, sizeof f->kind, "%s", r->kind ? r->kind : "");
  return 0;
}

static int redeem_locked(mi_store *s, const char *customer, int64_t points, const char *key,
                         const char *reason, int64_t now, mi_points_redeem_result *out,
                         mi_err *e) {
  int64_t id;
  if (mi_customer_id(s, customer, &id, e)) return e->code;
  char full[220], why[300];
  snprintf(full, sizeof full, "redeem:%s", key);
  found_entry f = {0};
  int rc = mi_ledger_by_key(s, full, keep_entry, &f, e);
  if (rc && rc != MI_ENOTFOUND) return rc;
  mi_points_account a = {0};
  if (rc == 0) {
    if (f.customer_id != id || f.points != -points || strcmp(f.kind, "redeem"))
      return mi_err_set(e, MI_EEXIST,
                        "key '%s' was used for another redemption (entry %lld: %lld points of "
                        "another customer or amount); use a new key for a new redemption",
                        key, (long long)f.id, (long long)-f.points);
    out->already = 1;
    out->entry_id = f.id;
  } else {
    if ((rc = account_fill(s, id, now, &a, e))) goto done;
    if (a.available < points) {
      rc = mi_err_set(e, MI_EINVAL,
                      "%s has %lld points available; cannot redeem %lld (a balance never goes "
                      "below zero); nothing was written",
                      customer, (long long)a.available, (long long)points);
      goto done;
    }
    if (!reason || !*reason) {
      snprintf(why, sizeof why, "redeemed %lld points (key %.200s)", (long long)points, key);
      reason = why;
    }
    mi_ledger_entry l = {.customer_id = id, .kind = "redeem", .points = -points, .reason = reason,
                         .source = "points redeem", .idempotency_key = full, .created_at = now};
    rc = mi_ledger_append(s, &l, &out->entry_id, e);
    if (rc < 0) goto done;
    mi_points_account_free(&a);
  }
  memset(&a, 0, sizeof a);
  if ((rc = account_fill(s, id, now, &a, e))) goto done;
  out->available = a.available;
  out->balance = a.lots.balance;
done:
  mi_points_account_free(&a);
  return rc < 0 ? rc : 0;
}

int mi_points_redeem(mi_store *s, const char *customer, int64_t points, const char *key,
                     const char *reason, int64_t now, mi_points_redeem_result *out, mi_err *e) {
  if (out) memset(out, 0, sizeof *out);
  if (!s || !customer || !key || !out) return mi_err_set(e, MI_EINVAL, "redeem needs a customer and a key");
  if (points <= 0) return mi_err_set(e, MI_EINVAL, "redeem a positive number of points, not %lld", (long long)points);
  size_t kl = strlen(key);
  if (kl == 0 || kl > 190)
    return mi_err_set(e, MI_EINVAL, "the key must be 1 to 190 bytes (it names this redemption, so "
                                    "that a retry does not redeem twice)");
  if (reason && strlen(reason) > 500) return mi_err_set(e, MI_EINVAL, "the reason is longer than 500 bytes");
  if (mi_store_begin(s, e)) return e->code;
  int rc = redeem_locked(s, customer, points, key, reason, now, out, e);
  if (rc == 0) rc = mi_store_commit(s, e);
  if (rc) mi_store_rollback(s);
  return rc;
}

static int expire_customer(mi_store *s, int64_t customer_id, int64_t as_of, int64_t now,
                           int dry_run, mi_points_expire_summary *sum, mi_err *e) {
  mi_ledger_lots lots;
  int rc = mi_ledger_lots_get(s, customer_id, &lots, e);
  int any = 0;
  for (size_t i = 0; rc == 0 && i < lots.n; i++) {
    const mi_ledger_lot *lot = &lots.lots[i];
    if (lot->remaining <= 0 || !lot->expires_at || lot->expires_at > as_of) continue;
    any = 1;
    sum->lots++;
    sum->points -= lot->remaining;
    if (dry_run) continue;
    char key[64], source[48], reason[160], when[11], earned[11];
    mi_point_key_expire(lot->id, key, sizeof key);
    snprintf(source, sizeof source, "lot:%lld", (long long)lot->id);
    mi_date_format(lot->expires_at - 1, when);
    mi_date_format(lot->earned_at, earned);
    snprintf(reason, sizeof reason, "%lld of %lld points of entry %lld (credited %s) expired after %s",
             (long long)lot->remaining, (long long)lot->points, (long long)lot->id, earned, when);
    mi_ledger_entry l = {.customer_id = customer_id, .kind = "expire", .points = -lot->remaining,
                         .reason = reason, .source = source, .idempotency_key = key,
                         .created_at = now};
    int put = mi_ledger_append(s, &l, NULL, e);
    if (put < 0) rc = put;
    else if (put == MI_PUT_UNCHANGED) sum->lots--, sum->points += lot->remaining;
  }
  if (any) sum->customers++;
  mi_ledger_lots_free(&lots);
  return rc;
}

/* Expires customer by customer, one transaction per chunk. */
static int expire_chunks(mi_store *s, int64_t as_of, int64_t now, int dry_run,
                         mi_points_expire_summary *sum, mi_err *e) {
  enum { CHUNK = 500 };
  int64_t ids[CHUNK], after = 0;
  for (;;) {
    int n = 0, rc;
    if (!dry_run && mi_store_begin(s, e)) return e->code;
    rc = mi_ledger_expiring_customers(s, as_of, after, ids, CHUNK, &n, e);
    for (int i = 0; rc == 0 && i < n; i++) rc = expire_customer(s, ids[i], as_of, now, dry_run, sum, e);
    if (!dry_run) {
      if (rc == 0) rc = mi_store_commit(s, e);
      else mi_store_rollback(s);
    }
    if (rc) return rc;
    if (n < CHUNK) return 0;
    after = ids[n - 1];
  }
}

int mi_points_expire(mi_store *s, int64_t as_of, int64_t now, int dry_run,
                     mi_points_expire_summary *sum, mi_err *e) {
  if (sum) memset(sum, 0, sizeof *sum);
  if (!s || !sum) return mi_err_set(e, MI_EINVAL, "expire needs a store");
  if (as_of > now) {
    char a[21], n[21];
    mi_instant_format(as_of, a);
    mi_instant_format(now, n);
    return mi_err_set(e, MI_EINVAL, "--as-of %s is later than now (%s): points cannot be expired "
                                    "before their time",
                      a, n);
  }
  if (!dry_run && mi_store_batch_lock(s, "points expire", MI_STORE_BUSY_MS, e)) return e->code;
  int rc = expire_chunks(s, as_of, now, dry_run, sum, e);
  if (!dry_run) mi_store_batch_unlock(s);
  return rc;
}

int mi_points_explain(mi_store *s, const mi_config *cfg, mi_policy *policy, const char *order,
                      int64_t as_of, mi_points_explanation *out, mi_err *e) {
  if (!s || !cfg || !policy || !order || !out) return mi_err_set(e, MI_EINVAL, "explain needs an order");
  mi_point_event ev;
  mi_customer_facts f;
  if (mi_point_event_order(s, order, &ev, e) || mi_customer_facts_get(s, ev.customer, as_of, &f, e))
    return e->code;
  mi_customer_view_make(&f, as_of, out->customer_fields, &out->customer);
  event_view(&ev, out->date, out->event_fields, &out->event);
  return mi_policy_call_points(policy, &out->event, &out->customer, cfg, ev.occurred_at,
                               &out->decision, e);
}
