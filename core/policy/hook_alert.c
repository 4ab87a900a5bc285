/* The alert hook: alert(response, customer, ticket, params) -> nil |
 * {department, kind, priority, reason, category?, severity?}. nil means no
 * follow-up; a decision opens a follow-up ticket, so everything it names
 * must be a code of the configuration (the ticket kind decides its SLA). */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/hook_test.h"
#include "policy/policy_internal.h"

typedef struct alert_ctx {
  const mi_config *cfg;
  mi_alert_decision *out;
} alert_ctx;

/* A code the policy returned must be in the configured list. */
static int want_label(lua_State *L, mi_pol_hook *h, const alert_ctx *c, mi_config_list list,
                      const char *key, char *out, size_t size) {
  char what[32];
  snprintf(what, sizeof what, "the %s", key);
  if (mi_pol_want_text(L, h, -1, what, size - 1, 0, out)) return -1;
  mi_err le = {0};
  if (mi_config_check_label(c->cfg, list, out, &le))
    return mi_pol_bad(h, "alert() returned %s: %s", key, le.msg);
  return 0;
}

static void check(lua_State *L, mi_pol_hook *h) {
  static const char *const fields[] = {"department", "kind", "priority", "reason",
                                       "category",   "severity", NULL};
  static const char *const severities[] = {"low", "medium", "high", "critical", NULL};
  alert_ctx *c = h->ctx;
  mi_alert_decision *o = c->out;
  int t = lua_gettop(L);
  int64_t prio = 0;
  if (lua_isnil(L, t)) return; /* no follow-up */
  if (mi_pol_want_record(L, h, t, "the decision", fields)) return;
  lua_getfield(L, t, "department");
  if (mi_pol_want_text(L, h, -1, "the department", sizeof o->department - 1, 0, o->department))
    return;
  if (!mi_config_find_department(c->cfg, o->department)) {
    char list[256];
    size_t n = 0;
    list[0] = '\0';
    for (size_t i = 0; i < c->cfg->ndepartments && n < sizeof list; i++)
      n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
                            c->cfg->departments[i].code);
    mi_pol_bad(h, "alert() returned department '%.64s', which is not a department of the "
                  "configuration (%s)", o->department, list);
    return;
  }
  lua_getfield(L, t, "kind");
  if (want_label(L, h, c, MI_CONFIG_LIST_KIND, "kind", o->kind, sizeof o->kind)) return;
  lua_getfield(L, t, "priority");
  if (mi_pol_want_int(L, h, -1, "the priority", 1, 4, &prio)) return;
  lua_getfield(L, t, "reason");
  if (mi_pol_want_text(L, h, -1, "the reason", MI_POL_REASON_MAX, 1, o->reason)) return;
  lua_getfield(L, t, "category");
  if (lua_isnil(L, -1)) snprintf(o->category, sizeof o->category, "general");
  else if (want_label(L, h, c, MI_CONFIG_LIST_CATEGORY, "category", o->category, sizeof o->category))
    return;
  lua_getfield(L, t, "severity");
  if (lua_isnil(L, -1)) {
    snprintf(o->severity, sizeof o->severity, "medium");
  } else {
    if (mi_pol_want_text(L, h, -1, "the severity", sizeof o->severity - 1, 0, o->severity)) return;
    int ok = 0;
    for (int i = 0; severities[i]; i++) ok |= !strcmp(o->severity, severities[i]);
    if (!ok) {
      mi_pol_bad(h, "alert() returned severity '%s'; use one of low, medium, high, critical",
                 o->severity);
      return;
    }
  }
  o->priority = (int)prio;
  o->open = 1;
}

int mi_policy_call_alert(mi_policy *p, const mi_view *response, const mi_view *customer,
                         const mi_view *ticket, const mi_config *cfg, mi_alert_decision *out,
                         mi_err *e) {
  if (out) memset(out, 0, sizeof *out);
  if (!p || !response || !customer || !cfg || !out || (response->nfields && !response->fields) ||
      (customer->nfields && !customer->fields) || (ticket && ticket->nfields && !ticket->fields))
    return mi_err_set(e, MI_EINVAL,
                      "mi_policy_call_alert: policy, response, customer, cfg and out are required");
  alert_ctx c = {cfg, out};
  mi_pol_hook h = {.p = p, .name = "alert", .args = {response, customer, ticket}, .nargs = 3,
                   .nresults = 1, .check = check, .ctx = &c};
  return mi_pol_call_hook_into(&h, out, sizeof *out, &out->line, e);
}

/* ---- manyi policy test (hook_test.h) ---- */

static int test_call(mi_policy *p, const mi_view *const *args, const mi_config *cfg, void *d,
                     mi_err *e) {
  return mi_policy_call_alert(p, args[0], args[1], args[2], cfg, d, e);
}

/* open: false is nil (no follow-up); the other keys need a follow-up. */
static void compare(mi_policy_expect *x, const mi_config_value *exp, const void *decision) {
  const mi_alert_decision *d = decision;
  int want = mi_policy_expect_flag(x, exp, "open");
  if (want < 0) return;
  if (!want) {
    if (exp->count > 1) mi_policy_expect_at(x, exp, "expect: open: false (nil) cannot have other keys");
    else if (d->open)
      mi_policy_expect_say(x, "expected no follow-up (nil), got one for %s: '%s'", d->department,
                           d->reason);
    return;
  }
  if (!d->open) {
    mi_policy_expect_say(x, "expected a follow-up, got nil (none)");
    return;
  }
  int before = x->failed;
  mi_policy_expect_text(x, exp, "department", d->department);
  mi_policy_expect_text(x, exp, "kind", d->kind);
  mi_policy_expect_int(x, exp, "priority", d->priority);
  mi_policy_expect_text(x, exp, "category", d->category);
  mi_policy_expect_text(x, exp, "severity", d->severity);
  mi_policy_expect_text(x, exp, "reason", d->reason);
  mi_policy_expect_contains(x, exp, "reason_contains", "reason", d->reason);
  if (x->failed && !before)
    mi_policy_expect_say(x, "decision: %s ticket for %s, priority %d, reason '%s'", d->kind,
                         d->department, d->priority, d->reason);
}

static const char *const expect[] = {"open",     "department", "kind",   "priority",
                                     "category", "severity",   "reason", "reason_contains",
                                     NULL};
const mi_policy_hook mi_policy_hook_alert = {"alert", expect, sizeof(mi_alert_decision), test_call,
                                             compare};
