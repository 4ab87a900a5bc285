/* What `manyi policy test` (service/policy_test.c) needs of each hook: how
 * to call it on a case's views and how to compare its decision with the
 * case's expect:. Each core/policy/hook_<name>.c defines one
 * `const mi_policy_hook mi_policy_hook_<name>` beside the hook's call and
 * checks.
 *
 * Why two tables meeting by name: the registry (config/hooks.c) is data
 * (names, policies, views, docs) that the configuration reads too, and
 * config sits below policy, so it cannot point at these functions. The build
 * lists core/policy/hook_*.c into mi_policy_hooks (CMakeLists.txt writes
 * policy_hooks.c), so neither side keeps a hand-made list: adding a hook is
 * its registry row and its hook_<name>.c (tests/e2e/hooks.sh checks that
 * every row has its file and that the machinery names no hook). */
#ifndef MI_POLICY_HOOK_TEST_H
#define MI_POLICY_HOOK_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "policy/policy.h"
#include "util/err.h"

/* A case's verdict as it is compared: the parts of what failed go into
 * detail (joined by "; "); failed is set by any of them. */
typedef struct mi_policy_expect {
  const char *file; /* the test file, named in FILE:LINE:COL */
  char *detail;
  size_t size, used; /* of detail */
  int failed;
} mi_policy_expect;

typedef struct mi_policy_hook {
  const char *name; /* the registry's name of the hook: "alert" */
  /* The keys a case's expect: may have, NULL-terminated, the first used in
   * examples; NULL: policy test does not run this hook (call and compare
   * are then NULL too). */
  const char *const *expect;
  size_t size; /* of its decision */
  /* Calls the hook through its checked path on args (the registry's views
   * in order; NULL for a nullable one left out) into decision (size bytes). */
  int (*call)(mi_policy *p, const mi_view *const *args, const mi_config *cfg, void *decision,
              mi_err *e);
  /* Compares decision with expect (a map of the keys above), saying what differs. */
  void (*compare)(mi_policy_expect *x, const mi_config_value *expect, const void *decision);
} mi_policy_hook;

/* Every hook file's mi_policy_hook, NULL after the last (written by the build). */
extern const mi_policy_hook *const mi_policy_hooks[];
/* The hook of this name, or NULL. */
const mi_policy_hook *mi_policy_hook_find(const char *name);

/* ---- expect.c: the comparisons the hooks' compare functions share ---- */

/* Adds a part to x->detail and marks the case failed. Returns -1. */
int mi_policy_expect_say(mi_policy_expect *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same, prefixed "FILE:LINE:COL: " of v (a value of the test file). */
int mi_policy_expect_at(mi_policy_expect *x, const mi_config_value *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "a list", "text", ...: what a value of the test file is, for messages. */
const char *mi_policy_expect_kind(mi_config_value_kind k);
/* expect.key must be text: 0, or -1 after saying so. */
int mi_policy_expect_want_text(mi_policy_expect *x, const mi_config_value *v, const char *key);
/* When expect has key: it must equal got (text, integer, boolean). */
void mi_policy_expect_text(mi_policy_expect *x, const mi_config_value *exp, const char *key,
                           const char *got);
void mi_policy_expect_int(mi_policy_expect *x, const mi_config_value *exp, const char *key,
                          int64_t got);
void mi_policy_expect_bool(mi_policy_expect *x, const mi_config_value *exp, const char *key,
                           int got);
/* expect.key (text) must be part of got, "the <what>". */
void mi_policy_expect_contains(mi_policy_expect *x, const mi_config_value *exp, const char *key,
                               const char *what, const char *got);
/* expect.key: a list of text equal to got[0..n) in order. */
void mi_policy_expect_names(mi_policy_expect *x, const mi_config_value *exp, const char *key,
                            const char *const *got, size_t n);
/* expect.key (a text or a list of them): each must be part of one of got[0..n). */
void mi_policy_expect_each_in(mi_policy_expect *x, const mi_config_value *exp, const char *key,
                              const char (*got)[501], size_t n);
/* expect.key (true/false) when given, else 1: whether the hook should have
 * decided (returned other than nil). -1 after saying expect.key is not a
 * boolean. */
int mi_policy_expect_flag(mi_policy_expect *x, const mi_config_value *exp, const char *key);

#endif
