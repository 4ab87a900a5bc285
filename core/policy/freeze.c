/* Calls keep no state. Once a policy file has loaded, everything it made is
 * frozen, so a call cannot leave anything behind for the next one (a counter
 * that decided B, A, B, A for four identical customers):
 *   - every table reachable from what the file made (its globals, the table
 *     it returned, the upvalues of its functions, metatables) becomes
 *     read-only in place: its contents move to a hidden shadow table and a
 *     hidden metatable reads from the shadow and refuses writes, so the
 *     table keeps its identity and reads, #, pairs, ipairs, next, rawget
 *     and rawlen see the same contents;
 *   - every upvalue slot of those functions is put back to its value at
 *     load before each call (a local counter may count within a call);
 *   - a coroutine or a gmatch iterator made at load time, whose state cannot
 *     be put back, makes the load fail; require of a module that was not
 *     loaded with the file fails during a call (its state would outlive it).
 * Why this and not a fresh state or a re-run of the chunk per call: batches
 * call a policy once per customer, millions of times, and re-running the
 * file costs its whole set-up each time; freezing costs one walk at load
 * and, per call, one assignment per upvalue slot (a few dozen). */
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

#define SHADOW_KEY "__mi_shadow" /* in the hidden metatable: the contents */
#define VIEW_KEY "__mi_view"     /* ... and the metatable setmetatable uses for it */

static const char no_metatable; /* __metatable of a frozen table that had none */

/* The shadow of a frozen table at idx, pushed; 0 (nothing pushed) if not frozen. */
int mi_pol_frozen_shadow(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx)) return 0;
  if (lua_getfield(L, -1, SHADOW_KEY) != LUA_TTABLE) {
    lua_pop(L, 2);
    return 0;
  }
  lua_remove(L, -2);
  return 1;
}

void mi_pol_thaw(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (mi_pol_frozen_shadow(L, idx)) lua_replace(L, idx);
}

/* __index: upvalues shadow, the original __index (or nil). */
static int frozen_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  int t = lua_type(L, lua_upvalueindex(2));
  if (t == LUA_TFUNCTION) {
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 1);
  } else if (t == LUA_TTABLE) {
    lua_pushvalue(L, 2);
    lua_gettable(L, lua_upvalueindex(2));
  }
  return 1;
}

static int frozen_newindex(lua_State *L) {
  return luaL_error(L,
                    "cannot change a table made when the policy file loaded: calls keep no "
                    "state, so such tables are read-only during a call (copy what you need "
                    "into a local table)");
}

static int frozen_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
  return 1;
}

static int frozen_next(lua_State *L) {
  lua_settop(L, 2);
  if (lua_next(L, lua_upvalueindex(1))) return 2;
  lua_pushnil(L);
  return 1;
}

static int frozen_pairs(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushcclosure(L, frozen_next, 1);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

typedef struct walk {
  int seen, tables, ntables, slots, nslots, ids;
} walk;

static void visit(lua_State *L, walk *w, int idx);

static void visit_table(lua_State *L, walk *w, int t) {
  if (mi_pol_is_readonly(L, t)) { /* a proxy holds nothing raw; a sealed environment may */
    lua_pushnil(L);
    if (!lua_next(L, t)) return;
    lua_pop(L, 2);
  }
  lua_pushvalue(L, t);
  lua_rawseti(L, w->tables, ++w->ntables);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    visit(L, w, lua_gettop(L) - 1);
    visit(L, w, lua_gettop(L));
    lua_pop(L, 1);
  }
  if (lua_getmetatable(L, t)) {
    if (!mi_pol_is_readonly(L, t)) visit(L, w, lua_gettop(L)); /* engine metatables are fixed */
    lua_pop(L, 1);
  }
}

static void visit_function(lua_State *L, walk *w, int f) {
  int c = lua_iscfunction(L, f);
  for (int i = 1; lua_getupvalue(L, f, i); i++) {
    int t = lua_type(L, -1);
    if (c) { /* the engine's own closures hold functions, strings and tables */
      if (t == LUA_TTHREAD || t == LUA_TUSERDATA)
        luaL_error(L, "a coroutine.wrap or string.gmatch iterator made when the policy file "
                      "loads would keep its state between calls: make it inside the hook");
      lua_pop(L, 1);
      continue;
    }
    lua_pushlightuserdata(L, lua_upvalueid(L, f, i));
    if (lua_rawget(L, w->ids) != LUA_TNIL) { /* shared with a function seen before */
      lua_pop(L, 2);
      continue;
    }
    lua_pop(L, 1);
    lua_pushlightuserdata(L, lua_upvalueid(L, f, i));
    lua_pushboolean(L, 1);
    lua_rawset(L, w->ids);
    lua_pushvalue(L, f);
    lua_rawseti(L, w->slots, ++w->nslots);
    lua_pushinteger(L, i);
    lua_rawseti(L, w->slots, ++w->nslots);
    lua_pushvalue(L, -1);
    lua_rawseti(L, w->slots, ++w->nslots);
    visit(L, w, lua_gettop(L));
    lua_pop(L, 1);
  }
}

static void visit(lua_State *L, walk *w, int idx) {
  int t = lua_type(L, idx);
  if (t == LUA_TTHREAD)
    luaL_error(L, "a coroutine made when the policy file loads would keep its state between "
                  "calls: create it inside the hook");
  if (t != LUA_TTABLE && t != LUA_TFUNCTION) return;
  luaL_checkstack(L, 8, "policy data nested too deeply");
  lua_pushvalue(L, idx);
  if (lua_rawget(L, w->seen) != LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  lua_pushvalue(L, idx);
  lua_pushboolean(L, 1);
  lua_rawset(L, w->seen);
  if (t == LUA_TTABLE) visit_table(L, w, lua_absindex(L, idx));
  else visit_function(L, w, lua_absindex(L, idx));
}

/* Makes the metatable of the table at t (shadow at s, original metatable's
 * fields from src or nil). */
static void seal_table(lua_State *L, int t, int s, int src) {
  lua_newtable(L);
  int f = lua_gettop(L);
  if (src) {
    lua_pushnil(L);
    while (lua_next(L, src)) { /* metamethods and whatever "__" fields it had */
      const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
      if (!strncmp(k, "__", 2) && strcmp(k, "__gc") && strcmp(k, "__mode")) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, f);
      } else lua_pop(L, 1);
    }
  }
  lua_pushvalue(L, s);
  if (src) lua_getfield(L, src, "__index");
  else lua_pushnil(L);
  if (lua_isnil(L, -1)) { /* reads go to the shadow: the VM follows a table itself, no C call */
    lua_pop(L, 1);
  } else if (lua_istable(L, -1)) { /* a copy of the shadow that goes on to the old __index */
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, -4)) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, -4);
    }
    lua_createtable(L, 0, 2); /* shadow, old __index, copy, its metatable */
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_remove(L, -2);
    lua_remove(L, -2);
  } else {
    lua_pushcclosure(L, frozen_index, 2);
  }
  lua_setfield(L, f, "__index");
  if (lua_getfield(L, f, "__newindex") == LUA_TNIL) {
    lua_pushcfunction(L, frozen_newindex);
    lua_setfield(L, f, "__newindex");
  }
  if (lua_getfield(L, f, "__len") == LUA_TNIL) {
    lua_pushvalue(L, s);
    lua_pushcclosure(L, frozen_len, 1);
    lua_setfield(L, f, "__len");
  }
  if (lua_getfield(L, f, "__pairs") == LUA_TNIL) {
    lua_pushvalue(L, s);
    lua_pushcclosure(L, frozen_pairs, 1);
    lua_setfield(L, f, "__pairs");
  }
  if (lua_getfield(L, f, "__metatable") == LUA_TNIL) {
    /* getmetatable answers what it answered before; the new one stays hidden */
    if (!lua_getmetatable(L, t)) lua_pushlightuserdata(L, (void *)&no_metatable);
    lua_setfield(L, f, "__metatable");
  }
  lua_pop(L, 4);
  lua_pushvalue(L, s);
  lua_setfield(L, f, SHADOW_KEY);
  lua_pushboolean(L, 1);
  lua_setfield(L, f, MI_POL_RO_MARKER);
  lua_setmetatable(L, t);
}

static int freeze_body(lua_State *L) {
  int nroots = lua_gettop(L);
  walk w = {0};
  lua_newtable(L);
  w.seen = lua_gettop(L);
  lua_newtable(L);
  w.tables = lua_gettop(L);
  lua_newtable(L);
  w.slots = lua_gettop(L);
  lua_newtable(L);
  w.ids = lua_gettop(L);
  for (int i = 1; i <= nroots; i++) visit(L, &w, i);
  /* 1: copy every table's contents (before any is emptied: a metatable may
   * be frozen too, and its fields are read below) */
  lua_newtable(L);
  int shadows = lua_gettop(L);
  for (int i = 1; i <= w.ntables; i++) {
    lua_rawgeti(L, w.tables, i);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, -3)) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, -4);
    }
    lua_rawset(L, shadows);
  }
  /* 2: seal each with a metatable built from the original one's fields */
  for (int i = 1; i <= w.ntables; i++) {
    int top = lua_gettop(L);
    lua_rawgeti(L, w.tables, i);
    int t = top + 1;
    lua_pushvalue(L, t);
    lua_rawget(L, shadows);
    int s = top + 2, src = 0;
    if (lua_getmetatable(L, t)) {
      src = top + 3;
      lua_pushvalue(L, src);
      if (lua_rawget(L, shadows) == LUA_TTABLE) src = top + 4; /* frozen too: its old fields */
    }
    lua_pushnil(L); /* empty t */
    while (lua_next(L, s)) {
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      lua_pushnil(L);
      lua_rawset(L, t);
    }
    seal_table(L, t, s, src);
    lua_settop(L, top);
  }
  mi_pol_budget_of(L)->frozen = 1;
  lua_pushvalue(L, w.slots);
  lua_pushinteger(L, w.nslots);
  return 2;
}

int mi_pol_freeze(lua_State *L, int nroots, int *nslots) {
  lua_pushcfunction(L, freeze_body);
  lua_insert(L, -nroots - 1);
  lua_call(L, nroots, 2);
  *nslots = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return luaL_ref(L, LUA_REGISTRYINDEX);
}

void mi_pol_restore(lua_State *L, int slots_ref, int nslots) {
  if (slots_ref == LUA_NOREF || nslots == 0) return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, slots_ref);
  int s = lua_gettop(L);
  for (int i = 1; i + 2 <= nslots; i += 3) {
    lua_rawgeti(L, s, i + 1);
    int n = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_rawgeti(L, s, i);
    lua_rawgeti(L, s, i + 2);
    lua_setupvalue(L, -2, n);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* ---- what the library functions do with a frozen table ---- */

/* next(t, k), rawget(t, k), rawlen(t): of the shadow for a frozen table.
 * upvalue 1: the original. */
static int on_shadow(lua_State *L) {
  if (mi_pol_frozen_shadow(L, 1)) lua_replace(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static int sb_getmetatable(lua_State *L) {
  luaL_checkany(L, 1);
  lua_settop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 1, 1);
  if (lua_touserdata(L, -1) == &no_metatable) lua_pushnil(L);
  return 1;
}

void mi_pol_push_frozen_mt(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (!lua_getmetatable(L, idx)) return;
  if (lua_getfield(L, -1, VIEW_KEY) == LUA_TTABLE) {
    lua_remove(L, -2);
    return;
  }
  lua_pop(L, 1);
  /* A frozen table used as a metatable: Lua reads metamethods raw, so give
   * it a plain copy of the "__" fields, hidden behind __metatable. */
  lua_newtable(L);
  lua_getfield(L, -2, SHADOW_KEY);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
    if (!strncmp(k, "__", 2) && strcmp(k, "__gc")) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, -5);
    } else lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (lua_getfield(L, -1, "__metatable") == LUA_TNIL) {
    lua_pushvalue(L, idx);
    lua_setfield(L, -3, "__metatable");
  }
  lua_pop(L, 1);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, VIEW_KEY);
  lua_remove(L, -2);
}

void mi_pol_open_frozen(lua_State *L) {
  static const char *const names[] = {"next", "rawget", "rawlen", NULL};
  for (int i = 0; names[i]; i++) {
    lua_getglobal(L, names[i]);
    lua_pushcclosure(L, on_shadow, 1);
    lua_setfield(L, -2, names[i]);
  }
  lua_getglobal(L, "getmetatable");
  lua_pushcclosure(L, sb_getmetatable, 1);
  lua_setfield(L, -2, "getmetatable");
}
