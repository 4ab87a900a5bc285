/* After resolution: once `followup.delay` of business time has passed in the
 * department's calendar, a callback task for the agent (or the department)
 * and, if configured, the post-service survey invitation on the first channel
 * the customer consented to. Keyed by the resolution instant, so a rerun adds
 * nothing and a ticket resolved again after a reopen gets a new follow-up. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/calendar.h"
#include "service/batch.h"
#include "service/survey_links.h"
#include "service/tickets.h"
#include "store/customers.h"
#include "store/invitations.h"
#include "store/outbox.h"
#include "store/put.h"
#include "store/surveys.h"
#include "util/timeutil.h"

typedef struct seen {
  int64_t resolved_at;
  int found;
} seen;

static int find_due(const mi_ticket_event_row *ev, void *ud) {
  seen *x = ud;
  if (strcmp(ev->kind, "followup_due") || !ev->detail) return 0;
  json_t *d = json_loads(ev->detail, 0, NULL);
  x->found |= json_integer_value(json_object_get(d, "resolved_at")) == x->resolved_at;
  json_decref(d);
  return x->found;
}

/* The survey invitation; *why says what happened, for the log. */
static int invite(mi_store *s, const mi_config *cfg, const mi_ticket_row *t, int64_t now,
                  int64_t job_id, json_t *detail, mi_err *e) {
  const mi_config_followup *f = &cfg->followup;
  mi_customer c;
  int rc = mi_customer_get(s, t->customer, &c, e);
  if (rc) return rc;
  const char *address = NULL, *ch = mi_customer_channel(f->channels, f->nchannels, &c, &address);
  int64_t survey_id = 0;
  if (!ch) {
    json_object_set_new(detail, "survey", json_string("not invited: no consented channel"));
    goto done;
  }
  if ((rc = mi_survey_latest(s, f->survey->code, &survey_id, e))) goto done;
  char inv_id[65], key[200];
  /* Row id, not the external id: that may use all 64 bytes on its own. */
  snprintf(inv_id, sizeof inv_id, "followup-%lld-%lld", (long long)t->id, (long long)t->resolved_at);
  mi_invitation inv = {.external_id = inv_id, .survey_id = survey_id, .customer_id = c.id,
                       .ticket_id = t->id, .channel = ch, .weight = 1, .created_at = now};
  int64_t id;
  char link[MI_LINK_URL_MAX] = "";
  if ((rc = mi_invitation_put(s, &inv, &id, e)) < 0 ||
      (rc == MI_PUT_INSERTED && (rc = mi_survey_link_new(s, cfg, id, now, link, e))))
    goto done;
  snprintf(key, sizeof key, "survey:%s", inv_id);
  char *subject = mi_survey_notice_text(cfg, MI_NOTICE_SURVEY_INVITATION, f->survey,
                                        c.name, t->external_id, link);
  json_t *pj = json_pack("{s:s, s:s, s:s}", "survey", f->survey->code, "invitation", inv_id,
                         "ticket", t->external_id);
  if (pj && *link) json_object_set_new(pj, "link", json_string(link));
  char *payload = json_dumps(pj, JSON_COMPACT);
  json_decref(pj);
  mi_outbox_msg m = {.key = key, .kind = "survey_invitation", .channel = ch,
                     .recipient = address, .customer_id = c.id, .ticket_id = t->id,
                     .subject = subject, .payload_json = payload, .job_id = job_id};
  rc = subject && payload ? mi_outbox_add(s, &m, now, e) : mi_err_set(e, MI_ENOMEM, "out of memory");
  if (rc >= 0)
    rc = mi_ticket_event_add(s, t->id, now, "survey_invited", "job:followups", t->status,
                             t->status, payload, e);
  free(subject);
  free(payload);
  json_object_set_new(detail, "survey", json_string(inv_id));
done:
  mi_customer_release(&c);
  return rc < 0 ? rc : 0;
}

static int one(mi_store *s, const mi_config *cfg, mi_sched_calendar **cals, const char *id,
               int64_t now, int64_t job_id, int64_t *done, mi_err *e) {
  mi_ticket_row t;
  const mi_sched_calendar *cal;
  int64_t due;
  int rc;
  if ((rc = mi_ticket_get(s, id, &t, e)) || (rc = mi_ticket_calendar(cfg, cals, &t, &cal, e)) ||
      (rc = mi_sched_add_business(cal, t.resolved_at, cfg->followup.delay, &due, e)))
    return rc;
  if (due > now) return 0;
  seen x = {.resolved_at = t.resolved_at};
  if ((rc = mi_ticket_events_each(s, t.id, find_due, &x, e)) || x.found) return rc;
  char key[200], subject[700], dues[21], res[21];
  mi_instant_format(due, dues);
  mi_instant_format(t.resolved_at, res);
  json_t *detail = json_pack("{s:I, s:s}", "resolved_at", (json_int_t)t.resolved_at, "due", dues);
  if (cfg->followup.survey && (rc = invite(s, cfg, &t, now, job_id, detail, e))) goto out;
  char recipient[80];
  snprintf(recipient, sizeof recipient, *t.assignee ? "%s" : "department:%s",
           *t.assignee ? t.assignee : t.department);
  snprintf(key, sizeof key, "followup:%s:%lld", t.external_id, (long long)t.resolved_at);
  snprintf(subject, sizeof subject, "Call customer %s back about ticket %s (resolved %s): "
           "is it solved? Record it with `manyi ticket followup %s OUTCOME`",
           t.customer, t.external_id, res, t.external_id);
  char *text = json_dumps(detail, JSON_COMPACT);
  mi_outbox_msg m = {.key = key, .kind = "callback", .channel = "internal",
                     .recipient = recipient, .customer_id = t.customer_id, .ticket_id = t.id,
                     .subject = subject, .payload_json = text, .job_id = job_id};
  rc = mi_outbox_add(s, &m, now, e);
  if (rc >= 0)
    rc = mi_ticket_event_add(s, t.id, now, "followup_due", "job:followups", t.status, t.status,
                             text, e);
  free(text);
  if (rc >= 0) rc = 0, ++*done;
out:
  json_decref(detail);
  return rc;
}

/* ---- the batch engine's callbacks: resolved tickets in id order ---------- */

typedef struct followups {
  mi_store *s;
  const mi_config *cfg;
  mi_sched_calendar **cals;
  int64_t now, job_id, *done;
  int64_t *ids;
  char (*external_ids)[65];
} followups;

static int b_read(void *ctx, int phase, int64_t after, int limit, int *n, int64_t *last,
                  mi_err *e) {
  (void)phase;
  followups *f = ctx;
  int rc = mi_ticket_ids_after(f->s, "resolved", after, limit, f->ids, f->external_ids, n, e);
  if (rc == 0 && *n) *last = f->ids[*n - 1];
  return rc;
}

/* No policy to ask: every ticket is decided; apply does the work. */
static int b_decide(void *ctx, int phase, int i, int state, mi_err *why) {
  (void)ctx, (void)phase, (void)i, (void)state, (void)why;
  return MI_BATCH_DECIDED;
}

static int b_apply(void *ctx, int phase, int i, int status, mi_err *e) {
  (void)phase, (void)status;
  followups *f = ctx;
  return one(f->s, f->cfg, f->cals, f->external_ids[i], f->now, f->job_id, f->done, e);
}

static void b_ident(void *ctx, int i, int64_t *id, const char **external_id) {
  followups *f = ctx;
  *id = f->ids[i];
  *external_id = f->external_ids[i];
}

int mi_tickets_followup(mi_store *s, const mi_config *cfg, int64_t now, int64_t occurrence,
                        const mi_batch_options *opt, int64_t *done, mi_err *e) {
  if (!s || !cfg || !opt || !done) return mi_err_set(e, MI_EINVAL, "follow-ups need a store");
  *done = 0;
  if (opt->dry_run) return mi_err_set(e, MI_EINVAL, "follow-ups have no dry run");
  if (!cfg->followup.enabled) return 0;
  /* a ticket's follow-up is a few rows in several tables: smaller chunks */
  int cap = opt->chunk > 0 ? opt->chunk : 100;
  followups f = {.s = s, .cfg = cfg, .now = now, .done = done};
  f.cals = calloc(cfg->ncalendars ? cfg->ncalendars : 1, sizeof *f.cals);
  f.ids = calloc((size_t)cap, sizeof *f.ids);
  f.external_ids = calloc((size_t)cap, sizeof *f.external_ids);
  int rc = f.cals && f.ids && f.external_ids ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  /* The occurrence names the run: a retry after a crash resumes it. */
  char key[64], at[21];
  mi_instant_format(occurrence, at);
  snprintf(key, sizeof key, "followups:%s", at);
  mi_batch_spec spec = {.what = "follow-ups", .job_kind = "followups", .job_key = key,
                        .item = "ticket", .items = "tickets", .ctx = &f, .job_id = &f.job_id,
                        .read = b_read, .decide = b_decide, .apply = b_apply, .ident = b_ident};
  mi_batch_options bo = *opt;
  bo.chunk = cap;
  mi_batch_summary bs;
  if (rc == 0) rc = mi_batch_run(s, &spec, &bo, &bs, e);
  if (f.cals) mi_ticket_sla_calendars_free(cfg, f.cals);
  free(f.ids);
  free(f.external_ids);
  return rc;
}
