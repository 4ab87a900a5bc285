/* Guarded pattern functions. The count hook cannot interrupt one call into
 * Lua's C pattern matcher, and patterns can backtrack: ("a?"):rep(30) ..
 * ("a"):rep(30) against 30 a's takes 2^30 steps in a single call. So before a
 * call we bound its work from above and refuse a call whose bound is past
 * what the time left in the call's budget allows (at most MAX_STEPS).
 *
 * The bound follows how the matcher works, item by item from one start
 * position: a single-character class costs its length in the pattern; '*',
 * '+' and '-' scan up to n+1 characters and try the rest of the pattern at
 * each; '?' tries the rest twice; %b and a back-reference %1-%9 scan up to n
 * characters. Summed as W = a1 + b1 * (a2 + b2 * (...)), times the start
 * positions (n+1, or 1 when '^' anchors). A plain find (or a pattern without
 * specials, which Lua runs as a plain find) compares the needle at each start:
 * (n+1) * (needle + 1). gmatch and gsub try each start position once in all,
 * so the bound holds for the whole iteration. Loops of cheaper calls are
 * caught by the time budget, checked before each call. */
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

#define MAX_STEPS 1e8     /* about a second of matching in the worst case */
#define STEPS_PER_MS 1e5  /* a step costs well under 10 ns: the time left buys this many */

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
  double scan = (double)n + 1, a = 0, b = 1; /* W = a + b * (rest) */
  double starts = scan;
  size_t i = 0;
  if (anchor_counts && pl && p[0] == '^') starts = 1, i = 1;
#define ITEM(cost, mult) (a += b * (cost), b *= (mult))
  while (i < pl) {
    char c = p[i];
    if (c == '(' || c == ')' || (c == '$' && i + 1 == pl)) {
      ITEM(1, 1);
      i++;
      continue;
    }
    if (c == '%' && i + 1 < pl && p[i + 1] == 'b') {
      ITEM(scan, 1);
      i += 4;
      continue;
    }
    if (c == '%' && i + 1 < pl && p[i + 1] >= '0' && p[i + 1] <= '9') {
      ITEM(scan, 1); /* a back-reference compares up to the whole capture */
      i += 2;
      continue;
    }
    if (c == '%' && i + 1 < pl && p[i + 1] == 'f') {
      size_t e = class_end(p, pl, i + 2);
      ITEM((double)(e - i), 1);
      i = e;
      continue;
    }
    size_t e = class_end(p, pl, i);
    double len = (double)(e - i);
    i = e;
    if (i < pl && p[i] == '?') ITEM(len, 2), i++;
    else if (i < pl && (p[i] == '*' || p[i] == '+' || p[i] == '-')) ITEM(scan * len + len, scan), i++;
    else ITEM(len, 1);
  }
#undef ITEM
  return starts * (a + b);
}

/* upvalue 1: the original function; anchor: does '^' anchor it (find, match). */
static int guarded(lua_State *L, int anchor, int plain_arg) {
  size_t n, pl;
  luaL_checklstring(L, 1, &n);
  const char *p = luaL_checklstring(L, 2, &pl);
  mi_pol_budget_check_time(L); /* a loop of costly calls runs few instructions */
  int plain = plain_arg && lua_toboolean(L, plain_arg);
  double steps = plain ? ((double)n + 1) * ((double)pl + 1) : bound(p, pl, n, anchor);
  if (steps > MAX_STEPS) {
    char msg[400]; /* lua_pushfstring knows no precision */
    snprintf(msg, sizeof msg,
             "%s '%.40s' on a string of %zu bytes could take %.3g steps (the sandbox allows "
             "%.3g): use %s",
             plain ? "find of" : "pattern", p, n, steps, MAX_STEPS,
             plain ? "a shorter string or needle"
                   : "fewer repeated items ('?', '*', '+', '-'), %b or back-references, a shorter "
                     "string, or a plain find");
    return luaL_error(L, "%s", msg);
  }
  /* A call that could outlast the call's deadline is the time budget's. */
  if (!mi_pol_budget_allows(L, steps / STEPS_PER_MS))
    return mi_pol_budget_hit(L, MI_POL_HIT_TIME);
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
