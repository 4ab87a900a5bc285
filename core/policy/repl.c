/* The REPL's Lua state and how a line is evaluated: the sandbox of the
 * policies (mi_pol_state_new) with one environment that keeps the
 * analyst's globals, print() to the REPL's output, an instruction hook that
 * also stops on Ctrl-C, and the lua.c rules for a line: try `return <line>`
 * first, and a syntax error at <eof> means "read another line". Every call
 * goes through mi_pol_pcall, under the budget. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "policy/repl_internal.h"
#include "util/timeutil.h"

const mi_policy_limits mi_repl_default_limits = {1000000000, 1024LL * 1024 * 1024, 60000};

#define EOFMARK "<eof>"
#define NL8 "\n\n\n\n\n\n\n\n"
static const char newlines[] = NL8 NL8 NL8 NL8 NL8 NL8 NL8 NL8; /* to start a chunk at line N */

mi_repl *mi_repl_of(lua_State *L) { return *(mi_repl **)lua_getextraspace(L); }

void mi_repl_interrupt(mi_repl *r) {
  if (r) r->interrupted = 1;
}

void mi_repl_get_limits(const mi_repl *r, mi_policy_limits *out) {
  if (r && out) *out = r->pol.rt.b->lim;
}

/* The sandbox's count hook, and Ctrl-C: once interrupted, raise at every
 * instruction until the evaluation ends, so a pcall cannot swallow it. */
static void repl_hook(lua_State *L, lua_Debug *ar) {
  mi_repl *r = mi_repl_of(L);
  if (r->interrupted && ar->event == LUA_HOOKCOUNT) {
    lua_sethook(L, repl_hook, LUA_MASKCOUNT, 1);
    mi_pol_budget_of(L)->raising = 1; /* the chunk's xpcall handlers must not run */
    luaL_error(L, "interrupted");
  }
  if (r->budget_hook) r->budget_hook(L, ar);
}

static void wrap_hook(lua_State *L, mi_repl *r) {
  lua_Hook h = lua_gethook(L);
  if (h && h != repl_hook) r->budget_hook = h;
  lua_sethook(L, repl_hook, lua_gethookmask(L), lua_gethookcount(L));
}

/* print(...): tostring of each argument, tab-separated, one line. */
static int repl_print(lua_State *L) {
  mi_repl *r = mi_repl_of(L);
  int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= n; i++) {
    size_t len;
    const char *s = luaL_tolstring(L, i, &len);
    if (i > 1) luaL_addchar(&b, '\t');
    luaL_addvalue(&b);
    (void)s;
  }
  luaL_addchar(&b, '\n');
  luaL_pushresult(&b);
  size_t len;
  const char *text = lua_tolstring(L, -1, &len);
  if (r->io.print) r->io.print(r->io.ud, text, len);
  return 0;
}

/* manyi.customer(id [, as_of]): the read-only customer view. */
static int repl_customer(lua_State *L) {
  mi_repl *r = mi_repl_of(L);
  const char *id = luaL_checkstring(L, 1);
  int64_t as_of = r->io.now;
  if (lua_type(L, 2) == LUA_TSTRING) {
    mi_err pe = {0};
    if (mi_instant_parse(lua_tostring(L, 2), &as_of, &pe))
      return luaL_error(L, "manyi.customer: as_of: %s", pe.msg);
  } else if (!lua_isnoneornil(L, 2)) {
    as_of = (int64_t)luaL_checkinteger(L, 2);
  }
  if (!r->io.customer) return luaL_error(L, "manyi.customer: there is no database");
  mi_view view;
  mi_err e = {0};
  if (r->io.customer(r->io.ud, id, as_of, &view, &e)) return luaL_error(L, "manyi.customer: %s", e.msg);
  mi_pol_push_view(L, &view);
  return 1;
}

static int setup(lua_State *L) {
  mi_repl *r = lua_touserdata(L, 1);
  mi_pol_env_new(L);
  lua_pushcfunction(L, repl_print);
  lua_setfield(L, -2, "print");
  mi_pol_set_env(L, -1); /* load() without an env runs in the REPL's globals */
  r->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  mi_repl_open_sql(L, r);
  lua_pushvalue(L, -1);
  r->sql_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  mi_pol_manyi_add(L, "sql");
  lua_pushcfunction(L, repl_customer);
  mi_pol_manyi_add(L, "customer");
  return 0;
}

static int check_limits(const mi_policy_limits *l, mi_err *e) {
  if (l->instructions <= 0 || l->memory <= 0 || l->time_ms <= 0)
    return mi_err_set(e, MI_EINVAL, "REPL limits must be positive (instructions %lld, memory %lld, "
                                    "time %lld ms)",
                      (long long)l->instructions, (long long)l->memory, (long long)l->time_ms);
  return 0;
}

int mi_repl_new(const mi_repl_options *o, mi_repl **out, mi_err *e) {
  if (out) *out = NULL;
  if (!o || !out) return mi_err_set(e, MI_EINVAL, "mi_repl_new: options and out are required");
  int rc = check_limits(&o->limits, e);
  if (rc) return rc;
  mi_repl *r = calloc(1, sizeof *r);
  if (!r) return mi_err_set(e, MI_ENOMEM, "out of memory");
  r->pol.name = "repl";
  snprintf(r->chunk_name, sizeof r->chunk_name, "stdin");
  r->pol.path = r->chunk_name;
  r->query = o->query;
  r->io = o->io;
  r->env_ref = r->sql_ref = LUA_NOREF;
  if ((rc = mi_pol_state_new(&r->pol.rt, &o->limits, o->dir ? o->dir : "", NULL, e))) {
    free(r);
    return rc;
  }
  *(mi_repl **)lua_getextraspace(r->pol.rt.L) = r;
  if ((rc = mi_pol_pcall(&r->pol, &r->pol.rt, setup, r, 0, NULL, e))) {
    mi_err_prefix(e, "cannot set up the REPL");
    mi_repl_free(r);
    return rc;
  }
  *out = r;
  return 0;
}

void mi_repl_free(mi_repl *r) {
  if (!r) return;
  mi_pol_state_close(&r->pol.rt); /* finalizes open statements before the caller closes query */
  free(r);
}

/* ---- evaluation ------------------------------------------------------------------ */

typedef struct source {
  int pad;            /* newlines still to give, so the chunk starts at first_line */
  const char *prefix; /* "return " or "" */
  const char *text;
  size_t len;
  int stage;
} source;

static const char *read_source(lua_State *L, void *ud, size_t *size) {
  (void)L;
  source *s = ud;
  if (s->pad > 0) {
    size_t n = (size_t)s->pad < sizeof newlines - 1 ? (size_t)s->pad : sizeof newlines - 1;
    s->pad -= (int)n;
    *size = n;
    return newlines;
  }
  /* A piece of size 0 would end the chunk: empty pieces are skipped. */
  if (s->stage == 0) {
    s->stage = 1;
    if (*s->prefix) {
      *size = strlen(s->prefix);
      return s->prefix;
    }
  }
  if (s->stage == 1 && s->len) {
    s->stage = 2;
    *size = s->len;
    return s->text;
  }
  *size = 0;
  return NULL;
}

typedef struct eval_ctx {
  mi_repl *r;
  const char *chunk, *sql;
  size_t len;
  int first_line;
  size_t max_rows;
  mi_repl_result *res;
} eval_ctx;

static int load_as(lua_State *L, eval_ctx *c, const char *prefix) {
  source s = {c->first_line > 1 ? c->first_line - 1 : 0, prefix, c->chunk, c->len, 0};
  lua_pushfstring(L, "@%s", c->r->chunk_name);
  int st = lua_load(L, read_source, &s, lua_tostring(L, -1), "t");
  lua_remove(L, -2);
  return st;
}

static int ends_at_eof(lua_State *L) {
  size_t n;
  const char *msg = lua_tolstring(L, -1, &n);
  return msg && n >= sizeof EOFMARK - 1 && !strcmp(msg + n - (sizeof EOFMARK - 1), EOFMARK);
}

static int eval_body(lua_State *L) {
  eval_ctx *c = lua_touserdata(L, 1);
  mi_repl *r = c->r;
  wrap_hook(L, r);
  int base = lua_gettop(L);
  if (c->sql) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->sql_ref);
    lua_pushstring(L, c->sql);
    lua_call(L, 1, 1);
  } else {
    if (load_as(L, c, "return ") != LUA_OK) {
      lua_pop(L, 1);
      int st = load_as(L, c, "");
      if (st == LUA_ERRSYNTAX && ends_at_eof(L)) {
        c->res->incomplete = 1;
        return 0;
      }
      if (st != LUA_OK) return lua_error(L);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->env_ref);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    lua_call(L, 0, LUA_MULTRET);
  }
  int n = lua_gettop(L) - base;
  if (n == 0) return 0;
  c->res->vals = calloc((size_t)n, sizeof *c->res->vals);
  if (!c->res->vals) return luaL_error(L, "out of memory");
  c->res->n = (size_t)n;
  for (int i = 0; i < n; i++) mi_repl_copy_value(L, base + 1 + i, c->max_rows, &c->res->vals[i]);
  lua_rawgeti(L, LUA_REGISTRYINDEX, r->env_ref);
  lua_pushvalue(L, base + 1);
  lua_setfield(L, -2, "_");
  return 0;
}

/* "stdin:3: msg" -> file stdin, line 3, msg: the position Lua put in front. */
static void tidy_error(mi_repl *r, mi_err *e) {
  size_t n = strlen(r->chunk_name);
  const char *m = e->msg;
  if (strncmp(m, r->chunk_name, n) || m[n] != ':' || !isdigit((unsigned char)m[n + 1])) return;
  const char *p = m + n + 1;
  int line = 0;
  while (isdigit((unsigned char)*p)) line = line * 10 + (*p++ - '0');
  if (p[0] != ':' || p[1] != ' ') return;
  snprintf(e->file, sizeof e->file, "%s", r->chunk_name);
  e->line = line;
  memmove(e->msg, p + 2, strlen(p + 2) + 1);
}

/* Budget messages that name the REPL's own options. */
static void budget_error(mi_repl *r, mi_err *e) {
  const mi_pol_budget *b = r->pol.rt.b;
  switch (b->hit) {
  case MI_POL_HIT_INSTR:
    snprintf(e->msg, sizeof e->msg,
             "instruction budget exhausted (%lld instructions per evaluation; "
             "manyi repl --instructions N raises it)",
             (long long)b->lim.instructions);
    break;
  case MI_POL_HIT_MEM:
    snprintf(e->msg, sizeof e->msg,
             "memory budget exhausted (%lld bytes for the REPL's Lua state; manyi repl --memory "
             "SIZE raises it; assign nil to large globals you no longer need)",
             (long long)b->lim.memory);
    break;
  case MI_POL_HIT_TIME:
    snprintf(e->msg, sizeof e->msg,
             "time budget exhausted (%lld ms per evaluation; manyi repl --time SECONDS raises it)",
             (long long)b->lim.time_ms);
    break;
  default: break;
  }
}

static int run(mi_repl *r, eval_ctx *c, const char *name, mi_err *e) {
  memset(c->res, 0, sizeof *c->res);
  snprintf(r->chunk_name, sizeof r->chunk_name, "%s", name && *name ? name : "stdin");
  r->interrupted = 0;
  r->sql_stopped = 0;
  r->evaluating = 1;
  int rc = mi_pol_pcall(&r->pol, &r->pol.rt, eval_body, c, 0, NULL, e);
  r->evaluating = 0;
  if (rc) {
    mi_repl_result_free(c->res);
    if (e && r->pol.rt.b->hit != MI_POL_HIT_NONE) budget_error(r, e);
    else if (e) tidy_error(r, e);
    if (c->sql && e) { /* .sql has no line to point at: the message says it all */
      e->file[0] = '\0';
      e->line = 0;
    }
  }
  r->interrupted = 0;
  return rc;
}

int mi_repl_eval(mi_repl *r, const char *chunk, size_t len, const char *name, int first_line,
                 size_t max_rows, mi_repl_result *res, mi_err *e) {
  if (!r || !chunk || !res) return mi_err_set(e, MI_EINVAL, "mi_repl_eval: r, chunk and res are required");
  eval_ctx c = {r, chunk, NULL, len, first_line, max_rows, res};
  return run(r, &c, name, e);
}

int mi_repl_sql(mi_repl *r, const char *sql, size_t max_rows, mi_repl_result *res, mi_err *e) {
  if (!r || !sql || !res) return mi_err_set(e, MI_EINVAL, "mi_repl_sql: r, sql and res are required");
  eval_ctx c = {r, NULL, sql, 0, 1, max_rows, res};
  return run(r, &c, "sql", e);
}

void mi_repl_result_free(mi_repl_result *res) {
  if (!res) return;
  for (size_t i = 0; i < res->n; i++) mi_repl_val_free(&res->vals[i]);
  free(res->vals);
  res->vals = NULL;
  res->n = 0;
}
