/* require(name): loads name.lua from the policy's own folder, as text, in
 * its own sandboxed environment, once per state. Plain names only, so no
 * path can lead out of the folder. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

#define MAX_NAME 64
#define LOADED_KEY "mi.loaded" /* registry: name -> module, for freeze.c */

static const char loading_mark; /* loaded[name] while name's chunk runs */

void mi_pol_push_file(lua_State *L, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) luaL_error(L, "cannot read %s: %s", path, strerror(errno));
  if (!S_ISREG(st.st_mode)) luaL_error(L, "cannot read %s: not a regular file", path);
  char why[600];
  if (!mi_pol_file_trusted(path, &st, why, sizeof why)) luaL_error(L, "%s: %s", path, why);
  if (st.st_size > MI_POL_MAX_FILE)
    luaL_error(L, "%s is larger than %d bytes; policy files are small", path, MI_POL_MAX_FILE);
  size_t n = (size_t)st.st_size;
  char *buf = lua_newuserdatauv(L, n ? n : 1, 0); /* before fopen: no FILE leaks on error */
  FILE *f = fopen(path, "rb");
  if (!f) luaL_error(L, "cannot read %s: %s", path, strerror(errno));
  size_t got = fread(buf, 1, n, f);
  int bad = ferror(f) || got != n;
  fclose(f);
  if (bad) luaL_error(L, "cannot read %s: it changed while being read", path);
  lua_pushlstring(L, buf, n);
  lua_remove(L, -2);
}

static int valid_name(const char *s, size_t n) {
  if (n == 0 || n > MAX_NAME) return 0;
  for (size_t i = 0; i < n; i++)
    if (!(s[i] == '_' || s[i] == '-' || (s[i] >= '0' && s[i] <= '9') ||
          ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z')))
      return 0;
  return 1;
}

/* Runs the module whose name is at 1 and whose path is at 2. */
static int run_module(lua_State *L) {
  const char *path = lua_tostring(L, 2);
  lua_pushfstring(L, "@%s", path);
  mi_pol_push_file(L, path);
  size_t n;
  const char *text = lua_tolstring(L, -1, &n);
  if (luaL_loadbufferx(L, text, n, lua_tostring(L, 3), "t") != LUA_OK) return lua_error(L);
  mi_pol_env_new(L);
  int env = lua_gettop(L);
  lua_pushvalue(L, env);
  lua_setupvalue(L, -3, 1);
  lua_pushvalue(L, -2);
  lua_call(L, 0, 1);
  mi_pol_env_seal(L, env);
  if (lua_isnil(L, -1)) lua_pushboolean(L, 1);
  return 1;
}

/* upvalues: dir ("" = current), loaded table */
static int sb_require(lua_State *L) {
  size_t n;
  const char *name = luaL_checklstring(L, 1, &n);
  if (!valid_name(name, n))
    return luaL_error(L,
                      "require('%s'): only files in the policy folder can be required, by a plain "
                      "name of letters, digits, '_' or '-' (require('helpers') loads helpers.lua)",
                      name);
  lua_settop(L, 1);
  lua_pushvalue(L, 1);
  lua_rawget(L, lua_upvalueindex(2));
  if (lua_islightuserdata(L, -1) && lua_touserdata(L, -1) == &loading_mark)
    return luaL_error(L, "require('%s'): circular require", name);
  if (!lua_isnil(L, -1)) return 1;
  lua_pop(L, 1);
  const char *dir = lua_tostring(L, lua_upvalueindex(1));
  if (mi_pol_budget_of(L)->frozen)
    return luaL_error(L, "require('%s') (%s%s%s.lua) during a call: modules load with the policy "
                         "file, so that calls keep no state; require it at the top of the file",
                      name, dir, *dir ? "/" : "", name);
  lua_pushvalue(L, 1);
  lua_pushlightuserdata(L, (void *)&loading_mark);
  lua_rawset(L, lua_upvalueindex(2));
  lua_pushcfunction(L, run_module);
  lua_pushvalue(L, 1);
  if (*dir) lua_pushfstring(L, "%s/%s.lua", dir, name);
  else lua_pushfstring(L, "%s.lua", name);
  int st = lua_pcall(L, 2, 1, 0);
  lua_pushvalue(L, 1);
  if (st == LUA_OK) lua_pushvalue(L, -2);
  else lua_pushnil(L); /* a later require tries again rather than reporting a cycle */
  lua_rawset(L, lua_upvalueindex(2));
  if (st != LUA_OK) return lua_error(L);
  return 1;
}

int mi_pol_push_required(lua_State *L) {
  int n = 0;
  lua_getfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
  int t = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_insert(L, t); /* the module below the table and the key */
    t++;
    n++;
  }
  lua_remove(L, t);
  return n;
}

void mi_pol_open_require(lua_State *L, const char *dir) {
  lua_pushstring(L, dir);
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
  lua_pushcclosure(L, sb_require, 2);
  lua_setfield(L, -2, "require");
}
