/* Private to the REPL's files in core/policy (repl*.c): the state behind an
 * mi_repl and what those files share. */
#ifndef MI_POLICY_REPL_INTERNAL_H
#define MI_POLICY_REPL_INTERNAL_H

#include <signal.h>

#include <lua.h>

#include "policy/policy_internal.h"
#include "policy/repl.h"

struct mi_repl {
  struct mi_policy pol; /* what mi_pol_pcall needs: path = the chunk's name */
  char chunk_name[256];
  mi_query *query;
  mi_repl_io io;
  int env_ref; /* registry: the REPL's global environment */
  int sql_ref; /* registry: manyi.sql, for mi_repl_sql */
  lua_Hook budget_hook; /* the sandbox's count hook, which repl_hook wraps */
  volatile sig_atomic_t interrupted;
  int evaluating; /* an evaluation is running: sql_stop applies */
  int sql_stopped; /* the last query was stopped by sql_stop: 1 interrupt, 2 time */
};

/* The mi_repl of a state (kept in the state's extra space). */
mi_repl *mi_repl_of(lua_State *L);

/* repl_sql.c: pushes manyi.sql (upvalue: r) and manyi.customer. */
void mi_repl_open_sql(lua_State *L, mi_repl *r);
/* Raises for an interruption or a time budget that stopped a query. */
void mi_repl_raise_stop(lua_State *L, mi_repl *r);

/* repl_value.c: copies the value at idx into *out (under the budget: it may
 * raise; *out then holds what was copied so far, which the caller frees).
 * max_rows limits the top-level list (0 = all). */
void mi_repl_copy_value(lua_State *L, int idx, size_t max_rows, mi_repl_val *out);

#endif
