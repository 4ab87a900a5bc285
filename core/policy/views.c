/* What a hook sees: an mi_view as a read-only table (unknown fields raise,
 * writes raise), and the YAML params as nested read-only tables. Also the
 * deep copy of params an mi_policy keeps for reloads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

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

/* ---- views kept for the next call ----------------------------------------- */

static const char view_cache; /* registry[&view_cache]: slot -> {proxy, data, keys, shape} */

/* The value the data table holds for a field, so that a field that did not
 * change since the last call (the same customer's next event, the same
 * region as the customer before) is not pushed again. */
typedef struct last_value {
  int known; /* 0: not remembered (a list, a long string): always pushed */
  mi_view_type type;
  int64_t i;
  double d;
  int len;   /* of s; -1: a NULL string */
  char s[44];
} last_value;

/* What a kept view was made for: its kind and field names, each ended by a
 * NUL, so that a view of another shape is never filled into it; and the
 * values it holds. */
typedef struct shape {
  size_t len, nfields;
  last_value *last; /* nfields of them, in the same block */
  char text[];
} shape;

static int same_value(const last_value *lv, const mi_view_field *f) {
  if (!lv->known || lv->type != f->type) return 0;
  switch (f->type) {
  case MI_VIEW_BOOL: return lv->i == (f->i != 0);
  case MI_VIEW_INT: return lv->i == f->i;
  case MI_VIEW_NUM: return !memcmp(&lv->d, &f->d, sizeof f->d); /* -0.0 and NaN too */
  case MI_VIEW_STR:
    if (!f->s) return lv->len < 0;
    return lv->len >= 0 && !strncmp(lv->s, f->s, sizeof lv->s) && f->s[lv->len] == '\0';
  case MI_VIEW_LIST: /* tables: always built again */
  case MI_VIEW_RECORD: return 0;
  default: return 1; /* nil */
  }
}

static void remember(last_value *lv, const mi_view_field *f) {
  memset(lv, 0, sizeof *lv);
  lv->type = f->type;
  lv->known = f->type != MI_VIEW_LIST && f->type != MI_VIEW_RECORD;
  lv->i = f->type == MI_VIEW_BOOL ? f->i != 0 : f->i;
  lv->d = f->d;
  if (f->type != MI_VIEW_STR) return;
  size_t n = f->s ? strlen(f->s) : 0;
  if (!f->s) lv->len = -1;
  else if (n < sizeof lv->s) lv->len = (int)n, memcpy(lv->s, f->s, n + 1);
  else lv->known = 0;
}

static size_t shape_len(const mi_view *v) {
  size_t n = strlen(v->kind ? v->kind : "") + 1;
  for (size_t i = 0; i < v->nfields; i++) n += strlen(v->fields[i].name) + 1;
  return n;
}

static int shape_is(const shape *sh, const mi_view *v) {
  if (sh->nfields != v->nfields) return 0;
  const char *p = sh->text;
  const char *kind = v->kind ? v->kind : "";
  if (strcmp(p, kind)) return 0;
  p += strlen(p) + 1;
  for (size_t i = 0; i < v->nfields; i++) {
    if (strcmp(p, v->fields[i].name)) return 0;
    p += strlen(p) + 1;
  }
  return 1;
}

/* Builds the view's data table, its keys, its read-only proxy and its
 * shape; leaves the entry {proxy, data, keys, shape} on the stack. */
static void build_entry(lua_State *L, const mi_view *v, int slot) {
  lua_createtable(L, 4, 0);
  int entry = lua_gettop(L), keys = entry + 1, data = entry + 2;
  lua_createtable(L, (int)v->nfields, 0);
  lua_createtable(L, 0, (int)v->nfields);
  for (size_t i = 0; i < v->nfields; i++) {
    lua_pushstring(L, v->fields[i].name);
    lua_pushvalue(L, -1);
    lua_rawseti(L, keys, (lua_Integer)i + 1);
    push_field(L, &v->fields[i], child_slot(slot, i));
    lua_rawset(L, data);
  }
  lua_pushvalue(L, keys);
  lua_rawseti(L, entry, 3);
  lua_pushvalue(L, data);
  lua_rawseti(L, entry, 2);
  lua_pushstring(L, v->kind ? v->kind : "input");
  lua_pushliteral(L, " view");
  lua_concat(L, 2);
  lua_pushvalue(L, data);
  mi_pol_readonly(L, lua_tostring(L, -2), 1); /* the copy of data becomes its proxy */
  lua_rawseti(L, entry, 1);
  size_t len = shape_len(v), values = v->nfields * sizeof(last_value);
  /* the text first, then the values, aligned */
  size_t at = (len + _Alignof(last_value) - 1) / _Alignof(last_value) * _Alignof(last_value);
  shape *sh = lua_newuserdatauv(L, sizeof *sh + at + values, 0);
  sh->len = len;
  sh->nfields = v->nfields;
  sh->last = (last_value *)(void *)(sh->text + at);
  for (size_t i = 0; i < v->nfields; i++) remember(&sh->last[i], &v->fields[i]);
  char *p = sh->text;
  const char *kind = v->kind ? v->kind : "";
  memcpy(p, kind, strlen(kind) + 1);
  p += strlen(kind) + 1;
  for (size_t i = 0; i < v->nfields; i++) {
    size_t n = strlen(v->fields[i].name) + 1;
    memcpy(p, v->fields[i].name, n);
    p += n;
  }
  lua_rawseti(L, entry, 4);
  lua_settop(L, entry);
}

void mi_pol_push_view_kept(lua_State *L, const mi_view *v, int slot) {
  if (!mi_pol_budget_of(L)->frozen) { /* calls may keep state: a view of their own */
    mi_pol_push_view(L, v);
    return;
  }
  int top = lua_gettop(L);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &view_cache) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &view_cache);
  }
  int cache = top + 1;
  int fresh = 1;
  shape *sh = NULL;
  if (lua_rawgeti(L, cache, slot) == LUA_TTABLE) {
    lua_rawgeti(L, -1, 4);
    sh = lua_touserdata(L, -1); /* kept alive by the entry */
    fresh = !sh || !shape_is(sh, v);
    lua_pop(L, 1);
  }
  if (fresh) { /* the first view of this slot, or one of another shape */
    lua_pop(L, 1);
    build_entry(L, v, slot);
    lua_pushvalue(L, -1);
    lua_rawseti(L, cache, slot);
  } else {
    int entry = lua_gettop(L);
    lua_rawgeti(L, entry, 2);
    lua_rawgeti(L, entry, 3);
    int data = entry + 1, keys = entry + 2;
    for (size_t i = 0; i < v->nfields; i++) {
      if (same_value(&sh->last[i], &v->fields[i])) continue;
      sh->last[i].known = 0; /* until the new value is in (a push may raise) */
      lua_rawgeti(L, keys, (lua_Integer)i + 1);
      push_field(L, &v->fields[i], child_slot(slot, i));
      lua_rawset(L, data); /* the key is there: no allocation */
      remember(&sh->last[i], &v->fields[i]);
    }
    lua_settop(L, entry);
  }
  lua_rawgeti(L, -1, 1);
  lua_replace(L, top + 1);
  lua_settop(L, top + 1);
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
