/* The sandbox: one lua_State per policy file, made with the counting
 * allocator, holding a library table built from an allow-list (data below).
 * Each chunk gets its own environment that reads from that table; reading a
 * name that is neither defined nor allowed raises. Library tables are
 * read-only proxies, so a policy cannot change them for its next call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "policy/policy_internal.h"

#define LIB_KEY "mi.lib"         /* registry: the allow-listed names */
#define BLOCKED_KEY "mi.blocked" /* registry: name -> why it is blocked */
#define LOOKUP_KEY "mi.lookup"   /* registry: lib as the environments' __index */
#define MANYI_KEY "mi.manyi"     /* registry: the table behind the read-only `manyi` */

typedef struct allow {
  const char *lib; /* "_G" for the base functions */
  const char *const *names;
} allow;

static const char *const base_names[] = {
    "assert", "error",  "getmetatable", "ipairs", "next", "pairs",    "pcall",    "rawequal",
    "rawget", "rawlen", "select",       "tonumber", "tostring", "type", "xpcall", "_VERSION", NULL};
/* find, match, gmatch, gsub (pattern.c) and rep (guards.c) come guarded;
 * dump is blocked. */
static const char *const string_names[] = {"byte", "char",     "format", "len",
                                           "lower", "upper",   "reverse", "sub",
                                           "pack", "packsize", "unpack", NULL};
/* move comes guarded from guards.c. */
static const char *const table_names[] = {"concat", "insert", "pack", "remove",
                                          "sort",   "unpack", NULL};
static const char *const math_names[] = {
    "abs",  "acos", "asin", "atan",       "ceil",       "cos",        "deg",  "exp",
    "floor", "fmod", "huge", "log",       "max",        "maxinteger", "min",  "mininteger",
    "modf", "pi",   "rad",  "random",     "randomseed", "sin",        "sqrt", "tan",
    "tointeger", "type", "ult", NULL};
static const char *const utf8_names[] = {"char", "charpattern", "codes", "codepoint",
                                         "len",  "offset",      NULL};
static const char *const coroutine_names[] = {"close",   "create", "isyieldable", "resume",
                                              "running", "status", "wrap",        "yield", NULL};
static const char *const os_names[] = {"clock", "date", "time", NULL};

static const allow allowed[] = {
    {"_G", base_names},         {"string", string_names}, {"table", table_names},
    {"math", math_names},       {"utf8", utf8_names},     {"coroutine", coroutine_names},
    {"os", os_names},           {NULL, NULL}};

/* Whole libraries that are not there: reading the name raises this. */
static const struct {
  const char *name, *why;
} blocked_libs[] = {
    {"io", "policies cannot read or write files"},
    {"debug", "it can break out of the sandbox"},
    {"package", "use require('name') for files in the policy folder"},
    {NULL, NULL}};

static const luaL_Reg libs[] = {{"_G", luaopen_base},     {"string", luaopen_string},
                                {"table", luaopen_table}, {"math", luaopen_math},
                                {"utf8", luaopen_utf8},   {"coroutine", luaopen_coroutine},
                                {"os", luaopen_os},       {NULL, NULL}};

/* Copies the allowed names of the library at the top into a new table. */
static void copy_allowed(lua_State *L, const char *const *names) {
  int src = lua_gettop(L);
  lua_newtable(L);
  for (; *names; names++) {
    lua_getfield(L, src, *names);
    lua_setfield(L, -2, *names);
  }
  lua_remove(L, src);
}

/* lib.string: the filtered table is also the strings' __index, so that
 * ("").dump is as absent as string.dump; the metatable is hidden. */
static void open_string(lua_State *L, int lib) {
  int t = lua_gettop(L);
  mi_pol_open_funcs(L, "string");
  mi_pol_open_patterns(L, t);
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushvalue(L, t);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
  mi_pol_readonly(L, "string", 0);
  lua_setfield(L, lib, "string");
}

static int setup(lua_State *L) {
  const char *dir = lua_touserdata(L, 1);
  for (const luaL_Reg *r = libs; r->name; r++) {
    luaL_requiref(L, r->name, r->func, 1);
    lua_pop(L, 1);
  }
  lua_newtable(L);
  int lib = lua_gettop(L);
  for (const allow *a = allowed; a->lib; a++) {
    if (!strcmp(a->lib, "_G")) {
      lua_pushglobaltable(L);
      copy_allowed(L, a->names);
      lua_pushnil(L);
      while (lua_next(L, -2)) { /* base functions go straight into lib */
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, lib);
      }
      lua_pop(L, 1);
      continue;
    }
    lua_getglobal(L, a->lib);
    copy_allowed(L, a->names);
    if (!strcmp(a->lib, "string")) {
      open_string(L, lib);
      continue;
    }
    mi_pol_open_funcs(L, a->lib); /* stubs for os.execute etc. */
    mi_pol_readonly(L, a->lib, 0);
    lua_setfield(L, lib, a->lib);
  }
  lua_newtable(L); /* manyi: the engine's own functions */
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, MANYI_KEY);
  mi_pol_open_stats(L);
  lua_setfield(L, -2, "stats");
  mi_pol_open_tr(L);
  mi_pol_readonly(L, "manyi", 1);
  lua_setfield(L, lib, "manyi");
  lua_pushvalue(L, lib);
  mi_pol_open_funcs(L, "_G"); /* load, rawset, setmetatable, collectgarbage, stubs */
  mi_pol_open_frozen(L);
  mi_pol_open_require(L, dir);
  lua_setfield(L, LUA_REGISTRYINDEX, LIB_KEY);
  lua_newtable(L);
  for (int i = 0; blocked_libs[i].name; i++) {
    lua_pushstring(L, blocked_libs[i].why);
    lua_setfield(L, -2, blocked_libs[i].name);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, BLOCKED_KEY);
  lua_settop(L, 0);
  return 0;
}

/* A global the library does not have: upvalue 1 = blocked. The __index of
 * the lookup table below, so it runs only for names that are not there. */
static int env_missing(lua_State *L) {
  const char *name = lua_tostring(L, 2);
  if (!name) return luaL_error(L, "undefined global [%s]", luaL_typename(L, 2));
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TSTRING)
    return luaL_error(L, "'%s' is blocked in policies: %s", name, lua_tostring(L, -1));
  return luaL_error(L, "undefined global '%s'", name);
}

/* The __index of every environment: a copy of lib (fixed once the sandbox is
 * set up) whose metatable raises for a missing name. A table rather than a
 * C function, so that the VM reads a global such as `string` itself,
 * without a call into C for each. Made once per state. */
static void push_lookup(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, LOOKUP_KEY) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_getfield(L, LUA_REGISTRYINDEX, LIB_KEY);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, -5);
  }
  lua_pop(L, 1);
  lua_createtable(L, 0, 2);
  lua_getfield(L, LUA_REGISTRYINDEX, BLOCKED_KEY);
  lua_pushcclosure(L, env_missing, 1);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, LOOKUP_KEY);
}

/* __newindex of an environment: upvalue 1 = sealed. */
static int env_newindex(lua_State *L) {
  if (lua_toboolean(L, lua_upvalueindex(1)))
    return luaL_error(L,
                      "cannot assign global '%s' during a call: globals are fixed once the file "
                      "has loaded, so calls keep no state (use a local)",
                      lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 0;
}

void mi_pol_env_new(lua_State *L) {
  lua_createtable(L, 0, 4);
  lua_createtable(L, 0, 3);
  push_lookup(L);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_pushcclosure(L, env_newindex, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, -2, "_G"); /* raw: the metatable allows writes until sealed */
}

void mi_pol_env_seal(lua_State *L, int idx) {
  if (!lua_getmetatable(L, idx)) return;
  lua_getfield(L, -1, "__newindex");
  lua_pushboolean(L, 1);
  lua_setupvalue(L, -2, 1);
  lua_pop(L, 1);
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, MI_POL_RO_MARKER); /* and rawset refuses it too */
  lua_pop(L, 1);
}

void mi_pol_manyi_add(lua_State *L, const char *name) {
  lua_getfield(L, LUA_REGISTRYINDEX, MANYI_KEY);
  lua_insert(L, -2);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

static int panic(lua_State *L) {
  /* Everything runs under lua_pcall; getting here is a bug in manyi. */
  fprintf(stderr, "manyi: unprotected Lua error: %s\n", lua_tostring(L, -1));
  abort();
}

int mi_pol_state_new(mi_pol_rt *rt, const mi_policy_limits *lim, const char *dir,
                     const char *chunkname, mi_err *e) {
  memset(rt, 0, sizeof *rt);
  rt->hooks_ref = rt->params_ref = rt->slots_ref = LUA_NOREF;
  mi_pol_budget *b = calloc(1, sizeof *b);
  if (!b) return mi_err_set(e, MI_ENOMEM, "out of memory");
  b->lim = *lim;
  b->src = chunkname;
  lua_State *L = lua_newstate(mi_pol_alloc, b);
  if (!L) {
    free(b);
    return mi_err_set(e, MI_ENOMEM, "cannot create a Lua state within %lld bytes (limits.policy_memory)",
                      (long long)lim->memory);
  }
  b->main = L;
  lua_atpanic(L, panic);
  lua_pushcfunction(L, setup);
  lua_pushlightuserdata(L, (void *)dir);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    mi_err_set(e, MI_EPOLICY, "cannot set up the policy sandbox: %s%s",
               lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error",
               b->refused ? " (raise limits.policy_memory)" : "");
    lua_close(L);
    free(b);
    return MI_EPOLICY;
  }
  lua_gc(L, LUA_GCGEN, 0, 0); /* each call makes short-lived tables: the young die young */
  rt->L = L;
  rt->b = b;
  return 0;
}

void mi_pol_state_close(mi_pol_rt *rt) {
  if (rt->L) lua_close(rt->L);
  free(rt->b);
  memset(rt, 0, sizeof *rt);
}
