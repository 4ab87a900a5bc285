/* The escalate hook: escalate(ticket, clock, params) -> nil | {level,
 * notify, reason}. nil means "leave the ticket as it is"; a decision must
 * have a level 1..3, a list of at most 10 roles to notify and a reason. */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

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
