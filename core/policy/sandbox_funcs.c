/* The base functions the sandbox changes, and the stubs that stand where a
 * blocked function was, so the error names what was blocked and why. */
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

#define ENV_KEY "mi.env" /* registry: the policy file's environment */
#define KILLED_KEY "mi.killed" /* registry: weak set of coroutines a budget stopped */

static const struct {
  const char *lib, *name, *why;
} blocked[] = {
    {"_G", "dofile", "policies cannot read files (use require for the policy folder)"},
    {"_G", "loadfile", "policies cannot read files (use require for the policy folder)"},
    {"_G", "print", "policies must not write; say it in the reason"},
    {"_G", "warn", "policies must not write; say it in the reason"},
    {"string", "dump", "binary chunks are not allowed"},
    {"os", "execute", "policies cannot run programs"},
    {"os", "exit", "policies cannot end the process"},
    {"os", "getenv", "policies see only their view and params"},
    {"os", "remove", "policies cannot change files"},
    {"os", "rename", "policies cannot change files"},
    {"os", "tmpname", "policies cannot create files"},
    {"os", "setlocale", "the locale belongs to the engine"},
    {NULL, NULL, NULL}};

/* upvalues: "lib.name", why */
static int stub(lua_State *L) {
  return luaL_error(L, "%s is blocked in policies: %s", lua_tostring(L, lua_upvalueindex(1)),
                    lua_tostring(L, lua_upvalueindex(2)));
}

static int sb_collectgarbage(lua_State *L) {
  const char *opt = luaL_optstring(L, 1, "collect");
  if (strcmp(opt, "count"))
    return luaL_error(L, "collectgarbage('%s') is blocked in policies: only 'count' is allowed", opt);
  int kb = lua_gc(L, LUA_GCCOUNT), b = lua_gc(L, LUA_GCCOUNTB);
  lua_pushnumber(L, (lua_Number)kb + (lua_Number)b / 1024);
  return 1;
}

static int sb_rawset(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  if (mi_pol_is_readonly(L, 1)) return luaL_error(L, "rawset on a read-only table is blocked");
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

/* Finalizers would run at collection time, outside any call's budget. */
static int sb_setmetatable(lua_State *L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "__gc metamethods are blocked in policies (they would run outside the "
                           "call's budget)");
    lua_pop(L, 1);
  }
  if (mi_pol_frozen_shadow(L, 2)) { /* a metatable made at load: its plain copy */
    lua_pop(L, 1);
    mi_pol_push_frozen_mt(L, 2);
    lua_replace(L, 2);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* load(chunk [, name [, mode [, env]]]): text only; env defaults to the
 * policy's own environment rather than the engine's globals. */
static int sb_load(lua_State *L) {
  int n = lua_gettop(L);
  mi_pol_budget_check_time(L); /* compiling a long text runs no instructions */
  luaL_checkany(L, 1);
  const char *mode = luaL_optstring(L, 3, "t");
  if (strchr(mode, 'b')) return luaL_error(L, "load of binary chunks is blocked in policies");
  lua_settop(L, 4);
  lua_pushliteral(L, "t");
  lua_replace(L, 3);
  if (n < 4) {
    if (lua_getfield(L, LUA_REGISTRYINDEX, ENV_KEY) == LUA_TNIL) {
      lua_pop(L, 1);
      mi_pol_env_new(L);
    }
    lua_replace(L, 4);
  }
  if (lua_isnil(L, 2)) {
    lua_pushliteral(L, "=(load)");
    lua_replace(L, 2);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 4, 2);
  if (lua_isnil(L, -2)) return 2; /* nil, message */
  lua_pop(L, 1);
  return 1;
}

/* The message handler of xpcall runs where the error was raised. When that
 * is the count hook (a budget ran out), hooks are off there, so a handler
 * of the policy's would run with no budget at all (a `while true do end`
 * handler hung the process). So the policy's handler runs only for its own
 * errors; a budget hit or an interruption passes through untouched.
 * upvalue 1: the policy's handler. */
static int xpcall_handler(lua_State *L) {
  if (mi_pol_budget_of(L)->raising) return 1; /* the error object as it is */
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static int xpcall_done(lua_State *L, int status, lua_KContext extra) {
  if (status != LUA_OK && status != LUA_YIELD) {
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - (int)extra;
}

/* xpcall(f, handler, ...) with the handler guarded as above; a continuation
 * keeps it yieldable inside coroutines, like the original. */
static int sb_xpcall(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, xpcall_handler, 1);
  lua_replace(L, 2);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2); /* f, handler, true, f, args... */
  int st = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, xpcall_done);
  return xpcall_done(L, st, 2);
}

/* Coroutines. A budget hit (or the REPL's interruption) is raised inside
 * the count hook, where Lua turns hooks off; a coroutine it kills stays
 * dead with hooks off, and closing it (coroutine.close, or coroutine.wrap
 * after an error) would run its __close handlers with no budget at all: a
 * `while true do end` handler hung the process. So resume, wrap and close
 * are the engine's: a coroutine that dies while a budget is being raised is
 * marked, and its __close handlers are not run. Resuming also tells the
 * watchdog which coroutines run, so it can stop them at once. */
static int killed(lua_State *L, int idx) {
  lua_getfield(L, LUA_REGISTRYINDEX, KILLED_KEY);
  lua_pushvalue(L, idx);
  int k = lua_rawget(L, -2) != LUA_TNIL;
  lua_pop(L, 2);
  return k;
}

/* Resumes co (at idx of L) with the narg values at L's top; pushes the
 * results and returns their count, or pushes the error and returns -1. */
static int resume(lua_State *L, int idx, lua_State *co, int narg) {
  mi_pol_budget *b = mi_pol_budget_of(L);
  int nres;
  if (!lua_checkstack(co, narg)) {
    lua_pushliteral(L, "too many arguments to resume");
    return -1;
  }
  lua_xmove(L, co, narg);
  mi_pol_watch_enter(b, co);
  int st = lua_resume(co, L, narg, &nres);
  mi_pol_watch_leave(b);
  if (st == LUA_OK || st == LUA_YIELD) {
    if (!lua_checkstack(L, nres + 1)) {
      lua_pop(co, nres);
      lua_pushliteral(L, "too many results to resume");
      return -1;
    }
    lua_xmove(co, L, nres);
    return nres;
  }
  lua_xmove(co, L, 1);
  if (b->raising) { /* killed in the hook: hooks are off in it for good */
    lua_getfield(L, LUA_REGISTRYINDEX, KILLED_KEY);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
  }
  return -1;
}

static int sb_resume(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  luaL_argexpected(L, co, 1, "coroutine");
  int r = resume(L, 1, co, lua_gettop(L) - 1);
  if (r < 0) {
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, -(r + 1));
  return r + 1;
}

/* upvalue 1: the coroutine. */
static int wrap_call(lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(1));
  int r = resume(L, lua_upvalueindex(1), co, lua_gettop(L));
  if (r >= 0) return r;
  int st = lua_status(co);
  if (st != LUA_OK && st != LUA_YIELD && !killed(L, lua_upvalueindex(1))) {
    st = lua_resetthread(co); /* close its to-be-closed variables */
    lua_xmove(co, L, 1);
  }
  if (st != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

static int sb_wrap(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State *co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  lua_pushcclosure(L, wrap_call, 1);
  return 1;
}

/* upvalue 1: the original close. */
static int sb_close(lua_State *L) {
  luaL_argexpected(L, lua_tothread(L, 1), 1, "coroutine");
  if (killed(L, 1)) {
    lua_pushboolean(L, 0);
    lua_pushliteral(L, "the coroutine was stopped by a budget: its __close handlers do not run");
    return 2;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

void mi_pol_set_env(lua_State *L, int idx) {
  lua_pushvalue(L, idx);
  lua_setfield(L, LUA_REGISTRYINDEX, ENV_KEY);
}

/* Wraps the original global `name` (from the engine's own globals). */
static void wrap(lua_State *L, const char *name, lua_CFunction fn) {
  lua_getglobal(L, name);
  lua_pushcclosure(L, fn, 1);
  lua_setfield(L, -2, name);
}

void mi_pol_open_funcs(lua_State *L, const char *lib) {
  mi_pol_open_guards(L, lib);
  if (!strcmp(lib, "coroutine")) {
    lua_newtable(L); /* the killed set: weak keys, it keeps no coroutine alive */
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, KILLED_KEY);
    lua_pushcfunction(L, sb_resume);
    lua_setfield(L, -2, "resume");
    lua_pushcfunction(L, sb_wrap);
    lua_setfield(L, -2, "wrap");
    lua_getglobal(L, "coroutine");
    lua_getfield(L, -1, "close");
    lua_pushcclosure(L, sb_close, 1);
    lua_setfield(L, -3, "close");
    lua_pop(L, 1);
  }
  for (int i = 0; blocked[i].lib; i++) {
    if (strcmp(blocked[i].lib, lib)) continue;
    if (strcmp(lib, "_G")) lua_pushfstring(L, "%s.%s", lib, blocked[i].name);
    else lua_pushstring(L, blocked[i].name);
    lua_pushstring(L, blocked[i].why);
    lua_pushcclosure(L, stub, 2);
    lua_setfield(L, -2, blocked[i].name);
  }
  if (strcmp(lib, "_G")) return;
  lua_pushcfunction(L, sb_collectgarbage);
  lua_setfield(L, -2, "collectgarbage");
  lua_pushcfunction(L, sb_rawset);
  lua_setfield(L, -2, "rawset");
  wrap(L, "setmetatable", sb_setmetatable);
  wrap(L, "load", sb_load);
  lua_pushcfunction(L, sb_xpcall);
  lua_setfield(L, -2, "xpcall");
}
