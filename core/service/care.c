#include "service/care.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/tz.h"
#include "service/customer_view.h"
#include "service/date_view.h"
#include "service/facts_chunk.h"
#include "store/customer_facts.h"
#include "store/customers.h"
#include "store/outbox.h"
#include "store/put.h"
#include "util/timeutil.h"

enum { PAGE = 500, CARE_FIELDS = MI_CUSTOMER_VIEW_FIELDS + 4 };

typedef struct care_run {
  mi_store *s;
  const mi_config *cfg;
  mi_policy *policy;
  int64_t now, job_id;
  char date[11], period_from[24], period_to[24]; /* [from, to) of the cap's period */
  mi_view date_view;
  mi_care_summary *sum;
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

static int deliver(care_run *r, const mi_customer *c, const mi_care_item *it, mi_err *e) {
  char key[200], key_end[202], lo[200], hi[200];
  snprintf(key, sizeof key, "care:%s:%s:%s", c->external_id, r->date, it->kind);
  snprintf(key_end, sizeof key_end, "%s\x01", key); /* [key, key_end) holds key alone */
  int64_t there, in_period = 0;
  int rc;
  if ((rc = mi_outbox_count_keys(r->s, key, key_end, &there, e))) return rc;
  if (there) return r->sum->repeated++, 0;
  if (r->cfg->care.max_per_customer) {
    snprintf(lo, sizeof lo, "care:%s:%s", c->external_id, r->period_from);
    snprintf(hi, sizeof hi, "care:%s:%s", c->external_id, r->period_to);
    if ((rc = mi_outbox_count_keys(r->s, lo, hi, &in_period, e))) return rc;
    if (in_period >= r->cfg->care.max_per_customer) return r->sum->capped++, 0;
  }
  const char *channel, *recipient;
  if (!address(it, c, &channel, &recipient)) return r->sum->no_address++, 0;
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
  if (rc < 0) return rc;
  r->sum->messages++;
  return 0;
}

/* The care view: the customer view (its figures from the page's streaming
 * pass) and what only care needs. A customer whose figures cannot be
 * computed is counted as failed and reported, and the others go on. */
static int one(care_run *r, const mi_facts_item *it,
               void (*on_failure)(void *, const char *, const mi_err *), void *ctx, mi_err *e) {
  const char *external_id = it->f.external_id;
  if (it->unreadable) {
    r->sum->customers++;
    r->sum->failed++;
    if (on_failure) on_failure(ctx, external_id, it->unreadable);
    return 0;
  }
  mi_customer c;
  int rc = mi_customer_get(r->s, external_id, &c, e);
  if (rc) return rc;
  mi_view_field fields[CARE_FIELDS];
  mi_view view;
  mi_customer_view_make(&it->f, r->now, fields, &view);
  size_t n = view.nfields;
  fields[n++] = c.special_needs ? (mi_view_field){.name = "special_needs", .type = MI_VIEW_STR,
                                                  .s = c.special_needs}
                                : (mi_view_field){.name = "special_needs", .type = MI_VIEW_NIL};
  fields[n++] = (mi_view_field){.name = "consent_email", .type = MI_VIEW_BOOL, .i = c.consent_email};
  fields[n++] = (mi_view_field){.name = "consent_sms", .type = MI_VIEW_BOOL, .i = c.consent_sms};
  fields[n++] = (mi_view_field){.name = "consent_phone", .type = MI_VIEW_BOOL, .i = c.consent_phone};
  view.nfields = n;
  mi_care_decision d;
  mi_err pe = {0};
  r->sum->customers++;
  if (mi_policy_call_care(r->policy, &view, &r->date_view, &d, &pe)) {
    r->sum->failed++;
    if (on_failure) on_failure(ctx, external_id, &pe);
    goto out;
  }
  for (size_t i = 0; i < d.nitems && !rc; i++) rc = deliver(r, &c, &d.items[i], e);
out:
  mi_customer_release(&c);
  return rc;
}

int mi_care_run(mi_store *s, const mi_config *cfg, mi_policy *care, int64_t now, int64_t job_id,
                void (*on_failure)(void *ctx, const char *customer, const mi_err *err),
                void *ctx, mi_care_summary *sum, mi_err *e) {
  if (!s || !cfg || !care || !sum) return mi_err_set(e, MI_EINVAL, "care needs a policy");
  memset(sum, 0, sizeof *sum);
  care_run r = {.s = s, .cfg = cfg, .policy = care, .now = now, .job_id = job_id, .sum = sum};
  mi_sched_tz *tz;
  int rc = mi_sched_tz_open(cfg->timezone, &tz, e);
  if (rc) return rc;
  mi_date_format(mi_sched_tz_local(tz, now), r.date);
  mi_sched_tz_free(tz);
  memcpy(sum->date, r.date, sizeof r.date);
  int y, m, d;
  char date_text[11];
  mi_view_field date_fields[MI_DATE_VIEW_FIELDS];
  if ((rc = mi_date_parse(r.date, &y, &m, &d, e)) ||
      (rc = mi_date_view_make(r.date, date_text, date_fields, &r.date_view, e)))
    return rc;
  period_bounds(cfg->care.per, y, m, r.period_from, r.period_to);
  /* A page of customers with their figures in one pass, then the policy
   * and the outbox for each (the pass holds no statement open by then). */
  mi_facts_chunk page;
  if ((rc = mi_facts_chunk_init(&page, PAGE, e))) return rc;
  int64_t after = 0;
  int n;
  do {
    mi_facts_chunk_clear(&page);
    rc = mi_customer_facts_each(s, now, after, PAGE, mi_facts_chunk_add,
                                mi_facts_chunk_add_unreadable, &page, e);
    if (rc == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory reading customers");
    n = page.n;
    for (int i = 0; i < n && !rc; i++) rc = one(&r, &page.items[i], on_failure, ctx, e);
    if (n) after = page.items[n - 1].f.id;
  } while (!rc && n == PAGE);
  mi_facts_chunk_free(&page);
  return rc;
}
