/* The runner of policy test cases (the format is in policy_test.h): each
 * case's inputs become the views the engine would pass, the policy is
 * loaded with its configured params (and the case's overrides), the hook is
 * called through the same checked path as in production, and the decision
 * (or the error) is compared with what the case expects. */
#include "service/policy_test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/hooks.h"
#include "policy/hook_test.h"
#include "policy/policy.h"
#include "service/date_view.h"
#include "util/suggest.h"

/* ---- the hooks it runs --------------------------------------------------- */

/* The views each hook sees and its policy come from the registry
 * (config/hooks.c); how to call it and compare its decision, from its
 * hook_<name>.c (policy/hook_test.h). Nothing here names a hook. */

/* "tier, route, ..." (the hooks policy test runs) into buf, their names into names. */
static void runs_list(char *buf, size_t size, const char **names, size_t max) {
  size_t n = 0, k = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < mi_nhooks && k + 1 < max; i++) {
    const mi_policy_hook *h = mi_policy_hook_find(mi_hooks[i].name);
    if (!h || !h->expect) continue;
    if (n < size) n += (size_t)snprintf(buf + n, size - n, "%s%s", k ? ", " : "", h->name);
    names[k++] = h->name;
  }
  names[k] = NULL;
}

static mi_view_type view_type(char t) {
  switch (t) {
  case 'b': return MI_VIEW_BOOL;
  case 'i': return MI_VIEW_INT;
  case 'n': return MI_VIEW_NUM;
  case 'l': return MI_VIEW_LIST;
  case 'r': return MI_VIEW_RECORD;
  default: return MI_VIEW_STR;
  }
}

/* ---- one case ------------------------------------------------------------- */

enum { MAX_FIELDS = 32, MAX_ITEMS = 32, ITEM_FIELDS = MAX_FIELDS };

typedef struct built_view {
  mi_view_field f[MAX_FIELDS];
  mi_view v;
  char date[11];
  mi_view items[MAX_ITEMS]; /* a list field's records (ticket.agents) */
  mi_view_field item_f[MAX_ITEMS][ITEM_FIELDS];
  mi_view rec; /* a record field (response.answers) */
  mi_view_field rec_f[MAX_FIELDS];
} built_view;

typedef struct case_ctx {
  mi_policy_case_result *r;
  mi_policy_expect x; /* into r->detail */
} case_ctx;

/* What failed, for the detail (policy/expect.c): -1. */
#define say(c, ...) mi_policy_expect_say(&(c)->x, __VA_ARGS__)
#define at(c, v, ...) mi_policy_expect_at(&(c)->x, v, __VA_ARGS__)

static void err_text(const mi_err *e, char *buf, size_t size) {
  if (e->file[0] && e->line) snprintf(buf, size, "%s:%d: %s", e->file, e->line, e->msg);
  else if (e->file[0]) snprintf(buf, size, "%s: %s", e->file, e->msg);
  else snprintf(buf, size, "%s", e->msg);
}

static const char *type_name(mi_view_type t) {
  switch (t) {
  case MI_VIEW_BOOL: return "true or false";
  case MI_VIEW_INT: return "an integer";
  case MI_VIEW_NUM: return "a number";
  case MI_VIEW_LIST: return "a list of maps";
  case MI_VIEW_RECORD: return "a map";
  default: return "text";
  }
}

/* One field's value from the case into o (type checked); 0 or -1. */
static int field_value(case_ctx *c, const char *view, const char *k, mi_view_type type,
                       const mi_config_value *v, mi_view_field *o) {
  int ok = 1;
  switch (type) {
  case MI_VIEW_STR: ok = v->kind == MI_CONFIG_STRING; o->s = v->s; break;
  case MI_VIEW_BOOL: ok = v->kind == MI_CONFIG_BOOL; o->i = v->b; break;
  case MI_VIEW_INT: ok = v->kind == MI_CONFIG_INT; o->i = v->i; break;
  case MI_VIEW_NUM:
    ok = v->kind == MI_CONFIG_INT || v->kind == MI_CONFIG_FLOAT;
    o->d = v->kind == MI_CONFIG_INT ? (double)v->i : v->f;
    break;
  default: break;
  }
  if (!ok)
    return at(c, v, "%s.%s must be %s (or null), got %s", view, k, type_name(type), mi_policy_expect_kind(v->kind));
  return 0;
}

/* A list field (ticket.agents): a list of maps of the item view's fields. */
static int build_list(case_ctx *c, const char *view, const char *name, const mi_hook_view *item,
                      const mi_config_value *in, built_view *out, mi_view_field *o) {
  const mi_hook_field *fields = item->fields;
  char known[256];
  size_t n = 0;
  known[0] = '\0';
  for (size_t k = 0; fields[k].name && n < sizeof known; k++)
    n += (size_t)snprintf(known + n, sizeof known - n, "%s%s", k ? ", " : "", fields[k].name);
  if (in->kind != MI_CONFIG_LIST) return at(c, in, "%s.%s must be a list of maps, got %s", view, name, mi_policy_expect_kind(in->kind));
  if (in->count > MAX_ITEMS) return at(c, in, "%s.%s: at most %d items in a case", view, name, MAX_ITEMS);
  for (size_t i = 0; i < in->count; i++) {
    const mi_config_value *m = &in->items[i];
    if (m->kind != MI_CONFIG_MAP) return at(c, m, "%s.%s[%zu] must be a map, got %s", view, name, i + 1, mi_policy_expect_kind(m->kind));
    mi_view *v = &out->items[i];
    *v = (mi_view){.kind = item->name, .id = item->name, .fields = out->item_f[i], .nfields = 0};
    for (size_t j = 0; j < m->count; j++) {
      const mi_hook_field *f = NULL;
      for (size_t k = 0; fields[k].name; k++)
        if (!strcmp(fields[k].name, m->keys[j])) f = &fields[k];
      if (!f) return at(c, &m->items[j], "an %s has no field '%s' (%s)", item->name, m->keys[j], known);
      if (v->nfields == ITEM_FIELDS) return at(c, &m->items[j], "an %s has each field once", item->name);
      mi_view_field *af = &out->item_f[i][v->nfields++];
      *af = (mi_view_field){.name = f->name, .type = view_type(f->type)};
      if (m->items[j].kind == MI_CONFIG_NULL) af->type = MI_VIEW_NIL;
      else if (field_value(c, item->name, f->name, af->type, &m->items[j], af)) return -1;
    }
  }
  o->list = out->items;
  o->nlist = in->count;
  return 0;
}

/* A record field (response.answers): any keys, each a number, text,
 * boolean or null. */
static int build_record(case_ctx *c, const char *name, const mi_config_value *in, built_view *out,
                        mi_view_field *o) {
  if (in->kind != MI_CONFIG_MAP) return at(c, in, "%s must be a map, got %s", name, mi_policy_expect_kind(in->kind));
  if (in->count > MAX_FIELDS) return at(c, in, "%s: at most %d keys in a case", name, MAX_FIELDS);
  out->rec = (mi_view){.kind = name, .id = name, .fields = out->rec_f, .nfields = in->count};
  for (size_t i = 0; i < in->count; i++) {
    const mi_config_value *v = &in->items[i];
    mi_view_field *f = &out->rec_f[i];
    *f = (mi_view_field){.name = in->keys[i], .type = MI_VIEW_NIL};
    switch (v->kind) {
    case MI_CONFIG_NULL: break;
    case MI_CONFIG_BOOL: f->type = MI_VIEW_BOOL, f->i = v->b; break;
    case MI_CONFIG_INT: f->type = MI_VIEW_INT, f->i = v->i; break;
    case MI_CONFIG_FLOAT: f->type = MI_VIEW_NUM, f->d = v->f; break;
    case MI_CONFIG_STRING: f->type = MI_VIEW_STR, f->s = v->s; break;
    default: return at(c, v, "%s.%s must be a number, text, true, false or null", name, in->keys[i]);
    }
  }
  o->list = &out->rec;
  o->nlist = 1;
  return 0;
}

static int build_view(case_ctx *c, const mi_hook_view *a, const mi_config_value *in,
                      const char *case_name, built_view *out) {
  if (!a->fields) { /* the date */
    mi_err e = {0};
    if (in->kind != MI_CONFIG_STRING)
      return at(c, in, "date must be a day written YYYY-MM-DD, got %s", mi_policy_expect_kind(in->kind));
    if (mi_date_view_make(in->s, out->date, out->f, &out->v, &e))
      return at(c, in, "date '%s': %s", in->s, e.msg);
    return 0;
  }
  if (in->kind != MI_CONFIG_MAP)
    return at(c, in, "%s must be a map of the view's fields, got %s", a->name, mi_policy_expect_kind(in->kind));
  const char *words[MAX_FIELDS + 1];
  size_t nw = 0;
  for (size_t i = 0; a->fields[i].name && nw < MAX_FIELDS; i++) words[nw++] = a->fields[i].name;
  words[nw] = NULL;
  out->v = (mi_view){.kind = a->name, .id = case_name, .fields = out->f, .nfields = 0};
  for (size_t i = 0; i < in->count; i++) {
    const char *k = in->keys[i];
    const mi_config_value *v = &in->items[i];
    const mi_hook_field *f = NULL;
    for (size_t j = 0; a->fields[j].name; j++)
      if (!strcmp(a->fields[j].name, k)) f = &a->fields[j];
    if (!f) {
      const char *near = mi_suggest(k, words);
      return at(c, v, "the %s view has no field '%s'%s%s%s", a->name, k, near ? " (did you mean '" : "",
                near ? near : "", near ? "'?)" : "");
    }
    if (out->v.nfields == MAX_FIELDS) return at(c, v, "the %s view has each field once", a->name);
    mi_view_field *o = &out->f[out->v.nfields++];
    mi_view_type type = view_type(f->type);
    *o = (mi_view_field){.name = f->name, .type = type};
    if (v->kind == MI_CONFIG_NULL) {
      o->type = MI_VIEW_NIL;
      continue;
    }
    if (type == MI_VIEW_LIST ? build_list(c, a->name, f->name, a->item, v, out, o)
        : type == MI_VIEW_RECORD ? build_record(c, f->name, v, out, o)
                                 : field_value(c, a->name, k, type, v, o))
      return -1;
    if ((!strcmp(k, "external_id") || !strcmp(k, "code")) && o->s) out->v.id = o->s;
  }
  return 0;
}

/* The params the case runs with: the configured ones, with the case's keys
 * replaced. The result borrows both (mi_policy_load copies what it keeps). */
typedef struct merged_params {
  mi_config_value v;
  char *keys[256];
  mi_config_value items[256];
} merged_params;

static int merge_params(case_ctx *c, const mi_config_value *base, const mi_config_value *over,
                        merged_params *m) {
  m->v = (mi_config_value){.kind = MI_CONFIG_MAP, .keys = m->keys, .items = m->items};
  if (base && base->count > 256) return say(c, "the policy has more than 256 params; policy test takes at most 256");
  if (base)
    for (size_t i = 0; i < base->count; i++) {
      m->keys[m->v.count] = base->keys[i];
      m->items[m->v.count++] = base->items[i];
    }
  if (!over) return 0;
  if (over->kind != MI_CONFIG_MAP) return at(c, over, "params must be a map, got %s", mi_policy_expect_kind(over->kind));
  for (size_t i = 0; i < over->count; i++) {
    size_t j = 0;
    while (j < m->v.count && strcmp(m->keys[j], over->keys[i])) j++;
    if (j == m->v.count && base && base->count) {
      const char *words[257];
      size_t n = 0;
      for (; n < base->count && n < 256; n++) words[n] = base->keys[n];
      words[n] = NULL;
      const char *near = mi_suggest(over->keys[i], words);
      return at(c, &over->items[i], "params: '%s' is not a param of the configured policy%s%s%s",
                over->keys[i], near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    }
    if (j == 256) return at(c, over, "params: too many params");
    if (j == m->v.count) m->v.count++;
    m->keys[j] = over->keys[i];
    m->items[j] = over->items[i];
  }
  return 0;
}

/* ---- running a case ----------------------------------------------------- */

/* The policy file a case runs: file: (relative to the test file) or the
 * configured one. */
static int policy_file(case_ctx *c, const mi_config_value *file, const char *dir,
                       const mi_config_policy *pol, const char *policy, char *buf, size_t size) {
  if (file) {
    if (file->kind != MI_CONFIG_STRING || !file->s[0])
      return at(c, file, "file must be the path of a policy file, got %s", mi_policy_expect_kind(file->kind));
    if (file->s[0] == '/' || !dir[0]) snprintf(buf, size, "%s", file->s);
    else snprintf(buf, size, "%s/%s", dir, file->s);
    return 0;
  }
  if (!pol) return say(c, "the configuration has no '%s' policy: add it under policies: or give file:", policy);
  snprintf(buf, size, "%s", pol->file);
  return 0;
}

static void check_case(case_ctx *c, const mi_config *cfg, const char *dir, const mi_config_value *cv) {
  mi_policy_case_result *r = c->r;
  if (cv->kind != MI_CONFIG_MAP) {
    at(c, cv, "a case must be a map with name, hook, the inputs and expect, got %s", mi_policy_expect_kind(cv->kind));
    return;
  }
  const mi_config_value *name = mi_config_value_get(cv, "name"), *hook = mi_config_value_get(cv, "hook");
  if (name && name->kind == MI_CONFIG_STRING && name->s[0]) r->name = name->s;
  else if (name) {
    at(c, name, "name must be text, got %s", mi_policy_expect_kind(name->kind));
    return;
  } else {
    at(c, cv, "the case has no name: give each case a name: that says what it checks");
    return;
  }
  char runs[256];
  const char *hook_names[64];
  runs_list(runs, sizeof runs, hook_names, 64);
  if (!hook || hook->kind != MI_CONFIG_STRING) {
    at(c, hook ? hook : cv, "the case needs hook: one of %s", runs);
    return;
  }
  const mi_hook *reg = mi_hook_find(hook->s);
  const mi_policy_hook *hs = mi_policy_hook_find(hook->s);
  if (reg && (!hs || !hs->expect)) {
    at(c, hook, "policy test does not run the %s hook yet; it runs %s", hook->s, runs);
    return;
  }
  if (!reg || !hs) {
    const char *near = mi_suggest(hook->s, hook_names);
    at(c, hook, "unknown hook '%s'%s%s%s; policy test runs %s", hook->s,
       near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", runs);
    return;
  }
  /* every key known */
  const char *keys[12] = {"name", "hook", "params", "file", "expect", "expect_error"};
  size_t nk = 6;
  for (int i = 0; i < reg->nargs; i++) keys[nk++] = reg->args[i]->name;
  keys[nk] = NULL;
  for (size_t i = 0; i < cv->count; i++) {
    size_t j = 0;
    while (keys[j] && strcmp(keys[j], cv->keys[i])) j++;
    if (!keys[j]) {
      const char *near = mi_suggest(cv->keys[i], keys);
      at(c, &cv->items[i], "unknown key '%s'%s%s%s in a %s case", cv->keys[i], near ? " (did you mean '" : "",
         near ? near : "", near ? "'?)" : "", reg->name);
      return;
    }
  }
  const mi_config_value *expect = mi_config_value_get(cv, "expect"),
                        *expect_error = mi_config_value_get(cv, "expect_error");
  if (!expect == !expect_error) {
    at(c, cv, "give either expect: (the decision) or expect_error: (a part of the error message)");
    return;
  }
  if (expect_error && (expect_error->kind != MI_CONFIG_STRING || !expect_error->s[0])) {
    at(c, expect_error, "expect_error must be text (a part of the error message)");
    return;
  }
  if (expect) {
    if (expect->kind != MI_CONFIG_MAP) {
      at(c, expect, "expect must be a map (e.g. {%s: ...}), got %s", hs->expect[0], mi_policy_expect_kind(expect->kind));
      return;
    }
    for (size_t i = 0; i < expect->count; i++) {
      size_t j = 0;
      while (hs->expect[j] && strcmp(hs->expect[j], expect->keys[i])) j++;
      if (!hs->expect[j]) {
        const char *near = mi_suggest(expect->keys[i], hs->expect);
        at(c, &expect->items[i], "expect: unknown key '%s'%s%s%s for hook %s", expect->keys[i],
           near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", reg->name);
        return;
      }
    }
  }
  /* inputs */
  built_view *views = calloc(MI_HOOK_MAX_ARGS, sizeof *views);
  const mi_view *args[MI_HOOK_MAX_ARGS] = {0};
  if (!views) {
    say(c, "out of memory");
    return;
  }
  for (int i = 0; i < reg->nargs; i++) {
    const mi_config_value *in = mi_config_value_get(cv, reg->args[i]->name);
    if (!in && reg->args[i]->nullable) continue; /* the hook gets nil */
    if (!in) {
      char need[128];
      size_t n = 0;
      for (int k = 0; k < reg->nargs; k++)
        if (!reg->args[k]->nullable)
          n += (size_t)snprintf(need + n, sizeof need - n, "%s%s", n ? " and " : "", reg->args[k]->name);
      at(c, cv, "the case gives no %s: a %s case needs %s", reg->args[i]->name, reg->name, need);
      free(views);
      return;
    }
    if (build_view(c, reg->args[i], in, r->name, &views[i])) {
      free(views);
      return;
    }
    args[i] = &views[i].v;
  }
  for (int i = 1; args[0] && i < reg->nargs; i++) /* errors name the first view: all are its */
    views[i].v.id = views[0].v.id;
  /* the policy */
  const mi_config_policy *pol = mi_config_find_policy(cfg, reg->policy);
  char path[4096];
  merged_params mp;
  if (policy_file(c, mi_config_value_get(cv, "file"), dir, pol, reg->policy, path, sizeof path) ||
      merge_params(c, pol ? &pol->params : NULL, mi_config_value_get(cv, "params"), &mp)) {
    free(views);
    return;
  }
  mi_policy_limits lim = {cfg->limits.policy_instructions, cfg->limits.policy_memory,
                          cfg->limits.policy_time_ms};
  mi_policy *p = NULL;
  mi_err e = {0};
  char text[1400];
  void *d = calloc(1, hs->size);
  if (!d) {
    say(c, "out of memory");
    free(views);
    return;
  }
  int rc = mi_policy_load(reg->policy, path, &mp.v, &lim, &p, &e);
  if (!rc) rc = hs->call(p, args, cfg, d, &e);
  mi_policy_free(p);
  free(views);
  if (rc) {
    err_text(&e, text, sizeof text);
    if (!expect_error) say(c, "expected a decision, got an error: %s", text);
    else if (!strstr(text, expect_error->s)) say(c, "expected an error containing '%s', got: %s", expect_error->s, text);
    free(d);
    return;
  }
  if (expect_error) {
    say(c, "expected an error containing '%s', but the call succeeded", expect_error->s);
    free(d);
    return;
  }
  hs->compare(&c->x, expect, d);
  free(d);
}

static void run_case(const mi_config *cfg, const char *file, const char *dir, const mi_config_value *cv,
                     int index, mi_policy_case_result *r) {
  case_ctx c = {r, {file, r->detail, sizeof r->detail, 0, 0}};
  static char fallback[32];
  snprintf(fallback, sizeof fallback, "case %d", index);
  r->name = fallback;
  r->line = cv->line;
  check_case(&c, cfg, dir, cv);
  r->passed = !c.x.failed;
}

/* ---- files and folders ---------------------------------------------------- */

static void run_file(const mi_config *cfg, const char *path, mi_policy_case_fn fn, void *ud,
                     mi_policy_test_summary *sum) {
  mi_config_value root;
  mi_err e = {0};
  mi_policy_case_result *r = calloc(1, sizeof *r);
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) slash[slash == dir] = '\0';
  else dir[0] = '\0';
  sum->files++;
  if (!r) {
    sum->failed++;
    return;
  }
  int rc = mi_config_value_load(path, &root, &e);
  if (!rc && root.kind != MI_CONFIG_LIST) {
    rc = mi_err_setpos(&e, MI_ECONFIG, path, root.line, root.column,
                       "a test file is a list of cases ('- name: ...'), got %s", mi_policy_expect_kind(root.kind));
  }
  if (rc) {
    *r = (mi_policy_case_result){.file = path, .name = "-", .line = e.line, .passed = 0};
    err_text(&e, r->detail, sizeof r->detail);
    sum->failed++;
    if (fn) fn(r, ud);
  }
  for (size_t i = 0; !rc && i < root.count; i++) {
    memset(r, 0, sizeof *r);
    r->file = path;
    run_case(cfg, path, dir, &root.items[i], (int)i + 1, r);
    if (r->passed) sum->passed++;
    else sum->failed++;
    if (fn) fn(r, ud);
  }
  mi_config_value_free(&root);
  free(r);
}

static int is_test_file(const char *name) {
  size_t n = strlen(name);
  return name[0] != '.' && ((n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml")));
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int mi_policy_test_run(const mi_config *cfg, const char *path, mi_policy_case_fn fn, void *ud,
                       mi_policy_test_summary *sum, mi_err *e) {
  if (sum) memset(sum, 0, sizeof *sum);
  if (!cfg || !path || !sum) return mi_err_set(e, MI_EINVAL, "mi_policy_test_run: cfg, path and sum are required");
  struct stat st;
  if (stat(path, &st) != 0)
    return mi_err_setpos(e, MI_EIO, path, 0, 0, "no such file or folder: give a test file (.yaml) or a folder of them");
  if (!S_ISDIR(st.st_mode)) {
    run_file(cfg, path, fn, ud, sum);
    return 0;
  }
  DIR *d = opendir(path);
  if (!d) return mi_err_setpos(e, MI_EIO, path, 0, 0, "cannot read the folder");
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *de;
  while (!rc && (de = readdir(d))) {
    if (!is_test_file(de->d_name)) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      char **grown = realloc(names, cap * sizeof *names);
      if (!grown) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
      else names = grown;
    }
    if (!rc && !(names[n++] = strdup(de->d_name))) rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  }
  closedir(d);
  if (!rc && n == 0)
    rc = mi_err_setpos(e, MI_ENOTFOUND, path, 0, 0, "no test files (*.yaml) in this folder");
  if (!rc) {
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
      size_t len = strlen(path) + strlen(names[i]) + 2;
      char *full = malloc(len);
      if (!full) {
        rc = mi_err_set(e, MI_ENOMEM, "out of memory");
        break;
      }
      snprintf(full, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
      run_file(cfg, full, fn, ud, sum);
      free(full);
    }
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  return rc;
}

int mi_policy_test_default_path(const mi_config *cfg, char *buf, size_t size, mi_err *e) {
  if (!cfg || !buf || !size) return mi_err_set(e, MI_EINVAL, "mi_policy_test_default_path: cfg and buf are required");
  if (!cfg->npolicies)
    return mi_err_setpos(e, MI_ENOTFOUND, cfg->path, 0, 0,
                         "the configuration names no policies, so there is no default folder of "
                         "tests: give PATH");
  const char *file = cfg->policies[0].file, *slash = strrchr(file, '/');
  int n = slash ? snprintf(buf, size, "%.*s/tests", (int)(slash - file), file) : snprintf(buf, size, "tests");
  if (n < 0 || (size_t)n >= size) return mi_err_set(e, MI_EINVAL, "the path of the policy folder is too long");
  return 0;
}
