/* The evaluate_staff hook: evaluate_staff(staff, figures, params) -> {rating,
 * notes}. The rating must be a short name, the notes a list of reasons; the
 * service checks the rating against the declared ratings. */
#include <string.h>

#include <lauxlib.h>

#include "policy/hook_test.h"
#include "policy/policy_internal.h"

static void check(lua_State *L, mi_pol_hook *h) {
  static const char *const fields[] = {"rating", "notes", NULL};
  mi_staff_decision *out = h->ctx;
  int t = lua_gettop(L);
  if (mi_pol_want_record(L, h, t, "the rating", fields)) return;
  lua_getfield(L, t, "rating");
  if (mi_pol_want_text(L, h, -1, "the rating", sizeof out->rating - 1, 0, out->rating)) return;
  lua_getfield(L, t, "notes");
  mi_pol_want_reasons(L, h, lua_gettop(L), "the notes", MI_EVALUATE_MAX_REASONS, out->notes,
                      &out->nnotes);
}

int mi_policy_call_evaluate_staff(mi_policy *p, const mi_view *staff, const mi_view *figures,
                                  mi_staff_decision *out, mi_err *e) {
  if (out) memset(out, 0, sizeof *out);
  if (!p || !staff || !figures || !out || (staff->nfields && !staff->fields) ||
      (figures->nfields && !figures->fields))
    return mi_err_set(e, MI_EINVAL, "mi_policy_call_evaluate_staff: policy, staff, figures and "
                                    "out are required");
  mi_pol_hook h = {.p = p, .name = "evaluate_staff", .args = {staff, figures}, .nargs = 2,
                   .nresults = 1, .check = check, .ctx = out};
  int rc = mi_pol_call_hook(&h, e);
  if (rc) {
    memset(out, 0, sizeof *out);
    return rc;
  }
  out->line = h.line;
  return 0;
}

/* ---- manyi policy test (hook_test.h) ---- */

static int test_call(mi_policy *p, const mi_view *const *args, const mi_config *cfg, void *d,
                     mi_err *e) {
  (void)cfg;
  return mi_policy_call_evaluate_staff(p, args[0], args[1], d, e);
}

static void compare(mi_policy_expect *x, const mi_config_value *exp, const void *decision) {
  const mi_staff_decision *d = decision;
  int before = x->failed;
  mi_policy_expect_text(x, exp, "rating", d->rating);
  mi_policy_expect_each_in(x, exp, "notes_contain", d->notes, d->nnotes);
  if (x->failed && !before)
    mi_policy_expect_say(x, "decision: rating %s, first note '%s'", d->rating,
                         d->nnotes ? d->notes[0] : "");
}

static const char *const expect[] = {"rating", "notes_contain", NULL};
const mi_policy_hook mi_policy_hook_evaluate_staff = {
    "evaluate_staff", expect, sizeof(mi_staff_decision), test_call, compare};
