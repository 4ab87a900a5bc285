/* Tickets and agents: the agents a routing policy may pick (their skills,
 * open load, whether their department's calendar is open, who last served
 * the customer), assignment and reassignment (one wins when two assign at
 * once: the write lock serialises them and the second finds the ticket
 * taken), and the queue of open tickets ordered by their SLA clocks. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sched/calendar.h"
#include "service/tickets.h"
#include "store/desk.h"
#include "store/staff.h"

void mi_ticket_agents_free(mi_ticket_agents *a) {
  if (!a) return;
  mi_agents_free(a->rows);
  free(a->views);
  free(a->fields);
  memset(a, 0, sizeof *a);
}

int mi_ticket_agents_make(mi_store *s, const mi_config *cfg, int64_t customer_id, int64_t now,
                          mi_ticket_agents *out, mi_err *e) {
  if (!s || !cfg || !out) return mi_err_set(e, MI_EINVAL, "mi_ticket_agents_make: store, cfg, out");
  memset(out, 0, sizeof *out);
  int rc = mi_agents_list(s, &out->rows, &out->n, e);
  if (rc == 0 && customer_id) rc = mi_agent_last_served(s, customer_id, out->last, e);
  if (rc) return mi_ticket_agents_free(out), rc;
  out->views = calloc(out->n ? out->n : 1, sizeof *out->views);
  out->fields = calloc(out->n ? out->n : 1, sizeof *out->fields);
  mi_sched_calendar **cals = calloc(cfg->ncalendars ? cfg->ncalendars : 1, sizeof *cals);
  if (!out->views || !out->fields || !cals) {
    free(cals);
    mi_ticket_agents_free(out);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < out->n && !rc; i++) {
    const mi_agent_row *a = &out->rows[i];
    /* on duty: the calendar of the agent's department is open now */
    int on_duty = 0;
    const mi_config_department *d = mi_config_find_department(cfg, a->department);
    if (d && d->calendar) {
      size_t k = (size_t)(d->calendar - cfg->calendars);
      if (!cals[k]) rc = mi_sched_calendar_new(d->calendar, &cals[k], e);
      if (!rc) on_duty = mi_sched_is_open(cals[k], now) == 1;
    }
    mi_view_field *f = out->fields[i];
    f[0] = (mi_view_field){.name = "code", .type = MI_VIEW_STR, .s = a->code};
    f[1] = (mi_view_field){.name = "name", .type = MI_VIEW_STR, .s = a->name};
    f[2] = (mi_view_field){.name = "department", .type = MI_VIEW_STR, .s = a->department};
    f[3] = (mi_view_field){.name = "skills", .type = MI_VIEW_STR, .s = a->skills};
    f[4] = (mi_view_field){.name = "open_load", .type = MI_VIEW_INT, .i = a->open_load};
    f[5] = (mi_view_field){.name = "on_duty", .type = MI_VIEW_BOOL, .i = on_duty};
    out->views[i] = (mi_view){.kind = "agent", .id = a->code, .fields = f, .nfields = 6};
  }
  for (size_t k = 0; k < cfg->ncalendars; k++) mi_sched_calendar_free(cals[k]);
  free(cals);
  if (rc) mi_ticket_agents_free(out);
  return rc;
}

static int active_staff(mi_store *s, const char *staff, int64_t *id, mi_err *e) {
  int rc = mi_staff_id(s, staff, id, e);
  if (rc == MI_ENOTFOUND)
    return mi_err_set(e, MI_ENOTFOUND, "unknown staff member '%s' (import staff first)", staff);
  return rc;
}

int mi_ticket_assign(mi_store *s, const char *ticket, const char *staff, int reassign,
                     const char *actor, int64_t now, mi_ticket_row *after, int *changed,
                     mi_err *e) {
  if (!s || !ticket || !staff || !*staff || !actor || !changed)
    return mi_err_set(e, MI_EINVAL, "assign needs a ticket and a staff member");
  *changed = 0;
  int rc = mi_store_begin(s, e); /* BEGIN IMMEDIATE: two assigners take turns */
  if (rc) return rc;
  mi_ticket_row t;
  int64_t id;
  if ((rc = mi_ticket_get(s, ticket, &t, e)) || (rc = active_staff(s, staff, &id, e))) goto fail;
  if (strcmp(t.status, "new") && strcmp(t.status, "open") && strcmp(t.status, "pending")) {
    rc = mi_err_set(e, MI_EINVAL, "ticket %s is %s: it cannot be assigned (only when new, open "
                    "or pending; reopen it first)", ticket, t.status);
    goto fail;
  }
  if (t.assignee_id == id) {
    if (after) *after = t;
    return mi_store_commit(s, e); /* already theirs: nothing to record */
  }
  if (t.assignee_id && !reassign) {
    rc = mi_err_set(e, MI_EEXIST, "ticket %s is assigned to %s already (someone assigned it "
                    "first): nothing changed; to move it, run 'manyi ticket assign %s %s "
                    "--reassign'", ticket, t.assignee, ticket, staff);
    goto fail;
  }
  const char *to = strcmp(t.status, "new") ? t.status : "open";
  json_t *d = json_pack("{s:s}", "staff", staff);
  if (d && t.assignee_id) json_object_set_new(d, "previous", json_string(t.assignee));
  char *text = d ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(d);
  if (!text) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
    goto fail;
  }
  rc = mi_ticket_event_add(s, t.id, now, "assigned", actor, t.status, to, text, e);
  free(text);
  if (rc || (rc = mi_ticket_set_state(s, t.id, to, t.first_response_at, t.resolved_at, id, e)))
    goto fail;
  if (after && (rc = mi_ticket_get(s, ticket, after, e))) goto fail;
  *changed = 1;
  return mi_store_commit(s, e);
fail:
  mi_store_rollback(s);
  return rc;
}

/* The clock a queue orders by: of the ticket's clocks not yet met, the one
 * with the least time left (breached ones have a negative left). */
static void urgent_clock(const mi_sla_report *r, int64_t now, mi_queue_item *q) {
  q->has_clock = 0;
  for (int i = 0; i < r->nclocks; i++) {
    const mi_sla_clock *c = &r->clocks[i];
    if (c->stopped_at || c->state == 2) continue;
    int64_t left = c->state == 1 ? c->allowed - c->used : (c->deadline ? c->deadline - now : c->allowed - c->used);
    if (!q->has_clock || left < q->left) {
      q->has_clock = 1;
      q->left = left;
      q->deadline = c->deadline;
      q->target = c->target;
      q->paused = c->state == 1;
    }
  }
}

static int by_urgency(const void *a, const void *b) {
  const mi_queue_item *x = a, *y = b;
  /* running clocks by time left (overdue first), paused ones, then no SLA;
   * within each the oldest first */
  int rx = x->has_clock ? (x->paused ? 1 : 0) : 2, ry = y->has_clock ? (y->paused ? 1 : 0) : 2;
  if (rx != ry) return rx - ry;
  if (rx == 0 && x->left != y->left) return x->left < y->left ? -1 : 1;
  if (x->ticket.opened_at != y->ticket.opened_at) return x->ticket.opened_at < y->ticket.opened_at ? -1 : 1;
  return strcmp(x->ticket.external_id, y->ticket.external_id);
}

int mi_ticket_queue_get(mi_store *s, const mi_config *cfg, const char *department,
                        const char *staff, int64_t now, mi_queue_item **out, size_t *n,
                        mi_err *e) {
  if (!s || !cfg || !out || !n) return mi_err_set(e, MI_EINVAL, "mi_ticket_queue_get: outputs");
  *out = NULL;
  *n = 0;
  if (department && !mi_config_find_department(cfg, department)) {
    char list[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < cfg->ndepartments && used < sizeof list; i++)
      used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                               cfg->departments[i].code);
    return mi_err_set(e, MI_ENOTFOUND, "unknown department '%s': use one of %s", department, list);
  }
  int64_t sid;
  if (staff && active_staff(s, staff, &sid, e)) return e->code;
  mi_queue_row *rows = NULL;
  size_t nr = 0;
  int rc = mi_ticket_queue(s, department, staff, &rows, &nr, e);
  if (rc) return rc;
  mi_queue_item *items = calloc(nr ? nr : 1, sizeof *items);
  mi_sched_calendar **cals = calloc(cfg->ncalendars ? cfg->ncalendars : 1, sizeof *cals);
  if (!items || !cals) rc = mi_err_set(e, MI_ENOMEM, "out of memory reading a queue");
  for (size_t i = 0; i < nr && !rc; i++) {
    mi_sla_report r;
    rc = mi_ticket_sla_cached(s, cfg, cals, rows[i].external_id, now, &r, e);
    if (rc) break;
    items[i].ticket = r.ticket;
    items[i].age = now - r.ticket.opened_at;
    if (r.rule) urgent_clock(&r, now, &items[i]);
  }
  if (cals) mi_ticket_sla_calendars_free(cfg, cals);
  free(rows);
  if (rc) {
    free(items);
    return rc;
  }
  qsort(items, nr, sizeof *items, by_urgency);
  *out = items;
  *n = nr;
  return 0;
}
