/* manyi policy test: test cases for policies, written as YAML next to them.
 *
 * A test file is a list of cases:
 *
 *   - name: big spender with many orders is A
 *     hook: tier                       # a hook of the registry (manyi policy hooks)
 *     customer: {orders_total: 60, spend_12m: 150000, orders_12m: 30,
 *                refunded_orders: 0, cancelled_orders: 0}
 *     params: {a_min_spend: 120000}    # optional: overrides configured params
 *     file: ../candidate.lua           # optional: another policy file (relative
 *                                      # to the test file) instead of the configured
 *     expect: {tier: A, reason_contains: ">= 100000"}
 *     # or: expect_error: "no field 'spend'"
 *
 * The inputs are the hook's arguments by name (the views of its registry
 * row, config/hooks.c: customer; ticket and clock; ...) as maps of the
 * view's fields (a date is "YYYY-MM-DD"); the keys expect: takes and how
 * they are compared are the hook's (policy/hook_test.h, in its
 * hook_<name>.c). Fields are checked against the views the
 * engine passes (policies/README.md): an unknown field is a broken case, a
 * field left out is absent (reading it raises, as it would for a field the
 * engine does not have). */
#ifndef MI_SERVICE_POLICY_TEST_H
#define MI_SERVICE_POLICY_TEST_H

#include <stddef.h>

#include "config/config.h"
#include "util/err.h"

typedef struct mi_policy_case_result {
  const char *file; /* the test file as found */
  const char *name; /* the case's name ("case 3" if it has none; "-" for the file) */
  int line;         /* where the case starts in the file */
  int passed;
  char detail[2048]; /* failed: what was expected and what came back */
} mi_policy_case_result;

typedef void (*mi_policy_case_fn)(const mi_policy_case_result *r, void *ud);

typedef struct mi_policy_test_summary {
  int files, passed, failed;
} mi_policy_test_summary;

/* Runs the cases of path: a .yaml/.yml file, or a folder (its .yaml/.yml
 * files in name order). fn (may be NULL) is called after every case; a file
 * that cannot be read as a list of cases counts as one failed case. Returns
 * 0 when the cases ran (whatever their outcome: see sum), else an error (a
 * path that does not exist, a folder without test files). */
int mi_policy_test_run(const mi_config *cfg, const char *path, mi_policy_case_fn fn, void *ud,
                       mi_policy_test_summary *sum, mi_err *e);

/* The default path: "tests" in the folder of the configuration's first
 * policy file (policies/tests for the example). */
int mi_policy_test_default_path(const mi_config *cfg, char *buf, size_t size, mi_err *e);

#endif
