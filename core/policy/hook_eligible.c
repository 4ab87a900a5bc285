/* The eligible hook: eligible(customer, params) -> true | false |
 * {eligible = BOOL, reason = "...", channel = "..."}: may a customer be
 * drawn into a survey wave? A "no" counts under its reason (a short name);
 * a "yes" invites on the channel returned, or else the first consented one
 * of the view. The channel must be one the customer has an address for. */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/hook_test.h"
#include "policy/policy_internal.h"

/* The view's field `name` (BOOL/INT as 0/1, STR as non-NULL), or NULL. */
static const mi_view_field *field(const mi_view *v, const char *name) {
  for (size_t i = 0; i < v->nfields; i++)
    if (!strcmp(v->fields[i].name, name)) return &v->fields[i];
  return NULL;
}

static int has(const mi_view *v, const char *name) {
  const mi_view_field *f = field(v, name);
  return f && (f->type == MI_VIEW_BOOL || f->type == MI_VIEW_INT) && f->i;
}

static void check_channel(mi_pol_hook *h, mi_eligible_decision *out) {
  const mi_view *c = h->args[0];
  if (!out->channel[0]) {
    const mi_view_field *f = field(c, "channel");
    if (!f || f->type != MI_VIEW_STR || !f->s) {
      mi_pol_bad(h, "eligible() said yes for a customer without a consented channel; return "
                    "{eligible = true, channel = ...} (email, sms or phone) or false");
      return;
    }
    snprintf(out->channel, sizeof out->channel, "%s", f->s);
    return;
  }
  int email = !strcmp(out->channel, "email");
  if (!email && strcmp(out->channel, "sms") && strcmp(out->channel, "phone")) {
    mi_pol_bad(h, "eligible() returned channel '%s'; use email, sms or phone", out->channel);
    return;
  }
  if (!has(c, email ? "has_email" : "has_phone"))
    mi_pol_bad(h, "eligible() returned channel '%s' for a customer without %s", out->channel,
               email ? "an email address" : "a phone number");
}

static void check(lua_State *L, mi_pol_hook *h) {
  static const char *const fields[] = {"eligible", "reason", "channel", NULL};
  mi_eligible_decision *out = h->ctx;
  int t = lua_gettop(L);
  char d[64];
  if (lua_type(L, t) == LUA_TBOOLEAN) {
    out->eligible = lua_toboolean(L, t);
    if (!out->eligible) snprintf(out->reason, sizeof out->reason, "not eligible");
    else check_channel(h, out);
    return;
  }
  if (lua_type(L, t) != LUA_TTABLE) {
    mi_pol_describe(L, t, d, sizeof d);
    mi_pol_bad(h, "eligible() returned %s; return true, false or {eligible = false, reason = "
                  "\"...\"}", d);
    return;
  }
  if (mi_pol_want_record(L, h, t, "the decision", fields)) return;
  lua_getfield(L, t, "eligible");
  if (lua_type(L, -1) != LUA_TBOOLEAN) {
    mi_pol_describe(L, -1, d, sizeof d);
    mi_pol_bad(h, "eligible() returned %s as eligible; it must be true or false", d);
    return;
  }
  out->eligible = lua_toboolean(L, -1);
  lua_getfield(L, t, "reason");
  if (!lua_isnil(L, -1)) {
    if (mi_pol_want_text(L, h, -1, "the reason", sizeof out->reason - 1, 0, out->reason)) return;
  } else if (!out->eligible) {
    snprintf(out->reason, sizeof out->reason, "not eligible");
  }
  lua_getfield(L, t, "channel");
  if (!lua_isnil(L, -1)) {
    if (!out->eligible) {
      mi_pol_bad(h, "eligible() returned a channel with eligible = false");
      return;
    }
    if (mi_pol_want_text(L, h, -1, "the channel", sizeof out->channel - 1, 0, out->channel))
      return;
  }
  if (out->eligible) {
    out->reason[0] = '\0';
    check_channel(h, out);
  }
}

int mi_policy_call_eligible(mi_policy *p, const mi_view *customer, mi_eligible_decision *out,
                            mi_err *e) {
  if (out) memset(out, 0, sizeof *out);
  if (!p || !customer || !out || (customer->nfields && !customer->fields))
    return mi_err_set(e, MI_EINVAL, "mi_policy_call_eligible: policy, customer and out are required");
  mi_pol_hook h = {.p = p, .name = "eligible", .args = {customer}, .nargs = 1, .nresults = 1,
                   .check = check, .ctx = out};
  return mi_pol_call_hook_into(&h, out, sizeof *out, &out->line, e);
}

/* ---- manyi policy test (hook_test.h) ---- */

static int test_call(mi_policy *p, const mi_view *const *args, const mi_config *cfg, void *d,
                     mi_err *e) {
  (void)cfg;
  return mi_policy_call_eligible(p, args[0], d, e);
}

static void compare(mi_policy_expect *x, const mi_config_value *exp, const void *decision) {
  const mi_eligible_decision *d = decision;
  int before = x->failed;
  mi_policy_expect_bool(x, exp, "eligible", d->eligible);
  mi_policy_expect_text(x, exp, "reason", d->reason);
  mi_policy_expect_text(x, exp, "channel", d->channel);
  if (x->failed && !before)
    mi_policy_expect_say(x, "decision: %s '%s'", d->eligible ? "eligible on" : "not eligible:",
                         d->eligible ? d->channel : d->reason);
}

static const char *const expect[] = {"eligible", "reason", "channel", NULL};
const mi_policy_hook mi_policy_hook_eligible = {"eligible", expect, sizeof(mi_eligible_decision),
                                                test_call, compare};
