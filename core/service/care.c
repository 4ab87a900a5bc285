#include "service/care.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/tz.h"
#include "service/batch.h"
#include "service/customer_view.h"
#include "service/date_view.h"
#include "service/facts_chunk.h"
#include "store/customer_facts.h"
#include "store/customers.h"
#include "store/outbox.h"
#include "store/put.h"
#include "util/timeutil.h"

enum { CARE_FIELDS = MI_CUSTOMER_VIEW_FIELDS + 4 };

typedef struct care_run {
  mi_store *s;
  const mi_config *cfg;
  mi_policy *policy;
  int64_t now, job_id; /* job_id: the batch's job row (0 in a dry run) */
  int dry;
  char date[11], period_from[24], period_to[24]; /* [from, to) of the cap's period */
  char date_text[11];
  mi_view_field date_fields[MI_DATE_VIEW_FIELDS];
  mi_view date_view;
  mi_care_summary *sum;
  /* One chunk of customers with their figures (the streaming pass), and for
   * each its row and the policy's decision. */
  mi_facts_chunk chunk;
  mi_customer *c;
  int *got; /* c[i] was read */
  mi_care_decision *d;
} care_run;

/* The first day of the period that holds y-m-d, and of the next one. */
static void period_bounds(mi_config_period per, int y, int m, char from[24], char to[24]) {
  int len = per == MI_CONFIG_PERIOD_YEAR ? 12 : per == MI_CONFIG_PERIOD_QUARTER ? 3 : 1;
  int first = (m - 1) / len * len + 1, next = first + len, ny = y;
  if (next > 12) next -= 12, ny++;
  snprintf(from, 24, "%04d-%02d-01", y, first);
  snprintf(to, 24, "%04d-%02d-01", ny, next);
}

/* Where a care item goes: the outbox channel and the recipient. */
static int address(const mi_care_item *it, const mi_customer *c, const char **channel,
                   const char **recipient) {
  if (!strcmp(it->channel, "visit")) return *channel = "internal", *recipient = "care_team", 1;
  *channel = it->channel;
  *recipient = !strcmp(it->channel, "email") ? c->email : c->phone;
  return *recipient != NULL;
}

/* Whether item k of customer c's decision d goes out: 1 new (*key set), 0
 * left out (counted). A dry run writes nothing, so it counts what this
 * decision would have added itself as the store would have. */
static int deliver(care_run *r, const mi_customer *c, const mi_care_decision *d, size_t k,
                   int added, mi_err *e) {
  const mi_care_item *it = &d->items[k];
  char key[200], key_end[202], lo[200], hi[200];
  snprintf(key, sizeof key, "care:%s:%s:%s", c->external_id, r->date, it->kind);
  snprintf(key_end, sizeof key_end, "%s\x01", key); /* [key, key_end) holds key alone */
  int64_t there, in_period = 0;
  int rc;
  if ((rc = mi_outbox_count_keys(r->s, key, key_end, &there, e))) return rc;
  for (size_t i = 0; r->dry && i < k; i++) /* the same kind earlier in this decision */
    there += !strcmp(d->items[i].kind, it->kind);
  if (there) return r->sum->repeated++, 0;
  if (r->cfg->care.max_per_customer) {
    snprintf(lo, sizeof lo, "care:%s:%s", c->external_id, r->period_from);
    snprintf(hi, sizeof hi, "care:%s:%s", c->external_id, r->period_to);
    if ((rc = mi_outbox_count_keys(r->s, lo, hi, &in_period, e))) return rc;
    if (r->dry) in_period += added;
    if (in_period >= r->cfg->care.max_per_customer) return r->sum->capped++, 0;
  }
  const char *channel, *recipient;
  if (!address(it, c, &channel, &recipient)) return r->sum->no_address++, 0;
  if (!it->service && !mi_customer_consents(c, it->channel)) return r->sum->no_consent++, 0;
  r->sum->messages++;
  if (r->dry) return 1;
  char kind[48], subject[200];
  snprintf(kind, sizeof kind, "care:%s", it->kind);
  snprintf(subject, sizeof subject, "%s for customer %s", it->template_, c->external_id);
  json_t *pj = json_pack("{s:s, s:s, s:s}", "template", it->template_, "date", r->date, "care",
                         it->kind);
  char *payload = json_dumps(pj, JSON_COMPACT);
  json_decref(pj);
  mi_outbox_msg m = {.key = key, .kind = kind, .channel = channel, .recipient = recipient,
                     .customer_id = c->id, .subject = subject, .payload_json = payload,
                     .job_id = r->job_id};
  rc = mi_outbox_add(r->s, &m, r->now, e);
  free(payload);
  return rc < 0 ? rc : 1;
}

/* ---- the batch engine's callbacks ------------------------------------------ */

static void release_chunk(care_run *r) {
  for (int i = 0; i < r->chunk.n; i++)
    if (r->got[i]) mi_customer_release(&r->c[i]), r->got[i] = 0;
}

static int b_count(void *ctx, int phase, int64_t *total, mi_err *e) {
  (void)phase;
  care_run *r = ctx;
  return mi_customer_count(r->s, total, e);
}

/* A chunk of customers with their figures in one pass. */
static int b_read(void *ctx, int phase, int64_t after, int limit, int *n, int64_t *last,
                  mi_err *e) {
  (void)phase;
  care_run *r = ctx;
  release_chunk(r);
  mi_facts_chunk_clear(&r->chunk);
  int rc = mi_customer_facts_each(r->s, r->now, after, limit, mi_facts_chunk_add,
                                  mi_facts_chunk_add_unreadable, &r->chunk, e);
  if (rc == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory reading customers");
  *n = r->chunk.n;
  if (r->chunk.n) *last = r->chunk.items[r->chunk.n - 1].f.id;
  return rc;
}

/* The care view: the customer view (its figures from the chunk's pass) and
 * what only care needs; then the policy. On the main state only (it reads
 * the customer's row). */
static int b_decide(void *ctx, int phase, int i, int state, mi_err *why) {
  (void)phase, (void)state;
  care_run *r = ctx;
  const mi_facts_item *it = &r->chunk.items[i];
  if (it->unreadable) {
    *why = *it->unreadable;
    return MI_BATCH_UNREADABLE;
  }
  mi_customer *c = &r->c[i];
  int rc = mi_customer_get(r->s, it->f.external_id, c, why);
  if (rc) return rc < 0 ? rc : MI_ESTORE;
  r->got[i] = 1;
  mi_view_field fields[CARE_FIELDS];
  mi_view view;
  mi_customer_view_make(&it->f, r->now, fields, &view);
  size_t n = view.nfields;
  fields[n++] = c->special_needs ? (mi_view_field){.name = "special_needs", .type = MI_VIEW_STR,
                                                   .s = c->special_needs}
                                 : (mi_view_field){.name = "special_needs", .type = MI_VIEW_NIL};
  fields[n++] = (mi_view_field){.name = "consent_email", .type = MI_VIEW_BOOL, .i = c->consent_email};
  fields[n++] = (mi_view_field){.name = "consent_sms", .type = MI_VIEW_BOOL, .i = c->consent_sms};
  fields[n++] = (mi_view_field){.name = "consent_phone", .type = MI_VIEW_BOOL, .i = c->consent_phone};
  view.nfields = n;
  memset(&r->d[i], 0, sizeof r->d[i]);
  return mi_policy_call_care(r->policy, &view, &r->date_view, &r->d[i], why) ? MI_BATCH_FAILED
                                                                            : MI_BATCH_DECIDED;
}

/* Counts the customer and sends what the policy asked for, once each. */
static int b_apply(void *ctx, int phase, int i, int status, mi_err *e) {
  (void)phase;
  care_run *r = ctx;
  r->sum->customers++;
  if (status != MI_BATCH_DECIDED) {
    r->sum->failed++;
    return 0;
  }
  int rc = 0, added = 0;
  for (size_t k = 0; k < r->d[i].nitems && rc >= 0; k++)
    if ((rc = deliver(r, &r->c[i], &r->d[i], k, added, e)) > 0) added++;
  return rc < 0 ? rc : 0;
}

static void b_ident(void *ctx, int i, int64_t *id, const char **external_id) {
  care_run *r = ctx;
  *id = r->chunk.items[i].f.id;
  *external_id = r->chunk.items[i].f.external_id;
}

int mi_care_run(mi_store *s, const mi_config *cfg, mi_policy *care, int64_t now,
                const mi_batch_options *opt, mi_care_summary *sum, mi_err *e) {
  if (!s || !cfg || !care || !opt || !sum) return mi_err_set(e, MI_EINVAL, "care needs a policy");
  memset(sum, 0, sizeof *sum);
  care_run r = {.s = s, .cfg = cfg, .policy = care, .now = now, .dry = opt->dry_run, .sum = sum};
  mi_sched_tz *tz;
  int rc = mi_sched_tz_open(cfg->timezone, &tz, e);
  if (rc) return rc;
  mi_date_format(mi_sched_tz_local(tz, now), r.date);
  mi_sched_tz_free(tz);
  memcpy(sum->date, r.date, sizeof r.date);
  int y, m, d;
  if ((rc = mi_date_parse(r.date, &y, &m, &d, e)) ||
      (rc = mi_date_view_make(r.date, r.date_text, r.date_fields, &r.date_view, e)))
    return rc;
  period_bounds(cfg->care.per, y, m, r.period_from, r.period_to);
  int cap = opt->chunk > 0 ? opt->chunk : MI_BATCH_CHUNK;
  if ((rc = mi_facts_chunk_init(&r.chunk, cap, e))) return rc;
  if (!(r.c = calloc((size_t)cap, sizeof *r.c)) || !(r.got = calloc((size_t)cap, sizeof *r.got)) ||
      !(r.d = calloc((size_t)cap, sizeof *r.d)))
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  /* One run per day: a run killed or stopped resumes after its last chunk;
   * a second run of a day that ended goes over everyone again, and the
   * messages' keys keep it from sending anything twice. */
  char key[64];
  snprintf(key, sizeof key, "care:%s", r.date);
  mi_batch_spec spec = {.what = "care", .job_kind = "care", .job_key = key,
                        .item = "customer", .items = "customers",
                        .policy = mi_policy_path(care), .ctx = &r, .job_id = &r.job_id,
                        .count = b_count, .read = b_read, .decide = b_decide, .apply = b_apply,
                        .ident = b_ident};
  mi_batch_options bo = *opt;
  bo.chunk = cap;
  mi_batch_summary bs;
  mi_policy_track_lines(care, 0); /* the batch keeps no line of each return */
  if (rc == 0) {
    rc = mi_batch_run(s, &spec, &bo, &bs, e);
    sum->stop = bs.stop;
  }
  mi_policy_track_lines(care, 1);
  release_chunk(&r);
  mi_facts_chunk_free(&r.chunk);
  free(r.c);
  free(r.got);
  free(r.d);
  return rc;
}
