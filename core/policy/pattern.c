/* Guarded pattern functions. The count hook cannot interrupt one call into
 * Lua's C pattern matcher, and patterns can backtrack: ("a?"):rep(30) ..
 * ("a"):rep(30) against 30 a's takes 2^30 steps in a single call. So before a
 * call we bound its work from above -- start positions times, per repeated
 * item, the choices the matcher may try ('?' two, '*' '+' '-' up to n+1) --
 * and refuse a call whose bound is past MAX_STEPS. Loops of cheaper calls are
 * caught by the time budget, checked before each call. */
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

#define MAX_STEPS 1e8 /* about a second of matching in the worst case */

/* Index just past the single-character class starting at p[i]. */
static size_t class_end(const char *p, size_t pl, size_t i) {
  char c = p[i++];
  if (c == '%') return i < pl ? i + 1 : i;
  if (c != '[') return i;
  if (i < pl && p[i] == '^') i++;
  do { /* the first ']' of a set is a plain character */
    if (i >= pl) return pl;
    if (p[i++] == '%' && i < pl) i++;
  } while (i < pl && p[i] != ']');
  return i < pl ? i + 1 : pl;
}

static double bound(const char *p, size_t pl, size_t n, int anchor_counts) {
  double steps = 1, choices = (double)n + 1;
  size_t i = 0;
  if (anchor_counts && pl && p[0] == '^') i = 1;
  else steps = choices;
  while (i < pl) {
    char c = p[i];
    if (c == '(' || c == ')') {
      i++;
      continue;
    }
    if (c == '%' && i + 1 < pl && p[i + 1] == 'b') {
      i += 4;
      continue;
    }
    if (c == '%' && i + 1 < pl && p[i + 1] == 'f') {
      i = class_end(p, pl, i + 2);
      continue;
    }
    i = class_end(p, pl, i);
    if (i >= pl) break;
    if (p[i] == '?') steps *= 2, i++;
    else if (p[i] == '*' || p[i] == '+' || p[i] == '-') steps *= choices, i++;
  }
  return steps;
}

/* upvalue 1: the original function; anchor: does '^' anchor it (find, match). */
static int guarded(lua_State *L, int anchor, int plain_arg) {
  size_t n, pl;
  luaL_checklstring(L, 1, &n);
  const char *p = luaL_checklstring(L, 2, &pl);
  mi_pol_budget_check_time(L); /* a loop of costly calls runs few instructions */
  if (!(plain_arg && lua_toboolean(L, plain_arg))) {
    double steps = bound(p, pl, n, anchor);
    if (steps > MAX_STEPS) {
      char msg[300]; /* lua_pushfstring knows no precision */
      snprintf(msg, sizeof msg,
               "pattern '%.40s' on a string of %zu bytes could take %.3g steps (the sandbox "
               "allows %.3g): use fewer repeated items ('?', '*', '+', '-'), a shorter string, "
               "or a plain find",
               p, n, steps, MAX_STEPS);
      return luaL_error(L, "%s", msg);
    }
  }
  int top = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, top, LUA_MULTRET);
  return lua_gettop(L);
}

static int g_find(lua_State *L) { return guarded(L, 1, 4); }
static int g_match(lua_State *L) { return guarded(L, 1, 0); }
static int g_gmatch(lua_State *L) { return guarded(L, 0, 0); }
static int g_gsub(lua_State *L) { return guarded(L, 0, 0); }

void mi_pol_open_patterns(lua_State *L, int strlib) {
  static const luaL_Reg fns[] = {{"find", g_find},   {"match", g_match}, {"gmatch", g_gmatch},
                                 {"gsub", g_gsub},   {NULL, NULL}};
  lua_getglobal(L, "string"); /* the engine's own string library holds the originals */
  for (const luaL_Reg *f = fns; f->name; f++) {
    lua_getfield(L, -1, f->name);
    lua_pushcclosure(L, f->func, 1);
    lua_setfield(L, strlib, f->name);
  }
  lua_pop(L, 1);
}
