/* Tab completion on the Lua side: the names a word can become. A plain word
 * completes to the analyst's globals, the sandbox's library (manyi, string,
 * math ...) and Lua's keywords; a dotted path ("manyi.stats.n", "c.spe")
 * is followed table by table and completes to the fields of the last one.
 * Only raw reads, and the C metamethods of read-only proxies (views,
 * params, libraries), are used, so completing runs none of the analyst's
 * code. Records of manyi.sql also offer their NULL columns (__columns). */
#include <ctype.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/repl_internal.h"

#define LIB_KEY "mi.lib" /* registry: the sandbox's library table (sandbox.c) */

static const char *const keywords[] = {
    "and",   "break", "do",  "else", "elseif", "end",    "false", "for",  "function", "goto",
    "if",    "in",    "local", "nil", "not",   "or",     "repeat", "return", "then",   "true",
    "until", "while", NULL};

typedef struct comp_ctx {
  mi_repl *r;
  const char *word;
  void (*cb)(void *ud, const char *cand);
  void *ud;
} comp_ctx;

static int is_name(const char *s, size_t n) {
  if (n == 0 || isdigit((unsigned char)s[0])) return 0;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '_') return 0;
  return 1;
}

/* Offers head .. key if key (at the top) is a name that starts with part. */
static void offer(lua_State *L, comp_ctx *c, int seen, const char *head, size_t hlen,
                  const char *part) {
  if (lua_type(L, -1) != LUA_TSTRING) return;
  size_t n, plen = strlen(part);
  const char *k = lua_tolstring(L, -1, &n);
  if (!is_name(k, n) || n < plen || memcmp(k, part, plen)) return;
  lua_pushlstring(L, head, hlen);
  lua_pushvalue(L, -2);
  lua_concat(L, 2);
  lua_pushvalue(L, -1);
  if (lua_rawget(L, seen) == LUA_TNIL) {
    c->cb(c->ud, lua_tostring(L, -2));
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 1);
    lua_rawset(L, seen);
  }
  lua_pop(L, 2);
}

/* Offers the fields of the table at idx. */
static void offer_fields(lua_State *L, comp_ctx *c, int idx, int seen, const char *head,
                         size_t hlen, const char *part) {
  if (mi_pol_is_readonly(L, idx) && luaL_getmetafield(L, idx, "__pairs") != LUA_TNIL) {
    lua_pushvalue(L, idx);
    lua_call(L, 1, 3);
    for (;;) {
      lua_pushvalue(L, -3);
      lua_pushvalue(L, -3);
      lua_pushvalue(L, -3);
      lua_call(L, 2, 2);
      if (lua_isnil(L, -2)) {
        lua_pop(L, 2);
        break;
      }
      lua_pop(L, 1);
      offer(L, c, seen, head, hlen, part);
      lua_replace(L, -2);
    }
    lua_pop(L, 3);
    return;
  }
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    offer(L, c, seen, head, hlen, part);
  }
  int type = luaL_getmetafield(L, idx, "__columns");
  if (type == LUA_TTABLE) {
    int cols = lua_gettop(L);
    for (lua_Integer i = 1; lua_rawgeti(L, cols, i) != LUA_TNIL; i++) {
      offer(L, c, seen, head, hlen, part);
      lua_pop(L, 1);
    }
    lua_pop(L, 2);
  } else if (type != LUA_TNIL) {
    lua_pop(L, 1);
  }
}

/* Replaces the table at the top with its field [key, key + len), or with
 * nil when that is not a table. At the top level (env) the library is the
 * fallback. */
static void step(lua_State *L, const char *key, size_t len, int top_level) {
  lua_pushlstring(L, key, len);
  if (mi_pol_is_readonly(L, -2)) {
    lua_gettable(L, -2); /* a proxy's __index is C (it may raise: caught by the pcall) */
  } else {
    lua_rawget(L, -2);
    if (lua_isnil(L, -1) && top_level) {
      lua_pop(L, 1);
      lua_getfield(L, LUA_REGISTRYINDEX, LIB_KEY);
      lua_pushlstring(L, key, len);
      lua_rawget(L, -2);
      lua_remove(L, -2);
    }
  }
  lua_remove(L, -2);
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_pushnil(L);
  }
}

static int complete_body(lua_State *L) {
  comp_ctx *c = lua_touserdata(L, 1);
  lua_newtable(L);
  int seen = lua_gettop(L);
  const char *w = c->word, *dot = strrchr(w, '.');
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->r->env_ref);
  if (!dot) {
    offer_fields(L, c, lua_gettop(L), seen, "", 0, w);
    lua_getfield(L, LUA_REGISTRYINDEX, LIB_KEY);
    if (lua_istable(L, -1)) offer_fields(L, c, lua_gettop(L), seen, "", 0, w);
    for (int i = 0; keywords[i]; i++) {
      lua_pushstring(L, keywords[i]);
      offer(L, c, seen, "", 0, w);
      lua_pop(L, 1);
    }
    return 0;
  }
  const char *p = w;
  int top_level = 1;
  while (p < dot) {
    const char *q = memchr(p, '.', (size_t)(dot - p) + 1);
    if (!q) q = dot;
    if (!is_name(p, (size_t)(q - p))) return 0;
    step(L, p, (size_t)(q - p), top_level);
    if (lua_isnil(L, -1)) return 0;
    top_level = 0;
    p = q + 1;
  }
  offer_fields(L, c, lua_gettop(L), seen, w, (size_t)(dot - w) + 1, dot + 1);
  return 0;
}

void mi_repl_complete(mi_repl *r, const char *word, void (*cb)(void *ud, const char *cand),
                      void *ud) {
  if (!r || !word || !cb) return;
  comp_ctx c = {r, word, cb, ud};
  mi_err e = {0};
  mi_pol_pcall(&r->pol, &r->pol.rt, complete_body, &c, 0, NULL, &e); /* a dead end offers nothing */
}
