/* What the hooks (hook_<name>.c) share: one protected call
 * (views, then params) whose results are checked while still on the stack,
 * and the checks of returned records, lists, text and integers. A result
 * that fails a check fails the call closed, like a raise: the caller's
 * decision is zeroed and the error names the file, the line of the return
 * and the input. Checks run inside the protected call, so a metamethod of a
 * returned table runs under the budget and its raise is caught. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"
#include "util/suggest.h"
#include "util/text.h"

int mi_pol_bad(mi_pol_hook *h, const char *fmt, ...) {
  if (h->bad[0]) return -1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(h->bad, sizeof h->bad, fmt, ap);
  va_end(ap);
  if (!h->bad[0]) snprintf(h->bad, sizeof h->bad, "%s() returned something invalid", h->name);
  return -1;
}

void mi_pol_describe(lua_State *L, int idx, char *buf, size_t size) {
  switch (lua_type(L, idx)) {
  case LUA_TNIL: snprintf(buf, size, "nil"); break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) snprintf(buf, size, "a number (%lld)", (long long)lua_tointeger(L, idx));
    else snprintf(buf, size, "a number (%g)", (double)lua_tonumber(L, idx));
    break;
  case LUA_TBOOLEAN: snprintf(buf, size, "a boolean (%s)", lua_toboolean(L, idx) ? "true" : "false"); break;
  case LUA_TSTRING: snprintf(buf, size, "a string"); break;
  default: snprintf(buf, size, "a %s", luaL_typename(L, idx)); break;
  }
}

static int known(const char *k, const char *const *fields) {
  for (size_t i = 0; fields[i]; i++)
    if (!strcmp(k, fields[i])) return 1;
  return 0;
}

int mi_pol_want_record(lua_State *L, mi_pol_hook *h, int idx, const char *what,
                       const char *const *fields) {
  char d[64];
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) != LUA_TTABLE) {
    mi_pol_describe(L, idx, d, sizeof d);
    return mi_pol_bad(h, "%s() returned %s as %s; return a table with the fields %s", h->name, d,
                      what, fields[0]);
  }
  if (mi_pol_is_readonly(L, idx)) return 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      mi_pol_describe(L, -1, d, sizeof d);
      lua_pop(L, 1);
      return mi_pol_bad(h, "%s() returned %s with a key that is %s; its keys are field names",
                        h->name, what, d);
    }
    const char *k = lua_tostring(L, -1);
    if (!known(k, fields)) {
      const char *near = mi_suggest(k, fields);
      char key[48];
      snprintf(key, sizeof key, "%s", k);
      lua_pop(L, 1);
      return mi_pol_bad(h, "%s() returned %s with an unknown field '%s'%s%s%s", h->name, what, key,
                        near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    }
  }
  return 0;
}

int mi_pol_want_list(lua_State *L, mi_pol_hook *h, int idx, const char *what, size_t max,
                     size_t *n) {
  char d[64];
  *n = 0;
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) != LUA_TTABLE) {
    mi_pol_describe(L, idx, d, sizeof d);
    return mi_pol_bad(h, "%s() returned %s as %s; return a list (a table {...})", h->name, d, what);
  }
  lua_Integer len = luaL_len(L, idx);
  if (len < 0 || (uint64_t)len > max)
    return mi_pol_bad(h, "%s() returned %s of %lld items; at most %zu are allowed", h->name, what,
                      (long long)len, max);
  if (!mi_pol_is_readonly(L, idx)) {
    lua_Integer count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      lua_pop(L, 1);
      count++;
      if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > len) {
        lua_pop(L, 1);
        return mi_pol_bad(h, "%s() returned %s that is not a list (it has keys other than "
                             "1..%lld)", h->name, what, (long long)len);
      }
      if (count > len) break; /* cannot happen: keys are distinct */
    }
  }
  *n = (size_t)len;
  return 0;
}

int mi_pol_want_text(lua_State *L, mi_pol_hook *h, int idx, const char *what, size_t max,
                     int is_reason, char *out) {
  char d[64];
  size_t len = 0;
  if (lua_type(L, idx) != LUA_TSTRING) {
    mi_pol_describe(L, idx, d, sizeof d);
    return mi_pol_bad(h, "%s() returned %s as %s; it must be a string", h->name, d, what);
  }
  const char *s = lua_tolstring(L, idx, &len);
  if (len == 0 || len > max || strlen(s) != len || mi_text_utf8_check(s, len, NULL, NULL))
    return mi_pol_bad(h, "%s() returned %s of %zu bytes; it must be UTF-8 text of 1 to %zu bytes "
                         "without NUL bytes",
                      h->name, what, len, max);
  if (!is_reason)
    for (size_t i = 0; i < len; i++)
      if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
        return mi_pol_bad(h, "%s() returned %s with a control character (byte %zu); a name is "
                             "plain text",
                          h->name, what, i + 1);
  memcpy(out, s, len + 1);
  return 0;
}

int mi_pol_want_int(lua_State *L, mi_pol_hook *h, int idx, const char *what, int64_t min,
                    int64_t max, int64_t *out) {
  char d[64];
  int ok = 0;
  lua_Integer v = 0;
  if (lua_type(L, idx) == LUA_TNUMBER) v = lua_tointegerx(L, idx, &ok); /* 2.0 is 2; 2.5 is not */
  if (!ok || v < min || v > max) {
    mi_pol_describe(L, idx, d, sizeof d);
    return mi_pol_bad(h, "%s() returned %s as %s; it must be an integer from %lld to %lld", h->name,
                      d, what, (long long)min, (long long)max);
  }
  *out = (int64_t)v;
  return 0;
}

int mi_pol_want_reasons(lua_State *L, mi_pol_hook *h, int idx, const char *what, size_t max,
                        char (*out)[MI_POL_REASON_MAX + 1], size_t *n) {
  size_t len = 0;
  idx = lua_absindex(L, idx);
  if (mi_pol_want_list(L, h, idx, what, max, &len)) return -1;
  for (size_t i = 0; i < len; i++) {
    char item[48];
    snprintf(item, sizeof item, "%.24s[%zu]", what + (strncmp(what, "the ", 4) ? 0 : 4), i + 1);
    lua_geti(L, idx, (lua_Integer)i + 1);
    if (mi_pol_want_text(L, h, -1, item, MI_POL_REASON_MAX, 1, out[i])) return -1;
    lua_pop(L, 1);
  }
  *n = len;
  return 0;
}

/* Runs protected: the call and the checks. */
static int hook_body(lua_State *L) {
  mi_pol_hook *h = lua_touserdata(L, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, h->p->rt.hooks_ref);
  if (lua_getfield(L, -1, h->name) != LUA_TFUNCTION) {
    mi_pol_bad(h, "the policy has no '%s' hook; return { %s = %s } from the file", h->name, h->name,
               h->name);
    return 0;
  }
  for (int i = 0; i < h->nargs; i++) {
    if (h->args[i]) mi_pol_push_view_kept(L, h->args[i], MI_POL_SLOT_HOOK_ARGS + i);
    else lua_pushnil(L); /* an argument that may be absent (a nullable view) */
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, h->p->rt.params_ref);
  lua_call(L, h->nargs + 1, h->nresults);
  h->line = h->p->rt.b->ret_line; /* before a check can run a metamethod's return */
  h->check(L, h);
  return 0;
}

int mi_pol_call_hook(mi_pol_hook *h, mi_err *e) {
  mi_policy *p = h->p;
  h->bad[0] = '\0';
  h->line = 0;
  p->counters.calls++;
  int rc = mi_pol_pcall(p, &p->rt, hook_body, h, !p->no_lines, h->args[0], e);
  if (!rc && h->bad[0] && p->no_lines) {
    mi_pol_rerun_for_line(p, hook_body, h, h->bad, sizeof h->bad);
    h->line = p->rt.b->ret_line;
  }
  if (!rc && h->bad[0]) rc = mi_pol_fail(p, h->line, h->args[0], e, "%s", h->bad);
  return rc;
}

int mi_pol_call_hook_into(mi_pol_hook *h, void *out, size_t size, int *line, mi_err *e) {
  int rc = mi_pol_call_hook(h, e);
  if (rc) {
    memset(out, 0, size);
    return rc;
  }
  *line = h->line;
  return 0;
}
