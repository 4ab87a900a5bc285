/* Escalation: the escalation policy looks at each running SLA clock; what it
 * decides is logged on the ticket and sent to the outbox, once. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/calendar.h"
#include "service/tickets.h"
#include "store/outbox.h"

typedef struct esc {
  mi_store *s;
  const mi_config *cfg;
  mi_policy *policy;
  mi_sched_calendar **cals;
  int64_t now, job_id, escalated;
  mi_err *e;
} esc;

static int record(esc *x, const mi_ticket_row *t, const mi_escalate_decision *d) {
  json_t *roles = json_array();
  for (size_t i = 0; i < d->nnotify; i++) json_array_append_new(roles, json_string(d->notify[i]));
  json_t *dj = json_pack("{s:i, s:o, s:s}", "level", d->level, "notify", roles, "reason", d->reason);
  char *text = json_dumps(dj, JSON_COMPACT);
  json_decref(dj);
  int rc = mi_ticket_event_add(x->s, t->id, x->now, "escalated", "policy:escalation", t->status,
                               t->status, text, x->e);
  for (size_t i = 0; i < d->nnotify && !rc; i++) {
    char key[200], subject[700];
    snprintf(key, sizeof key, "escalation:%s:%d:%s", t->external_id, d->level, d->notify[i]);
    snprintf(subject, sizeof subject, "Ticket %s escalated to level %d: %s", t->external_id,
             d->level, d->reason);
    mi_outbox_msg m = {.key = key, .kind = "escalation", .channel = "internal",
                       .recipient = d->notify[i], .customer_id = t->customer_id,
                       .ticket_id = t->id, .subject = subject, .payload_json = text,
                       .job_id = x->job_id};
    rc = mi_outbox_add(x->s, &m, x->now, x->e);
    rc = rc < 0 ? rc : 0;
  }
  free(text);
  return rc;
}

static int one(esc *x, const char *id) {
  mi_sla_report r;
  int rc = mi_ticket_sla_cached(x->s, x->cfg, x->cals, id, x->now, &r, x->e);
  if (rc || !r.rule) return rc;
  const mi_sla_clock *c = !r.clocks[0].stopped_at ? &r.clocks[0] : &r.clocks[1];
  if (c->stopped_at || c->state == 1) return 0; /* met, or paused */
  const mi_ticket_row *t = &r.ticket;
  mi_view_field tf[] = {
      {.name = "external_id", .type = MI_VIEW_STR, .s = t->external_id},
      {.name = "kind", .type = MI_VIEW_STR, .s = t->kind},
      {.name = "category", .type = MI_VIEW_STR, .s = t->category},
      {.name = "severity", .type = MI_VIEW_STR, .s = t->severity},
      {.name = "channel", .type = MI_VIEW_STR, .s = t->channel},
      {.name = "status", .type = MI_VIEW_STR, .s = t->status},
      {.name = "priority", .type = MI_VIEW_INT, .i = t->priority},
      {.name = "department", .type = MI_VIEW_STR, .s = t->department},
      {.name = "customer_id", .type = MI_VIEW_STR, .s = t->customer},
      {.name = "customer_tier", .type = *t->customer_tier ? MI_VIEW_STR : MI_VIEW_NIL,
       .s = t->customer_tier},
      {.name = "escalation_level", .type = MI_VIEW_INT, .i = t->escalation_level},
  };
  mi_view_field cf[] = {
      {.name = "target", .type = MI_VIEW_STR, .s = c->target},
      {.name = "target_seconds", .type = MI_VIEW_INT, .i = c->allowed},
      {.name = "elapsed_seconds", .type = MI_VIEW_INT, .i = c->used},
      {.name = "remaining_seconds", .type = MI_VIEW_INT, .i = c->allowed - c->used},
      {.name = "used", .type = MI_VIEW_NUM, .d = (double)c->used / (double)c->allowed},
      {.name = "breached", .type = MI_VIEW_BOOL, .i = c->used >= c->allowed},
  };
  mi_view tv = {.kind = "ticket", .id = t->external_id, .fields = tf, .nfields = sizeof tf / sizeof *tf};
  mi_view cv = {.kind = "clock", .id = t->external_id, .fields = cf, .nfields = sizeof cf / sizeof *cf};
  mi_escalate_decision d;
  if ((rc = mi_policy_call_escalate(x->policy, &tv, &cv, &d, x->e))) return rc;
  if (!d.escalate || d.level <= t->escalation_level) return 0;
  if ((rc = record(x, t, &d))) return rc;
  x->escalated++;
  return 0;
}

int mi_tickets_escalate(mi_store *s, const mi_config *cfg, mi_policy *escalation, int64_t now,
                        int64_t job_id, int64_t *escalated, mi_err *e) {
  if (!s || !cfg || !escalation || !escalated) return mi_err_set(e, MI_EINVAL, "escalation needs a policy");
  esc x = {.s = s, .cfg = cfg, .policy = escalation, .now = now, .job_id = job_id, .e = e};
  x.cals = calloc(cfg->ncalendars ? cfg->ncalendars : 1, sizeof *x.cals);
  if (!x.cals) return mi_err_set(e, MI_ENOMEM, "out of memory");
  static const char *const running[] = {"new", "open", NULL};
  char(*ids)[65] = NULL;
  size_t n = 0;
  int rc = mi_ticket_ids(s, running, &ids, &n, e);
  mi_policy_track_lines(escalation, 0); /* one call a clock: no line of each return */
  for (size_t i = 0; i < n && !rc; i++) rc = one(&x, ids[i]);
  mi_policy_track_lines(escalation, 1);
  *escalated = x.escalated;
  free(ids);
  mi_ticket_sla_calendars_free(cfg, x.cals);
  return rc;
}
