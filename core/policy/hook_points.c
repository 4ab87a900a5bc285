/* The points hook: points(event, customer, params) -> nil | {points, expires,
 * reason}. What comes back is checked here (fail closed): a table with only
 * those keys, points a finite integer within the configured bound, a known
 * expiry rule (turned into an instant here), and a reason of 1..500 bytes of
 * UTF-8. The line is that of the policy's last return, as for tier. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/hook_test.h"
#include "policy/policy_internal.h"
#include "util/text.h"
#include "util/timeutil.h"

typedef struct points_ctx {
  mi_policy *p;
  const mi_view *event, *customer;
  const mi_config *cfg;
  int64_t from;
  mi_points_decision *out;
  char bad[900]; /* what was wrong with the result, or "" */
} points_ctx;

/* As mi_pol_describe, quoting a string, since a number written as text
 * ("10") is the usual mistake with points. */
static void describe(lua_State *L, int idx, char *buf, size_t size) {
  if (lua_type(L, idx) == LUA_TSTRING)
    snprintf(buf, size, "a string ('%.40s')", lua_tostring(L, idx));
  else
    mi_pol_describe(L, idx, buf, size);
}

#define BAD(...) (snprintf(c->bad, sizeof c->bad, __VA_ARGS__), (void)0)

static void check_points(lua_State *L, int t, points_ctx *c) {
  int64_t max = c->cfg->limits.points_max;
  char what[80];
  lua_pushliteral(L, "points");
  lua_rawget(L, t);
  int type = lua_type(L, -1), isint = lua_isinteger(L, -1);
  lua_Integer v = isint ? lua_tointeger(L, -1) : 0;
  double d = type == LUA_TNUMBER ? (double)lua_tonumber(L, -1) : 0;
  if (type != LUA_TNUMBER) describe(L, -1, what, sizeof what);
  lua_pop(L, 1);
  if (type != LUA_TNUMBER)
    return BAD("points() returned %s as points; return {points = N, reason = \"...\"} with N "
               "a whole number, or nil for no points",
               what);
  if (isint) {
    if (v < -max || v > max)
      return BAD("points() returned %lld points; a decision gives at most %lld either way "
                 "(limits: points_max)",
                 (long long)v, (long long)max);
    c->out->points = (int64_t)v;
    return;
  }
  if (!isfinite(d)) return BAD("points() returned points %g, which is not a finite number", d);
  if (d != floor(d))
    return BAD("points() returned %g points; points are whole numbers: round with math.floor", d);
  if (d < (double)-max || d > (double)max) {
    char num[32]; /* whole digits up to 19 of them, else 1e+300 */
    snprintf(num, sizeof num, fabs(d) < 1e19 ? "%.0f" : "%g", d);
    return BAD("points() returned %s points; a decision gives at most %lld either way "
               "(limits: points_max)",
               num, (long long)max);
  }
  c->out->points = (int64_t)d;
}

static void check_reason(lua_State *L, int t, points_ctx *c) {
  char what[80];
  size_t rl = 0;
  lua_pushliteral(L, "reason");
  lua_rawget(L, t);
  if (lua_type(L, -1) != LUA_TSTRING) {
    describe(L, -1, what, sizeof what);
    lua_pop(L, 1);
    return BAD("points() returned %s as the reason; say which numbers decided in a string", what);
  }
  const char *reason = lua_tolstring(L, -1, &rl);
  if (rl == 0 || rl > MI_POL_REASON_MAX || strlen(reason) != rl ||
      mi_text_utf8_check(reason, rl, NULL, NULL)) {
    lua_pop(L, 1);
    return BAD("points() returned a reason of %zu bytes; it must be UTF-8 text of 1 to %d "
               "bytes without NUL bytes",
               rl, MI_POL_REASON_MAX);
  }
  memcpy(c->out->reason, reason, rl + 1);
  lua_pop(L, 1);
}

static void check_expires(lua_State *L, int t, points_ctx *c) {
  char what[80];
  lua_pushliteral(L, "expires");
  lua_rawget(L, t);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    snprintf(c->out->expires, sizeof c->out->expires, "never");
    c->out->expires_at = 0;
    return;
  }
  if (lua_type(L, -1) != LUA_TSTRING) {
    describe(L, -1, what, sizeof what);
    lua_pop(L, 1);
    return BAD("points() returned %s as expires; use nil, \"never\", \"after 365d\", "
               "\"end_of_month\", \"end_of_year\" or a date YYYY-MM-DD",
               what);
  }
  size_t len;
  const char *rule = lua_tolstring(L, -1, &len);
  mi_err ee = {0};
  if (len >= sizeof c->out->expires || strlen(rule) != len ||
      mi_policy_points_expiry(rule, c->from, &c->out->expires_at, &ee)) {
    BAD("points() returned expires '%.40s': %.300s", rule,
        ee.msg[0] ? ee.msg : "too long; use \"never\", \"after Nd\", \"end_of_month\", "
                             "\"end_of_year\" or a date YYYY-MM-DD");
    lua_pop(L, 1);
    return;
  }
  memcpy(c->out->expires, rule, len + 1);
  lua_pop(L, 1);
}

/* The result is at -1. */
static void check(lua_State *L, points_ctx *c) {
  char what[80];
  if (lua_isnil(L, -1)) return; /* no points */
  if (lua_type(L, -1) != LUA_TTABLE) {
    describe(L, -1, what, sizeof what);
    return BAD("points() returned %s; return nil (no points) or {points = N, expires = "
               "\"...\", reason = \"...\"}",
               what);
  }
  int t = lua_gettop(L);
  mi_pol_thaw(L, t); /* a table made when the file loaded is frozen (freeze.c) */
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    if (!k || (strcmp(k, "points") && strcmp(k, "expires") && strcmp(k, "reason"))) {
      if (k) BAD("points() returned a table with key '%.40s'; it has only points, expires and reason", k);
      else {
        describe(L, -1, what, sizeof what);
        BAD("points() returned a table with the key %s; it has only points, expires and reason",
            what);
      }
      lua_pop(L, 1);
      return;
    }
  }
  check_points(L, t, c);
  if (!c->bad[0]) check_reason(L, t, c);
  if (!c->bad[0]) check_expires(L, t, c);
  if (!c->bad[0]) c->out->has_points = 1;
}

static int points_body(lua_State *L) {
  points_ctx *c = lua_touserdata(L, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->p->rt.hooks_ref);
  if (lua_getfield(L, -1, "points") != LUA_TFUNCTION) {
    snprintf(c->bad, sizeof c->bad, "the policy has no 'points' hook");
    return 0;
  }
  mi_pol_push_view_kept(L, c->event, 1);
  mi_pol_push_view_kept(L, c->customer, 2);
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->p->rt.params_ref);
  lua_call(L, 3, 1);
  check(L, c);
  return 0;
}

int mi_policy_call_points(mi_policy *p, const mi_view *event, const mi_view *customer,
                          const mi_config *cfg, int64_t from, mi_points_decision *out,
                          mi_err *e) {
  if (out) memset(out, 0, sizeof *out);
  if (!p || !event || !customer || !cfg || !out || (event->nfields && !event->fields) ||
      (customer->nfields && !customer->fields))
    return mi_err_set(e, MI_EINVAL,
                      "mi_policy_call_points: policy, event, customer, cfg and out are required");
  points_ctx c = {.p = p, .event = event, .customer = customer, .cfg = cfg, .from = from, .out = out};
  p->counters.calls++;
  int rc = mi_pol_pcall(p, &p->rt, points_body, &c, !p->no_lines, event, e);
  if (!rc && c.bad[0] && p->no_lines)
    mi_pol_rerun_for_line(p, points_body, &c, c.bad, sizeof c.bad);
  int line = p->rt.b->ret_line;
  if (!rc && c.bad[0]) rc = mi_pol_fail(p, line, event, e, "%s", c.bad);
  if (rc) {
    memset(out, 0, sizeof *out);
    return rc;
  }
  out->line = line;
  return 0;
}

int mi_policy_points_expiry(const char *rule, int64_t from, int64_t *at, mi_err *e) {
  if (!rule || !at) return mi_err_set(e, MI_EINVAL, "no expiry rule given");
  *at = 0;
  int64_t day = from >= 0 ? from / 86400 : -((-from + 86399) / 86400);
  int y, m, d;
  mi_civil_from_days(day, &y, &m, &d);
  if (!strcmp(rule, "never")) return 0;
  if (!strcmp(rule, "end_of_month")) {
    *at = mi_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) * 86400;
    return 0;
  }
  if (!strcmp(rule, "end_of_year")) {
    *at = mi_days_from_civil(y + 1, 1, 1) * 86400;
    return 0;
  }
  if (!strncmp(rule, "after ", 6)) {
    const char *p = rule + 6;
    int64_t n = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 6) n = n * 10 + (*p++ - '0'), digits++;
    if (!digits || rule[6] == '0' || p[0] != 'd' || p[1] != '\0' || n < 1 || n > 36500)
      return mi_err_set(e, MI_EINVAL,
                        "write 'after Nd' with N days from 1 to 36500, e.g. 'after 365d'");
    *at = from + n * 86400;
    return 0;
  }
  int dy, dm, dd;
  mi_err de;
  if (strlen(rule) == 10 && rule[4] == '-' && !mi_date_parse(rule, &dy, &dm, &dd, &de)) {
    int64_t dday = mi_days_from_civil(dy, dm, dd);
    if (dday < day) {
      char when[11];
      mi_date_format(from, when);
      return mi_err_set(e, MI_EINVAL, "the date is before the event (%s); points cannot expire "
                                      "before they are earned",
                        when);
    }
    *at = (dday + 1) * 86400;
    return 0;
  }
  return mi_err_set(e, MI_EINVAL, "not an expiry rule; use \"never\", \"after Nd\", "
                                  "\"end_of_month\", \"end_of_year\" or a date YYYY-MM-DD");
}

/* ---- manyi policy test (hook_test.h) ---- */

/* policy test does not run points cases yet (the expiry needs the event's instant). */
const mi_policy_hook mi_policy_hook_points = {"points", NULL, 0, NULL, NULL};
