#include "service/points.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/customer_view.h"
#include "service/facts_chunk.h"
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

typedef struct run {
  mi_store *s;
  const mi_config *cfg;
  mi_policy *policy;
  const mi_points_run_options *opt;
  mi_points_run_summary *sum;
  ev_item *ev;
  rv_item *rv;
  mi_points_decision *d; /* per event of the chunk */
  /* With workers, entries are written as events are decided (b_stage):
   * whether each event's entry went in (0: another writer's was there). */
  signed char *inserted;
  int staged;
  int n, cap;
  /* The figures of the chunk's customers, read in one pass before any event
   * of the chunk is decided (nothing of the chunk is written before then). */
  mi_facts_chunk facts;
  int64_t *ids;
} run;

static void chunk_clear(run *r) {
  for (int i = 0; i < r->n; i++) {
    for (int k = 0; k < 5; k++) free(r->ev[i].strings[k]);
    for (int k = 0; k < 2; k++) free(r->rv[i].strings[k]);
  }
  memset(r->ev, 0, (size_t)r->cap * sizeof *r->ev);
  memset(r->rv, 0, (size_t)r->cap * sizeof *r->rv);
  r->n = 0;
}

static int copy_str(const char *src, char **slot, const char **dst) {
  *slot = src ? strdup(src) : NULL;
  *dst = *slot;
  return src && !*slot ? MI_ENOMEM : 0;
}

static int collect_event(void *ctx, const mi_point_event *ev) {
  run *c = ctx;
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
  run *c = ctx;
  if (c->n == c->cap) return MI_ENOMEM;
  rv_item *it = &c->rv[c->n++];
  it->r = *r;
  int rc = copy_str(r->external_id, &it->strings[0], &it->r.external_id);
  rc |= copy_str(r->customer, &it->strings[1], &it->r.customer);
  return rc ? MI_ENOMEM : 0;
}

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

/* One event through the policy, with its customer's figures of the chunk. Policy failures and negative points are
 * MI_BATCH_FAILED, figures that cannot be computed MI_BATCH_UNREADABLE, a
 * store error is returned. */
static int decide_event(run *r, mi_policy *policy, const mi_point_event *ev, mi_points_decision *d,
                        mi_err *why) {
  mi_view_field cf[MI_CUSTOMER_VIEW_FIELDS], ef[EVENT_VIEW_FIELDS];
  mi_view cv, evv;
  char date[11];
  const mi_facts_item *it = mi_facts_chunk_find(&r->facts, ev->customer_id);
  if (!it) return mi_err_set(why, MI_ENOTFOUND, "unknown customer '%s'", ev->customer);
  if (it->unreadable) { /* its figures cannot be computed: skipped and reported */
    *why = *it->unreadable;
    mi_err_prefix(why, "event %s", ev->external_id);
    return MI_BATCH_UNREADABLE;
  }
  mi_customer_view_make(&it->f, r->opt->as_of, cf, &cv);
  event_view(ev, date, ef, &evv);
  if (mi_policy_call_points(policy, &evv, &cv, r->cfg, ev->occurred_at, d, why))
    return MI_BATCH_FAILED;
  if (d->has_points && d->points < 0 && !d->line) { /* again, noting lines, to name its line */
    mi_policy_track_lines(policy, 1);
    int rc = mi_policy_call_points(policy, &evv, &cv, r->cfg, ev->occurred_at, d, why);
    mi_policy_track_lines(policy, 0);
    if (rc) return MI_BATCH_FAILED;
  }
  if (d->has_points && d->points < 0) {
    mi_err_setpos(why, MI_EPOLICY, mi_policy_path(policy), d->line, 0,
                  "points() gave %lld points; an event earns 0 or more (a correction is an "
                  "adjustment, not an event) (event %s)",
                  (long long)d->points, ev->external_id);
    return MI_BATCH_FAILED;
  }
  return MI_BATCH_DECIDED;
}

/* The entry of a decided event that earns; *inserted 0 when another writer
 * credited it in between. */
static int write_entry(run *r, mi_point_source src, const mi_point_event *ev,
                       const mi_points_decision *d, int *inserted, mi_err *e) {
  char key[200], source[96];
  if (mi_point_key_earn(src, ev->external_id, key, sizeof key))
    return mi_err_set(e, MI_EINVAL, "event id '%s' is too long for a ledger key", ev->external_id);
  snprintf(source, sizeof source, "%s:%s", mi_point_source_name(src), ev->external_id);
  mi_ledger_entry l = {.customer_id = ev->customer_id, .kind = "earn", .points = d->points,
                       .reason = d->reason, .source = source, .policy = mi_policy_path(r->policy),
                       .idempotency_key = key, .expires_at = d->expires_at,
                       .created_at = r->opt->batch.now};
  int rc = mi_ledger_append(r->s, &l, NULL, e);
  if (rc < 0) return rc;
  *inserted = rc != MI_PUT_UNCHANGED;
  return 0;
}

/* A decided event (item i) counted and into the ledger (unless dry-run, or
 * b_stage wrote it already). */
static int credit(run *r, mi_point_source src, int i, mi_err *e) {
  const mi_point_event *ev = &r->ev[i].ev;
  const mi_points_decision *d = &r->d[i];
  if (!d->has_points || d->points == 0) {
    r->sum->skipped++;
    return 0;
  }
  r->sum->credited++;
  r->sum->points += d->points;
  if (r->opt->batch.dry_run) return 0;
  int inserted = r->inserted[i];
  if (!r->staged) {
    int rc = write_entry(r, src, ev, d, &inserted, e);
    if (rc) return rc;
  }
  if (!inserted) { /* another writer credited it in between */
    r->sum->credited--;
    r->sum->points -= d->points;
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
  if (r->opt->batch.dry_run) return 0;
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
                       .reverses_id = rv->earn_id, .created_at = r->opt->batch.now};
  rc = mi_ledger_append(r->s, &l, NULL, e);
  if (rc < 0) return rc;
  if (rc == MI_PUT_UNCHANGED) {
    r->sum->reversed--;
    r->sum->reversed_points += take;
  }
  return 0;
}

/* The events that earn, one source per phase, then the reversals (of
 * orders, then of referrals). The names are the checkpoint's prefixes. */
static const char *const phases[] = {"orders",   "responses", "feedback",
                                     "referrals", "reversals", "referral_reversals"};
static const mi_point_source phase_source[] = {MI_POINT_ORDERS,    MI_POINT_RESPONSES,
                                               MI_POINT_FEEDBACK,  MI_POINT_REFERRALS,
                                               MI_POINT_ORDERS,    MI_POINT_REFERRALS};
enum { NPHASES = 6, REVERSALS = 4 };

/* ---- the engine's callbacks ----------------------------------------------- */

static int b_read(void *ctx, int phase, int64_t after, int limit, int *n, int64_t *last,
                  mi_err *e) {
  run *r = ctx;
  chunk_clear(r);
  r->staged = 0;
  int rc = phase < REVERSALS ? mi_point_events_uncredited(r->s, phase_source[phase], r->opt->as_of,
                                                          after, limit, collect_event, r, e)
                             : mi_point_reversals_pending(r->s, phase_source[phase], after, limit,
                                                          collect_reversal, r, e);
  if (rc == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory reading events");
  /* The customers of the chunk's events, each read once (no facts query per event). */
  mi_facts_chunk_clear(&r->facts);
  if (rc == 0 && phase < REVERSALS && r->n) {
    for (int i = 0; i < r->n; i++) r->ids[i] = r->ev[i].ev.customer_id;
    rc = mi_customer_facts_of(r->s, r->opt->as_of, r->ids, r->n, mi_facts_chunk_add,
                              mi_facts_chunk_add_unreadable, &r->facts, e);
    if (rc == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory reading customers");
  }
  *n = r->n;
  if (r->n) *last = phase < REVERSALS ? r->ev[r->n - 1].ev.id : r->rv[r->n - 1].r.event_id;
  return rc;
}

/* Runs on a worker thread for a state > 0: it touches only its state, its
 * item and the chunk's figures (read only), never the store. */
static int b_decide(void *ctx, int phase, int i, int state, mi_err *why) {
  run *r = ctx;
  if (phase >= REVERSALS) return MI_BATCH_DECIDED; /* no policy: the entry says what to take */
  memset(&r->d[i], 0, sizeof r->d[i]);
  mi_policy *p = state == 0 ? r->policy : r->opt->workers[state - 1];
  return decide_event(r, p, &r->ev[i].ev, &r->d[i], why);
}

/* With workers: event i is decided and counted by the breaker; its entry is
 * written now, while later events are decided (b_apply counts it). */
static int b_stage(void *ctx, int phase, int i, mi_err *e) {
  run *r = ctx;
  if (phase >= REVERSALS) return 0; /* b_apply does the reversals */
  r->staged = 1;
  const mi_points_decision *d = &r->d[i];
  int inserted = 0;
  if (!r->opt->batch.dry_run && d->has_points && d->points != 0) {
    int rc = write_entry(r, phase_source[phase], &r->ev[i].ev, d, &inserted, e);
    if (rc) return rc;
  }
  r->inserted[i] = (signed char)inserted;
  return 0;
}

static int b_apply(void *ctx, int phase, int i, int status, mi_err *e) {
  run *r = ctx;
  if (phase >= REVERSALS) return reverse(r, phase_source[phase], &r->rv[i].r, e);
  r->sum->events++;
  if (status != MI_BATCH_DECIDED) {
    r->sum->failed++;
    return 0;
  }
  return credit(r, phase_source[phase], i, e);
}

static void b_ident(void *ctx, int i, int64_t *id, const char **external_id) {
  run *r = ctx;
  /* Only events fail: reversals are not decided by the policy. */
  *id = r->ev[i].ev.id;
  *external_id = r->ev[i].ev.external_id;
}

int mi_points_run(mi_store *s, const mi_config *cfg, mi_policy *policy,
                  const mi_points_run_options *opt, mi_points_run_summary *sum, mi_err *e) {
  if (!s || !cfg || !policy || !opt || !sum)
    return mi_err_set(e, MI_EINVAL, "points run needs a store, a configuration, a policy and options");
  memset(sum, 0, sizeof *sum);
  run r = {.s = s, .cfg = cfg, .policy = policy, .opt = opt, .sum = sum};
  r.cap = opt->batch.chunk > 0 ? opt->batch.chunk : MI_POINTS_CHUNK;
  r.ev = calloc((size_t)r.cap, sizeof *r.ev);
  r.rv = calloc((size_t)r.cap, sizeof *r.rv);
  r.d = calloc((size_t)r.cap, sizeof *r.d);
  r.ids = calloc((size_t)r.cap, sizeof *r.ids);
  r.inserted = calloc((size_t)r.cap, sizeof *r.inserted);
  if (opt->nworkers < 0 || opt->nworkers > MI_BATCH_MAX_WORKERS || (opt->nworkers && !opt->workers)) {
    free(r.ev), free(r.rv), free(r.d), free(r.ids), free(r.inserted);
    return mi_err_set(e, MI_EINVAL, "between 0 and %d worker policy states", MI_BATCH_MAX_WORKERS);
  }
  if (!r.ev || !r.rv || !r.d || !r.ids || !r.inserted || mi_facts_chunk_init(&r.facts, r.cap, e)) {
    free(r.ev), free(r.rv), free(r.d), free(r.ids), free(r.inserted), mi_facts_chunk_free(&r.facts);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  /* The job key names the moment and the policy text: the same run resumes. */
  char key[128], date[21];
  mi_instant_format(opt->as_of, date);
  snprintf(key, sizeof key, "eval-points:%s:%s", date, mi_policy_digest(policy));
  mi_batch_spec spec = {.what = "eval points", .job_kind = "eval-points", .job_key = key,
                        .item = "event", .items = "events", .policy = mi_policy_path(policy),
                        .phases = phases, .nphases = NPHASES, .nworkers = opt->nworkers,
                        .ctx = &r, .read = b_read, .decide = b_decide, .apply = b_apply,
                        .stage = b_stage, .ident = b_ident};
  mi_batch_options bo = opt->batch;
  bo.chunk = r.cap;
  mi_batch_summary bs = {0};
  /* The batch keeps no line of each return (policy.h). */
  mi_policy_track_lines(policy, 0);
  for (int k = 0; k < opt->nworkers; k++) mi_policy_track_lines(opt->workers[k], 0);
  /* Every entry written is made here from checked values (points > 0 from
   * the hook or < 0 taking back an entry read in the same transaction, a
   * reason of 1..500 bytes, a key that fits, a customer read with its
   * event), so SQLite's CHECK and foreign-key checks are off for the run, as
   * for an import: the kind's IN list alone built a table for every entry. */
  int prechecked = 0, rc = 0;
  if (!opt->batch.dry_run) prechecked = (rc = mi_store_prechecked(s, 1, e)) == 0;
  if (rc == 0) rc = mi_batch_run(s, &spec, &bo, &bs, e);
  if (prechecked) {
    mi_err pe;
    if (mi_store_prechecked(s, 0, &pe) && rc == 0) *e = pe, rc = pe.code;
  }
  mi_policy_track_lines(policy, 1);
  for (int k = 0; k < opt->nworkers; k++) mi_policy_track_lines(opt->workers[k], 1);
  memcpy(sum->resumed, bs.resumed, sizeof sum->resumed);
  sum->stop = bs.stop;
  chunk_clear(&r);
  free(r.ev);
  free(r.rv);
  free(r.d);
  free(r.ids);
  free(r.inserted);
  mi_facts_chunk_free(&r.facts);
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

int mi_points_grant(mi_store *s, const mi_config *cfg, const char *customer, int64_t points,
                    const char *key, const char *reason, const char *by, int64_t expires_at,
                    int64_t now, int64_t *entry_id, int *already, mi_err *e) {
  if (!s || !cfg || !customer || !key || !by || !entry_id || !already)
    return mi_err_set(e, MI_EINVAL, "a goodwill grant needs a customer, a key and who grants it");
  *entry_id = 0;
  *already = 0;
  if (points <= 0 || points > cfg->limits.points_max)
    return mi_err_set(e, MI_EINVAL, "grant 1 to %lld points (limits.points_max), not %lld",
                      (long long)cfg->limits.points_max, (long long)points);
  size_t kl = strlen(key);
  if (kl == 0 || kl > 190)
    return mi_err_set(e, MI_EINVAL, "the key must be 1 to 190 bytes (it names this grant, so "
                                    "that a retry does not grant twice)");
  if (!reason || !*reason || strlen(reason) > 500)
    return mi_err_set(e, MI_EINVAL, "give the reason of the goodwill (1 to 500 bytes): it is "
                                    "what an auditor reads");
  if (expires_at && expires_at <= now)
    return mi_err_set(e, MI_EINVAL, "the points would expire before they are granted");
  char full[220], source[120];
  snprintf(full, sizeof full, "goodwill:%s", key);
  snprintf(source, sizeof source, "goodwill:%.64s", by);
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  int64_t id;
  found_entry f = {0};
  if ((rc = mi_customer_id(s, customer, &id, e))) goto done;
  rc = mi_ledger_by_key(s, full, keep_entry, &f, e);
  if (rc == 0) {
    if (f.customer_id != id || f.points != points || strcmp(f.kind, "adjust"))
      rc = mi_err_set(e, MI_EEXIST, "key '%s' was used for another grant (entry %lld: %lld points "
                      "of another customer or amount); use a new key", key, (long long)f.id,
                      (long long)f.points);
    else
      *already = 1, *entry_id = f.id;
    goto done;
  }
  if (rc != MI_ENOTFOUND) goto done;
  mi_ledger_entry l = {.customer_id = id, .kind = "adjust", .points = points, .reason = reason,
                       .source = source, .idempotency_key = full, .expires_at = expires_at,
                       .created_at = now};
  rc = mi_ledger_append(s, &l, entry_id, e);
done:
  if (rc >= 0 && (rc = mi_store_commit(s, e)) == 0) return 0;
  mi_store_rollback(s);
  return rc;
}
