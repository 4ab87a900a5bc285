/* The evaluate hook: evaluate(department, figures, params) -> {score, grade,
 * passed, reasons, assessed?}. The score must be a finite number 0..100 (NaN
 * and infinities fail), the grade short text, passed a boolean, the reasons a
 * list of reasons, and assessed (optional, default true) a boolean: false
 * when the target could not be judged (too few answers), which then is
 * neither passed nor failed, so passed must be false with it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/hook_test.h"
#include "policy/policy_internal.h"

static void check(lua_State *L, mi_pol_hook *h) {
  static const char *const fields[] = {"score", "grade", "passed", "reasons", "assessed", NULL};
  mi_evaluate_decision *out = h->ctx;
  int t = lua_gettop(L);
  char d[64];
  size_t n = 0;
  if (mi_pol_want_record(L, h, t, "the decision", fields)) return;
  lua_getfield(L, t, "score");
  double score = lua_type(L, -1) == LUA_TNUMBER ? (double)lua_tonumber(L, -1) : NAN;
  if (!isfinite(score) || score < 0 || score > 100) {
    mi_pol_describe(L, -1, d, sizeof d);
    mi_pol_bad(h, "evaluate() returned %s as the score; it must be a finite number from 0 to 100",
               d);
    return;
  }
  lua_getfield(L, t, "grade");
  if (mi_pol_want_text(L, h, -1, "the grade", sizeof out->grade - 1, 0, out->grade)) return;
  lua_getfield(L, t, "passed");
  if (lua_type(L, -1) != LUA_TBOOLEAN) {
    mi_pol_describe(L, -1, d, sizeof d);
    mi_pol_bad(h, "evaluate() returned %s as passed; it must be true or false", d);
    return;
  }
  int passed = lua_toboolean(L, -1);
  lua_getfield(L, t, "assessed");
  int assessed = lua_isnil(L, -1) || lua_toboolean(L, -1);
  if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TBOOLEAN) {
    mi_pol_describe(L, -1, d, sizeof d);
    mi_pol_bad(h, "evaluate() returned %s as assessed; it must be true, false or absent", d);
    return;
  }
  if (!assessed && passed) {
    mi_pol_bad(h, "evaluate() returned passed = true with assessed = false; a target that was "
               "not assessed is not passed: return passed = false");
    return;
  }
  lua_getfield(L, t, "reasons");
  if (mi_pol_want_reasons(L, h, lua_gettop(L), "the reasons", MI_EVALUATE_MAX_REASONS,
                          out->reasons, &n))
    return;
  out->score = score;
  out->passed = passed;
  out->assessed = assessed;
  out->nreasons = n;
}

int mi_policy_call_evaluate(mi_policy *p, const mi_view *department, const mi_view *figures,
                            mi_evaluate_decision *out, mi_err *e) {
  if (out) memset(out, 0, sizeof *out);
  if (!p || !department || !figures || !out || (department->nfields && !department->fields) ||
      (figures->nfields && !figures->fields))
    return mi_err_set(e, MI_EINVAL,
                      "mi_policy_call_evaluate: policy, department, figures and out are required");
  mi_pol_hook h = {.p = p, .name = "evaluate", .args = {department, figures}, .nargs = 2,
                   .nresults = 1, .check = check, .ctx = out};
  return mi_pol_call_hook_into(&h, out, sizeof *out, &out->line, e);
}

/* ---- manyi policy test (hook_test.h) ---- */

static int test_call(mi_policy *p, const mi_view *const *args, const mi_config *cfg, void *d,
                     mi_err *e) {
  (void)cfg;
  return mi_policy_call_evaluate(p, args[0], args[1], d, e);
}

/* score: within 0.005 (a policy rounds as it likes). */
static void compare(mi_policy_expect *x, const mi_config_value *exp, const void *decision) {
  const mi_evaluate_decision *d = decision;
  int before = x->failed;
  const mi_config_value *v = mi_config_value_get(exp, "score");
  if (v) {
    if (v->kind != MI_CONFIG_INT && v->kind != MI_CONFIG_FLOAT)
      mi_policy_expect_at(x, v, "expect.score must be a number, got %s", mi_policy_expect_kind(v->kind));
    else {
      double want = v->kind == MI_CONFIG_INT ? (double)v->i : v->f;
      if (!(fabs(want - d->score) <= 0.005))
        mi_policy_expect_say(x, "expected score %.2f, got %.4f", want, d->score);
    }
  }
  mi_policy_expect_text(x, exp, "grade", d->grade);
  mi_policy_expect_bool(x, exp, "passed", d->passed);
  mi_policy_expect_bool(x, exp, "assessed", d->assessed);
  mi_policy_expect_each_in(x, exp, "reasons_contain", d->reasons, d->nreasons);
  if (x->failed && !before) {
    char all[1024];
    size_t u = 0;
    all[0] = '\0';
    for (size_t k = 0; k < d->nreasons && u < sizeof all; k++)
      u += (size_t)snprintf(all + u, sizeof all - u, "%s'%s'", k ? ", " : "", d->reasons[k]);
    mi_policy_expect_say(x, "decision: score %.2f, grade %s, passed %s, assessed %s, reasons [%s]",
                         d->score, d->grade, d->passed ? "true" : "false",
                         d->assessed ? "true" : "false", all);
  }
}

static const char *const expect[] = {"score", "grade", "passed", "assessed", "reasons_contain",
                                     NULL};
const mi_policy_hook mi_policy_hook_evaluate = {"evaluate", expect, sizeof(mi_evaluate_decision),
                                                test_call, compare};
