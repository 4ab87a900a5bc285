/* Library functions whose work the count hook does not see, because they
 * loop in C: their cost is checked or charged before they run.
 *   string.rep  the result must fit the memory budget (so the common memory
 *               bomb fails as an ordinary error naming its line: a refused
 *               allocation inside Lua reaches no message handler), and an
 *               empty string repeated 2^62 times would loop forever
 *   table.move  each element moved costs one instruction of the budget */
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

static int g_rep(lua_State *L) {
  size_t l, lsep = 0;
  luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if (n <= 0 || l + lsep == 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  mi_pol_budget *b = mi_pol_budget_of(L);
  double want = (double)n * (double)(l + lsep);
  if (want > (double)b->lim.memory - (double)b->used) {
    lua_gc(L, LUA_GCCOLLECT); /* garbage may be what is in the way */
    if (want > (double)b->lim.memory - (double)b->used) return mi_pol_budget_hit(L, MI_POL_HIT_MEM);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static int g_move(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
  if (e >= f) {
    mi_pol_budget *b = mi_pol_budget_of(L);
    /* in double: e - f may not fit an integer */
    double n = (double)e - (double)f + 1;
    if (n > (double)(b->lim.instructions - b->count)) return mi_pol_budget_hit(L, MI_POL_HIT_INSTR);
    b->count += (int64_t)n;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

void mi_pol_open_guards(lua_State *L, const char *lib) {
  static const struct {
    const char *lib, *name;
    lua_CFunction fn;
  } guards[] = {{"string", "rep", g_rep}, {"table", "move", g_move}, {NULL, NULL, NULL}};
  for (int i = 0; guards[i].lib; i++) {
    if (strcmp(guards[i].lib, lib)) continue;
    lua_getglobal(L, lib); /* the engine's own library holds the original */
    lua_getfield(L, -1, guards[i].name);
    lua_pushcclosure(L, guards[i].fn, 1);
    lua_setfield(L, -3, guards[i].name);
    lua_pop(L, 1);
  }
}
