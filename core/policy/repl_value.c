/* Lua values copied out as mi_repl_val for the terminal side to show. A
 * table whose keys are exactly 1..n is a list, any other table a map. Map
 * keys come in the order of the table's __columns (set by manyi.sql, so
 * rows keep the query's column order and NULL columns still appear), then
 * integers ascending, then strings bytewise, then the rest. Tables with
 * __pairs (read-only views, params) are walked through it. The copy runs
 * under the evaluation's budget and may raise; what was copied so far stays
 * reachable from the value, so the caller's free releases it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/repl_internal.h"

#define MAX_DEPTH 8      /* deeper tables are shown as {...} */
#define MAX_NESTED 1000  /* items copied of a nested table when the output is cut */

static void copy(lua_State *L, int idx, size_t max, int depth, mi_repl_val *out);

static char *dupmem(lua_State *L, const char *s, size_t len) {
  char *d = malloc(len + 1);
  if (!d) luaL_error(L, "out of memory copying a value");
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

static void *alloc_items(lua_State *L, size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) luaL_error(L, "out of memory copying a value");
  return p;
}

static void set_other(lua_State *L, mi_repl_val *out, const char *text) {
  out->kind = MI_RV_OTHER;
  out->len = strlen(text);
  out->s = dupmem(L, text, out->len);
}

/* ---- keys ---------------------------------------------------------------- */

typedef struct key_info {
  int cls; /* 0 integer, 1 string, 2 other */
  lua_Integer iv;
  const char *s; /* string keys: kept alive by the pairs table */
  size_t len;
  size_t pos; /* index of the pair in the pairs table (0-based) */
} key_info;

static int cmp_keys(const void *a, const void *b) {
  const key_info *x = a, *y = b;
  if (x->cls != y->cls) return x->cls - y->cls;
  if (x->cls == 0) return x->iv < y->iv ? -1 : x->iv > y->iv;
  if (x->cls == 1) {
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
  }
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static char *key_text(lua_State *L, int idx) {
  char buf[64];
  switch (lua_type(L, idx)) {
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    return dupmem(L, s, len);
  }
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
    else snprintf(buf, sizeof buf, "%.14g", lua_tonumber(L, idx));
    break;
  case LUA_TBOOLEAN: snprintf(buf, sizeof buf, "%s", lua_toboolean(L, idx) ? "true" : "false"); break;
  default: snprintf(buf, sizeof buf, "%s: %p", luaL_typename(L, idx), lua_topointer(L, idx)); break;
  }
  return dupmem(L, buf, strlen(buf));
}

/* Pushes {k1, v1, k2, v2, ...} of the table at idx (through __pairs if it
 * has one) and returns the number of pairs. */
static size_t collect_pairs(lua_State *L, int idx, int has_pairs) {
  lua_newtable(L);
  int t = lua_gettop(L);
  size_t m = 0;
  if (!has_pairs) {
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      lua_pushvalue(L, -2);
      lua_rawseti(L, t, (lua_Integer)(2 * m + 1));
      lua_rawseti(L, t, (lua_Integer)(2 * m + 2));
      m++;
    }
    return m;
  }
  luaL_getmetafield(L, idx, "__pairs");
  lua_pushvalue(L, idx);
  lua_call(L, 1, 3); /* f, s, k */
  for (;;) {
    lua_pushvalue(L, -3);
    lua_pushvalue(L, -3);
    lua_pushvalue(L, -3);
    lua_call(L, 2, 2);
    if (lua_isnil(L, -2)) {
      lua_pop(L, 2);
      break;
    }
    lua_pushvalue(L, -2);
    lua_rawseti(L, t, (lua_Integer)(2 * m + 1));
    lua_rawseti(L, t, (lua_Integer)(2 * m + 2));
    lua_replace(L, -2); /* the new key is the next control value */
    m++;
  }
  lua_pop(L, 3);
  return m;
}

/* The table's __columns (a list of names) as C strings, or NULL. */
static char **columns_of(lua_State *L, int idx, size_t *n) {
  *n = 0;
  int type = luaL_getmetafield(L, idx, "__columns");
  if (type == LUA_TNIL) return NULL;
  if (type != LUA_TTABLE) {
    lua_pop(L, 1);
    return NULL;
  }
  int c = lua_gettop(L);
  size_t k = (size_t)lua_rawlen(L, c);
  char **cols = alloc_items(L, k, sizeof *cols);
  for (size_t i = 0; i < k; i++) {
    lua_rawgeti(L, c, (lua_Integer)i + 1);
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    cols[*n] = s ? strdup(s) : NULL;
    if (cols[*n]) (*n)++;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return cols;
}

/* ---- tables ---------------------------------------------------------------- */

static void copy_list_raw(lua_State *L, int idx, size_t n, size_t max, int depth, mi_repl_val *out) {
  out->kind = MI_RV_LIST;
  out->total = n;
  size_t take = max && n > max ? max : n;
  out->items = alloc_items(L, take, sizeof *out->items);
  out->n = take;
  for (size_t i = 0; i < take; i++) {
    lua_rawgeti(L, idx, (lua_Integer)i + 1);
    copy(L, lua_gettop(L), max ? MAX_NESTED : 0, depth + 1, &out->items[i]);
    lua_pop(L, 1);
  }
}

/* A pure sequence 1..n without other keys and without __pairs? */
static int is_sequence(lua_State *L, int idx, size_t *n) {
  lua_Unsigned len = lua_rawlen(L, idx);
  size_t count = 0;
  int pure = 1;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    count++;
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || (lua_Unsigned)lua_tointeger(L, -1) > len)
      pure = 0;
  }
  *n = count;
  return pure && count == len;
}

static void copy_pairs(lua_State *L, int idx, size_t max, int depth, mi_repl_val *out, int has_pairs) {
  size_t m = collect_pairs(L, idx, has_pairs);
  int t = lua_gettop(L);
  key_info *keys = lua_newuserdatauv(L, (m ? m : 1) * sizeof *keys, 0);
  int all_index = 1;
  for (size_t i = 0; i < m; i++) {
    lua_rawgeti(L, t, (lua_Integer)(2 * i + 1));
    key_info *k = &keys[i];
    k->pos = i;
    if (lua_isinteger(L, -1)) {
      k->cls = 0;
      k->iv = lua_tointeger(L, -1);
      if (k->iv < 1 || (size_t)k->iv > m) all_index = 0;
    } else if (lua_type(L, -1) == LUA_TSTRING) {
      k->cls = 1;
      k->s = lua_tolstring(L, -1, &k->len);
      all_index = 0;
    } else {
      k->cls = 2;
      all_index = 0;
    }
    lua_pop(L, 1);
  }
  qsort(keys, m, sizeof *keys, cmp_keys);
  size_t ncols = 0;
  char **cols = columns_of(L, idx, &ncols);
  out->cols = cols; /* owned by out from here, whatever happens next */
  out->ncols = ncols;
  if (all_index) {
    out->kind = MI_RV_LIST;
    out->total = m;
    size_t take = max && m > max ? max : m;
    out->items = alloc_items(L, take, sizeof *out->items);
    out->n = take;
    for (size_t i = 0; i < take; i++) {
      lua_rawgeti(L, t, (lua_Integer)(2 * keys[i].pos + 2));
      copy(L, lua_gettop(L), max ? MAX_NESTED : 0, depth + 1, &out->items[i]);
      lua_pop(L, 1);
    }
    lua_pop(L, 2);
    return;
  }
  /* A map: the __columns first (a missing one is nil), then the other keys. */
  unsigned char *used = lua_newuserdatauv(L, m ? m : 1, 0);
  memset(used, 0, m ? m : 1);
  size_t cap = ncols + m;
  out->kind = MI_RV_MAP;
  out->keys = alloc_items(L, cap, sizeof *out->keys);
  out->items = alloc_items(L, cap, sizeof *out->items);
  size_t n = 0;
  for (size_t c = 0; c < ncols; c++) {
    size_t len = strlen(cols[c]);
    size_t found = m;
    for (size_t i = 0; i < m && found == m; i++)
      if (keys[i].cls == 1 && !used[i] && keys[i].len == len && !memcmp(keys[i].s, cols[c], len))
        found = i;
    out->keys[n] = dupmem(L, cols[c], len);
    out->n = ++n;
    if (found < m) {
      used[found] = 1;
      lua_rawgeti(L, t, (lua_Integer)(2 * keys[found].pos + 2));
      copy(L, lua_gettop(L), max ? MAX_NESTED : 0, depth + 1, &out->items[n - 1]);
      lua_pop(L, 1);
    }
  }
  size_t limit = depth > 0 && max ? MAX_NESTED : cap;
  for (size_t i = 0; i < m && n < limit; i++) {
    if (used[i]) continue;
    lua_rawgeti(L, t, (lua_Integer)(2 * keys[i].pos + 1));
    out->keys[n] = key_text(L, -1);
    lua_pop(L, 1);
    out->n = ++n;
    lua_rawgeti(L, t, (lua_Integer)(2 * keys[i].pos + 2));
    copy(L, lua_gettop(L), max ? MAX_NESTED : 0, depth + 1, &out->items[n - 1]);
    lua_pop(L, 1);
  }
  out->total = n;
  lua_pop(L, 3);
}

static void copy_table(lua_State *L, int idx, size_t max, int depth, mi_repl_val *out) {
  if (depth >= MAX_DEPTH) {
    set_other(L, out, "{...}");
    return;
  }
  luaL_checkstack(L, 10, "value nested too deeply");
  int has_pairs = luaL_getmetafield(L, idx, "__pairs") != LUA_TNIL;
  if (has_pairs) lua_pop(L, 1);
  size_t n;
  if (!has_pairs && is_sequence(L, idx, &n)) {
    copy_list_raw(L, idx, n, max, depth, out);
    out->cols = columns_of(L, idx, &out->ncols);
    return;
  }
  copy_pairs(L, idx, max, depth, out, has_pairs);
}

static void copy(lua_State *L, int idx, size_t max, int depth, mi_repl_val *out) {
  memset(out, 0, sizeof *out);
  switch (lua_type(L, idx)) {
  case LUA_TNIL: out->kind = MI_RV_NIL; break;
  case LUA_TBOOLEAN:
    out->kind = MI_RV_BOOL;
    out->b = lua_toboolean(L, idx);
    break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) {
      out->kind = MI_RV_INT;
      out->i = (int64_t)lua_tointeger(L, idx);
    } else {
      out->kind = MI_RV_NUM;
      out->d = (double)lua_tonumber(L, idx);
    }
    break;
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    out->kind = MI_RV_STR;
    out->s = dupmem(L, s, len);
    out->len = len;
    break;
  }
  case LUA_TTABLE: copy_table(L, idx, max, depth, out); break;
  default: {
    size_t len;
    const char *s = luaL_tolstring(L, idx, &len);
    out->kind = MI_RV_OTHER;
    out->s = dupmem(L, s, len);
    out->len = len;
    lua_pop(L, 1);
    break;
  }
  }
}

void mi_repl_copy_value(lua_State *L, int idx, size_t max_rows, mi_repl_val *out) {
  copy(L, lua_absindex(L, idx), max_rows, 0, out);
}

void mi_repl_val_free(mi_repl_val *v) {
  if (!v) return;
  for (size_t i = 0; i < v->n; i++) {
    if (v->items) mi_repl_val_free(&v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  for (size_t i = 0; i < v->ncols; i++) free(v->cols[i]);
  free(v->cols);
  free(v->keys);
  free(v->items);
  free(v->s);
  memset(v, 0, sizeof *v);
}
