/* SLA clocks as a function of a ticket's event log and the calendar its
 * rule's clocks run in: the rule's own (e.g. 24x7 for natural hours), else
 * the department's (DESIGN.md: everything is replayable). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sched/calendar.h"
#include "service/tickets.h"

const char *mi_sla_state_name(int state) {
  static const char *const names[] = {"running", "paused", "met", "breached"};
  return state >= 0 && state < 4 ? names[state] : "?";
}

/* The most specific rule: kind must match; each of priority, tier, channel
 * and department a rule names must match, and counts (1, 2, 4, 8): a rule
 * naming the department beats one naming the channel, and so on. */
static const mi_config_sla *find_rule(const mi_config *cfg, const mi_ticket_row *t) {
  const mi_config_sla *best = NULL;
  int best_score = -1;
  for (size_t i = 0; i < cfg->nsla; i++) {
    const mi_config_sla *r = &cfg->sla[i];
    if (strcmp(r->kind, t->kind)) continue;
    if (r->priority && r->priority != t->priority) continue;
    if (r->tier && strcmp(r->tier->code, t->customer_tier)) continue;
    if (r->channel && strcmp(r->channel, t->channel)) continue;
    if (r->department && strcmp(r->department->code, t->department)) continue;
    int score = (r->priority ? 1 : 0) + (r->tier ? 2 : 0) + (r->channel ? 4 : 0) +
                (r->department ? 8 : 0);
    if (score > best_score) best = r, best_score = score;
  }
  return best;
}

typedef struct walk {
  const mi_sched_calendar *cal;
  int64_t now;
  mi_sla_clock *c;   /* first response, resolution, next response */
  int nclocks;
  int next_running;  /* a customer message waits for its answer */
  mi_sla_report *out;
  const char *status; /* the status since `since` */
  int64_t since;
  char status_buf[16];
  int64_t imp_first, imp_resolved; /* an imported history's stops not passed yet */
  char imp_status[16];             /* its status after them */
  int first_reply_seen;
  int rc;
  mi_err *e;
} walk;

/* Adds [a, b) to clock c as running or paused time; notes when it crosses
 * its allowance. */
static int advance(walk *w, mi_sla_clock *c, int running, int64_t a, int64_t b) {
  if (c->stopped_at || b <= a) return 0;
  int64_t secs;
  int rc = mi_sched_business_between(w->cal, a, b, &secs, w->e);
  if (rc) return rc;
  if (!running) {
    c->paused += secs;
    return 0;
  }
  if (c->used < c->allowed && c->used + secs >= c->allowed &&
      (rc = mi_sched_add_business(w->cal, a, c->allowed - c->used, &c->deadline, w->e)))
    return rc;
  c->used += secs;
  return 0;
}

/* Accounts the span since the last event up to t for both clocks. */
static int span(walk *w, int64_t t) {
  int running = !strcmp(w->status, "new") || !strcmp(w->status, "open");
  int paused = !strcmp(w->status, "pending");
  int rc = 0;
  for (int i = 0; i < w->nclocks && !rc; i++)
    if ((running || paused) && (i < 2 || w->next_running))
      rc = advance(w, &w->c[i], running, w->since, t);
  w->since = t;
  return rc;
}

/* A 'replied' event, or a process stage that answers the customer. */
static int answers(const mi_ticket_event_row *ev) {
  if (!strcmp(ev->kind, "replied")) return 1;
  if (strcmp(ev->kind, "stage") || !ev->detail) return 0;
  json_t *d = json_loads(ev->detail, 0, NULL);
  int yes = json_is_true(json_object_get(d, "responds"));
  json_decref(d);
  return yes;
}

static int resolves(const mi_ticket_event_row *ev) {
  return !strcmp(ev->kind, "resolved") ||
         (!strcmp(ev->kind, "stage") && ev->to_status && !strcmp(ev->to_status, "resolved"));
}

/* The next-response clock runs once per customer message until it is
 * answered; the report keeps the latest cycle and counts the late ones. */
static void next_response(walk *w, const mi_ticket_event_row *ev) {
  mi_sla_clock *c = &w->c[2];
  if (!strcmp(ev->kind, "customer_replied") && !w->next_running) {
    *c = (mi_sla_clock){.target = c->target, .allowed = c->allowed};
    w->next_running = 1;
    w->out->next_cycles++;
  } else if (w->next_running && answers(ev)) {
    c->stopped_at = ev->at;
    w->next_running = 0;
    if (c->used > c->allowed) w->out->next_breached++;
  }
}

static void set_status(walk *w, const char *status) {
  snprintf(w->status_buf, sizeof w->status_buf, "%s", status);
  w->status = w->status_buf;
}

/* An imported ticket's history before the import is one 'imported' event;
 * the row's first response and resolution times stand for the events it
 * had, so the clocks run from opened_at and stop there (a pending ticket
 * waits from its first response). Passes those up to t. */
static int imported_until(walk *w, int64_t t) {
  for (;;) {
    int first = w->imp_first && (!w->imp_resolved || w->imp_first <= w->imp_resolved);
    int64_t at = first ? w->imp_first : w->imp_resolved;
    if (!at || at > t) return 0;
    int rc = span(w, at);
    if (rc) return rc;
    if (first) {
      if (!w->c[0].stopped_at) w->c[0].stopped_at = at;
      if (!strcmp(w->imp_status, "pending")) set_status(w, "pending");
      w->imp_first = 0;
    } else {
      w->c[1].stopped_at = at;
      set_status(w, w->imp_status);
      w->imp_resolved = 0;
    }
  }
}

static int on_event(const mi_ticket_event_row *ev, void *ud) {
  walk *w = ud;
  if (ev->at > w->now) return 1; /* the log as it was at now */
  if ((w->rc = imported_until(w, ev->at)) || (w->rc = span(w, ev->at))) return 1;
  if (!strcmp(ev->kind, "imported") && ev->to_status) {
    const mi_ticket_row *t = &w->out->ticket;
    snprintf(w->imp_status, sizeof w->imp_status, "%s", ev->to_status);
    w->imp_first = t->first_response_at, w->imp_resolved = t->resolved_at;
    int waits = !strcmp(ev->to_status, "pending") && !t->first_response_at;
    set_status(w, waits ? "pending" : t->first_response_at || t->resolved_at ? "open" : ev->to_status);
    return 0;
  }
  if (answers(ev) && !w->c[0].stopped_at) w->c[0].stopped_at = ev->at;
  if (resolves(ev)) w->c[1].stopped_at = ev->at;
  if (!strcmp(ev->kind, "reopened")) w->c[1].stopped_at = 0;
  if (w->nclocks > 2) next_response(w, ev);
  if (ev->to_status) set_status(w, ev->to_status);
  return 0;
}

int mi_ticket_sla(mi_store *s, const mi_config *cfg, const char *ticket, int64_t now,
                  mi_sla_report *out, mi_err *e) {
  if (!cfg) return mi_err_set(e, MI_EINVAL, "no configuration");
  mi_sched_calendar **cals = calloc(cfg->ncalendars ? cfg->ncalendars : 1, sizeof *cals);
  if (!cals) return mi_err_set(e, MI_ENOMEM, "out of memory");
  int rc = mi_ticket_sla_cached(s, cfg, cals, ticket, now, out, e);
  mi_ticket_sla_calendars_free(cfg, cals);
  return rc;
}

void mi_ticket_sla_calendars_free(const mi_config *cfg, mi_sched_calendar **cals) {
  for (size_t i = 0; cals && i < cfg->ncalendars; i++) mi_sched_calendar_free(cals[i]);
  free(cals);
}

/* cfg's calendar cc from cals, built on first use. */
static int cached(const mi_config *cfg, mi_sched_calendar **cals, const mi_config_calendar *cc,
                  const mi_sched_calendar **cal, mi_err *e) {
  size_t ci = (size_t)(cc - cfg->calendars);
  int rc;
  if (!cals[ci] && (rc = mi_sched_calendar_new(cc, &cals[ci], e))) return rc;
  *cal = cals[ci];
  return 0;
}

static const mi_config_department *department_of(const mi_config *cfg, const mi_ticket_row *t,
                                                  mi_err *e) {
  const mi_config_department *d = mi_config_find_department(cfg, t->department);
  if (!d)
    mi_err_set(e, MI_ECONFIG, "ticket %s: department '%s' is not in the configuration",
               t->external_id, t->department);
  return d;
}

int mi_ticket_calendar(const mi_config *cfg, mi_sched_calendar **cals, const mi_ticket_row *t,
                       const mi_sched_calendar **cal, mi_err *e) {
  const mi_config_department *d = department_of(cfg, t, e);
  return d ? cached(cfg, cals, d->calendar, cal, e) : MI_ECONFIG;
}

int mi_ticket_sla_cached(mi_store *s, const mi_config *cfg, mi_sched_calendar **cals,
                         const char *ticket, int64_t now, mi_sla_report *out, mi_err *e) {
  return mi_ticket_sla_under(s, cfg, cals, ticket, now, NULL, out, e);
}

const mi_config_sla *mi_ticket_sla_rule(const mi_config *cfg, const mi_ticket_row *t) {
  return find_rule(cfg, t);
}

int mi_ticket_sla_under(mi_store *s, const mi_config *cfg, mi_sched_calendar **cals,
                        const char *ticket, int64_t now, const mi_config_sla *rule,
                        mi_sla_report *out, mi_err *e) {
  if (!s || !cfg || !cals || !ticket || !out) return mi_err_set(e, MI_EINVAL, "which ticket?");
  memset(out, 0, sizeof *out);
  int rc = mi_ticket_get(s, ticket, &out->ticket, e);
  if (rc) return rc;
  out->rule = rule ? rule : find_rule(cfg, &out->ticket);
  if (!out->rule) return 0;
  const mi_config_department *d = department_of(cfg, &out->ticket, e);
  if (!d) return MI_ECONFIG;
  const mi_config_calendar *cc = mi_config_sla_calendar(out->rule, d);
  const mi_sched_calendar *cal;
  if ((rc = cached(cfg, cals, cc, &cal, e))) return rc;
  out->calendar = cc->name;
  out->round_the_clock = mi_config_calendar_round_the_clock(cc);
  const mi_config_sla *r = out->rule;
  out->clocks[0] = (mi_sla_clock){.target = "first_response",
                                  .allowed = mi_config_sla_seconds(&r->first_response, cc)};
  out->clocks[1] = (mi_sla_clock){.target = "resolution",
                                  .allowed = mi_config_sla_seconds(&r->resolution, cc)};
  out->nclocks = 2;
  if (r->next_response.seconds || r->next_response.days) {
    out->clocks[2] = (mi_sla_clock){.target = "next_response",
                                    .allowed = mi_config_sla_seconds(&r->next_response, cc)};
    out->nclocks = 3;
  }
  walk w = {.cal = cal, .now = now, .c = out->clocks, .nclocks = out->nclocks, .out = out,
            .status = "none", .since = out->ticket.opened_at, .e = e};
  rc = mi_ticket_events_each(s, out->ticket.id, on_event, &w, e);
  if (!rc) rc = w.rc;
  if (!rc) rc = imported_until(&w, now);
  if (!rc) rc = span(&w, now);
  if (!rc && out->nclocks > 2 && !w.next_running && !out->next_cycles)
    out->nclocks = 2; /* no customer message yet: nothing to answer */
  if (!rc && w.next_running && out->clocks[2].used > out->clocks[2].allowed) out->next_breached++;
  for (int i = 0; i < out->nclocks && !rc; i++) {
    mi_sla_clock *c = &out->clocks[i];
    int late = c->used > c->allowed || (c->used == c->allowed && !c->stopped_at);
    if (c->stopped_at) c->state = late ? 3 : 2;
    else if (late) c->state = 3;
    else if (!strcmp(w.status, "pending")) c->state = 1, c->deadline = 0;
    else {
      c->state = 0;
      rc = mi_sched_add_business(cal, now, c->allowed - c->used, &c->deadline, e);
    }
  }
  return rc;
}
