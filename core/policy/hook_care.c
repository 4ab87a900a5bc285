/* The care hook: care(customer, date, params) -> list of {kind, channel,
 * template, service?}: the care events due for one customer on one day. At
 * most 20; the channel must be one the engine can schedule. service = true
 * marks a service contact (a call about special needs), which the engine
 * sends without the customer's consent to the channel; anything else needs
 * it (care.c). */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/hook_test.h"
#include "policy/policy_internal.h"

static const char *const channels[] = {"email", "sms", "phone", "visit", NULL};

static void check(lua_State *L, mi_pol_hook *h) {
  static const char *const fields[] = {"kind", "channel", "template", "service", NULL};
  mi_care_decision *out = h->ctx;
  int t = lua_gettop(L);
  size_t n = 0;
  if (mi_pol_want_list(L, h, t, "the list of care events", MI_CARE_MAX_ITEMS, &n)) return;
  for (size_t i = 0; i < n; i++) {
    mi_care_item *it = &out->items[i];
    char what[48], channel[16];
    lua_geti(L, t, (lua_Integer)i + 1);
    int item = lua_gettop(L);
    snprintf(what, sizeof what, "care event %zu", i + 1);
    if (mi_pol_want_record(L, h, item, what, fields)) return;
    snprintf(what, sizeof what, "the kind of care event %zu", i + 1);
    lua_getfield(L, item, "kind");
    if (mi_pol_want_text(L, h, -1, what, sizeof it->kind - 1, 0, it->kind)) return;
    snprintf(what, sizeof what, "the channel of care event %zu", i + 1);
    lua_getfield(L, item, "channel");
    if (mi_pol_want_text(L, h, -1, what, sizeof channel - 1, 0, channel)) {
      h->bad[0] = '\0';
      mi_pol_bad(h, "care() returned %s that is not a channel; use one of email, sms, phone, visit",
                 what);
      return;
    }
    int ok = 0;
    for (size_t k = 0; channels[k]; k++) ok |= !strcmp(channel, channels[k]);
    if (!ok) {
      mi_pol_bad(h, "care() returned channel '%s' for care event %zu; use one of email, sms, "
                    "phone, visit",
                 channel, i + 1);
      return;
    }
    memcpy(it->channel, channel, strlen(channel) + 1);
    snprintf(what, sizeof what, "the template of care event %zu", i + 1);
    lua_getfield(L, item, "template");
    if (mi_pol_want_text(L, h, -1, what, sizeof it->template_ - 1, 0, it->template_)) return;
    int service = lua_getfield(L, item, "service");
    if (service != LUA_TNIL && service != LUA_TBOOLEAN) {
      mi_pol_bad(h, "care() returned service = %s for care event %zu; use true, false or leave it "
                    "out", luaL_typename(L, -1), i + 1);
      return;
    }
    it->service = lua_toboolean(L, -1);
    lua_settop(L, t);
  }
  out->nitems = n;
}

int mi_policy_call_care(mi_policy *p, const mi_view *customer, const mi_view *date,
                        mi_care_decision *out, mi_err *e) {
  if (out) memset(out, 0, sizeof *out);
  if (!p || !customer || !date || !out || (customer->nfields && !customer->fields) ||
      (date->nfields && !date->fields))
    return mi_err_set(e, MI_EINVAL, "mi_policy_call_care: policy, customer, date and out are required");
  mi_pol_hook h = {.p = p, .name = "care", .args = {customer, date}, .nargs = 2, .nresults = 1,
                   .check = check, .ctx = out};
  return mi_pol_call_hook_into(&h, out, sizeof *out, &out->line, e);
}

/* ---- manyi policy test (hook_test.h) ---- */

static int test_call(mi_policy *p, const mi_view *const *args, const mi_config *cfg, void *d,
                     mi_err *e) {
  (void)cfg;
  return mi_policy_call_care(p, args[0], args[1], d, e);
}

/* items: each a map of some of kind, channel, template, service, in order. */
static void compare_items(mi_policy_expect *x, const mi_config_value *v, const mi_care_decision *d) {
  static const char *const keys[] = {"kind", "channel", "template", "service", NULL};
  if (v->kind != MI_CONFIG_LIST) {
    mi_policy_expect_at(x, v, "expect.items must be a list of maps, got %s", mi_policy_expect_kind(v->kind));
    return;
  }
  if (v->count != d->nitems) mi_policy_expect_say(x, "expected %zu items, got %zu", v->count, d->nitems);
  for (size_t i = 0; i < v->count && i < d->nitems; i++) {
    const mi_config_value *it = &v->items[i];
    if (it->kind != MI_CONFIG_MAP) {
      mi_policy_expect_at(x, it, "expect.items[%zu] must be a map {kind, channel, template, service}",
                          i + 1);
      break;
    }
    const char *got[] = {d->items[i].kind, d->items[i].channel, d->items[i].template_};
    for (size_t k = 0; k < it->count; k++) {
      size_t j = 0;
      while (keys[j] && strcmp(keys[j], it->keys[k])) j++;
      if (!keys[j]) {
        mi_policy_expect_at(x, &it->items[k],
                            "expect.items[%zu]: unknown key '%s' (kind, channel, template, service)",
                            i + 1, it->keys[k]);
        continue;
      }
      if (j == 3) { /* service: a boolean */
        if (it->items[k].kind != MI_CONFIG_BOOL)
          mi_policy_expect_at(x, &it->items[k], "expect.items[%zu].service must be true or false",
                              i + 1);
        else if (it->items[k].b != (d->items[i].service != 0))
          mi_policy_expect_say(x, "expected item %zu service %s, got %s", i + 1,
                               it->items[k].b ? "true" : "false",
                               d->items[i].service ? "true" : "false");
        continue;
      }
      if (mi_policy_expect_want_text(x, &it->items[k], keys[j])) continue;
      if (strcmp(it->items[k].s, got[j]))
        mi_policy_expect_say(x, "expected item %zu %s '%s', got '%s'", i + 1, keys[j], it->items[k].s,
                             got[j]);
    }
  }
}

static void compare(mi_policy_expect *x, const mi_config_value *exp, const void *decision) {
  const mi_care_decision *d = decision;
  int before = x->failed;
  const char *kinds[MI_CARE_MAX_ITEMS];
  for (size_t i = 0; i < d->nitems; i++) kinds[i] = d->items[i].kind;
  mi_policy_expect_int(x, exp, "count", (int64_t)d->nitems);
  mi_policy_expect_names(x, exp, "kinds", kinds, d->nitems);
  const mi_config_value *v = mi_config_value_get(exp, "items");
  if (v) compare_items(x, v, d);
  if (x->failed && !before) {
    char all[1024];
    size_t u = 0;
    all[0] = '\0';
    for (size_t k = 0; k < d->nitems && u < sizeof all; k++)
      u += (size_t)snprintf(all + u, sizeof all - u, "%s{%s, %s, %s%s}", k ? ", " : "",
                            d->items[k].kind, d->items[k].channel, d->items[k].template_,
                            d->items[k].service ? ", service" : "");
    mi_policy_expect_say(x, "decision: [%s]", all);
  }
}

static const char *const expect[] = {"count", "kinds", "items", NULL};
const mi_policy_hook mi_policy_hook_care = {"care", expect, sizeof(mi_care_decision), test_call,
                                            compare};
