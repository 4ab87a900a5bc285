/* notify: what the customer is told about a ticket, and where.
 *   notify:
 *     channels: [sms, email]        # the first one the customer consented to
 *     kinds: [complaint, inquiry]   # optional; default every kind
 *     templates:
 *       received: "您的{kind}已受理，工单号 {ticket}，我们将在 {respond_by} 前答复。"
 *       stage: ...   reply: ...   resolved: ...   visit_booked: ...   visit_cancelled: ...
 *       survey_invitation: ...   survey_reminder: ...
 * A template names its blanks in braces; one the engine does not fill is
 * refused here, with the list of those it does. Stages that tell the
 * customer carry `notify: true` in their workflow (load_workflows.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

/* The blanks of a ticket's notices, and of a survey invitation's or reminder's. */
static const char *const ticket_blanks[] = {
    "ticket", "kind", "category", "customer", "department", "stage",
    "respond_by", "resolve_by", "text", "visit_from", "visit_to", NULL};
static const char *const survey_blanks[] = {"survey", "customer", "ticket", "link", NULL};

/* The events' names, in mi_config_notice's order: the keys of templates. */
static const char *const notice_names[MI_NOTICE_COUNT + 1] = {
    "received",     "stage",           "reply",             "resolved",
    "visit_booked", "visit_cancelled", "survey_invitation", "survey_reminder", NULL};

const char *mi_config_notice_name(mi_config_notice n) {
  return (unsigned)n < MI_NOTICE_COUNT ? notice_names[n] : "?";
}

static void known_list(const char *const *blanks, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (const char *const *p = blanks; *p && used < size; p++)
    used += (size_t)snprintf(buf + used, size - used, "%s{%s}", used ? ", " : "", *p);
}

/* Every {name} of text is one of blanks, which the engine fills; braces come in pairs. */
static int check_template(const mi_cfg_ctx *c, const mi_ynode *n, const char *text,
                          const char *const *blanks) {
  char known[256];
  for (const char *p = text; (p = strpbrk(p, "{}")); ) {
    if (*p == '}')
      return mi_cfg_fail(c, n, "template: a '}' without its '{' (placeholders are {name})");
    const char *end = strchr(p, '}');
    size_t len = end ? (size_t)(end - p - 1) : 0;
    int ok = 0;
    for (const char *const *k = blanks; end && *k && !ok; k++)
      ok = strlen(*k) == len && !strncmp(*k, p + 1, len);
    if (!ok) {
      known_list(blanks, known, sizeof known);
      return mi_cfg_fail(c, n, "template: unknown placeholder '%.*s': use %s",
                         end ? (int)(end - p + 1) : (int)strcspn(p, " "), p, known);
    }
    p = end + 1;
  }
  return 0;
}

int mi_cfg_load_notify(const mi_cfg_ctx *c, const mi_ynode *n) {
  static const char *const keys[] = {"channels", "kinds", "templates", NULL};
  static const char *const required[] = {"channels", "templates", NULL};
  mi_config_notify *f = &c->cfg->notify;
  const mi_ynode *v;
  int rc;
  if ((rc = mi_cfg_want_map(c, n, "notify"))) return rc;
  if ((rc = mi_cfg_check_keys(c, n, keys, required, "notify"))) return rc;
  f->enabled = true;
  v = mi_cfg_get(n, "channels");
  if ((rc = mi_cfg_consent_channels(c, v, f->channels, &f->nchannels))) return rc;
  if ((v = mi_cfg_get(n, "kinds"))) {
    if ((rc = mi_cfg_want_list(c, v, "kinds (ticket kinds the customer is told about)"))) return rc;
    if (!v->n) return mi_cfg_fail(c, v, "kinds: list at least one, or leave it out for every kind");
    if (!(f->kinds = mi_cfg_alloc(c, v->n, sizeof *f->kinds))) return MI_ENOMEM;
    for (size_t i = 0; i < v->n; i++, f->nkinds++)
      if ((rc = mi_cfg_label_ref(c, v->items[i], MI_CONFIG_LIST_KIND, &f->kinds[i]))) return rc;
  }
  v = mi_cfg_get(n, "templates");
  if ((rc = mi_cfg_want_map(c, v, "templates (event: text)"))) return rc;
  if ((rc = mi_cfg_check_keys(c, v, notice_names, NULL, "templates"))) return rc;
  for (int i = 0; i < MI_NOTICE_COUNT; i++) {
    const mi_ynode *t = mi_cfg_get(v, notice_names[i]);
    if (!t) continue;
    if ((rc = mi_cfg_text(c, t, &f->templates[i]))) return rc;
    if (strlen(f->templates[i]) > 900)
      return mi_cfg_fail(c, t, "template: at most 900 bytes (a message's subject holds 1000)");
    int survey = i == MI_NOTICE_SURVEY_INVITATION || i == MI_NOTICE_SURVEY_REMINDER;
    if ((rc = check_template(c, t, f->templates[i], survey ? survey_blanks : ticket_blanks)))
      return rc;
  }
  return 0;
}
