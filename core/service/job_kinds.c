#include "service/job_kinds.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/care.h"
#include "service/points.h"
#include "service/surveys.h"
#include "service/tickets.h"
#include "service/tiers.h"
#include "store/customers.h"
#include "store/outbox.h"
#include "store/put.h"
#include "util/i18n.h"

/* payload field `name` as a non-empty string, or NULL with e set. */
static const char *want_text(json_t *o, const char *name, int required, mi_err *e) {
  json_t *v = json_object_get(o, name);
  if (!v && !required) return NULL;
  if (!json_is_string(v) || !*json_string_value(v)) {
    mi_err_set(e, MI_EINVAL, "payload: '%s' must be a non-empty string", name);
    return NULL;
  }
  return json_string_value(v);
}

static int run_notify(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  (void)ud;
  json_error_t je;
  json_t *p = j->payload ? json_loads(j->payload, 0, &je) : NULL;
  if (!json_is_object(p)) {
    json_decref(p);
    return mi_err_set(e, MI_EINVAL,
                      "payload must be an object with channel, recipient and subject");
  }
  char key[256];
  snprintf(key, sizeof key, "job:%s", j->key);
  mi_outbox_msg m = {.key = key, .kind = "notify", .job_id = j->id};
  int rc = MI_EINVAL;
  const char *customer = NULL;
  char reason[120];
  if (!(m.channel = want_text(p, "channel", 1, e)) ||
      !(m.recipient = want_text(p, "recipient", 1, e)) ||
      !(m.subject = want_text(p, "subject", 1, e)) ||
      (json_object_get(p, "customer") && !(customer = want_text(p, "customer", 1, e))))
    goto done;
  if (customer) { /* a message to a customer needs their consent to the channel */
    mi_customer c;
    if ((rc = mi_customer_get(s, customer, &c, e))) goto done;
    m.customer_id = c.id;
    if (!mi_customer_consents(&c, m.channel)) {
      snprintf(reason, sizeof reason, "the customer did not consent to %s", m.channel);
      m.status = "skipped", m.reason = reason;
    }
    mi_customer_release(&c);
  }
  json_t *body = json_object_get(p, "body");
  char *text = body ? json_dumps(body, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
  m.payload_json = text;
  rc = mi_outbox_add(s, &m, now, e);
  free(text);
  if (rc > 0) rc = 0;
done:
  json_decref(p);
  return rc;
}

/* Tiers and care are as of the occurrence the job stands for (run_at), not the
 * runner's clock: a retry after a crash, downtime or a clock change resumes the
 * same batch and the same day instead of starting another. */
static int run_eval_tiers(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  mi_job_context *c = ud;
  if (!c->tiers) {
    int rc = mi_policy_load_config(c->cfg, "tiers", &c->tiers, e);
    if (rc) return rc;
  }
  /* Its chunks commit before the job completes: the first carries an entry. */
  mi_tier_run_options o = {.as_of = j->run_at,
                           .batch = {.now = now, .audit_actor = c->actor, .audit_action = "job",
                                     .audit_object = j->key,
                                     .audit_json = "{\"kind\":\"eval-tiers\"}"}};
  mi_tier_run_summary sum;
  int rc = mi_tiers_run(s, c->cfg, c->tiers, &o, &sum, e);
  if (rc == 0 && sum.failed)
    return mi_err_set(e, MI_EPOLICY, "the tier policy failed for %lld of %lld customers "
                      "(see `manyi eval tiers`)", (long long)sum.failed, (long long)sum.customers);
  return rc;
}

static int run_points_expire(mi_store *s, const mi_queue_job *j, void *ud, int64_t now,
                             mi_err *e) {
  (void)j, (void)ud;
  mi_points_expire_summary sum;
  return mi_points_expire(s, now, now, 0, &sum, e);
}

static int run_sla_check(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  mi_job_context *c = ud;
  if (!c->escalation) {
    int rc = mi_policy_load_config(c->cfg, "escalation", &c->escalation, e);
    if (rc) return rc;
  }
  int64_t n;
  return mi_tickets_escalate(s, c->cfg, c->escalation, now, j->id, &n, e);
}

static int run_followups(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  mi_job_context *c = ud;
  int64_t n;
  /* Its chunks commit before the job completes: the first carries an entry. */
  mi_batch_options bo = {.now = now, .audit_actor = c->actor, .audit_action = "job",
                         .audit_object = j->key, .audit_json = "{\"kind\":\"followups\"}"};
  return mi_tickets_followup(s, c->cfg, now, j->run_at, &bo, &n, e);
}

static int run_care(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  mi_job_context *c = ud;
  int rc;
  if (!c->care && (rc = mi_policy_load_config(c->cfg, "care", &c->care, e))) return rc;
  /* Its chunks commit before the job completes: the first carries an entry. */
  mi_batch_options bo = {.now = now, .audit_actor = c->actor, .audit_action = "job",
                         .audit_object = j->key, .audit_json = "{\"kind\":\"care\"}"};
  mi_care_summary sum;
  if ((rc = mi_care_run(s, c->cfg, c->care, j->run_at, &bo, &sum, e))) return rc;
  if (sum.failed)
    return mi_err_set(e, MI_EPOLICY, "the care policy failed for %lld of %lld customers "
                      "(see `manyi care run`)", (long long)sum.failed, (long long)sum.customers);
  return 0;
}

/* The schedule a survey-wave or report job belongs to: payload
 * {"schedule": NAME}, or the NAME of its key "schedule:NAME:INSTANT". */
static const mi_config_schedule *job_schedule(const mi_config *cfg, const mi_queue_job *j,
                                              const char *kind, mi_err *e) {
  char name[201] = "";
  json_error_t je;
  json_t *p = j->payload ? json_loads(j->payload, 0, &je) : NULL;
  const char *given = json_is_object(p) ? want_text(p, "schedule", 0, e) : NULL;
  if (given) snprintf(name, sizeof name, "%s", given);
  json_decref(p);
  if (!*name && !strncmp(j->key, "schedule:", 9)) {
    snprintf(name, sizeof name, "%s", j->key + 9);
    char *colon = strchr(name, ':');
    if (colon) *colon = '\0';
  }
  for (size_t i = 0; *name && i < cfg->nschedule; i++)
    if (!strcmp(cfg->schedule[i].name, name) && !strcmp(cfg->schedule[i].job, kind))
      return &cfg->schedule[i];
  mi_err_set(e, MI_EINVAL, "%s job %s: %s%s%s is not a %s entry of schedule: "
             "(give the payload {\"schedule\": NAME})", kind, j->key, *name ? "'" : "no schedule",
             name, *name ? "'" : "", kind);
  return NULL;
}

static int run_survey_wave(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  mi_job_context *c = ud;
  const mi_config_schedule *sc = job_schedule(c->cfg, j, "survey-wave", e);
  if (!sc) return MI_EINVAL;
  mi_survey_wave_summary sum;
  return mi_survey_wave_run(s, c->cfg, sc, j->run_at, now, &sum, e);
}

static int run_report(mi_store *s, const mi_queue_job *j, void *ud, int64_t now, mi_err *e) {
  mi_job_context *c = ud;
  const mi_config_schedule *sc = job_schedule(c->cfg, j, "report", e);
  if (!sc) return MI_EINVAL;
  if (!c->report) return mi_err_set(e, MI_EINVAL, "report jobs are run by `manyi run`");
  return c->report(s, c->cfg, sc, j->run_at, now, j->id, e);
}

const mi_sched_kind mi_job_kinds[] = {
    {"notify", N_("one outbox message from the payload {channel, recipient, subject, customer?, body?}"),
     run_notify, 0},
    {"eval-tiers", N_("the tier policy over every customer (a resumable batch)"), run_eval_tiers, 1},
    {"points-expire", N_("expire entries for every loyalty lot past its expiry"), run_points_expire, 1},
    {"sla-check", N_("the escalation policy over every running SLA clock (events + outbox)"),
     run_sla_check, 0},
    {"followups", N_("callback tasks and survey invitations for tickets resolved long enough ago "
     "(a resumable batch)"), run_followups, 1},
    {"care", N_("the care policy over every customer for the day (a resumable batch; outbox, "
     "capped per customer)"), run_care, 1},
    {"survey-wave", N_("sample and send the wave of the period (2026Q4...) of a schedule's survey, once"),
     run_survey_wave, 1},
    {"report", N_("the report of the period that closed (HTML to dir:) and the messages to management "
     "and each department, once"), run_report, 0},
    {NULL, NULL, NULL, 0},
};

void mi_job_context_free(mi_job_context *c) {
  if (!c) return;
  mi_policy_free(c->tiers);
  mi_policy_free(c->escalation);
  mi_policy_free(c->care);
  c->tiers = c->escalation = c->care = NULL;
}
