/* The tier hook: tier(customer, params) -> tier, reason. What comes back is
 * checked here (fail closed): the tier must be a code of the configuration
 * and the reason a non-empty UTF-8 string of at most 500 bytes. The line is
 * that of the policy's last return before the call ended (the return hook
 * records it), so explain can point at the rule that decided. */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/hook_test.h"
#include "policy/policy_internal.h"
#include "util/text.h"

typedef struct tier_ctx {
  mi_policy *p;
  const mi_view *view;
  const mi_config *cfg;
  mi_tier_decision *out;
  char bad[900]; /* what was wrong with the results, or "" */
} tier_ctx;

static void check(lua_State *L, tier_ctx *c);

/* Runs protected: the call and the checks (which only read the stack). */
static int tier_body(lua_State *L) {
  tier_ctx *c = lua_touserdata(L, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->p->rt.hooks_ref);
  if (lua_getfield(L, -1, "tier") != LUA_TFUNCTION) {
    snprintf(c->bad, sizeof c->bad, "the policy has no 'tier' hook");
    return 0;
  }
  mi_pol_push_view_kept(L, c->view, 0);
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->p->rt.params_ref);
  lua_call(L, 2, 2);
  check(L, c);
  return 0;
}

static void tier_list(const mi_config *cfg, char *buf, size_t size) {
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < cfg->ntiers && n < size; i++)
    n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", cfg->tiers[i].code);
}

#define BAD(...) (snprintf(c->bad, sizeof c->bad, __VA_ARGS__), (void)0)

/* Checks the results at -2 (tier) and -1 (reason) and fills c->out. */
static void check(lua_State *L, tier_ctx *c) {
  const mi_config *cfg = c->cfg;
  char what[64], list[256];
  size_t tl = 0, rl = 0;
  if (lua_type(L, -2) != LUA_TSTRING) {
    mi_pol_describe(L, -2, what, sizeof what);
    return BAD("tier() returned %s as the tier; return a tier code such as '%s'", what,
               cfg->ntiers ? cfg->tiers[0].code : "A");
  }
  const char *tier = lua_tolstring(L, -2, &tl);
  if (tl >= sizeof c->out->tier || strlen(tier) != tl || !mi_config_find_tier(cfg, tier)) {
    tier_list(cfg, list, sizeof list);
    return BAD("tier() returned tier '%.40s', which is not a tier of the configuration (%s)", tier,
               list);
  }
  if (lua_type(L, -1) != LUA_TSTRING) {
    mi_pol_describe(L, -1, what, sizeof what);
    return BAD("tier() returned %s as the reason; return tier, reason (a non-empty string)", what);
  }
  const char *reason = lua_tolstring(L, -1, &rl);
  if (rl == 0 || rl > MI_POL_REASON_MAX || strlen(reason) != rl ||
      mi_text_utf8_check(reason, rl, NULL, NULL))
    return BAD("tier() returned a reason of %zu bytes; it must be UTF-8 text of 1 to %d bytes "
               "without NUL bytes",
               rl, MI_POL_REASON_MAX);
  memcpy(c->out->tier, tier, tl + 1);
  memcpy(c->out->reason, reason, rl + 1);
}

int mi_policy_call_tier(mi_policy *p, const mi_view *customer, const mi_config *cfg,
                        mi_tier_decision *out, mi_err *e) {
  if (out) memset(out, 0, sizeof *out);
  if (!p || !customer || !cfg || !out || (customer->nfields && !customer->fields))
    return mi_err_set(e, MI_EINVAL,
                      "mi_policy_call_tier: policy, customer, cfg and out are required");
  tier_ctx c = {.p = p, .view = customer, .cfg = cfg, .out = out};
  p->counters.calls++;
  int rc = mi_pol_pcall(p, &p->rt, tier_body, &c, !p->no_lines, customer, e);
  if (!rc && c.bad[0] && p->no_lines) mi_pol_rerun_for_line(p, tier_body, &c, c.bad, sizeof c.bad);
  int line = p->rt.b->ret_line;
  if (!rc && c.bad[0]) rc = mi_pol_fail(p, line, customer, e, "%s", c.bad);
  if (rc) { /* e.g. a budget hit in a coroutine after the results were copied */
    memset(out, 0, sizeof *out);
    return rc;
  }
  out->line = line;
  return 0;
}

/* ---- manyi policy test (hook_test.h) ---- */

static int test_call(mi_policy *p, const mi_view *const *args, const mi_config *cfg, void *d,
                     mi_err *e) {
  return mi_policy_call_tier(p, args[0], cfg, d, e);
}

static void compare(mi_policy_expect *x, const mi_config_value *exp, const void *decision) {
  const mi_tier_decision *d = decision;
  int before = x->failed;
  mi_policy_expect_text(x, exp, "tier", d->tier);
  mi_policy_expect_text(x, exp, "reason", d->reason);
  mi_policy_expect_contains(x, exp, "reason_contains", "reason", d->reason);
  if (x->failed && !before) mi_policy_expect_say(x, "decision: tier %s, reason '%s'", d->tier, d->reason);
}

static const char *const expect[] = {"tier", "reason", "reason_contains", NULL};
const mi_policy_hook mi_policy_hook_tier = {"tier", expect, sizeof(mi_tier_decision), test_call,
                                            compare};
