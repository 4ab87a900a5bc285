/* The care hook: care(customer, date, params) -> list of {kind, channel,
 * template}: the care events due for one customer on one day. At most 20;
 * the channel must be one the engine can schedule. */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

static const char *const channels[] = {"email", "sms", "phone", "visit", NULL};

static void check(lua_State *L, mi_pol_hook *h) {
  static const char *const fields[] = {"kind", "channel", "template", NULL};
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
