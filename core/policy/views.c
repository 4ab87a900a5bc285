/* What a hook sees: an mi_view as a read-only table (unknown fields raise,
 * writes raise), and the YAML params as nested read-only tables. Also the
 * deep copy of params an mi_policy keeps for reloads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

void mi_pol_push_view(lua_State *L, const mi_view *v) {
  lua_createtable(L, 0, (int)v->nfields);
  for (size_t i = 0; i < v->nfields; i++) {
    const mi_view_field *f = &v->fields[i];
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
      if (f->list) mi_pol_push_view(L, f->list);
      else mi_pol_push_nil_mark(L);
      break;
    default: mi_pol_push_nil_mark(L); break;
    }
    lua_setfield(L, -2, f->name);
  }
  lua_pushstring(L, v->kind ? v->kind : "input"); /* pushfstring is slow for every call */
  lua_pushliteral(L, " view");
  lua_concat(L, 2);
  const char *what = lua_tostring(L, -1);
  lua_insert(L, -2);
  mi_pol_readonly(L, what, 1);
  lua_remove(L, -2);
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
