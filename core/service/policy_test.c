/* The runner of policy test cases (the format is in policy_test.h): each
 * case's inputs become the views the engine would pass, the policy is
 * loaded with its configured params (and the case's overrides), the hook is
 * called through the same checked path as in production, and the decision
 * (or the error) is compared with what the case expects. */
#include "service/policy_test.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/hooks.h"
#include "policy/policy.h"
#include "service/date_view.h"
#include "util/suggest.h"

/* ---- the hooks it runs --------------------------------------------------- */

/* The views each hook sees and its policy come from the registry
 * (config/hooks.c); here only what a case may expect of each decision. */
typedef enum hook_id {
  H_TIER, H_ROUTE, H_ESCALATE, H_EVALUATE, H_CARE, H_ELIGIBLE, H_STAFF, H_ALERT
} hook_id;

static const struct hook_spec {
  const char *hook;
  const char *const expect[10];
} hooks[] = {
    [H_TIER] = {"tier", {"tier", "reason", "reason_contains", NULL}},
    [H_ROUTE] = {"route", {"department", "priority", "reason", "reason_contains", "agent", NULL}},
    [H_ESCALATE] = {"escalate", {"escalate", "level", "notify", "reason", "reason_contains", NULL}},
    [H_EVALUATE] = {"evaluate", {"score", "grade", "passed", "assessed", "reasons_contain", NULL}},
    [H_CARE] = {"care", {"count", "kinds", "items", NULL}},
    [H_ELIGIBLE] = {"eligible", {"eligible", "reason", "channel", NULL}},
    [H_STAFF] = {"evaluate_staff", {"rating", "notes_contain", NULL}},
    [H_ALERT] = {"alert", {"open", "department", "kind", "priority", "category", "severity",
                           "reason", "reason_contains", NULL}},
};
enum { NHOOKS = sizeof hooks / sizeof hooks[0] };

static void runs_list(char *buf, size_t size, const char **names) {
  size_t n = 0;
  buf[0] = '\0';
  for (int i = 0; i < NHOOKS && n < size; i++) {
    n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", hooks[i].hook);
    names[i] = hooks[i].hook;
  }
  names[NHOOKS] = NULL;
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

enum { MAX_FIELDS = 32, MAX_AGENTS = 32, AGENT_FIELDS = 6 };

typedef struct built_view {
  mi_view_field f[MAX_FIELDS];
  mi_view v;
  char date[11];
  mi_view agents[MAX_AGENTS]; /* ticket.agents */
  mi_view_field agent_f[MAX_AGENTS][AGENT_FIELDS];
  mi_view rec; /* a record field (response.answers) */
  mi_view_field rec_f[MAX_FIELDS];
} built_view;

typedef struct case_ctx {
  const char *file;
  mi_policy_case_result *r;
  size_t used; /* of r->detail */
} case_ctx;

/* Appends to the detail; "; " between parts. Returns -1 (the case failed). */
static int say(case_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int say(case_ctx *c, const char *fmt, ...) {
  char *d = c->r->detail;
  size_t size = sizeof c->r->detail;
  if (c->used && c->used + 2 < size) {
    memcpy(d + c->used, "; ", 3);
    c->used += 2;
  }
  if (c->used < size) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(d + c->used, size - c->used, fmt, ap);
    va_end(ap);
    if (n > 0) c->used = c->used + (size_t)n < size ? c->used + (size_t)n : size - 1;
  }
  c->r->passed = 0;
  return -1;
}

/* "file:LINE:COL: " for a value of the test file. */
static int at(case_ctx *c, const mi_config_value *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int at(case_ctx *c, const mi_config_value *v, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return say(c, "%s:%d:%d: %s", c->file, v->line, v->column, msg);
}

static void err_text(const mi_err *e, char *buf, size_t size) {
  if (e->file[0] && e->line) snprintf(buf, size, "%s:%d: %s", e->file, e->line, e->msg);
  else if (e->file[0]) snprintf(buf, size, "%s: %s", e->file, e->msg);
  else snprintf(buf, size, "%s", e->msg);
}

static const char *kind_name(mi_config_value_kind k) {
  switch (k) {
  case MI_CONFIG_NULL: return "null";
  case MI_CONFIG_BOOL: return "a boolean";
  case MI_CONFIG_INT: return "an integer";
  case MI_CONFIG_FLOAT: return "a number";
  case MI_CONFIG_STRING: return "text";
  case MI_CONFIG_LIST: return "a list";
  default: return "a map";
  }
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
    return at(c, v, "%s.%s must be %s (or null), got %s", view, k, type_name(type), kind_name(v->kind));
  return 0;
}

/* ticket.agents: a list of maps of the item view's fields. */
static int build_agents(case_ctx *c, const mi_hook_view *item, const mi_config_value *in,
                        built_view *out, mi_view_field *o) {
  const mi_hook_field *agent_fields = item->fields;
  if (in->kind != MI_CONFIG_LIST) return at(c, in, "ticket.agents must be a list of maps, got %s", kind_name(in->kind));
  if (in->count > MAX_AGENTS) return at(c, in, "ticket.agents: at most %d agents in a case", MAX_AGENTS);
  for (size_t i = 0; i < in->count; i++) {
    const mi_config_value *m = &in->items[i];
    if (m->kind != MI_CONFIG_MAP) return at(c, m, "ticket.agents[%zu] must be a map, got %s", i + 1, kind_name(m->kind));
    mi_view *v = &out->agents[i];
    *v = (mi_view){.kind = "agent", .id = "agent", .fields = out->agent_f[i], .nfields = 0};
    for (size_t j = 0; j < m->count; j++) {
      const mi_hook_field *f = NULL;
      for (size_t k = 0; agent_fields[k].name; k++)
        if (!strcmp(agent_fields[k].name, m->keys[j])) f = &agent_fields[k];
      if (!f) return at(c, &m->items[j], "an agent has no field '%s' (code, name, department, skills, open_load, on_duty)", m->keys[j]);
      if (v->nfields == AGENT_FIELDS) return at(c, &m->items[j], "an agent has each field once");
      mi_view_field *af = &out->agent_f[i][v->nfields++];
      *af = (mi_view_field){.name = f->name, .type = view_type(f->type)};
      if (m->items[j].kind == MI_CONFIG_NULL) af->type = MI_VIEW_NIL;
      else if (field_value(c, "agent", f->name, af->type, &m->items[j], af)) return -1;
    }
  }
  o->list = out->agents;
  o->nlist = in->count;
  return 0;
}

/* A record field (response.answers): any keys, each a number, text,
 * boolean or null. */
static int build_record(case_ctx *c, const char *name, const mi_config_value *in, built_view *out,
                        mi_view_field *o) {
  if (in->kind != MI_CONFIG_MAP) return at(c, in, "%s must be a map, got %s", name, kind_name(in->kind));
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
      return at(c, in, "date must be a day written YYYY-MM-DD, got %s", kind_name(in->kind));
    if (mi_date_view_make(in->s, out->date, out->f, &out->v, &e))
      return at(c, in, "date '%s': %s", in->s, e.msg);
    return 0;
  }
  if (in->kind != MI_CONFIG_MAP)
    return at(c, in, "%s must be a map of the view's fields, got %s", a->name, kind_name(in->kind));
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
    if (type == MI_VIEW_LIST ? build_agents(c, a->item, v, out, o)
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
  if (over->kind != MI_CONFIG_MAP) return at(c, over, "params must be a map, got %s", kind_name(over->kind));
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

/* ---- comparing ---------------------------------------------------------- */

static int want_text(case_ctx *c, const mi_config_value *v, const char *what) {
  if (v->kind == MI_CONFIG_STRING) return 0;
  return at(c, v, "expect.%s must be text, got %s", what, kind_name(v->kind));
}

static void check_text(case_ctx *c, const mi_config_value *exp, const char *key, const char *got) {
  const mi_config_value *v = mi_config_value_get(exp, key);
  if (!v || want_text(c, v, key)) return;
  if (strcmp(v->s, got)) say(c, "expected %s '%s', got '%s'", key, v->s, got);
}

static void check_contains(case_ctx *c, const mi_config_value *exp, const char *key,
                           const char *what, const char *got) {
  const mi_config_value *v = mi_config_value_get(exp, key);
  if (!v || want_text(c, v, key)) return;
  if (!strstr(got, v->s)) say(c, "expected the %s to contain '%s', got '%s'", what, v->s, got);
}

static void check_int(case_ctx *c, const mi_config_value *exp, const char *key, int64_t got) {
  const mi_config_value *v = mi_config_value_get(exp, key);
  if (!v) return;
  if (v->kind != MI_CONFIG_INT) {
    at(c, v, "expect.%s must be an integer, got %s", key, kind_name(v->kind));
    return;
  }
  if (v->i != got) say(c, "expected %s %lld, got %lld", key, (long long)v->i, (long long)got);
}

static void check_bool(case_ctx *c, const mi_config_value *exp, const char *key, int got) {
  const mi_config_value *v = mi_config_value_get(exp, key);
  if (!v) return;
  if (v->kind != MI_CONFIG_BOOL) {
    at(c, v, "expect.%s must be true or false, got %s", key, kind_name(v->kind));
    return;
  }
  if (v->b != (got != 0)) say(c, "expected %s %s, got %s", key, v->b ? "true" : "false", got ? "true" : "false");
}

/* expect.KEY: a list of strings compared with got[0..n) in order. */
static void check_names(case_ctx *c, const mi_config_value *exp, const char *key, const char *const *got,
                        size_t n) {
  const mi_config_value *v = mi_config_value_get(exp, key);
  char list[512];
  size_t used = 0;
  if (!v) return;
  if (v->kind != MI_CONFIG_LIST) {
    at(c, v, "expect.%s must be a list of text, got %s", key, kind_name(v->kind));
    return;
  }
  list[0] = '\0';
  for (size_t i = 0; i < n && used < sizeof list; i++)
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", got[i]);
  int same = v->count == n;
  for (size_t i = 0; i < v->count; i++) {
    if (want_text(c, &v->items[i], key)) return;
    if (same && strcmp(v->items[i].s, got[i])) same = 0;
  }
  if (!same) {
    char want[512];
    size_t w = 0;
    want[0] = '\0';
    for (size_t i = 0; i < v->count && w < sizeof want; i++)
      w += (size_t)snprintf(want + w, sizeof want - w, "%s%s", i ? ", " : "", v->items[i].s);
    say(c, "expected %s [%s], got [%s]", key, want, list);
  }
}

static void compare_tier(case_ctx *c, const mi_config_value *x, const mi_tier_decision *d) {
  size_t before = c->used;
  check_text(c, x, "tier", d->tier);
  check_text(c, x, "reason", d->reason);
  check_contains(c, x, "reason_contains", "reason", d->reason);
  if (c->used != before) say(c, "decision: tier %s, reason '%s'", d->tier, d->reason);
}

static void compare_route(case_ctx *c, const mi_config_value *x, const mi_route_decision *d) {
  size_t before = c->used;
  check_text(c, x, "department", d->department);
  check_int(c, x, "priority", d->priority);
  check_text(c, x, "reason", d->reason);
  check_contains(c, x, "reason_contains", "reason", d->reason);
  const mi_config_value *agent = mi_config_value_get(x, "agent");
  if (agent && agent->kind == MI_CONFIG_NULL && *d->agent)
    say(c, "expected no agent, got %s", d->agent);
  else if (agent && agent->kind != MI_CONFIG_NULL)
    check_text(c, x, "agent", d->agent);
  if (c->used != before)
    say(c, "decision: department %s, priority %d, agent %s, reason '%s'", d->department,
        d->priority, *d->agent ? d->agent : "none", d->reason);
}

static void compare_escalate(case_ctx *c, const mi_config_value *x, const mi_escalate_decision *d) {
  const mi_config_value *esc = mi_config_value_get(x, "escalate");
  int want = 1;
  if (esc) {
    if (esc->kind != MI_CONFIG_BOOL) {
      at(c, esc, "expect.escalate must be true or false, got %s", kind_name(esc->kind));
      return;
    }
    want = esc->b;
    if (!want && x->count > 1) {
      at(c, esc, "expect: escalate: false (nil) cannot have a level, notify or reason");
      return;
    }
  }
  if (!want) {
    if (d->escalate) say(c, "expected no escalation (nil), got level %d: '%s'", d->level, d->reason);
    return;
  }
  if (!d->escalate) {
    say(c, "expected an escalation, got nil (no escalation)");
    return;
  }
  size_t before = c->used;
  const char *names[MI_ESCALATE_MAX_NOTIFY];
  for (size_t i = 0; i < d->nnotify; i++) names[i] = d->notify[i];
  check_int(c, x, "level", d->level);
  check_names(c, x, "notify", names, d->nnotify);
  check_text(c, x, "reason", d->reason);
  check_contains(c, x, "reason_contains", "reason", d->reason);
  if (c->used != before) say(c, "decision: level %d, reason '%s'", d->level, d->reason);
}

/* expect.KEY (a text or a list): each must be part of one of got[0..n). */
static void check_each_in(case_ctx *c, const mi_config_value *x, const char *key,
                          const char (*got)[501], size_t n) {
  const mi_config_value *v = mi_config_value_get(x, key);
  if (!v) return;
  const mi_config_value *list = v->kind == MI_CONFIG_LIST ? v->items : v;
  size_t nw = v->kind == MI_CONFIG_LIST ? v->count : 1;
  for (size_t i = 0; i < nw; i++) {
    if (want_text(c, &list[i], key)) break;
    int found = 0;
    for (size_t k = 0; k < n && !found; k++) found = strstr(got[k], list[i].s) != NULL;
    if (!found) say(c, "expected %s containing '%s'", key, list[i].s);
  }
}

static void compare_staff(case_ctx *c, const mi_config_value *x, const mi_staff_decision *d) {
  size_t before = c->used;
  check_text(c, x, "rating", d->rating);
  check_each_in(c, x, "notes_contain", d->notes, d->nnotes);
  if (c->used != before)
    say(c, "decision: rating %s, first note '%s'", d->rating, d->nnotes ? d->notes[0] : "");
}

static void compare_evaluate(case_ctx *c, const mi_config_value *x, const mi_evaluate_decision *d) {
  size_t before = c->used;
  const mi_config_value *v = mi_config_value_get(x, "score");
  if (v) {
    if (v->kind != MI_CONFIG_INT && v->kind != MI_CONFIG_FLOAT)
      at(c, v, "expect.score must be a number, got %s", kind_name(v->kind));
    else {
      double want = v->kind == MI_CONFIG_INT ? (double)v->i : v->f;
      if (!(fabs(want - d->score) <= 0.005)) say(c, "expected score %.2f, got %.4f", want, d->score);
    }
  }
  check_text(c, x, "grade", d->grade);
  check_bool(c, x, "passed", d->passed);
  check_bool(c, x, "assessed", d->assessed);
  check_each_in(c, x, "reasons_contain", d->reasons, d->nreasons);
  if (c->used != before) {
    char all[1024];
    size_t u = 0;
    all[0] = '\0';
    for (size_t k = 0; k < d->nreasons && u < sizeof all; k++)
      u += (size_t)snprintf(all + u, sizeof all - u, "%s'%s'", k ? ", " : "", d->reasons[k]);
    say(c, "decision: score %.2f, grade %s, passed %s, assessed %s, reasons [%s]", d->score,
        d->grade, d->passed ? "true" : "false", d->assessed ? "true" : "false", all);
  }
}

static void compare_care(case_ctx *c, const mi_config_value *x, const mi_care_decision *d) {
  size_t before = c->used;
  const char *kinds[MI_CARE_MAX_ITEMS];
  for (size_t i = 0; i < d->nitems; i++) kinds[i] = d->items[i].kind;
  check_int(c, x, "count", (int64_t)d->nitems);
  check_names(c, x, "kinds", kinds, d->nitems);
  const mi_config_value *v = mi_config_value_get(x, "items");
  if (v && v->kind != MI_CONFIG_LIST) at(c, v, "expect.items must be a list of maps, got %s", kind_name(v->kind));
  else if (v) {
    if (v->count != d->nitems) say(c, "expected %zu items, got %zu", v->count, d->nitems);
    for (size_t i = 0; i < v->count && i < d->nitems; i++) {
      const mi_config_value *it = &v->items[i];
      if (it->kind != MI_CONFIG_MAP) {
        at(c, it, "expect.items[%zu] must be a map {kind, channel, template}", i + 1);
        break;
      }
      const char *got[] = {d->items[i].kind, d->items[i].channel, d->items[i].template_};
      static const char *const keys[] = {"kind", "channel", "template", NULL};
      for (size_t k = 0; k < it->count; k++) {
        size_t j = 0;
        while (keys[j] && strcmp(keys[j], it->keys[k])) j++;
        if (!keys[j]) {
          at(c, &it->items[k], "expect.items[%zu]: unknown key '%s' (kind, channel, template)", i + 1,
             it->keys[k]);
          continue;
        }
        if (want_text(c, &it->items[k], keys[j])) continue;
        if (strcmp(it->items[k].s, got[j]))
          say(c, "expected item %zu %s '%s', got '%s'", i + 1, keys[j], it->items[k].s, got[j]);
      }
    }
  }
  if (c->used != before) {
    char all[1024];
    size_t u = 0;
    all[0] = '\0';
    for (size_t k = 0; k < d->nitems && u < sizeof all; k++)
      u += (size_t)snprintf(all + u, sizeof all - u, "%s{%s, %s, %s}", k ? ", " : "", d->items[k].kind,
                            d->items[k].channel, d->items[k].template_);
    say(c, "decision: [%s]", all);
  }
}

static void compare_eligible(case_ctx *c, const mi_config_value *x, const mi_eligible_decision *d) {
  size_t before = c->used;
  check_bool(c, x, "eligible", d->eligible);
  check_text(c, x, "reason", d->reason);
  check_text(c, x, "channel", d->channel);
  if (c->used != before)
    say(c, "decision: %s '%s'", d->eligible ? "eligible on" : "not eligible:",
        d->eligible ? d->channel : d->reason);
}

/* open: false is nil (no follow-up); the other keys need a follow-up. */
static void compare_alert(case_ctx *c, const mi_config_value *x, const mi_alert_decision *d) {
  size_t before = c->used;
  const mi_config_value *open = mi_config_value_get(x, "open");
  int want = 1;
  if (open) {
    if (open->kind != MI_CONFIG_BOOL) {
      at(c, open, "expect.open must be true or false, got %s", kind_name(open->kind));
      return;
    }
    want = open->b;
  }
  if (!want) {
    if (x->count > 1) at(c, x, "expect: open: false (nil) cannot have other keys");
    else if (d->open) say(c, "expected no follow-up (nil), got one for %s: '%s'", d->department, d->reason);
    return;
  }
  if (!d->open) {
    say(c, "expected a follow-up, got nil (none)");
    return;
  }
  check_text(c, x, "department", d->department);
  check_text(c, x, "kind", d->kind);
  check_int(c, x, "priority", d->priority);
  check_text(c, x, "category", d->category);
  check_text(c, x, "severity", d->severity);
  check_text(c, x, "reason", d->reason);
  check_contains(c, x, "reason_contains", "reason", d->reason);
  if (c->used != before)
    say(c, "decision: %s ticket for %s, priority %d, reason '%s'", d->kind, d->department,
        d->priority, d->reason);
}

/* ---- running a case ----------------------------------------------------- */

typedef union decision {
  mi_tier_decision tier;
  mi_route_decision route;
  mi_escalate_decision escalate;
  mi_evaluate_decision evaluate;
  mi_care_decision care;
  mi_eligible_decision eligible;
  mi_staff_decision staff;
  mi_alert_decision alert;
} decision;

static int call(hook_id h, mi_policy *p, const mi_view *const *args, const mi_config *cfg,
                decision *d, mi_err *e) {
  const mi_view *a = args[0], *b = args[1];
  switch (h) {
  case H_ALERT: return mi_policy_call_alert(p, a, b, args[2], cfg, &d->alert, e);
  case H_TIER: return mi_policy_call_tier(p, a, cfg, &d->tier, e);
  case H_ROUTE: return mi_policy_call_route(p, a, cfg, &d->route, e);
  case H_ESCALATE: return mi_policy_call_escalate(p, a, b, &d->escalate, e);
  case H_EVALUATE: return mi_policy_call_evaluate(p, a, b, &d->evaluate, e);
  case H_ELIGIBLE: return mi_policy_call_eligible(p, a, &d->eligible, e);
  case H_STAFF: return mi_policy_call_evaluate_staff(p, a, b, &d->staff, e);
  default: return mi_policy_call_care(p, a, b, &d->care, e);
  }
}

/* The policy file a case runs: file: (relative to the test file) or the
 * configured one. */
static int policy_file(case_ctx *c, const mi_config_value *file, const char *dir,
                       const mi_config_policy *pol, const char *policy, char *buf, size_t size) {
  if (file) {
    if (file->kind != MI_CONFIG_STRING || !file->s[0])
      return at(c, file, "file must be the path of a policy file, got %s", kind_name(file->kind));
    if (file->s[0] == '/' || !dir[0]) snprintf(buf, size, "%s", file->s);
    else snprintf(buf, size, "%s/%s", dir, file->s);
    return 0;
  }
  if (!pol) return say(c, "the configuration has no '%s' policy: add it under policies: or give file:", policy);
  snprintf(buf, size, "%s", pol->file);
  return 0;
}

static void run_case(const mi_config *cfg, const char *file, const char *dir, const mi_config_value *cv,
                     int index, mi_policy_case_result *r) {
  case_ctx cc = {file, r, 0}, *c = &cc;
  static char fallback[32];
  snprintf(fallback, sizeof fallback, "case %d", index);
  r->name = fallback;
  r->line = cv->line;
  r->passed = 1;
  if (cv->kind != MI_CONFIG_MAP) {
    at(c, cv, "a case must be a map with name, hook, the inputs and expect, got %s", kind_name(cv->kind));
    return;
  }
  const mi_config_value *name = mi_config_value_get(cv, "name"), *hook = mi_config_value_get(cv, "hook");
  if (name && name->kind == MI_CONFIG_STRING && name->s[0]) r->name = name->s;
  else if (name) {
    at(c, name, "name must be text, got %s", kind_name(name->kind));
    return;
  } else {
    at(c, cv, "the case has no name: give each case a name: that says what it checks");
    return;
  }
  char runs[256];
  const char *hook_names[NHOOKS + 1];
  runs_list(runs, sizeof runs, hook_names);
  if (!hook || hook->kind != MI_CONFIG_STRING) {
    at(c, hook ? hook : cv, "the case needs hook: one of %s", runs);
    return;
  }
  int h = -1;
  for (int i = 0; i < NHOOKS; i++)
    if (!strcmp(hooks[i].hook, hook->s)) h = i;
  const mi_hook *reg = h < 0 ? NULL : mi_hook_find(hooks[h].hook);
  if (!reg) {
    const char *near = mi_suggest(hook->s, hook_names);
    at(c, hook, "unknown hook '%s'%s%s%s; policy test runs %s", hook->s,
       near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", runs);
    return;
  }
  const struct hook_spec *hs = &hooks[h];
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
         near ? near : "", near ? "'?)" : "", hs->hook);
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
      at(c, expect, "expect must be a map (e.g. {%s: ...}), got %s", hs->expect[0], kind_name(expect->kind));
      return;
    }
    for (size_t i = 0; i < expect->count; i++) {
      size_t j = 0;
      while (hs->expect[j] && strcmp(hs->expect[j], expect->keys[i])) j++;
      if (!hs->expect[j]) {
        const char *near = mi_suggest(expect->keys[i], hs->expect);
        at(c, &expect->items[i], "expect: unknown key '%s'%s%s%s for hook %s", expect->keys[i],
           near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", hs->hook);
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
      at(c, cv, "the case gives no %s: a %s case needs %s", reg->args[i]->name, hs->hook, need);
      free(views);
      return;
    }
    if (build_view(c, reg->args[i], in, r->name, &views[i])) {
      free(views);
      return;
    }
    args[i] = &views[i].v;
  }
  if (h == H_ESCALATE) views[1].v.id = views[0].v.id; /* the clock is the ticket's */
  if (h == H_ALERT && args[0]) { /* the customer and ticket of the response */
    if (args[1]) views[1].v.id = views[0].v.id;
    if (args[2]) views[2].v.id = views[0].v.id;
  }
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
  decision *d = calloc(1, sizeof *d);
  if (!d) {
    say(c, "out of memory");
    free(views);
    return;
  }
  int rc = mi_policy_load(reg->policy, path, &mp.v, &lim, &p, &e);
  if (!rc) rc = call((hook_id)h, p, args, cfg, d, &e);
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
  switch ((hook_id)h) {
  case H_TIER: compare_tier(c, expect, &d->tier); break;
  case H_ROUTE: compare_route(c, expect, &d->route); break;
  case H_ESCALATE: compare_escalate(c, expect, &d->escalate); break;
  case H_EVALUATE: compare_evaluate(c, expect, &d->evaluate); break;
  case H_CARE: compare_care(c, expect, &d->care); break;
  case H_ELIGIBLE: compare_eligible(c, expect, &d->eligible); break;
  case H_STAFF: compare_staff(c, expect, &d->staff); break;
  case H_ALERT: compare_alert(c, expect, &d->alert); break;
  }
  free(d);
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
                       "a test file is a list of cases ('- name: ...'), got %s", kind_name(root.kind));
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
