/* followup: after a ticket is resolved, a callback task once `delay` of
 * business time has passed in the department's calendar, and (if `survey`
 * names one) the post-service survey on the first of `channels` the customer
 * consented to. care: the cap on care messages per customer and period. */
#include <string.h>

#include "config/config_internal.h"

int mi_cfg_load_followup(const mi_cfg_ctx *c, const mi_ynode *n) {
  static const char *const keys[] = {"delay", "survey", "channels", NULL};
  static const char *const required[] = {"delay", NULL};
  mi_config_followup *f = &c->cfg->followup;
  const mi_ynode *v;
  int rc;
  if ((rc = mi_cfg_want_map(c, n, "followup"))) return rc;
  if ((rc = mi_cfg_check_keys(c, n, keys, required, "followup"))) return rc;
  if ((rc = mi_cfg_duration(c, mi_cfg_get(n, "delay"), &f->delay))) return rc;
  f->enabled = true;
  if ((v = mi_cfg_get(n, "survey"))) {
    size_t i;
    if ((rc = mi_cfg_ref(c, v, "survey", c->cfg->surveys, c->cfg->nsurveys,
                         sizeof *c->cfg->surveys, &i)))
      return rc;
    f->survey = &c->cfg->surveys[i];
  }
  if (!(v = mi_cfg_get(n, "channels"))) {
    f->channels[0] = mi_cfg_strdup(c, "email");
    f->nchannels = 1;
    return f->channels[0] ? 0 : MI_ENOMEM;
  }
  if ((rc = mi_cfg_consent_channels(c, v, f->channels, &f->nchannels))) return rc;
  return 0;
}

int mi_cfg_load_care(const mi_cfg_ctx *c, const mi_ynode *n) {
  static const char *const keys[] = {"max_per_customer", "per", NULL};
  static const char *const required[] = {"max_per_customer", NULL};
  static const char *const periods[] = {"month", "quarter", "year", NULL};
  mi_config_care *care = &c->cfg->care;
  const mi_ynode *v;
  int rc;
  if ((rc = mi_cfg_want_map(c, n, "care"))) return rc;
  if ((rc = mi_cfg_check_keys(c, n, keys, required, "care"))) return rc;
  if ((rc = mi_cfg_int(c, mi_cfg_get(n, "max_per_customer"), 1, 1000, &care->max_per_customer)))
    return rc;
  if ((v = mi_cfg_get(n, "per"))) {
    int k;
    if ((rc = mi_cfg_word(c, v, periods, "period", &k))) return rc;
    care->per = (mi_config_period)(MI_CONFIG_PERIOD_MONTH + k);
  }
  return 0;
}

int mi_cfg_consent_channels(const mi_cfg_ctx *c, const mi_ynode *v, char **out, size_t *count) {
  static const char *const channels[] = {"email", "sms", "phone", NULL};
  int rc;
  if ((rc = mi_cfg_want_list(c, v, "channels"))) return rc;
  if (!v->n || v->n > 3) return mi_cfg_fail(c, v, "channels: list one to three of email, sms, phone");
  for (size_t i = 0; i < v->n; i++) {
    int k;
    if ((rc = mi_cfg_word(c, v->items[i], channels, "channel", &k))) return rc;
    for (size_t j = 0; j < *count; j++)
      if (!strcmp(out[j], channels[k]))
        return mi_cfg_fail(c, v->items[i], "channel '%s' is listed twice", channels[k]);
    if (!(out[*count] = mi_cfg_strdup(c, channels[k]))) return MI_ENOMEM;
    (*count)++;
  }
  return 0;
}
