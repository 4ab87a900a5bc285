/* The route hook: route(ticket, params) -> {department, priority, reason,
 * agent?}. Checked here before a ticket is routed: the department must be a
 * code of the configuration, the priority an integer 1..4, the reason text,
 * and an agent one of the view's agents (ticket.agents) of that department. */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/hook_test.h"
#include "policy/policy_internal.h"

typedef struct route_ctx {
  const mi_config *cfg;
  const mi_view *ticket;
  mi_route_decision *out;
} route_ctx;

static const char *text_field(const mi_view *v, const char *name) {
  for (size_t i = 0; v && i < v->nfields; i++)
    if (!strcmp(v->fields[i].name, name) && v->fields[i].type == MI_VIEW_STR) return v->fields[i].s;
  return NULL;
}

/* The agent the policy named must be one the view offered, in the
 * department it chose: a policy cannot hand a ticket to anyone else. */
static int agent_ok(const route_ctx *c, char *list, size_t size) {
  size_t n = 0;
  list[0] = '\0';
  for (size_t i = 0; i < c->ticket->nfields; i++) {
    const mi_view_field *f = &c->ticket->fields[i];
    if (f->type != MI_VIEW_LIST || strcmp(f->name, "agents")) continue;
    for (size_t j = 0; j < f->nlist; j++) {
      const char *code = text_field(&f->list[j], "code"), *dept = text_field(&f->list[j], "department");
      if (!code || !dept || strcmp(dept, c->out->department)) continue;
      if (!strcmp(code, c->out->agent)) return 1;
      if (n < size) n += (size_t)snprintf(list + n, size - n, "%s%s", n ? ", " : "", code);
    }
  }
  return 0;
}

static void dept_list(const mi_config *cfg, char *buf, size_t size) {
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < cfg->ndepartments && n < size; i++)
    n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", cfg->departments[i].code);
}

static void check(lua_State *L, mi_pol_hook *h) {
  static const char *const fields[] = {"department", "priority", "reason", "agent", NULL};
  route_ctx *c = h->ctx;
  int t = lua_gettop(L);
  char list[256];
  int64_t prio = 0;
  if (mi_pol_want_record(L, h, t, "the decision", fields)) return;
  lua_getfield(L, t, "department");
  if (mi_pol_want_text(L, h, -1, "the department", sizeof c->out->department - 1, 0,
                       c->out->department))
    return;
  if (!mi_config_find_department(c->cfg, c->out->department)) {
    dept_list(c->cfg, list, sizeof list);
    mi_pol_bad(h, "route() returned department '%.64s', which is not a department of the "
                  "configuration (%s)",
               c->out->department, list);
    return;
  }
  lua_getfield(L, t, "priority");
  if (mi_pol_want_int(L, h, -1, "the priority", 1, 4, &prio)) return;
  c->out->priority = (int)prio;
  lua_getfield(L, t, "reason");
  if (mi_pol_want_text(L, h, -1, "the reason", MI_POL_REASON_MAX, 1, c->out->reason)) return;
  lua_getfield(L, t, "agent");
  if (lua_isnil(L, -1)) return;
  if (mi_pol_want_text(L, h, -1, "the agent", sizeof c->out->agent - 1, 0, c->out->agent)) return;
  if (!agent_ok(c, list, sizeof list))
    mi_pol_bad(h, "route() returned agent '%.64s', who is not one of the agents of department %s "
                  "in the view (%s)",
               c->out->agent, c->out->department, *list ? list : "none");
}

int mi_policy_call_route(mi_policy *p, const mi_view *ticket, const mi_config *cfg,
                         mi_route_decision *out, mi_err *e) {
  if (out) memset(out, 0, sizeof *out);
  if (!p || !ticket || !cfg || !out || (ticket->nfields && !ticket->fields))
    return mi_err_set(e, MI_EINVAL, "mi_policy_call_route: policy, ticket, cfg and out are required");
  route_ctx c = {cfg, ticket, out};
  mi_pol_hook h = {.p = p, .name = "route", .args = {ticket}, .nargs = 1, .nresults = 1,
                   .check = check, .ctx = &c};
  return mi_pol_call_hook_into(&h, out, sizeof *out, &out->line, e);
}

/* ---- manyi policy test (hook_test.h) ---- */

static int test_call(mi_policy *p, const mi_view *const *args, const mi_config *cfg, void *d,
                     mi_err *e) {
  return mi_policy_call_route(p, args[0], cfg, d, e);
}

static void compare(mi_policy_expect *x, const mi_config_value *exp, const void *decision) {
  const mi_route_decision *d = decision;
  int before = x->failed;
  mi_policy_expect_text(x, exp, "department", d->department);
  mi_policy_expect_int(x, exp, "priority", d->priority);
  mi_policy_expect_text(x, exp, "reason", d->reason);
  mi_policy_expect_contains(x, exp, "reason_contains", "reason", d->reason);
  const mi_config_value *agent = mi_config_value_get(exp, "agent");
  if (agent && agent->kind == MI_CONFIG_NULL && *d->agent)
    mi_policy_expect_say(x, "expected no agent, got %s", d->agent);
  else if (agent && agent->kind != MI_CONFIG_NULL)
    mi_policy_expect_text(x, exp, "agent", d->agent);
  if (x->failed && !before)
    mi_policy_expect_say(x, "decision: department %s, priority %d, agent %s, reason '%s'",
                         d->department, d->priority, *d->agent ? d->agent : "none", d->reason);
}

static const char *const expect[] = {"department", "priority", "reason", "reason_contains",
                                     "agent", NULL};
const mi_policy_hook mi_policy_hook_route = {"route", expect, sizeof(mi_route_decision), test_call,
                                             compare};
