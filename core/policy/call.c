/* The one way into Lua: a protected call under the budget, with a message
 * handler that notes where the error was raised, turned into an mi_err that
 * names the policy file, the line and the input. The stack top is restored on
 * every exit, and a failed call's garbage is collected before the next. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/policy_internal.h"

/* The innermost Lua frame with a line is where the policy went wrong. */
static int msgh(lua_State *L) {
  mi_pol_budget *b = mi_pol_budget_of(L);
  if (!b->hit_pos) mi_pol_note_frame(L, b); /* a budget hit keeps where it ran out */
  int t = lua_type(L, 1);
  if (t != LUA_TSTRING && t != LUA_TNUMBER) /* no __tostring: it would run policy code */
    lua_pushfstring(L, "error object is a %s value", lua_typename(L, t));
  else lua_pushvalue(L, 1);
  return 1;
}

/* A message that starts "file:line: " gives that position and loses it. */
static const char *split_position(const char *msg, char *file, size_t fsize, int *line) {
  const char *p = strstr(msg, ".lua:");
  if (!p) return msg;
  const char *d = p + 5, *q = d;
  while (isdigit((unsigned char)*q)) q++;
  if (q == d || q[0] != ':' || q[1] != ' ' || memchr(msg, ' ', (size_t)(p - msg))) return msg;
  snprintf(file, fsize, "%.*s", (int)(p + 4 - msg), msg);
  *line = 0;
  for (; d < q; d++) *line = *line * 10 + (*d - '0');
  return q + 2;
}

static void count_failure(mi_policy *p, const mi_view *input, mi_pol_hit hit) {
  if (!input) return; /* loads are not calls */
  p->counters.failures++;
  if (hit == MI_POL_HIT_INSTR) p->counters.instruction_limit_hits++;
  if (hit == MI_POL_HIT_MEM) p->counters.memory_limit_hits++;
  if (hit == MI_POL_HIT_TIME) p->counters.time_limit_hits++;
}

static void set_error(mi_err *e, const char *file, int line, const mi_view *input,
                      const char *msg) {
  if (input)
    mi_err_setpos(e, MI_EPOLICY, file, line, 0, "%s (%s %s)", msg,
                  input->kind ? input->kind : "input", input->id ? input->id : "?");
  else mi_err_setpos(e, MI_EPOLICY, file, line, 0, "%s", msg);
}

int mi_pol_pcall(mi_policy *p, mi_pol_rt *rt, lua_CFunction fn, void *ud, int track_ret,
                 const mi_view *input, mi_err *e) {
  lua_State *L = rt->L;
  mi_pol_budget *b = rt->b;
  int top = lua_gettop(L);
  b->err_src[0] = '\0';
  b->err_line = 0;
  mi_pol_restore(L, rt->slots_ref, rt->nslots);
  lua_pushcfunction(L, msgh);
  lua_pushcfunction(L, fn);
  lua_pushlightuserdata(L, ud);
  mi_pol_budget_begin(L, track_ret);
  int st = lua_pcall(L, 1, 0, top + 1);
  mi_pol_budget_end(L);
  mi_pol_hit hit = b->hit;
  if (st == LUA_ERRMEM && hit == MI_POL_HIT_NONE) hit = b->hit = MI_POL_HIT_MEM;
  if (st == LUA_OK && hit == MI_POL_HIT_NONE) {
    lua_settop(L, top);
    return 0;
  }
  char text[512], file[256];
  int line = b->err_line;
  snprintf(file, sizeof file, "%s", b->err_src[0] ? b->err_src : p->path);
  const char *msg;
  if (hit != MI_POL_HIT_NONE) msg = mi_pol_hit_text(b, text, sizeof text);
  else if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
    msg = split_position(lua_tostring(L, -1), file, sizeof file, &line);
  else msg = "error";
  count_failure(p, input, hit);
  set_error(e, file, line, input, msg);
  lua_settop(L, top);
  lua_gc(L, LUA_GCCOLLECT); /* drop what the failed call built (e.g. a memory bomb) */
  return MI_EPOLICY;
}

int mi_pol_fail(mi_policy *p, int line, const mi_view *input, mi_err *e, const char *fmt, ...) {
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  count_failure(p, input, MI_POL_HIT_NONE);
  set_error(e, p->path, line, input, msg);
  return MI_EPOLICY;
}

void mi_pol_rerun_for_line(mi_policy *p, lua_CFunction fn, void *ud, char *bad, size_t size) {
  char *first = strdup(bad);
  if (!first) return; /* the line stays unknown */
  bad[0] = '\0';
  mi_err ignored;
  /* no input: a failure here is not counted as one more */
  int same = mi_pol_pcall(p, &p->rt, fn, ud, 1, NULL, &ignored) == 0 && !strcmp(bad, first);
  if (!same) p->rt.b->ret_line = 0;
  snprintf(bad, size, "%s", first);
  free(first);
}
