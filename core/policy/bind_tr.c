/* manyi.tr(text): text in the language of manyi's messages (--lang, the
 * configuration's `language:`, the locale), looked up in manyi's catalogue
 * (po/zh_CN.po, where `make pot` extracts the bundled policies' tr("...")
 * texts); a text the catalogue lacks comes back as it is. A policy that
 * formats numbers into a reason translates the format:
 *   string.format(tr("%d orders < %s"), n, min)
 * `manyi policy test` turns the lookup off (mi_policy_translate(0)), so a
 * test's expected reasons are the policy's own words in any language. */
#include <lauxlib.h>

#include "policy/policy.h"
#include "policy/policy_internal.h"
#include "util/i18n.h"

static int translate = 1;

void mi_policy_translate(int on) { translate = on; }

static int tr(lua_State *L) {
  const char *text = luaL_checkstring(L, 1);
  const char *out = translate ? mi_tr(text) : text;
  if (out == text) lua_settop(L, 1); /* the same string: no copy */
  else lua_pushstring(L, out);
  return 1;
}

void mi_pol_open_tr(lua_State *L) {
  lua_pushcfunction(L, tr);
  lua_setfield(L, -2, "tr");
}
