/* Personal links to the hosted questionnaire: see survey_links.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/import.h"
#include "service/survey_links.h"
#include "store/audit.h"
#include "store/put.h"
#include "store/surveys.h"
#include "util/timeutil.h"
#include "util/token.h"

int mi_survey_link_new(mi_store *s, const mi_config *cfg, int64_t invitation_id, int64_t now,
                       char url[MI_LINK_URL_MAX], mi_err *e) {
  url[0] = '\0';
  if (!cfg->serve.base_url) return 0;
  char token[MI_TOKEN_LEN + 1];
  int rc = mi_token_new(token, e);
  if (!rc)
    rc = mi_survey_link_put(s, token, invitation_id, now, now + cfg->serve.link_days * 86400, e);
  if (!rc) snprintf(url, MI_LINK_URL_MAX, "%s/s/%s", cfg->serve.base_url, token);
  return rc;
}

int mi_survey_link_open(mi_store *s, const char *token, int64_t now, mi_survey_link *out,
                        mi_link_state *state, mi_err *e) {
  if (!mi_token_form(token)) return mi_err_set(e, MI_ENOTFOUND, "no such survey link");
  int rc = mi_survey_link_get(s, token, out, e);
  if (rc) return rc;
  *state = out->response_id || !strcmp(out->status, "responded")       ? MI_LINK_ANSWERED
           : now >= out->expires_at || !strcmp(out->status, "expired") ? MI_LINK_EXPIRED
                                                                       : MI_LINK_OPEN;
  return 0;
}

int mi_survey_link_answer(mi_store *s, const mi_config *cfg, const mi_survey_link *l,
                          const char *const *codes, const char *const *values, size_t n,
                          int64_t duration_s, struct mi_alert_intake *alerts, int64_t now, int *put,
                          mi_err *e) {
  enum { FIXED = 7 };
  char key[32], submitted[21], duration[24];
  snprintf(key, sizeof key, "web-%lld", (long long)l->invitation_id);
  mi_instant_format(now, submitted);
  snprintf(duration, sizeof duration, "%lld", (long long)duration_s);
  const char **k = calloc(n + FIXED, sizeof *k), **v = calloc(n + FIXED, sizeof *v);
  if (!k || !v) {
    free(k), free(v);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  const char *fixed_k[FIXED] = {"external_id", "survey",     "customer_id", "submitted_at",
                                "channel",     "invitation", "duration_s"};
  const char *fixed_v[FIXED] = {key,
                                l->survey,
                                l->customer,
                                submitted,
                                "web",
                                l->invitation,
                                duration_s >= 0 ? duration : NULL};
  size_t m = 0;
  for (; m < FIXED; m++) k[m] = fixed_k[m], v[m] = fixed_v[m];
  for (size_t i = 0; i < n; i++)
    if (values[i] && *values[i]) k[m] = codes[i], v[m++] = values[i];
  int rc = mi_store_begin(s, e);
  if (!rc) {
    mi_import_options opt = {.entity = "responses",
                             .path = "the questionnaire",
                             .actor = "web",
                             .now = now,
                             .alerts = alerts};
    rc = mi_import_one(s, cfg, &opt, k, v, m, e);
    if (rc >= 0) *put = rc, rc = 0;
  }
  if (!rc && *put == MI_PUT_INSERTED) {
    char detail[160];
    snprintf(detail, sizeof detail, "{\"survey\":\"%s\",\"response\":\"%s\"}", l->survey, key);
    rc = mi_audit_append(s, "web", "survey-answer", l->invitation, detail, now, e);
  }
  if (!rc)
    rc = mi_store_commit(s, e);
  else
    mi_store_rollback(s);
  free(k), free(v);
  return rc;
}
