/* The code hook: code(text, params) -> list of category codes, for open
 * answers and complaint descriptions. Checked here: a list of at most
 * MI_CODE_MAX codes, each a code (letters, digits, _ and -), none twice. */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/hook_test.h"
#include "policy/policy_internal.h"

static int is_code(const char *s) {
  if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))) return 0;
  for (const char *p = s + 1; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
          *p == '_' || *p == '-'))
      return 0;
  return 1;
}

static void check(lua_State *L, mi_pol_hook *h) {
  mi_code_decision *out = h->ctx;
  int t = lua_gettop(L);
  size_t n = 0;
  if (mi_pol_want_list(L, h, t, "the list of categories", MI_CODE_MAX, &n)) return;
  for (size_t i = 0; i < n; i++) {
    char what[40];
    snprintf(what, sizeof what, "category %zu", i + 1);
    lua_geti(L, t, (lua_Integer)i + 1);
    if (mi_pol_want_text(L, h, -1, what, sizeof out->codes[i] - 1, 0, out->codes[i])) return;
    if (!is_code(out->codes[i])) {
      mi_pol_bad(h, "code() returned '%.64s' as %s: a category is a code (a letter, then "
                    "letters, digits, _ or -)", out->codes[i], what);
      return;
    }
    for (size_t k = 0; k < i; k++)
      if (!strcmp(out->codes[k], out->codes[i])) {
        mi_pol_bad(h, "code() returned category '%s' twice", out->codes[i]);
        return;
      }
    lua_settop(L, t);
  }
  out->ncodes = n;
}

int mi_policy_call_code(mi_policy *p, const mi_view *text, mi_code_decision *out, mi_err *e) {
  if (out) memset(out, 0, sizeof *out);
  if (!p || !text || !out || (text->nfields && !text->fields))
    return mi_err_set(e, MI_EINVAL, "mi_policy_call_code: policy, text and out are required");
  mi_pol_hook h = {.p = p, .name = "code", .args = {text}, .nargs = 1, .nresults = 1,
                   .check = check, .ctx = out};
  return mi_pol_call_hook_into(&h, out, sizeof *out, &out->line, e);
}

/* ---- manyi policy test (hook_test.h) ---- */

/* policy test does not run code cases yet. */
const mi_policy_hook mi_policy_hook_code = {"code", NULL, 0, NULL, NULL};
