/* The customer is told (notify: in the configuration): a ticket received,
 * a stage marked `notify: true`, an agent's reply, the resolution and a
 * technician's visit booked or cancelled each become one outbox message,
 * from the event's template, on the first of notify.channels the customer
 * consented to (and has an address for), with
 * the ticket number and the promised times of the SLA clocks in the
 * configuration's time zone. A customer with no such channel gets a row all
 * the same, status 'skipped' with the reason, so the record shows why they
 * heard nothing. Written in the transaction of the ticket's move, keyed by
 * ticket, event and time (a visit: by its appointment): a move stored once
 * tells once. The texts of survey invitations and reminders come from the
 * same templates (mi_survey_notice_text). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sched/tz.h"
#include "service/tickets.h"
#include "store/customers.h"
#include "store/outbox.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

const char *mi_customer_channel(char *const *channels, size_t n, const mi_customer *c,
                                const char **address) {
  for (size_t i = 0; i < n; i++) {
    const char *ch = channels[i];
    const char *to = !strcmp(ch, "email") ? c->email : c->phone;
    if (mi_customer_consents(c, ch) && to && *to) return *address = to, ch;
  }
  return NULL;
}

/* Why no channel would do: "sms: no consent; email: no address". */
static void why_not(char *const *channels, size_t n, const mi_customer *c, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < size; i++) {
    const char *ch = channels[i];
    used += (size_t)snprintf(buf + used, size - used, "%s%s: %s", i ? "; " : "", ch,
                             !mi_customer_consents(c, ch) ? "no consent" : "no address");
  }
}

/* "2026-12-05 21:30" on the configuration's clock, "-" for no time. */
static void local_time(const mi_sched_tz *tz, int64_t t, char *buf, size_t size) {
  if (!t || !tz) {
    snprintf(buf, size, "-");
    return;
  }
  char iso[21];
  mi_instant_format(mi_sched_tz_local(tz, t), iso);
  snprintf(buf, size, "%.10s %.5s", iso, iso + 11);
}

static const char *display(const mi_config *cfg, const char *kind, const char *code,
                           const char *fallback) {
  const char *lang = cfg->language ? cfg->language : "zh_CN";
  const char *n = mi_config_display_name(cfg, lang, kind, code);
  return n ? n : fallback;
}

typedef struct fill {
  const char *name, *value;
} fill;

/* The template with each {name} replaced (load_notify.c checked the names). */
static char *render(const char *tpl, const fill *f, size_t nf) {
  mi_strbuf b;
  mi_strbuf_init(&b);
  for (const char *p = tpl; *p;) {
    const char *open = strchr(p, '{');
    if (!open) {
      mi_strbuf_appends(&b, p);
      break;
    }
    mi_strbuf_append(&b, p, (size_t)(open - p));
    const char *end = strchr(open, '}');
    size_t len = end ? (size_t)(end - open - 1) : 0;
    for (size_t i = 0; end && i < nf; i++)
      if (strlen(f[i].name) == len && !strncmp(f[i].name, open + 1, len))
        mi_strbuf_appends(&b, f[i].value ? f[i].value : "-");
    p = end ? end + 1 : open + strlen(open);
  }
  if (!b.data) mi_strbuf_appends(&b, ""); /* an empty text is still a text */
  return b.data; /* the caller's to free */
}

/* "2026-11-20 10:15" of "2026-11-20T10:15:00+08:00", "-" for none. */
static void visit_time(const char *iso, char *buf, size_t size) {
  if (iso && strlen(iso) >= 16) snprintf(buf, size, "%.10s %.5s", iso, iso + 11);
  else snprintf(buf, size, "-");
}

char *mi_survey_notice_text(const mi_config *cfg, mi_config_notice ev,
                            const mi_config_survey *sv, const char *customer, const char *ticket,
                            const char *link) {
  const char *tpl = cfg->notify.templates[ev];
  const char *survey = display(cfg, "surveys", sv->code, sv->name);
  if (link && !*link) link = NULL;
  if (!tpl && !link) return strdup(survey);
  fill f[] = {{"survey", survey}, {"customer", customer}, {"ticket", ticket}, {"link", link}};
  char *text = render(tpl ? tpl : "{survey}", f, sizeof f / sizeof *f);
  /* the customer gets the link even where the template does not place it */
  if (text && link && (!tpl || !strstr(tpl, "{link}"))) {
    char *with = malloc(strlen(text) + strlen(link) + 2);
    if (with) sprintf(with, "%s %s", text, link);
    free(text);
    text = with;
  }
  return text;
}

int mi_ticket_notify(mi_store *s, const mi_config *cfg, const char *ticket, mi_config_notice ev,
                     const mi_notice_detail *d, int64_t now, mi_err *e) {
  if (!s || !cfg || !ticket) return mi_err_set(e, MI_EINVAL, "telling the customer needs a ticket");
  const mi_notice_detail none = {0};
  if (!d) d = &none;
  const char *stage = d->stage;
  const mi_config_notify *nf = &cfg->notify;
  if (!nf->enabled || (unsigned)ev >= MI_NOTICE_COUNT || !nf->templates[ev]) return 0;
  mi_ticket_row t;
  int rc = mi_ticket_get(s, ticket, &t, e);
  if (rc) return rc;
  int wanted = !nf->kinds;
  for (size_t i = 0; i < nf->nkinds; i++) wanted |= !strcmp(nf->kinds[i], t.kind);
  if (!wanted) return 0;
  /* the promised times: the SLA clocks' deadlines as they stand now */
  mi_sla_report r;
  mi_err sub = {0};
  if (mi_ticket_sla(s, cfg, ticket, now, &r, &sub)) /* no clock (a department gone): "-" */
    r.rule = NULL, r.nclocks = 0;
  mi_sched_tz *tz = NULL;
  if ((rc = mi_sched_tz_open(cfg->timezone, &tz, e))) return rc;
  char respond[32], resolve[32];
  local_time(tz, r.rule && r.nclocks > 0 ? r.clocks[0].deadline : 0, respond, sizeof respond);
  local_time(tz, r.rule && r.nclocks > 1 ? r.clocks[1].deadline : 0, resolve, sizeof resolve);
  mi_sched_tz_free(tz);
  mi_customer c;
  if ((rc = mi_customer_get(s, t.customer, &c, e))) return rc;
  const mi_config_label *kind = mi_config_find_label(cfg, MI_CONFIG_LIST_KIND, t.kind);
  const mi_config_label *cat = mi_config_find_label(cfg, MI_CONFIG_LIST_CATEGORY, t.category);
  const mi_config_department *dept = mi_config_find_department(cfg, t.department);
  char from[20], to[20];
  visit_time(d->visit_from, from, sizeof from);
  visit_time(d->visit_to, to, sizeof to);
  fill f[] = {
      {"ticket", t.external_id},
      {"kind", kind ? kind->name : t.kind},
      {"category", display(cfg, "categories", t.category, cat ? cat->name : t.category)},
      {"customer", c.name},
      {"department", display(cfg, "departments", t.department, dept ? dept->name : t.department)},
      {"stage", stage ? display(cfg, "stages", stage, stage) : NULL},
      {"respond_by", respond},
      {"resolve_by", resolve},
      {"text", d->text},
      {"visit_from", from},
      {"visit_to", to},
  };
  char *body = render(nf->templates[ev], f, sizeof f / sizeof *f);
  const char *address = NULL;
  const char *ch = mi_customer_channel(nf->channels, nf->nchannels, &c, &address);
  char key[200], recipient[80], reason[300] = "", kindname[32];
  snprintf(key, sizeof key, "notice:%s:%s%s%s:%lld", t.external_id, mi_config_notice_name(ev),
           stage ? ":" : "", stage ? stage : "", (long long)now);
  if (ev == MI_NOTICE_RECEIVED) /* once per ticket, whenever it is told */
    snprintf(key, sizeof key, "notice:%s:received", t.external_id);
  if (d->appointment) /* once per visit and event */
    snprintf(key, sizeof key, "notice:%s:%s:%lld", t.external_id, mi_config_notice_name(ev),
             (long long)d->appointment);
  snprintf(kindname, sizeof kindname, "ticket_%s", mi_config_notice_name(ev));
  if (!ch) {
    char why[200];
    why_not(nf->channels, nf->nchannels, &c, why, sizeof why);
    snprintf(reason, sizeof reason, "no channel the customer consented to (%s)", why);
    snprintf(recipient, sizeof recipient, "customer:%s", c.external_id);
  }
  json_t *pj = json_pack("{s:s, s:s, s:s, s:s}", "event", mi_config_notice_name(ev), "ticket",
                         t.external_id, "respond_by", respond, "resolve_by", resolve);
  if (stage) json_object_set_new(pj, "stage", json_string(stage));
  if (d->appointment) {
    json_object_set_new(pj, "appointment", json_integer(d->appointment));
    json_object_set_new(pj, "starts_at", json_string(d->visit_from ? d->visit_from : "-"));
    json_object_set_new(pj, "ends_at", json_string(d->visit_to ? d->visit_to : "-"));
  }
  char *payload = json_dumps(pj, JSON_COMPACT);
  json_decref(pj);
  mi_outbox_msg m = {.key = key, .kind = kindname, .channel = ch ? ch : nf->channels[0],
                     .recipient = ch ? address : recipient, .customer_id = c.id,
                     .ticket_id = t.id, .subject = body && *body ? body : "-",
                     .payload_json = payload, .status = ch ? NULL : "skipped",
                     .reason = ch ? NULL : reason};
  rc = body && payload ? mi_outbox_add(s, &m, now, e) : mi_err_set(e, MI_ENOMEM, "out of memory");
  free(body);
  free(payload);
  mi_customer_release(&c);
  return rc < 0 ? rc : 0;
}
