/* Read-only tables: an empty proxy whose metatable reads from the real table
 * and refuses writes. The metatable is hidden (__metatable = false) so it
 * cannot be changed, and carries a marker that the sandbox's rawset checks,
 * so rawset cannot write around it either. */
#include <string.h>

#include <lauxlib.h>

#include "util/suggest.h"
#include "policy/policy_internal.h"

#define MAX_WORDS 128 /* fields offered for "did you mean" */

static const char nil_mark; /* its address stands for "known field, value nil" */

void mi_pol_push_nil_mark(lua_State *L) { lua_pushlightuserdata(L, (void *)&nil_mark); }

static int is_nil_mark(lua_State *L, int idx) {
  return lua_islightuserdata(L, idx) && lua_touserdata(L, idx) == &nil_mark;
}

/* Raises "<what> has no field 'k' (did you mean 'x'?)". Upvalue 1 = data. */
static int unknown_field(lua_State *L, const char *what) {
  if (lua_type(L, 2) != LUA_TSTRING)
    return luaL_error(L, "%s has no field [%s]", what, luaL_typename(L, 2));
  const char *words[MAX_WORDS + 1];
  int n = 0;
  lua_pushnil(L);
  while (n < MAX_WORDS && lua_next(L, lua_upvalueindex(1))) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING) words[n++] = lua_tostring(L, -1); /* kept alive by data */
  }
  if (n == MAX_WORDS) lua_pop(L, 1);
  words[n] = NULL;
  const char *key = lua_tostring(L, 2), *near = mi_suggest(key, words);
  if (near) return luaL_error(L, "%s has no field '%s' (did you mean '%s'?)", what, key, near);
  return luaL_error(L, "%s has no field '%s'", what, key);
}

/* __index: upvalues data, what. */
static int strict_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNIL)
    return unknown_field(L, lua_tostring(L, lua_upvalueindex(2)));
  if (is_nil_mark(L, -1)) lua_pushnil(L);
  return 1;
}

static int refuse_write(lua_State *L) {
  return luaL_error(L, "%s is read-only", lua_tostring(L, lua_upvalueindex(1)));
}

/* The iterator of pairs(proxy): next over the data, the nil mark as nil. */
static int proxy_next(lua_State *L) {
  lua_settop(L, 2);
  if (!lua_next(L, lua_upvalueindex(1))) {
    lua_pushnil(L);
    return 1;
  }
  if (is_nil_mark(L, -1)) {
    lua_pop(L, 1);
    lua_pushnil(L);
  }
  return 2;
}

/* upvalue 1: the iterator (made once per proxy: pairs allocates nothing). */
static int proxy_pairs(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

static int proxy_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
  return 1;
}

void mi_pol_readonly(lua_State *L, const char *what, int strict) {
  int data = lua_gettop(L);
  lua_createtable(L, 0, 0);        /* the proxy */
  lua_createtable(L, 0, 7);        /* its metatable */
  lua_pushvalue(L, data);
  if (strict) {
    lua_pushstring(L, what);
    lua_pushcclosure(L, strict_index, 2);
  }
  lua_setfield(L, -2, "__index");
  lua_pushstring(L, what);
  lua_pushcclosure(L, refuse_write, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushvalue(L, data);
  lua_pushcclosure(L, proxy_next, 1);
  lua_pushcclosure(L, proxy_pairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_pushvalue(L, data);
  lua_pushcclosure(L, proxy_len, 1);
  lua_setfield(L, -2, "__len");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, MI_POL_RO_MARKER);
  lua_setmetatable(L, -2);
  lua_replace(L, data);
}

int mi_pol_is_readonly(lua_State *L, int idx) {
  if (!lua_getmetatable(L, idx)) return 0;
  lua_getfield(L, -1, MI_POL_RO_MARKER);
  int r = lua_toboolean(L, -1);
  lua_pop(L, 2);
  return r;
}
