/* The Lua policy runtime: each policy file runs in its own sandboxed Lua
 * state with budgets, gets read-only views and its YAML params, and returns a
 * decision that is checked here before the core acts on it. This is the only
 * module that includes <lua.h>. */
#ifndef MI_POLICY_POLICY_H
#define MI_POLICY_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/err.h"

typedef struct mi_policy mi_policy;

typedef struct mi_policy_limits {
  int64_t instructions; /* per call */
  int64_t memory;       /* bytes for the whole state */
  int64_t time_ms;      /* wall time per call */
} mi_policy_limits;

/* Loads the policy file at path (text only) as `name` (e.g. "tiers") with its
 * params (a MAP value from the configuration, may be NULL = empty table).
 * Chunk names are "@<path as given>" so errors read "policies/tiers.lua:12:".
 * *out is owned by the caller: mi_policy_free. */
int mi_policy_load(const char *name, const char *path, const mi_config_value *params,
                   const mi_policy_limits *limits, mi_policy **out, mi_err *e);
void mi_policy_free(mi_policy *p);

/* Loads from the configuration: the policy named `name` with its file and
 * params, and the limits of cfg. MI_ENOTFOUND if the configuration has none. */
int mi_policy_load_config(const mi_config *cfg, const char *name, mi_policy **out, mi_err *e);

/* Re-reads the file if it changed since it was loaded. On failure the old
 * version keeps running and e says why. *reloaded is 1 when it was replaced. */
int mi_policy_reload(mi_policy *p, int *reloaded, mi_err *e);

const char *mi_policy_path(const mi_policy *p);
/* Hex digest (FNV-1a 64) of the file text that is running, for history rows. */
const char *mi_policy_digest(const mi_policy *p);

/* A read-only view passed to a hook: a flat record of named values. */
typedef enum mi_view_type { MI_VIEW_NIL, MI_VIEW_BOOL, MI_VIEW_INT, MI_VIEW_NUM, MI_VIEW_STR } mi_view_type;
typedef struct mi_view_field {
  const char *name;
  mi_view_type type;
  int64_t i; /* BOOL (0/1) and INT */
  double d;  /* NUM */
  const char *s; /* STR */
} mi_view_field;
typedef struct mi_view {
  const char *kind; /* "customer", "order", "ticket", "department" */
  const char *id;   /* the external id, named in errors */
  const mi_view_field *fields;
  size_t nfields;
} mi_view;

/* The tier hook: tier(customer, params) -> tier, reason. The tier must be a
 * code of cfg's tiers and the reason a non-empty string (at most 500 bytes).
 * line gets the line of the policy that returned (0 if unknown). Any failure
 * is MI_EPOLICY with "policies/tiers.lua:LINE: ... (customer C0001)". */
typedef struct mi_tier_decision {
  char tier[33];
  char reason[501];
  int line;
} mi_tier_decision;
int mi_policy_call_tier(mi_policy *p, const mi_view *customer, const mi_config *cfg,
                        mi_tier_decision *out, mi_err *e);

/* Counters since load, for summaries: calls, failures and budget hits. */
typedef struct mi_policy_counters {
  int64_t calls, failures, instruction_limit_hits, memory_limit_hits, time_limit_hits;
} mi_policy_counters;
void mi_policy_get_counters(const mi_policy *p, mi_policy_counters *out);

#endif
