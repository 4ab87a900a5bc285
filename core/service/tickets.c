#include "service/tickets.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/customers.h"
#include "store/departments.h"
#include "store/staff.h"
#include "store/ticket_causes.h"

/* Kinds, categories and channels are the configuration's (ticket_kinds,
 * categories, channels); severities are the schema's. */
static const char *const severities[] = {"low", "medium", "high", "critical", NULL};

static int one_of(const char *field, const char *v, const char *const *allowed, mi_err *e) {
  char list[200] = "";
  for (const char *const *a = allowed; *a; a++) {
    if (v && !strcmp(v, *a)) return 0;
    strcat(strcat(list, *list ? ", " : ""), *a);
  }
  return mi_err_set(e, MI_EINVAL, "%s: '%s' is not one of %s", field, v ? v : "", list);
}

/* A JSON object text from key/value pairs (values may be NULL: left out). */
static char *detail(const char *k1, const char *v1, const char *k2, const char *v2) {
  json_t *o = json_object();
  if (v1) json_object_set_new(o, k1, json_string(v1));
  if (k2 && v2) json_object_set_new(o, k2, json_string(v2));
  char *t = json_object_size(o) ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  return t;
}

int mi_ticket_open(mi_store *s, const mi_config *cfg, mi_policy *routing,
                   const mi_ticket_request *r, mi_ticket_opened *out, mi_err *e) {
  if (!s || !cfg || !routing || !r || !out || !r->customer || !r->actor)
    return mi_err_set(e, MI_EINVAL, "opening a ticket needs a customer");
  memset(out, 0, sizeof *out);
  int rc;
  if ((rc = mi_config_check_label(cfg, MI_CONFIG_LIST_KIND, r->kind, e)) ||
      (rc = mi_config_check_label(cfg, MI_CONFIG_LIST_CATEGORY, r->category, e)) ||
      (rc = one_of("severity", r->severity, severities, e)) ||
      (rc = mi_config_check_label(cfg, MI_CONFIG_LIST_CHANNEL, r->channel, e)))
    return rc;
  size_t len = r->subject ? strlen(r->subject) : 0;
  if (len < 1 || len > 1000) return mi_err_set(e, MI_EINVAL, "subject: give 1 to 1000 bytes of text");
  mi_customer c;
  if ((rc = mi_customer_get(s, r->customer, &c, e))) return rc;
  char tier[33];
  snprintf(tier, sizeof tier, "%s", c.tier ? c.tier : "");
  int64_t customer_id = c.id;
  mi_customer_release(&c);
  if ((rc = mi_store_begin(s, e))) return rc;
  if (r->external_id) snprintf(out->external_id, sizeof out->external_id, "%s", r->external_id);
  else if ((rc = mi_ticket_next_id(s, out->external_id, sizeof out->external_id, e))) goto fail;
  mi_ticket_agents agents;
  if ((rc = mi_ticket_agents_make(s, cfg, customer_id, r->now, &agents, e))) goto fail;
  mi_view_field f[] = {
      {.name = "external_id", .type = MI_VIEW_STR, .s = out->external_id},
      {.name = "kind", .type = MI_VIEW_STR, .s = r->kind},
      {.name = "category", .type = MI_VIEW_STR, .s = r->category},
      {.name = "severity", .type = MI_VIEW_STR, .s = r->severity},
      {.name = "channel", .type = MI_VIEW_STR, .s = r->channel},
      {.name = "status", .type = MI_VIEW_STR, .s = "new"},
      {.name = "priority", .type = MI_VIEW_NIL},
      {.name = "department", .type = MI_VIEW_NIL},
      {.name = "customer_id", .type = MI_VIEW_STR, .s = r->customer},
      {.name = "customer_tier", .type = *tier ? MI_VIEW_STR : MI_VIEW_NIL, .s = tier},
      {.name = "escalation_level", .type = MI_VIEW_INT, .i = 0},
      {.name = "agents", .type = MI_VIEW_LIST, .list = agents.views, .nlist = agents.n},
      {.name = "last_agent", .type = *agents.last ? MI_VIEW_STR : MI_VIEW_NIL, .s = agents.last},
  };
  mi_view v = {.kind = "ticket", .id = out->external_id, .fields = f, .nfields = sizeof f / sizeof *f};
  mi_route_decision d;
  rc = mi_policy_call_route(routing, &v, cfg, &d, e);
  mi_ticket_agents_free(&agents);
  if (rc) goto fail;
  mi_ticket t = {.external_id = out->external_id, .customer_id = customer_id, .kind = r->kind,
                 .category = r->category, .severity = r->severity, .channel = r->channel,
                 .priority = d.priority, .status = "new", .opened_at = r->now, .subject = r->subject};
  int64_t id;
  if ((rc = mi_department_id(s, d.department, &t.department_id, e)) ||
      (rc = mi_ticket_insert(s, &t, &id, e)))
    goto fail;
  char *opened = detail("subject", r->subject, "channel", r->channel);
  rc = mi_ticket_event_add(s, id, r->now, "opened", r->actor, NULL, "new", opened, e);
  free(opened);
  if (rc) goto fail;
  json_t *rj = json_pack("{s:s, s:i, s:s, s:s}", "department", d.department, "priority",
                         d.priority, "reason", d.reason, "policy", mi_policy_digest(routing));
  char *routed = json_dumps(rj, JSON_COMPACT);
  json_decref(rj);
  rc = mi_ticket_event_add(s, id, r->now, "routed", "policy:routing", "new", "new", routed, e);
  free(routed);
  if (rc || (rc = mi_ticket_stage_start(s, cfg, id, r->kind, r->actor, r->now, e))) goto fail;
  if (*d.agent) { /* the policy picked an agent of the department (checked by the hook) */
    int64_t staff;
    char *assigned = detail("staff", d.agent, NULL, NULL);
    rc = mi_staff_id(s, d.agent, &staff, e);
    if (!rc) rc = mi_ticket_event_add(s, id, r->now, "assigned", "policy:routing", "new", "open",
                                      assigned, e);
    free(assigned);
    if (rc || (rc = mi_ticket_set_state(s, id, "open", 0, 0, staff, e))) goto fail;
    snprintf(out->agent, sizeof out->agent, "%s", d.agent);
  }
  if ((rc = mi_ticket_notify(s, cfg, out->external_id, MI_NOTICE_RECEIVED, NULL, r->now, e)))
    goto fail;
  if ((rc = mi_store_commit(s, e))) goto fail;
  snprintf(out->department, sizeof out->department, "%s", d.department);
  snprintf(out->reason, sizeof out->reason, "%s", d.reason);
  out->priority = d.priority;
  return 0;
fail:
  mi_store_rollback(s);
  return rc;
}

/* What each action may start from, where it leads ("" = stays), the event
 * it logs, and its argument (NULL = none; else its name, '!' = required). */
static const struct action {
  const char *name, *from, *to, *event, *arg;
} actions[] = {
    {"assign", "new open pending", "open", "assigned", "staff!"},
    {"reply", "new open", "open", "replied", "text"},
    {"pend", "new open", "pending", "pended", "reason!"},
    {"resume", "pending", "open", "resumed", "text"},
    {"resolve", "new open pending", "resolved", "resolved", "resolution!"},
    {"reopen", "resolved", "open", "reopened", "reason!"},
    {"close", "resolved", "closed", "closed", NULL},
    {"note", "new open pending resolved closed", "", "note", "text!"},
    {"customer-reply", "new open pending", "", "customer_replied", "text"},
    {"followup", "resolved", "closed", "followed_up", "outcome!"},
    {NULL, NULL, NULL, NULL, NULL},
};

const char *mi_ticket_actions(void) {
  return "assign reply pend resume resolve reopen close note customer-reply followup";
}

static int in_list(const char *list, const char *word) {
  size_t n = strlen(word);
  for (const char *p = list; (p = strstr(p, word)); p += n)
    if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n])) return 1;
  return 0;
}

/* Who was responsible for a complaint: a department code, else a staff id. */
static int responsible(mi_store *s, const mi_config *cfg, const char *who, int64_t *dept,
                       int64_t *staff, mi_err *e) {
  *dept = *staff = 0;
  if (mi_config_find_department(cfg, who)) return mi_department_id(s, who, dept, e);
  mi_err sub = {0};
  if (!mi_staff_id(s, who, staff, &sub)) return 0;
  char known[512] = "";
  size_t used = 0;
  for (size_t i = 0; i < cfg->ndepartments && used < sizeof known; i++)
    used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "",
                             cfg->departments[i].code);
  return mi_err_set(e, MI_EINVAL, "--responsible '%.64s' is neither a department (%s) nor a "
                    "staff member's id", who, known);
}

/* The accountability of a complaint being resolved or closed: checks what
 * was given and records it (the row; the event of the move carries it in
 * its detail); closing a complaint with none given or recorded is refused
 * when the configuration lists root causes. */
static int account(mi_store *s, const mi_config *cfg, const mi_ticket_row *t, const char *to,
                   const mi_ticket_cause *cause, const char *actor, int64_t now, mi_err *e) {
  int given = cause && (cause->root_cause || cause->responsible), rc = 0;
  if (given && (!cfg || !cfg->nroot_causes))
    return mi_err_set(e, MI_EINVAL, "the configuration lists no root causes (root_causes: in "
                      "manyi.yaml): nothing to record");
  if (!cfg || !cfg->nroot_causes || strcmp(t->kind, "complaint")) {
    if (given) return mi_err_set(e, MI_EINVAL, "only complaints record a root cause (ticket %s "
                                 "is a %s)", t->external_id, t->kind);
    return 0;
  }
  if (!given) {
    int has = 0;
    if (strcmp(to, "closed") || (rc = mi_ticket_cause_has(s, t->id, &has, e)) || has) return rc;
    char known[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < cfg->nroot_causes && used < sizeof known; i++)
      used += (size_t)snprintf(known + used, sizeof known - used, "%s%s (%s)", i ? ", " : "",
                               cfg->root_causes[i].code, cfg->root_causes[i].name);
    return mi_err_set(e, MI_EINVAL, "complaint %s cannot be closed without its root cause and "
                      "who was responsible: give --root-cause CODE --responsible DEPT|STAFF; "
                      "root causes: %s", t->external_id, known);
  }
  if (!cause->root_cause || !cause->responsible)
    return mi_err_set(e, MI_EINVAL, "give both --root-cause CODE and --responsible DEPT|STAFF");
  int64_t dept, staff;
  if ((rc = mi_config_check_label(cfg, MI_CONFIG_LIST_ROOT_CAUSE, cause->root_cause, e)) ||
      (rc = responsible(s, cfg, cause->responsible, &dept, &staff, e)))
    return rc;
  return mi_ticket_cause_put(s, t->id, cause->root_cause, dept, staff, now, actor, e);
}

int mi_ticket_act(mi_store *s, const mi_config *cfg, const char *ticket, const char *action,
                  const char *arg, const mi_ticket_cause *cause, const char *actor, int64_t now,
                  mi_ticket_row *after, mi_err *e) {
  if (!s || !ticket || !action || !actor) return mi_err_set(e, MI_EINVAL, "which ticket, which action?");
  const struct action *a = actions;
  while (a->name && strcmp(a->name, action)) a++;
  if (!a->name)
    return mi_err_set(e, MI_EINVAL, "unknown action '%s' (actions: %s)", action, mi_ticket_actions());
  if (a->arg && strchr(a->arg, '!') && (!arg || !*arg))
    return mi_err_set(e, MI_EINVAL, "%s needs the %.*s", action, (int)strcspn(a->arg, "!"), a->arg);
  if (!a->arg && arg) return mi_err_set(e, MI_EINVAL, "%s takes no text", action);
  if (arg && strlen(arg) > 2000) return mi_err_set(e, MI_EINVAL, "the text is longer than 2000 bytes");
  if (cause && (cause->root_cause || cause->responsible) && strcmp(a->to, "resolved") &&
      strcmp(a->to, "closed"))
    return mi_err_set(e, MI_EINVAL, "--root-cause and --responsible go with resolve, close or "
                      "followup, not %s", action);
  int rc;
  if ((rc = mi_store_begin(s, e))) return rc;
  mi_ticket_row t;
  if ((rc = mi_ticket_get(s, ticket, &t, e))) goto fail;
  if (!in_list(a->from, t.status)) {
    rc = mi_err_set(e, MI_EINVAL, "ticket %s is %s: it cannot be %s (only when %s)", ticket,
                    t.status, !strcmp(action, "reply") ? "replied to" : a->event, a->from);
    goto fail;
  }
  const char *to = *a->to ? a->to : t.status;
  if (!strcmp(action, "assign") && strcmp(t.status, "new")) to = t.status; /* pending stays pending */
  if (!strcmp(action, "customer-reply") && !strcmp(t.status, "pending")) to = "open"; /* the answer came */
  int64_t assignee = -1, first = t.first_response_at, resolved = t.resolved_at;
  if (!strcmp(action, "assign") && (rc = mi_staff_id(s, arg, &assignee, e))) goto fail;
  if (!strcmp(action, "reply") && !first) first = now;
  if (!strcmp(action, "resolve")) resolved = now;
  if (!strcmp(action, "reopen")) resolved = 0;
  char key[32];
  snprintf(key, sizeof key, "%.*s", (int)strcspn(a->arg ? a->arg : "", "!"), a->arg ? a->arg : "");
  if ((rc = account(s, cfg, &t, to, cause, actor, now, e))) goto fail;
  char *text = arg ? detail(key, arg, NULL, NULL) : NULL;
  if (cause && cause->root_cause && cause->responsible) { /* accepted: the event says it too */
    json_t *o = text ? json_loads(text, 0, NULL) : json_object();
    json_object_set_new(o, "root_cause", json_string(cause->root_cause));
    json_object_set_new(o, "responsible", json_string(cause->responsible));
    free(text);
    text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
  }
  rc = mi_ticket_event_add(s, t.id, now, a->event, actor, t.status, to, text, e);
  free(text);
  if (rc || (rc = mi_ticket_set_state(s, t.id, to, first, resolved, assignee, e))) goto fail;
  /* the customer is told of a reply and of the resolution (notify:) */
  if (cfg && !strcmp(action, "reply") &&
      (rc = mi_ticket_notify(s, cfg, ticket, MI_NOTICE_REPLY, &(mi_notice_detail){.text = arg}, now, e)))
    goto fail;
  if (cfg && !strcmp(action, "resolve") &&
      (rc = mi_ticket_notify(s, cfg, ticket, MI_NOTICE_RESOLVED, &(mi_notice_detail){.text = arg}, now, e)))
    goto fail;
  if (after && (rc = mi_ticket_get(s, ticket, after, e))) goto fail;
  return mi_store_commit(s, e);
fail:
  mi_store_rollback(s);
  return rc;
}
