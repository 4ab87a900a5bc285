/* manyi.stats.NAME(rows, opts): the statistics of `manyi stats NAME` for
 * policies and the REPL. Each function is the catalogue entry of
 * core/analysis (same options, same checks, same result fields), fed with
 * Lua rows instead of a file:
 *   rows  a list of records ({score = 9, tier = "A"}, ...) or a list of
 *         numbers (one column called "x", which `col` then defaults to);
 *         nil, "" and "NA" are missing, as in a CSV file
 *   opts  the options without "--": {col = "score", by = "tier",
 *         conf = 0.9, var_equal = true, x = {"price", "speed"}}; '_' stands
 *         for '-' in names (sample_size, var_equal); a list is joined with
 *         commas; a flag is true
 * The result is the JSON object of `--json` as a table; an undefined value
 * (JSON null) is an absent field. Errors raise "manyi.stats.NAME: why".
 * The rows are copied into a userdata (counted by the memory budget); the
 * computation runs in C, so the time budget is checked when it returns. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "analysis/analysis.h"
#include "policy/policy_internal.h"
#include "util/text.h"

#define ROWS_NAME "rows"
#define JSON_BOX "mi.json" /* metatable of the box that frees a result on error */

/* '_' -> '-' into buf (names in Lua cannot hold '-'). */
static const char *dashed(const char *s, char *buf, size_t size) {
  snprintf(buf, size, "%s", s);
  for (char *p = buf; *p; p++)
    if (*p == '_') *p = '-';
  return buf;
}

/* ---- rows -> mi_analysis_table ----------------------------------------------- */

/* The cell for the value at idx (row and key for messages). */
static mi_analysis_cell cell_of(lua_State *L, int idx, const char *fn, lua_Integer row,
                                const char *key) {
  mi_analysis_cell c = {MI_ANALYSIS_NIL, 0, NULL};
  switch (lua_type(L, idx)) {
  case LUA_TNIL: break;
  case LUA_TNUMBER:
    c.kind = MI_ANALYSIS_NUM;
    c.num = lua_tonumber(L, idx);
    break;
  case LUA_TSTRING:
    c.kind = MI_ANALYSIS_STR;
    c.str = lua_tostring(L, idx); /* kept alive by the rows table */
    break;
  case LUA_TBOOLEAN:
    c.kind = MI_ANALYSIS_STR;
    c.str = lua_toboolean(L, idx) ? "true" : "false";
    break;
  default:
    luaL_error(L, "manyi.stats.%s: row %d, field '%s' is a %s (numbers, strings and booleans "
                  "only)", fn, (int)row, key, luaL_typename(L, idx));
  }
  return c;
}

/* Builds t from the rows at index `rows`. Pushes two userdata that own the
 * arrays (and the name index); they live until the caller's frame ends. */
static void table_of(lua_State *L, int rows, const char *fn, mi_analysis_table *t) {
  luaL_checktype(L, rows, LUA_TTABLE);
  mi_pol_thaw(L, rows); /* rows made when the file loaded are frozen (freeze.c) */
  lua_Integer n = luaL_len(L, rows);
  memset(t, 0, sizeof *t);
  t->name = ROWS_NAME;
  t->nrows = (size_t)n;
  lua_newtable(L); /* column name -> index (1-based) */
  int names = lua_gettop(L);
  int records = n > 0 && lua_geti(L, rows, 1) == LUA_TTABLE;
  if (n > 0) lua_pop(L, 1);
  if (records) {
    for (lua_Integer i = 1; i <= n; i++) {
      if (lua_geti(L, rows, i) != LUA_TTABLE)
        luaL_error(L, "manyi.stats.%s: row %d is a %s, not a record (all rows must be tables, "
                      "or all numbers)", fn, (int)i, luaL_typename(L, -1));
      mi_pol_thaw(L, -1);
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) continue; /* list parts of a record are not columns */
        lua_pushvalue(L, -1);
        if (lua_rawget(L, names) == LUA_TNIL) {
          lua_pushvalue(L, -2);
          lua_pushinteger(L, (lua_Integer)++t->ncols);
          lua_rawset(L, names);
        }
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
  } else {
    t->ncols = 1;
  }
  const char **cols = lua_newuserdatauv(L, (t->ncols ? t->ncols : 1) * sizeof *cols, 0);
  if (records) {
    lua_pushnil(L);
    while (lua_next(L, names)) {
      cols[lua_tointeger(L, -1) - 1] = lua_tostring(L, -2); /* kept alive by `names` */
      lua_pop(L, 1);
    }
  } else {
    cols[0] = "x";
  }
  size_t ncells = t->nrows * t->ncols;
  if (t->ncols && ncells / t->ncols != t->nrows) luaL_error(L, "manyi.stats.%s: too many rows", fn);
  mi_analysis_cell *cells = lua_newuserdatauv(L, (ncells ? ncells : 1) * sizeof *cells, 0);
  for (size_t k = 0; k < ncells; k++) cells[k] = (mi_analysis_cell){MI_ANALYSIS_NIL, 0, NULL};
  for (lua_Integer i = 1; i <= n; i++) {
    mi_analysis_cell *row = &cells[(size_t)(i - 1) * t->ncols];
    lua_geti(L, rows, i);
    if (!records) {
      if (lua_type(L, -1) == LUA_TTABLE)
        luaL_error(L, "manyi.stats.%s: row %d is a table but row 1 is not (all rows must be "
                      "records, or all numbers)", fn, (int)i);
      row[0] = cell_of(L, -1, fn, i, "x");
      lua_pop(L, 1);
      continue;
    }
    mi_pol_thaw(L, -1);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_type(L, -2) == LUA_TSTRING) {
        lua_pushvalue(L, -2);
        lua_rawget(L, names);
        size_t j = (size_t)lua_tointeger(L, -1) - 1;
        lua_pop(L, 1);
        row[j] = cell_of(L, -1, fn, i, lua_tostring(L, -2));
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  t->cols = cols;
  t->cells = cells;
}

/* ---- opts -> mi_analysis_args ---------------------------------------------------- */

typedef struct opt_store {
  char names[MI_ANALYSIS_MAX_OPTS][32];
  char nums[MI_ANALYSIS_MAX_OPTS][32];
} opt_store;

/* The option value at the top as text, or NULL for false. A list is joined
 * with commas into a string stored in the table at `keep`, which keeps it
 * alive. */
static const char *opt_text(lua_State *L, int keep, const char *fn, const char *key,
                            char *num, size_t size) {
  switch (lua_type(L, -1)) {
  case LUA_TSTRING: return lua_tostring(L, -1);
  case LUA_TNUMBER: mi_text_number(lua_tonumber(L, -1), num, size); return num;
  case LUA_TBOOLEAN: return lua_toboolean(L, -1) ? "1" : NULL;
  case LUA_TTABLE: {
    luaL_Buffer b;
    lua_Integer n = luaL_len(L, -1);
    int list = lua_gettop(L);
    luaL_buffinit(L, &b);
    for (lua_Integer i = 1; i <= n; i++) {
      if (lua_geti(L, list, i) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER)
        luaL_error(L, "manyi.stats.%s: option '%s': item %d is a %s (names or numbers only)", fn,
                   key, (int)i, luaL_typename(L, -1));
      const char *s = lua_tostring(L, -1);
      lua_pop(L, 1);
      if (i > 1) luaL_addchar(&b, ',');
      luaL_addstring(&b, s);
    }
    luaL_pushresult(&b);
    const char *joined = lua_tostring(L, -1);
    lua_rawseti(L, keep, (lua_Integer)luaL_len(L, keep) + 1);
    return joined;
  }
  default:
    luaL_error(L, "manyi.stats.%s: option '%s' is a %s", fn, key, luaL_typename(L, -1));
    return NULL;
  }
}

/* ---- margin = {VAR = {level = count, ...}} -> margins in memory (rake) ---------- */

static const char *const MARGIN_COLS[2] = {"level", "count"};

static int cmp_str(const void *x, const void *y) {
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}
static int cmp_level(const void *x, const void *y) {
  return strcmp(((const mi_analysis_cell *)x)->str, ((const mi_analysis_cell *)y)->str);
}

/* A new userdata of size bytes, kept alive by the table at keep. */
static void *kept(lua_State *L, int keep, size_t size) {
  void *p = lua_newuserdatauv(L, size ? size : 1, 0);
  lua_rawseti(L, keep, (lua_Integer)luaL_len(L, keep) + 1);
  return p;
}

/* The option at idx, {VAR = {level = count, ...}, ...}, into a->margins: one
 * table per variable with columns level and count, read as a margins file.
 * A Lua table has no order, so the variables are raked in the order of
 * their names, and each table's levels are sorted (for messages). */
static void margins_of(lua_State *L, int idx, int keep, const char *fn, const char *key,
                       mi_analysis_args *a) {
  size_t nv = 0;
  mi_pol_thaw(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -2) != LUA_TSTRING)
      luaL_error(L, "manyi.stats.%s: option '%s': give {VAR = {level = count, ...}, ...} (a "
                    "key is a %s)", fn, key, luaL_typename(L, -2));
    if (lua_type(L, -1) != LUA_TTABLE)
      luaL_error(L, "manyi.stats.%s: option '%s': '%s' is a %s, not {level = count, ...}", fn,
                 key, lua_tostring(L, -2), luaL_typename(L, -1));
    nv++;
    lua_pop(L, 1);
  }
  const char **vars = kept(L, keep, nv * sizeof *vars);
  mi_analysis_margin_rows *mr = kept(L, keep, nv * sizeof *mr);
  mi_analysis_table *tabs = kept(L, keep, nv * sizeof *tabs);
  size_t v = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    vars[v++] = lua_tostring(L, -2); /* a string key: kept alive by the option's table */
    lua_pop(L, 1);
  }
  qsort(vars, nv, sizeof *vars, cmp_str);
  for (v = 0; v < nv; v++) {
    lua_getfield(L, idx, vars[v]);
    int lt = lua_gettop(L);
    mi_pol_thaw(L, lt);
    size_t nl = 0;
    lua_pushnil(L);
    while (lua_next(L, lt)) nl++, lua_pop(L, 1);
    mi_analysis_cell *cells = kept(L, keep, 2 * nl * sizeof *cells);
    size_t r = 0;
    lua_pushnil(L);
    while (lua_next(L, lt)) {
      mi_analysis_cell *row = &cells[2 * r];
      if (lua_type(L, -2) == LUA_TSTRING) {
        row[0] = (mi_analysis_cell){MI_ANALYSIS_STR, 0, lua_tostring(L, -2)};
      } else if (lua_type(L, -2) == LUA_TNUMBER) { /* tier = {[1] = 40, ...}: level "1" */
        char num[32];
        mi_text_number(lua_tonumber(L, -2), num, sizeof num);
        lua_pushstring(L, num);
        row[0] = (mi_analysis_cell){MI_ANALYSIS_STR, 0, lua_tostring(L, -1)};
        lua_rawseti(L, keep, (lua_Integer)luaL_len(L, keep) + 1);
      } else {
        luaL_error(L, "manyi.stats.%s: option '%s': a level of '%s' is a %s", fn, key, vars[v],
                   luaL_typename(L, -2));
      }
      row[1] = cell_of(L, -1, fn, (lua_Integer)r + 1, "count");
      r++;
      lua_pop(L, 1);
    }
    qsort(cells, nl, 2 * sizeof *cells, cmp_level);
    lua_pushfstring(L, "%s.%s", key, vars[v]);
    const char *name = lua_tostring(L, -1);
    lua_rawseti(L, keep, (lua_Integer)luaL_len(L, keep) + 1); /* name stays alive there */
    tabs[v] = (mi_analysis_table){name, nl, 2, MARGIN_COLS, cells};
    mr[v] = (mi_analysis_margin_rows){vars[v], &tabs[v]};
    lua_pop(L, 1);
  }
  a->margins = mr;
  a->nmargins = nv;
}

/* Fills a from the opts table at idx (which keeps the values alive). */
static void args_of(lua_State *L, int idx, const mi_analysis_sub *s, const char *fn,
                    mi_analysis_args *a, opt_store *st) {
  if (lua_isnoneornil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  mi_pol_thaw(L, idx);
  lua_newtable(L); /* joined lists */
  int keep = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -2) != LUA_TSTRING)
      luaL_error(L, "manyi.stats.%s: option names are strings, not %s", fn,
                 luaL_typename(L, -2));
    const char *key = lua_tostring(L, -2);
    if (a->n == MI_ANALYSIS_MAX_OPTS) luaL_error(L, "manyi.stats.%s: too many options", fn);
    const char *name = dashed(key, st->names[a->n], sizeof st->names[a->n]);
    int kind = mi_analysis_option_kind(s, name, strlen(name));
    if (!kind) {
      char list[256];
      mi_analysis_option_list(s, 1, list, sizeof list);
      luaL_error(L, "manyi.stats.%s: unknown option '%s' (options: %s)", fn, key, list);
    }
    const char *v;
    if ((!strcmp(name, "margin") || !strcmp(name, "poststratify")) && lua_istable(L, -1)) {
      margins_of(L, lua_gettop(L), keep, fn, key, a);
      v = "(table)";
    } else {
      v = opt_text(L, keep, fn, key, st->nums[a->n], sizeof st->nums[a->n]);
    }
    if (v && kind == 2 && strcmp(v, "1"))
      luaL_error(L, "manyi.stats.%s: option '%s' is a flag: give true", fn, key);
    if (v) {
      a->names[a->n] = name;
      a->vals[a->n++] = v;
    }
    lua_pop(L, 1);
  }
}

/* ---- JSON result -> Lua ---------------------------------------------------------- */

static void push_json(lua_State *L, const json_t *v) {
  luaL_checkstack(L, 4, "result nested too deeply");
  switch (json_typeof(v)) {
  case JSON_OBJECT: {
    const char *k;
    json_t *x;
    lua_createtable(L, 0, (int)json_object_size(v));
    json_object_foreach((json_t *)v, k, x) {
      if (json_is_null(x)) continue;
      push_json(L, x);
      lua_setfield(L, -2, k);
    }
    break;
  }
  case JSON_ARRAY: {
    size_t i;
    json_t *x;
    lua_createtable(L, (int)json_array_size(v), 0);
    json_array_foreach(v, i, x) {
      if (json_is_null(x)) lua_pushnumber(L, NAN); /* keep positions */
      else push_json(L, x);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    break;
  }
  case JSON_STRING: lua_pushstring(L, json_string_value(v)); break;
  case JSON_INTEGER: lua_pushinteger(L, (lua_Integer)json_integer_value(v)); break;
  case JSON_REAL: lua_pushnumber(L, json_real_value(v)); break;
  case JSON_TRUE: lua_pushboolean(L, 1); break;
  case JSON_FALSE: lua_pushboolean(L, 0); break;
  default: lua_pushnil(L);
  }
}

static int json_box_gc(lua_State *L) {
  json_t **box = luaL_checkudata(L, 1, JSON_BOX);
  json_decref(*box);
  *box = NULL;
  return 0;
}

/* ---- the functions ------------------------------------------------------------- */

/* upvalues: the catalogue entry (light userdata), the Lua name. */
static int stats_call(lua_State *L) {
  const mi_analysis_sub *s = lua_touserdata(L, lua_upvalueindex(1));
  const char *fn = lua_tostring(L, lua_upvalueindex(2));
  mi_analysis_args a = {.sub = s->name};
  mi_analysis_table t;
  lua_settop(L, 2); /* rows, opts */
  opt_store *st = lua_newuserdatauv(L, sizeof *st, 0);
  int opts = 2;
  if (s->needs_file) {
    table_of(L, 1, fn, &t);
    a.table = &t;
    a.file = t.name;
  } else if (lua_istable(L, 1)) {
    opts = 1; /* sample_size{margin = 0.05}: nothing to read, only options */
  }
  args_of(L, opts, s, fn, &a, st);
  if (s->needs_file && !lua_istable(L, 1)) luaL_error(L, "manyi.stats.%s: give rows", fn);
  if (a.table && t.ncols == 1 && !strcmp(t.cols[0], "x") && !mi_analysis_opt(&a, "col") &&
      mi_analysis_option_kind(s, "col", 3) == 1 && a.n < MI_ANALYSIS_MAX_OPTS) {
    a.names[a.n] = "col"; /* a list of numbers: its one column */
    a.vals[a.n++] = "x";
  }
  json_t **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  luaL_setmetatable(L, JSON_BOX);
  mi_err e = {0};
  *box = s->run(&a, &e);
  if (!*box) {
    char msg[sizeof e.msg + 64];
    mi_err_format(&e, msg, sizeof msg);
    return luaL_error(L, "manyi.stats.%s: %s", fn, msg);
  }
  mi_pol_budget_check_time(L);
  push_json(L, *box);
  json_decref(*box);
  *box = NULL;
  return 1;
}

void mi_pol_open_stats(lua_State *L) {
  luaL_newmetatable(L, JSON_BOX);
  lua_pushcfunction(L, json_box_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  lua_newtable(L);
  for (const mi_analysis_sub *s = mi_analysis_subs; s->name; s++) {
    char name[64];
    snprintf(name, sizeof name, "%s", s->name);
    for (char *p = name; *p; p++)
      if (*p == '-') *p = '_';
    lua_pushlightuserdata(L, (void *)s);
    lua_pushstring(L, name);
    lua_pushcclosure(L, stats_call, 2);
    lua_setfield(L, -2, name);
  }
  mi_pol_readonly(L, "manyi.stats", 1);
}
