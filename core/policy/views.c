/* What a hook sees: an mi_view as a read-only table (unknown fields raise,
 * writes raise), and the YAML params as nested read-only tables. Also the
 * deep copy of params an mi_policy keeps for reloads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "util/suggest.h"

#include "policy/policy_internal.h"

/* The kept slot of field i of the view kept in slot (its record, refilled
 * like its parent); -1: none, the record is built fresh. */
static int child_slot(int slot, size_t i) {
  return slot >= 0 && slot < 4096 && i < 64 ? 4096 + slot * 64 + (int)i : -1;
}

/* The value of field f, pushed (a fresh read-only list for a LIST; a
 * RECORD kept in slot when slot >= 0). */
static void push_field(lua_State *L, const mi_view_field *f, int slot) {
  switch (f->type) {
  case MI_VIEW_BOOL: lua_pushboolean(L, f->i != 0); break;
  case MI_VIEW_INT: lua_pushinteger(L, (lua_Integer)f->i); break;
  case MI_VIEW_NUM: lua_pushnumber(L, f->d); break;
  case MI_VIEW_STR: /* a NULL string is nil */
    if (f->s) lua_pushstring(L, f->s);
    else mi_pol_push_nil_mark(L);
    break;
  case MI_VIEW_LIST: /* read-only records in a read-only list */
    lua_createtable(L, (int)f->nlist, 0);
    for (size_t j = 0; j < f->nlist; j++) {
      mi_pol_push_view(L, &f->list[j]);
      lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    mi_pol_readonly(L, f->name, 0);
    break;
  case MI_VIEW_RECORD: /* one read-only record */
    if (!f->list) mi_pol_push_nil_mark(L);
    else if (slot >= 0) mi_pol_push_view_kept(L, f->list, slot);
    else mi_pol_push_view(L, f->list);
    break;
  default: mi_pol_push_nil_mark(L); break;
  }
}

void mi_pol_push_view(lua_State *L, const mi_view *v) {
  lua_createtable(L, 0, (int)v->nfields);
  for (size_t i = 0; i < v->nfields; i++) {
    push_field(L, &v->fields[i], -1);
    lua_setfield(L, -2, v->fields[i].name);
  }
  lua_pushstring(L, v->kind ? v->kind : "input"); /* pushfstring is slow for every call */
  lua_pushliteral(L, " view");
  lua_concat(L, 2);
  const char *what = lua_tostring(L, -1);
  lua_insert(L, -2);
  mi_pol_readonly(L, what, 1);
  lua_remove(L, -2);
}

/* ---- views read where they are ----------------------------------------------
 * Once the file is frozen (calls keep no state, so no call can hold a view
 * past its end) a view is an empty proxy made once per slot whose __index
 * reads the field asked for from the mi_view of the current call: a call
 * pays for the fields the policy reads, not for building every field of
 * every view (a third of a call with twenty fields). A proxy read in a
 * later call than the one it was given to raises. */

static const char view_cache; /* registry[&view_cache]: slot -> lazy userdata (user value: proxy) */

typedef struct lazy {
  const mi_view *v;
  uint64_t call; /* the budget's call it was given in */
  int slot;
} lazy;

static lazy *lazy_of(lua_State *L) {
  lazy *z = lua_touserdata(L, lua_upvalueindex(1));
  if (z->call != mi_pol_budget_of(L)->calls || !z->v)
    luaL_error(L, "a view can be read only during the call it was given to");
  return z;
}

static int field_of(const mi_view *v, const char *key) {
  for (size_t i = 0; i < v->nfields; i++)
    if (!strcmp(v->fields[i].name, key)) return (int)i;
  return -1;
}

/* Pushes field i of z's view (a record as a lazy view of its own slot). */
static void push_lazy_field(lua_State *L, const lazy *z, int i) {
  const mi_view_field *f = &z->v->fields[i];
  if (f->type == MI_VIEW_STR && !f->s) lua_pushnil(L);
  else if (f->type == MI_VIEW_NIL) lua_pushnil(L);
  else if (f->type == MI_VIEW_RECORD && !f->list) lua_pushnil(L);
  else push_field(L, f, child_slot(z->slot, (size_t)i));
}

static int lazy_index(lua_State *L) {
  const lazy *z = lazy_of(L);
  const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
  int i = key ? field_of(z->v, key) : -1;
  if (i >= 0) {
    push_lazy_field(L, z, i);
    return 1;
  }
  const char *kind = z->v->kind ? z->v->kind : "input";
  if (!key) return luaL_error(L, "%s view has no field [%s]", kind, luaL_typename(L, 2));
  const char *words[65];
  size_t n = 0;
  for (; n < z->v->nfields && n < 64; n++) words[n] = z->v->fields[n].name;
  words[n] = NULL;
  const char *near = mi_suggest(key, words);
  if (near) return luaL_error(L, "%s view has no field '%s' (did you mean '%s'?)", kind, key, near);
  return luaL_error(L, "%s view has no field '%s'", kind, key);
}

static int lazy_newindex(lua_State *L) {
  const lazy *z = lazy_of(L);
  return luaL_error(L, "%s view is read-only", z->v->kind ? z->v->kind : "input");
}

/* The iterator of pairs(view): the fields in their order (a nil one too). */
static int lazy_next(lua_State *L) {
  const lazy *z = lazy_of(L);
  int i = lua_isnil(L, 2) ? 0 : lua_type(L, 2) == LUA_TSTRING ? field_of(z->v, lua_tostring(L, 2)) + 1 : -1;
  if (i <= 0 && !lua_isnil(L, 2)) return luaL_error(L, "invalid key to 'next'");
  if ((size_t)i >= z->v->nfields) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushstring(L, z->v->fields[i].name);
  push_lazy_field(L, z, i);
  return 2;
}

/* upvalues: the lazy userdata, the iterator (made once: pairs allocates nothing) */
static int lazy_pairs(lua_State *L) {
  lazy_of(L);
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

static int lazy_len(lua_State *L) {
  lazy_of(L);
  lua_pushinteger(L, 0); /* a record, not a sequence */
  return 1;
}

/* A new lazy userdata for slot with its proxy as user value; left on the stack. */
static lazy *make_lazy(lua_State *L, int slot) {
  lazy *z = lua_newuserdatauv(L, sizeof *z, 1);
  *z = (lazy){.slot = slot};
  int ud = lua_gettop(L);
  lua_createtable(L, 0, 0); /* the proxy */
  lua_createtable(L, 0, 7); /* its metatable */
  static const struct {
    const char *name;
    lua_CFunction fn;
  } methods[] = {{"__index", lazy_index}, {"__newindex", lazy_newindex}, {"__pairs", lazy_pairs},
                 {"__len", lazy_len}};
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
    lua_pushvalue(L, ud);
    int n = 1;
    if (methods[i].fn == lazy_pairs) {
      lua_pushvalue(L, ud);
      lua_pushcclosure(L, lazy_next, 1);
      n = 2;
    }
    lua_pushcclosure(L, methods[i].fn, n);
    lua_setfield(L, -2, methods[i].name);
  }
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, MI_POL_RO_MARKER);
  lua_setmetatable(L, -2);
  lua_setiuservalue(L, ud, 1);
  return z;
}

void mi_pol_push_view_kept(lua_State *L, const mi_view *v, int slot) {
  const mi_pol_budget *b = mi_pol_budget_of(L);
  if (!b->frozen) { /* calls may keep state: a view of their own */
    mi_pol_push_view(L, v);
    return;
  }
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &view_cache) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &view_cache);
  }
  lazy *z;
  if (lua_rawgeti(L, -1, slot) == LUA_TUSERDATA) {
    z = lua_touserdata(L, -1);
  } else {
    lua_pop(L, 1);
    z = make_lazy(L, slot);
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, slot);
  }
  z->v = v;
  z->call = b->calls;
  lua_getiuservalue(L, -1, 1);
  lua_replace(L, -3);
  lua_pop(L, 1);
}

void mi_pol_push_value(lua_State *L, const mi_config_value *v, const char *what) {
  switch (v->kind) {
  case MI_CONFIG_BOOL: lua_pushboolean(L, v->b); return;
  case MI_CONFIG_INT: lua_pushinteger(L, (lua_Integer)v->i); return;
  case MI_CONFIG_FLOAT: lua_pushnumber(L, v->f); return;
  case MI_CONFIG_STRING: lua_pushstring(L, v->s); return;
  case MI_CONFIG_LIST:
    lua_createtable(L, (int)v->count, 0);
    for (size_t i = 0; i < v->count; i++) {
      lua_pushfstring(L, "%s[%d]", what, (int)i + 1);
      mi_pol_push_value(L, &v->items[i], lua_tostring(L, -1));
      lua_remove(L, -2);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    mi_pol_readonly(L, what, 0); /* ipairs stops at the end, so no error past it */
    return;
  case MI_CONFIG_MAP:
    lua_createtable(L, 0, (int)v->count);
    for (size_t i = 0; i < v->count; i++) {
      lua_pushfstring(L, "%s.%s", what, v->keys[i]);
      mi_pol_push_value(L, &v->items[i], lua_tostring(L, -1));
      lua_remove(L, -2);
      if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        mi_pol_push_nil_mark(L);
      }
      lua_setfield(L, -2, v->keys[i]);
    }
    mi_pol_readonly(L, what, 1);
    return;
  default: lua_pushnil(L); return;
  }
}

void mi_pol_value_free(mi_config_value *v) {
  if (!v) return;
  for (size_t i = 0; i < v->count; i++) {
    if (v->keys) free(v->keys[i]);
    if (v->items) mi_pol_value_free(&v->items[i]);
  }
  free(v->keys);
  free(v->items);
  free(v->s);
  memset(v, 0, sizeof *v);
}

static char *dup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

int mi_pol_value_copy(mi_config_value *dst, const mi_config_value *src) {
  *dst = *src;
  dst->s = NULL;
  dst->keys = NULL;
  dst->items = NULL;
  dst->count = 0;
  if (src->s && !(dst->s = dup(src->s))) return MI_ENOMEM;
  if (!src->count) return 0;
  if (!(dst->items = calloc(src->count, sizeof *dst->items))) return MI_ENOMEM;
  if (src->keys && !(dst->keys = calloc(src->count, sizeof *dst->keys))) return MI_ENOMEM;
  for (size_t i = 0; i < src->count; i++) {
    dst->count = i + 1;
    if (src->keys && !(dst->keys[i] = dup(src->keys[i]))) return MI_ENOMEM;
    int rc = mi_pol_value_copy(&dst->items[i], &src->items[i]);
    if (rc) return rc;
  }
  return 0;
}
