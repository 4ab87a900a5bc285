/* Sending a wave: each pending invitation becomes one outbox message for
 * whatever sends mail, SMS or phone lists; a reminder goes once to those who
 * have not answered after the given time. Consent and address are checked
 * again when sending: a customer who withdrew consent to the invitation's
 * channel (or lost the address) since the sample gets a 'skipped' row with
 * the reason instead, and the invitation stays unsent. Keys make a rerun add
 * nothing. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/survey_links.h"
#include "service/surveys.h"
#include "service/tickets.h"
#include "store/outbox.h"
#include "store/survey_waves.h"

typedef struct send {
  mi_store *s;
  const mi_config *cfg;
  const mi_config_survey *survey;
  const char *wave;
  int remind;
  int64_t now, count, skipped;
  mi_err *e;
} send;

static int one(void *ud, const mi_wave_invitation *inv) {
  send *x = ud;
  char key[120];
  snprintf(key, sizeof key, "%s:%s", x->remind ? "survey-reminder" : "survey", inv->external_id);
  char recipient[80], reason[120], link[MI_LINK_URL_MAX] = "";
  int deliverable = inv->consent && inv->address && *inv->address;
  int rc = deliverable ? mi_survey_link_new(x->s, x->cfg, inv->id, x->now, link, x->e) : 0;
  if (rc) return rc;
  char *subject = mi_survey_notice_text(
      x->cfg, x->remind ? MI_NOTICE_SURVEY_REMINDER : MI_NOTICE_SURVEY_INVITATION, x->survey,
      inv->customer_name, NULL, link);
  json_t *pj = json_pack("{s:s, s:s, s:s}", "survey", x->survey->code, "wave", x->wave,
                         "invitation", inv->external_id);
  if (pj && *link) json_object_set_new(pj, "link", json_string(link));
  char *payload = json_dumps(pj, JSON_COMPACT);
  json_decref(pj);
  if (!deliverable) {
    snprintf(recipient, sizeof recipient, "customer:%s", inv->customer);
    snprintf(reason, sizeof reason, !inv->consent ? "the customer withdrew consent to %s"
                                                  : "the customer has no %s address any more",
             inv->channel);
  }
  mi_outbox_msg m = {.key = key, .kind = x->remind ? "survey_reminder" : "survey_invitation",
                     .channel = inv->channel, .recipient = deliverable ? inv->address : recipient,
                     .customer_id = inv->customer_id, .subject = subject, .payload_json = payload,
                     .status = deliverable ? NULL : "skipped", .reason = deliverable ? NULL : reason};
  rc = subject && payload ? mi_outbox_add(x->s, &m, x->now, x->e)
                          : mi_err_set(x->e, MI_ENOMEM, "out of memory");
  free(subject);
  free(payload);
  if (rc < 0) return rc;
  if (!deliverable) { /* unsent; a reminder is not tried again */
    x->skipped++;
    return x->remind ? mi_invitation_mark(x->s, inv->id, "reminded", x->now, x->e) : 0;
  }
  x->count++;
  return mi_invitation_mark(x->s, inv->id, x->remind ? "reminded" : "sent", x->now, x->e);
}

int mi_survey_dispatch(mi_store *s, const mi_config *cfg, const char *survey, const char *wave,
                       int64_t remind_after, int64_t now, int64_t *count, int64_t *skipped,
                       mi_err *e) {
  const mi_config_survey *sv = mi_config_find_survey(cfg, survey);
  if (!sv) return mi_err_set(e, MI_EINVAL, "no survey '%s' in the configuration", survey);
  send x = {.s = s, .cfg = cfg, .survey = sv, .wave = wave, .remind = remind_after > 0,
            .now = now, .e = e};
  int64_t wave_id;
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  if (!(rc = mi_wave_get(s, survey, wave, &wave_id, NULL, 0, e)))
    rc = mi_wave_invitations(s, wave_id, x.remind ? "unanswered" : "pending", now - remind_after,
                             one, &x, e);
  if (rc) {
    mi_store_rollback(s);
    return rc;
  }
  *count = x.count;
  if (skipped) *skipped = x.skipped;
  return mi_store_commit(s, e);
}
