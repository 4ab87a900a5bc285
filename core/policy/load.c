/* Loading a policy file: read it (text only), run it once under the budget
 * in a fresh sandbox, and keep the table of hooks it returns. A reload
 * builds a whole new state and swaps it in only when that worked, so a
 * broken edit leaves the running version in place. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "config/hooks.h"
#include "util/suggest.h"
#include "policy/policy_internal.h"

/* Which hooks a file may return and which its policy must: config/hooks.c. */

static const mi_policy_limits default_limits = {1000000, 16 * 1024 * 1024, 250};

/* The file's text (owned by the caller), its size and modification time. */
static int read_text(const char *path, char **text, size_t *len, int64_t *mtime_ns, mi_err *e) {
  FILE *f = fopen(path, "rb");
  struct stat st;
  if (!f) return mi_err_setpos(e, MI_EIO, path, 0, 0, "cannot open policy file: %s", strerror(errno));
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MI_POL_MAX_FILE) {
    fclose(f);
    return mi_err_setpos(e, MI_EIO, path, 0, 0,
                         "not a regular file of at most %d bytes; policy files are small",
                         MI_POL_MAX_FILE);
  }
  char why[600];
  if (!mi_pol_file_trusted(path, &st, why, sizeof why)) {
    fclose(f);
    return mi_err_setpos(e, MI_EIO, path, 0, 0, "%s", why);
  }
  size_t n = (size_t)st.st_size;
  char *buf = malloc(n + 1);
  if (!buf) {
    fclose(f);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  size_t got = fread(buf, 1, n, f);
  int bad = ferror(f) || got != n;
  fclose(f);
  if (bad) {
    free(buf);
    return mi_err_setpos(e, MI_EIO, path, 0, 0, "cannot read policy file");
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  *mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  return 0;
}

static void fnv1a(const char *s, size_t n, char out[17]) {
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  snprintf(out, 17, "%016llx", (unsigned long long)h);
}

typedef struct load_ctx {
  mi_policy *p;
  mi_pol_rt *rt;
  const char *text;
  size_t len;
} load_ctx;

static void check_hooks(lua_State *L, const char *policy) {
  int t = lua_gettop(L);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    if (!k) luaL_error(L, "the returned table has a %s key; hooks are named", luaL_typename(L, -2));
    if (!mi_hook_find(k)) {
      const char *names[64];
      char list[512];
      mi_hook_names(names, 64);
      mi_hook_name_list(list, sizeof list);
      const char *near = mi_suggest(k, names);
      luaL_error(L, "unknown hook '%s'%s%s%s; a policy returns some of: %s", k,
                 near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", list);
    }
    if (lua_type(L, -1) != LUA_TFUNCTION)
      luaL_error(L, "hook '%s' is a %s, not a function", k, luaL_typename(L, -1));
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, t + 1); /* our own copy: the file cannot swap hooks later */
  }
  for (size_t i = 0; i < mi_nhooks; i++) {
    const mi_hook *h = &mi_hooks[i];
    if (!h->required || strcmp(policy, h->policy)) continue;
    if (lua_getfield(L, t + 1, h->name) == LUA_TNIL)
      luaL_error(L, "a %s policy must return a table with a '%s' function, e.g. return { %s = %s }",
                 policy, h->name, h->name, h->name);
    lua_pop(L, 1);
  }
}

static int load_body(lua_State *L) {
  load_ctx *c = lua_touserdata(L, 1);
  if (luaL_loadbufferx(L, c->text, c->len, c->p->chunkname, "t") != LUA_OK) return lua_error(L);
  int chunk = lua_gettop(L);
  mi_pol_env_new(L);
  mi_pol_set_env(L, -1);
  lua_pushvalue(L, -1);
  lua_setupvalue(L, chunk, 1);
  lua_pushvalue(L, chunk);
  lua_call(L, 0, 1);
  mi_pol_env_seal(L, chunk + 1);
  if (!lua_istable(L, -1))
    return luaL_error(L, "the file returns %s; a policy file must return a table of hook "
                         "functions, e.g. return { tier = tier }",
                      lua_isnil(L, -1) ? "nothing" : luaL_typename(L, -1));
  check_hooks(L, c->p->name);
  c->rt->hooks_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  mi_pol_push_value(L, &c->p->params, "params");
  c->rt->params_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, chunk + 1); /* the file's globals, its table, its modules */
  lua_pushvalue(L, chunk + 2);
  c->rt->slots_ref = mi_pol_freeze(L, 2 + mi_pol_push_required(L), &c->rt->nslots);
  return 0;
}

/* Builds a new runtime for p from the file as it is now. */
static int load_rt(mi_policy *p, const mi_policy_limits *lim, mi_pol_rt *rt, mi_err *e) {
  char *text = NULL;
  size_t len = 0;
  int64_t mtime = 0;
  int rc = read_text(p->path, &text, &len, &mtime, e);
  if (rc) return rc;
  if ((rc = mi_pol_state_new(rt, lim, p->dir, p->chunkname, e))) {
    free(text);
    return rc;
  }
  fnv1a(text, len, rt->digest);
  rt->mtime_ns = mtime;
  rt->size = (int64_t)len;
  load_ctx c = {p, rt, text, len};
  rc = mi_pol_pcall(p, rt, load_body, &c, 0, NULL, e);
  free(text);
  if (rc) mi_pol_state_close(rt);
  return rc;
}

static char *dup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static int check_limits(const mi_policy_limits *l, mi_err *e) {
  if (l->instructions <= 0 || l->memory <= 0 || l->time_ms <= 0)
    return mi_err_set(e, MI_EINVAL, "policy limits must be positive (instructions %lld, memory "
                                    "%lld, time %lld ms)",
                      (long long)l->instructions, (long long)l->memory, (long long)l->time_ms);
  return 0;
}

int mi_policy_load(const char *name, const char *path, const mi_config_value *params,
                   const mi_policy_limits *limits, mi_policy **out, mi_err *e) {
  if (out) *out = NULL;
  if (!name || !*name || !path || !*path || !out)
    return mi_err_set(e, MI_EINVAL, "mi_policy_load: name, path and out are required");
  if (params && params->kind != MI_CONFIG_MAP)
    return mi_err_set(e, MI_EINVAL, "policy params must be a map");
  if (!limits) limits = &default_limits;
  int rc = check_limits(limits, e);
  if (rc) return rc;
  mi_policy *p = calloc(1, sizeof *p);
  if (!p) return mi_err_set(e, MI_ENOMEM, "out of memory");
  p->name = dup(name);
  p->path = dup(path);
  p->dir = dup(path);
  p->chunkname = malloc(strlen(path) + 2);
  p->params.kind = MI_CONFIG_MAP;
  if (!p->name || !p->path || !p->dir || !p->chunkname ||
      (params && mi_pol_value_copy(&p->params, params))) {
    mi_policy_free(p);
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  sprintf(p->chunkname, "@%s", path);
  char *slash = strrchr(p->dir, '/');
  if (slash) slash[slash == p->dir] = '\0'; /* "/x.lua" keeps "/" */
  else p->dir[0] = '\0';
  if ((rc = load_rt(p, limits, &p->rt, e))) {
    mi_policy_free(p);
    return rc;
  }
  *out = p;
  return 0;
}

int mi_policy_load_config(const mi_config *cfg, const char *name, mi_policy **out, mi_err *e) {
  if (out) *out = NULL;
  if (!cfg || !name || !out)
    return mi_err_set(e, MI_EINVAL, "mi_policy_load_config: cfg, name and out are required");
  const mi_config_policy *pol = mi_config_find_policy(cfg, name);
  if (!pol)
    return mi_err_set(e, MI_ENOTFOUND, "%s: no policy '%s' under policies:", cfg->path ? cfg->path : "configuration",
                      name);
  mi_policy_limits lim = {cfg->limits.policy_instructions, cfg->limits.policy_memory,
                          cfg->limits.policy_time_ms};
  return mi_policy_load(name, pol->file, &pol->params, &lim, out, e);
}

int mi_policy_reload(mi_policy *p, int *reloaded, mi_err *e) {
  if (reloaded) *reloaded = 0;
  if (!p) return mi_err_set(e, MI_EINVAL, "mi_policy_reload: no policy");
  struct stat st;
  if (stat(p->path, &st) != 0)
    return mi_err_setpos(e, MI_EIO, p->path, 0, 0,
                         "cannot read policy file: %s; the loaded version keeps running",
                         strerror(errno));
  int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  if (mtime == p->rt.mtime_ns && (int64_t)st.st_size == p->rt.size) return 0;
  char *text = NULL;
  size_t len = 0;
  int rc = read_text(p->path, &text, &len, &mtime, e);
  if (rc) return rc;
  char digest[17];
  fnv1a(text, len, digest);
  free(text);
  if (!strcmp(digest, p->rt.digest)) { /* touched, not changed */
    p->rt.mtime_ns = mtime;
    p->rt.size = (int64_t)len;
    return 0;
  }
  mi_pol_rt fresh;
  if ((rc = load_rt(p, &p->rt.b->lim, &fresh, e))) {
    mi_err_prefix(e, "reload failed, the loaded version keeps running");
    return rc;
  }
  mi_pol_state_close(&p->rt);
  p->rt = fresh;
  if (reloaded) *reloaded = 1;
  return 0;
}

void mi_policy_free(mi_policy *p) {
  if (!p) return;
  mi_pol_state_close(&p->rt);
  mi_pol_value_free(&p->params);
  free(p->name);
  free(p->path);
  free(p->dir);
  free(p->chunkname);
  free(p);
}

const char *mi_policy_path(const mi_policy *p) { return p ? p->path : NULL; }

void mi_policy_track_lines(mi_policy *p, int on) {
  if (p) p->no_lines = !on;
}

const char *mi_policy_digest(const mi_policy *p) { return p ? p->rt.digest : NULL; }

void mi_policy_get_counters(const mi_policy *p, mi_policy_counters *out) {
  if (!out) return;
  if (p) *out = p->counters;
  else memset(out, 0, sizeof *out);
}
