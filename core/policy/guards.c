/* Library functions whose work the count hook does not see, because they
 * loop in C: their cost is checked or charged before they run.
 *   string.rep  the result must fit the memory budget (so the common memory
 *               bomb fails as an ordinary error naming its line: a refused
 *               allocation inside Lua reaches no message handler), and an
 *               empty string repeated 2^62 times would loop forever
 *   table.move  each element moved costs one instruction of the budget, and
 *               so do the elements insert, remove, sort, concat and unpack
 *               touch (sort: n log2 n comparisons)
 * Every other C function of the string, table and utf8 libraries (and
 * tonumber, tostring, os.date) checks the call's deadline before it runs:
 * each does work at most linear in what the memory budget lets a string or
 * table hold, but a loop of such calls runs few instructions between two
 * stops of the count hook. pcall, xpcall, error and the coroutine functions
 * run Lua, which the hook counts (xpcall, resume, wrap and close have their
 * own versions in sandbox_funcs.c, for what a budget hit leaves behind). */
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

/* string.rep(s, n [, sep]) built here rather than by the library's loop,
 * which copies s once per repetition (200 million 1-byte copies took 1.7 s
 * past any deadline): the first s..sep is written, then the result so far
 * is copied after itself, so the work is a few copies of the whole. */
static int g_rep(lua_State *L) {
  size_t l, lsep = 0;
  const char *s = luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  const char *sep = luaL_optlstring(L, 3, "", &lsep);
  mi_pol_budget_check_time(L);
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
  size_t unit = l + lsep, total = (size_t)n * unit - lsep; /* fits: within the memory budget */
  luaL_Buffer buf;
  char *p = luaL_buffinitsize(L, &buf, total);
  memcpy(p, s, l);
  if (n > 1) memcpy(p + l, sep, lsep);
  for (size_t done = n > 1 ? unit : l; done < total;) { /* done: a multiple of unit */
    size_t chunk = done < total - done ? done : total - done;
    memcpy(p + done, p, chunk);
    done += chunk;
  }
  luaL_pushresultsize(&buf, total);
  return 1;
}

static int call_original(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static int g_move(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
  mi_pol_budget_check_time(L);
  if (e >= f) mi_pol_budget_charge(L, (double)e - (double)f + 1); /* in double: may not fit */
  return call_original(L);
}

/* The length of the table argument without running policy code (__len
 * would); 0 for anything that is not a plain table. */
static double raw_len(lua_State *L, int idx) {
  return lua_type(L, idx) == LUA_TTABLE ? (double)lua_rawlen(L, idx) : 0;
}

/* insert, remove, concat, unpack: charged by the length of the table. */
static int g_linear(lua_State *L) {
  mi_pol_budget_check_time(L);
  mi_pol_budget_charge(L, raw_len(L, 1) + 1);
  return call_original(L);
}

static int g_sort(lua_State *L) {
  mi_pol_budget_check_time(L);
  double n = raw_len(L, 1), lg = 1;
  for (double m = n; m > 1; m /= 2) lg++;
  mi_pol_budget_charge(L, n * lg);
  return call_original(L);
}

/* Every other library function: the deadline, then the original. */
static int g_checked(lua_State *L) {
  mi_pol_budget_check_time(L);
  return call_original(L);
}

/* Which functions of a library the deadline check wraps (NULL: all). */
static int wants_check(const char *lib, const char *name) {
  static const char *const base[] = {"tonumber", "tostring", NULL};
  if (!strcmp(lib, "string") || !strcmp(lib, "table") || !strcmp(lib, "utf8")) return 1;
  if (!strcmp(lib, "os")) return !strcmp(name, "date");
  if (strcmp(lib, "_G")) return 0;
  for (int i = 0; base[i]; i++)
    if (!strcmp(base[i], name)) return 1;
  return 0;
}

void mi_pol_open_guards(lua_State *L, const char *lib) {
  static const struct {
    const char *lib, *name;
    lua_CFunction fn;
  } guards[] = {{"string", "rep", g_rep},      {"table", "move", g_move},
                {"table", "insert", g_linear}, {"table", "remove", g_linear},
                {"table", "concat", g_linear}, {"table", "unpack", g_linear},
                {"table", "sort", g_sort},     {NULL, NULL, NULL}};
  int t = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, t)) { /* the deadline check first, then the guards replace some */
    if (lua_type(L, -2) == LUA_TSTRING && lua_iscfunction(L, -1) &&
        wants_check(lib, lua_tostring(L, -2))) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_pushcclosure(L, g_checked, 1);
      lua_rawset(L, t); /* assigning an existing field during next is allowed */
      continue;
    }
    lua_pop(L, 1);
  }
  for (int i = 0; guards[i].lib; i++) {
    if (strcmp(guards[i].lib, lib)) continue;
    lua_getglobal(L, lib); /* the engine's own library holds the original */
    lua_getfield(L, -1, guards[i].name);
    lua_pushcclosure(L, guards[i].fn, 1);
    lua_setfield(L, -3, guards[i].name);
    lua_pop(L, 1);
  }
}
