/* The escalate hook: escalate(ticket, clock, params) -> nil | {level,
 * notify, reason}. nil means "leave the ticket as it is"; a decision must
 * have a level 1..3, a list of at most 10 roles to notify and a reason. */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/hook_test.h"
#include "policy/policy_internal.h"

static void check(lua_State *L, mi_pol_hook *h) {
  static const char *const fields[] = {"level", "notify", "reason", NULL};
  mi_escalate_decision *out = h->ctx;
  int t = lua_gettop(L);
  int64_t level = 0;
  size_t n = 0;
  if (lua_isnil(L, t)) return; /* no escalation */
  if (mi_pol_want_record(L, h, t, "the decision", fields)) return;
  lua_getfield(L, t, "level");
  if (mi_pol_want_int(L, h, -1, "the level", 1, MI_ESCALATE_MAX_LEVEL, &level)) return;
  lua_getfield(L, t, "notify");
  int list = lua_gettop(L);
  if (mi_pol_want_list(L, h, list, "notify", MI_ESCALATE_MAX_NOTIFY, &n)) return;
  for (size_t i = 0; i < n; i++) {
    char what[32];
    snprintf(what, sizeof what, "notify[%zu]", i + 1);
    lua_geti(L, list, (lua_Integer)i + 1);
    if (mi_pol_want_text(L, h, -1, what, sizeof out->notify[i] - 1, 0, out->notify[i])) return;
    lua_pop(L, 1);
  }
  lua_getfield(L, t, "reason");
  if (mi_pol_want_text(L, h, -1, "the reason", MI_POL_REASON_MAX, 1, out->reason)) return;
  out->escalate = 1;
  out->level = (int)level;
  out->nnotify = n;
}

int mi_policy_call_escalate(mi_policy *p, const mi_view *ticket, const mi_view *clock,
                            mi_escalate_decision *out, mi_err *e) {
  if (out) memset(out, 0, sizeof *out);
  if (!p || !ticket || !clock || !out || (ticket->nfields && !ticket->fields) ||
      (clock->nfields && !clock->fields))
    return mi_err_set(e, MI_EINVAL,
                      "mi_policy_call_escalate: policy, ticket, clock and out are required");
  mi_pol_hook h = {.p = p, .name = "escalate", .args = {ticket, clock}, .nargs = 2,
                   .nresults = 1, .check = check, .ctx = out};
  return mi_pol_call_hook_into(&h, out, sizeof *out, &out->line, e);
}

/* ---- manyi policy test (hook_test.h) ---- */

static int test_call(mi_policy *p, const mi_view *const *args, const mi_config *cfg, void *d,
                     mi_err *e) {
  (void)cfg;
  return mi_policy_call_escalate(p, args[0], args[1], d, e);
}

/* escalate: false is nil (no escalation); the other keys need one. */
static void compare(mi_policy_expect *x, const mi_config_value *exp, const void *decision) {
  const mi_escalate_decision *d = decision;
  int want = mi_policy_expect_flag(x, exp, "escalate");
  if (want < 0) return;
  if (!want && exp->count > 1) {
    mi_policy_expect_at(x, mi_config_value_get(exp, "escalate"),
                        "expect: escalate: false (nil) cannot have a level, notify or reason");
    return;
  }
  if (!want) {
    if (d->escalate)
      mi_policy_expect_say(x, "expected no escalation (nil), got level %d: '%s'", d->level, d->reason);
    return;
  }
  if (!d->escalate) {
    mi_policy_expect_say(x, "expected an escalation, got nil (no escalation)");
    return;
  }
  int before = x->failed;
  const char *names[MI_ESCALATE_MAX_NOTIFY];
  for (size_t i = 0; i < d->nnotify; i++) names[i] = d->notify[i];
  mi_policy_expect_int(x, exp, "level", d->level);
  mi_policy_expect_names(x, exp, "notify", names, d->nnotify);
  mi_policy_expect_text(x, exp, "reason", d->reason);
  mi_policy_expect_contains(x, exp, "reason_contains", "reason", d->reason);
  if (x->failed && !before) mi_policy_expect_say(x, "decision: level %d, reason '%s'", d->level, d->reason);
}

static const char *const expect[] = {"escalate", "level", "notify", "reason", "reason_contains",
                                     NULL};
const mi_policy_hook mi_policy_hook_escalate = {"escalate", expect, sizeof(mi_escalate_decision),
                                                test_call, compare};
