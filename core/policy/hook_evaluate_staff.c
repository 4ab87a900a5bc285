/* The evaluate_staff hook: evaluate_staff(staff, figures, params) -> {rating,
 * notes}. The rating must be a short name, the notes a list of reasons; the
 * service checks the rating against the declared ratings. */
#include <string.h>

#include <lauxlib.h>

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
