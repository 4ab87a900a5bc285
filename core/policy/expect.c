/* The comparisons of `manyi policy test` that the hooks' compare functions
 * (hook_<name>.c) share: a key of a case's expect: against a decision's
 * field, saying what was expected and what came back (hook_test.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy/hook_test.h"

int mi_policy_expect_say(mi_policy_expect *x, const char *fmt, ...) {
  char *d = x->detail;
  if (x->used && x->used + 2 < x->size) {
    memcpy(d + x->used, "; ", 3);
    x->used += 2;
  }
  if (x->used < x->size) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(d + x->used, x->size - x->used, fmt, ap);
    va_end(ap);
    if (n > 0) x->used = x->used + (size_t)n < x->size ? x->used + (size_t)n : x->size - 1;
  }
  x->failed = 1;
  return -1;
}

int mi_policy_expect_at(mi_policy_expect *x, const mi_config_value *v, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return mi_policy_expect_say(x, "%s:%d:%d: %s", x->file, v->line, v->column, msg);
}

const char *mi_policy_expect_kind(mi_config_value_kind k) {
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

int mi_policy_expect_want_text(mi_policy_expect *x, const mi_config_value *v, const char *key) {
  if (v->kind == MI_CONFIG_STRING) return 0;
  return mi_policy_expect_at(x, v, "expect.%s must be text, got %s", key,
                             mi_policy_expect_kind(v->kind));
}

void mi_policy_expect_text(mi_policy_expect *x, const mi_config_value *exp, const char *key,
                           const char *got) {
  const mi_config_value *v = mi_config_value_get(exp, key);
  if (!v || mi_policy_expect_want_text(x, v, key)) return;
  if (strcmp(v->s, got)) mi_policy_expect_say(x, "expected %s '%s', got '%s'", key, v->s, got);
}

void mi_policy_expect_contains(mi_policy_expect *x, const mi_config_value *exp, const char *key,
                               const char *what, const char *got) {
  const mi_config_value *v = mi_config_value_get(exp, key);
  if (!v || mi_policy_expect_want_text(x, v, key)) return;
  if (!strstr(got, v->s))
    mi_policy_expect_say(x, "expected the %s to contain '%s', got '%s'", what, v->s, got);
}

void mi_policy_expect_int(mi_policy_expect *x, const mi_config_value *exp, const char *key,
                          int64_t got) {
  const mi_config_value *v = mi_config_value_get(exp, key);
  if (!v) return;
  if (v->kind != MI_CONFIG_INT) {
    mi_policy_expect_at(x, v, "expect.%s must be an integer, got %s", key,
                        mi_policy_expect_kind(v->kind));
    return;
  }
  if (v->i != got)
    mi_policy_expect_say(x, "expected %s %lld, got %lld", key, (long long)v->i, (long long)got);
}

void mi_policy_expect_bool(mi_policy_expect *x, const mi_config_value *exp, const char *key,
                           int got) {
  const mi_config_value *v = mi_config_value_get(exp, key);
  if (!v) return;
  if (v->kind != MI_CONFIG_BOOL) {
    mi_policy_expect_at(x, v, "expect.%s must be true or false, got %s", key,
                        mi_policy_expect_kind(v->kind));
    return;
  }
  if (v->b != (got != 0))
    mi_policy_expect_say(x, "expected %s %s, got %s", key, v->b ? "true" : "false",
                         got ? "true" : "false");
}

void mi_policy_expect_names(mi_policy_expect *x, const mi_config_value *exp, const char *key,
                            const char *const *got, size_t n) {
  const mi_config_value *v = mi_config_value_get(exp, key);
  char list[512];
  size_t used = 0;
  if (!v) return;
  if (v->kind != MI_CONFIG_LIST) {
    mi_policy_expect_at(x, v, "expect.%s must be a list of text, got %s", key,
                        mi_policy_expect_kind(v->kind));
    return;
  }
  list[0] = '\0';
  for (size_t i = 0; i < n && used < sizeof list; i++)
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", got[i]);
  int same = v->count == n;
  for (size_t i = 0; i < v->count; i++) {
    if (mi_policy_expect_want_text(x, &v->items[i], key)) return;
    if (same && strcmp(v->items[i].s, got[i])) same = 0;
  }
  if (!same) {
    char want[512];
    size_t w = 0;
    want[0] = '\0';
    for (size_t i = 0; i < v->count && w < sizeof want; i++)
      w += (size_t)snprintf(want + w, sizeof want - w, "%s%s", i ? ", " : "", v->items[i].s);
    mi_policy_expect_say(x, "expected %s [%s], got [%s]", key, want, list);
  }
}

void mi_policy_expect_each_in(mi_policy_expect *x, const mi_config_value *exp, const char *key,
                              const char (*got)[501], size_t n) {
  const mi_config_value *v = mi_config_value_get(exp, key);
  if (!v) return;
  const mi_config_value *list = v->kind == MI_CONFIG_LIST ? v->items : v;
  size_t nw = v->kind == MI_CONFIG_LIST ? v->count : 1;
  for (size_t i = 0; i < nw; i++) {
    if (mi_policy_expect_want_text(x, &list[i], key)) break;
    int found = 0;
    for (size_t k = 0; k < n && !found; k++) found = strstr(got[k], list[i].s) != NULL;
    if (!found) mi_policy_expect_say(x, "expected %s containing '%s'", key, list[i].s);
  }
}

int mi_policy_expect_flag(mi_policy_expect *x, const mi_config_value *exp, const char *key) {
  const mi_config_value *v = mi_config_value_get(exp, key);
  if (!v) return 1;
  if (v->kind != MI_CONFIG_BOOL)
    return mi_policy_expect_at(x, v, "expect.%s must be true or false, got %s", key,
                               mi_policy_expect_kind(v->kind));
  return v->b;
}

const mi_policy_hook *mi_policy_hook_find(const char *name) {
  for (size_t i = 0; name && mi_policy_hooks[i]; i++)
    if (!strcmp(mi_policy_hooks[i]->name, name)) return mi_policy_hooks[i];
  return NULL;
}
