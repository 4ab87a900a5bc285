/* manyi.sql(text, ...): read-only SQL from Lua. The result is a list of
 * records, one per row, with the column names as keys and SQL NULL as nil
 * (the key is absent). Records know their columns: reading a column that
 * is NULL gives nil, reading one the query does not have raises with a
 * suggestion, and the REPL shows them in the query's column order. A column
 * name that repeats (a join's two `id`s) gets _2, _3 ... The statement is
 * held in a to-be-closed box, so an error while rows are built (a budget, a
 * parameter) finalizes it at once. A query is stopped by Ctrl-C and by the
 * evaluation's time budget (the store polls sql_stop). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>

#include "policy/repl_internal.h"
#include "util/suggest.h"

#define STMT_BOX "mi.repl.stmt"
#define MAX_WORDS 128

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int sql_stop(void *ud) {
  mi_repl *r = ud;
  if (!r->evaluating) return 0;
  if (r->interrupted) r->sql_stopped = 1;
  else if (mi_pol_budget_over(r->pol.rt.b, now_ns())) r->sql_stopped = 2;
  return r->sql_stopped != 0;
}

void mi_repl_raise_stop(lua_State *L, mi_repl *r) {
  if (r->sql_stopped == 1 || r->interrupted) luaL_error(L, "interrupted");
  if (r->sql_stopped == 2) mi_pol_budget_hit(L, MI_POL_HIT_TIME);
}

static int box_close(lua_State *L) {
  mi_query_stmt **box = luaL_checkudata(L, 1, STMT_BOX);
  mi_query_finalize(*box);
  *box = NULL;
  return 0;
}

/* __index of a record: upvalue 1 = {column = true}. */
static int row_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL || lua_type(L, 2) != LUA_TSTRING) {
    lua_pushnil(L); /* a NULL column, or not a name at all */
    return 1;
  }
  const char *words[MAX_WORDS + 1];
  int n = 0;
  lua_pushnil(L);
  while (n < MAX_WORDS && lua_next(L, lua_upvalueindex(1))) {
    lua_pop(L, 1);
    words[n++] = lua_tostring(L, -1); /* kept alive by the set */
  }
  if (n == MAX_WORDS) lua_pop(L, 1);
  words[n] = NULL;
  const char *key = lua_tostring(L, 2), *near = mi_suggest(key, words);
  if (near) return luaL_error(L, "the row has no column '%s' (did you mean '%s'?)", key, near);
  return luaL_error(L, "the row has no column '%s'", key);
}

static void bind_args(lua_State *L, mi_query_stmt *st, int nargs) {
  int want = mi_query_param_count(st);
  if (want != nargs)
    luaL_error(L, "manyi.sql: the statement has %d parameter%s, %d given", want,
               want == 1 ? "" : "s", nargs);
  for (int i = 1; i <= nargs; i++) {
    int idx = i + 1;
    mi_query_value v = {.type = MI_QUERY_NULL};
    switch (lua_type(L, idx)) {
    case LUA_TNIL: break;
    case LUA_TBOOLEAN: v = (mi_query_value){.type = MI_QUERY_INT, .i = lua_toboolean(L, idx)}; break;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) v = (mi_query_value){.type = MI_QUERY_INT, .i = lua_tointeger(L, idx)};
      else v = (mi_query_value){.type = MI_QUERY_REAL, .d = lua_tonumber(L, idx)};
      break;
    case LUA_TSTRING: {
      size_t len;
      const char *s = lua_tolstring(L, idx, &len);
      v = (mi_query_value){.type = MI_QUERY_TEXT, .s = s, .len = len};
      break;
    }
    default:
      luaL_error(L, "manyi.sql: parameter %d is a %s (give numbers, strings, booleans or nil)", i,
                 luaL_typename(L, idx));
    }
    mi_err e = {0};
    if (mi_query_bind(st, i, &v, &e)) luaL_error(L, "manyi.sql: %s", e.msg);
  }
}

/* Pushes the column list and the column set of st (names made distinct). */
static void push_columns(lua_State *L, mi_query_stmt *st) {
  int ncols = mi_query_column_count(st);
  lua_createtable(L, ncols, 0);
  int cols = lua_gettop(L);
  lua_createtable(L, 0, ncols);
  int set = lua_gettop(L);
  for (int j = 0; j < ncols; j++) {
    const char *name = mi_query_column_name(st, j);
    lua_pushstring(L, name);
    for (int k = 2;; k++) {
      lua_pushvalue(L, -1);
      if (lua_rawget(L, set) == LUA_TNIL) {
        lua_pop(L, 1);
        break;
      }
      lua_pop(L, 2);
      lua_pushfstring(L, "%s_%d", name, k);
    }
    lua_pushvalue(L, -1);
    lua_pushboolean(L, 1);
    lua_rawset(L, set);
    lua_rawseti(L, cols, j + 1);
  }
}

static void push_cell(lua_State *L, const mi_query_value *v) {
  switch (v->type) {
  case MI_QUERY_INT: lua_pushinteger(L, (lua_Integer)v->i); break;
  case MI_QUERY_REAL: lua_pushnumber(L, v->d); break;
  case MI_QUERY_TEXT:
  case MI_QUERY_BLOB: lua_pushlstring(L, v->s, v->len); break;
  default: lua_pushnil(L); break;
  }
}

static int repl_sql(lua_State *L) {
  mi_repl *r = mi_repl_of(L);
  size_t len;
  const char *sql = luaL_checklstring(L, 1, &len);
  int nargs = lua_gettop(L) - 1;
  if (strlen(sql) != len) return luaL_error(L, "manyi.sql: the SQL text holds a NUL byte");
  if (!r->query) return luaL_error(L, "manyi.sql: there is no database (give --db FILE)");
  mi_query_stmt **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  luaL_setmetatable(L, STMT_BOX);
  lua_toclose(L, -1);
  mi_err e = {0};
  if (mi_query_prepare(r->query, sql, box, &e)) return luaL_error(L, "manyi.sql: %s", e.msg);
  bind_args(L, *box, nargs);
  push_columns(L, *box);
  int cols = lua_gettop(L) - 1, set = cols + 1;
  int ncols = (int)lua_rawlen(L, cols);
  lua_createtable(L, 0, 3); /* the records' metatable */
  lua_pushvalue(L, set);
  lua_pushcclosure(L, row_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, cols);
  lua_setfield(L, -2, "__columns");
  lua_pushliteral(L, "manyi.row");
  lua_setfield(L, -2, "__name");
  int rowmt = lua_gettop(L);
  lua_newtable(L);
  int list = lua_gettop(L);
  lua_Integer n = 0;
  int rc;
  while ((rc = mi_query_step(*box, &e)) == 1) {
    lua_createtable(L, 0, ncols);
    for (int j = 0; j < ncols; j++) {
      mi_query_value v;
      mi_query_cell(*box, j, &v);
      if (v.type == MI_QUERY_NULL) continue;
      lua_rawgeti(L, cols, j + 1);
      push_cell(L, &v);
      lua_rawset(L, -3);
    }
    lua_pushvalue(L, rowmt);
    lua_setmetatable(L, -2);
    lua_rawseti(L, list, ++n);
  }
  if (rc < 0) {
    if (r->sql_stopped) mi_repl_raise_stop(L, r);
    return luaL_error(L, "manyi.sql: %s", e.msg);
  }
  mi_query_finalize(*box);
  *box = NULL;
  lua_createtable(L, 0, 2); /* the list's own metatable: its columns */
  lua_pushvalue(L, cols);
  lua_setfield(L, -2, "__columns");
  lua_pushliteral(L, "manyi.rows");
  lua_setfield(L, -2, "__name");
  lua_setmetatable(L, list);
  lua_pushvalue(L, list);
  return 1;
}

void mi_repl_open_sql(lua_State *L, mi_repl *r) {
  luaL_newmetatable(L, STMT_BOX);
  lua_pushcfunction(L, box_close);
  lua_setfield(L, -2, "__close");
  lua_pushcfunction(L, box_close);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  if (r->query) mi_query_set_stop(r->query, sql_stop, r);
  lua_pushcfunction(L, repl_sql);
}
