/* The Lua side of `manyi repl`: one sandboxed Lua state (the policies'
 * sandbox and budgets, with larger limits) that evaluates what an analyst
 * types and hands the values back as plain C data for the terminal side
 * (core/cli/repl_*.c) to show. It adds to the sandbox:
 *   manyi.sql(text, ...)    read-only SQL: a list of records, column names as
 *                           keys, SQL NULL as nil, ? parameters from the
 *                           extra arguments (repl_sql.c)
 *   manyi.customer(id [, as_of])  the customer view the tier policy sees
 *   print(...)              writes to the REPL's output
 *   _                       the first value of the last evaluation
 * Global assignments persist from one evaluation to the next; reading an
 * undefined name raises, as in policies. */
#ifndef MI_POLICY_REPL_H
#define MI_POLICY_REPL_H

#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"
#include "store/query.h"
#include "util/err.h"

typedef struct mi_repl mi_repl;

/* ---- values (repl_value.c) ---------------------------------------------------- */

typedef enum mi_repl_kind {
  MI_RV_NIL,
  MI_RV_BOOL,
  MI_RV_INT,
  MI_RV_NUM,
  MI_RV_STR,
  MI_RV_LIST,  /* a table with keys 1..n only (n >= 0) */
  MI_RV_MAP,   /* any other table */
  MI_RV_OTHER, /* a function, userdata, thread, or a table nested too deep */
} mi_repl_kind;

/* A Lua value copied out. Lists of records (e.g. the rows of manyi.sql) are
 * lists of maps; a list made by manyi.sql also knows its columns, so that an
 * empty result still has a header. Everything is owned by the value. */
typedef struct mi_repl_val {
  mi_repl_kind kind;
  int b;       /* BOOL */
  int64_t i;   /* INT */
  double d;    /* NUM */
  char *s;     /* STR: the bytes (NUL-terminated, may hold NUL); OTHER: a description */
  size_t len;  /* STR, OTHER: bytes */
  size_t n;    /* LIST, MAP: items copied */
  size_t total; /* LIST: the list's length (> n when cut at max_rows); MAP: n */
  char **keys; /* MAP: n keys as text, in order (SQL column order, else sorted) */
  struct mi_repl_val *items; /* LIST, MAP: n values */
  char **cols; /* LIST from manyi.sql: its column names, else NULL */
  size_t ncols;
} mi_repl_val;

void mi_repl_val_free(mi_repl_val *v);

/* What an evaluation gave. */
typedef struct mi_repl_result {
  int incomplete;     /* the chunk ends early: read another line and evaluate both */
  size_t n;           /* values (0 after a statement) */
  mi_repl_val *vals;
} mi_repl_result;

void mi_repl_result_free(mi_repl_result *res);

/* ---- the state (repl.c) -------------------------------------------------------- */

typedef struct mi_repl_io {
  void *ud;
  /* print(...): one line of text, '\n' included. */
  void (*print)(void *ud, const char *text, size_t len);
  /* manyi.customer(id, as_of): fills view (fields and strings valid until
   * the next call), or returns an error. NULL: manyi.customer raises. */
  int (*customer)(void *ud, const char *id, int64_t as_of, mi_view *view, mi_err *e);
  int64_t now; /* the default as_of of manyi.customer */
} mi_repl_io;

typedef struct mi_repl_options {
  mi_policy_limits limits; /* instructions and time per evaluation; memory for the state */
  mi_query *query;         /* manyi.sql reads through it; NULL: there is no database */
  const char *dir;         /* the folder require() loads from (the policy folder), or NULL */
  mi_repl_io io;
} mi_repl_options;

/* The default limits: 1e9 instructions and 60 s per evaluation, 1 GiB for the state. */
extern const mi_policy_limits mi_repl_default_limits;

/* *out is owned by the caller: mi_repl_free (before closing o->query). */
int mi_repl_new(const mi_repl_options *o, mi_repl **out, mi_err *e);
void mi_repl_free(mi_repl *r);
void mi_repl_get_limits(const mi_repl *r, mi_policy_limits *out);

/* Evaluates chunk[0..len) the way lua.c does: first as `return <chunk>` so
 * that an expression shows its value, else as statements; a chunk whose
 * syntax error is at its end (<eof>) is incomplete (res->incomplete = 1,
 * nothing ran). name is the chunk's name in messages ("stdin",
 * "script.lua") and first_line the line of the chunk's start in it, so that
 * errors read "script.lua:12: ...". Lists are copied up to max_rows items
 * (0 = all); the first value becomes the global `_`. A Lua error, an
 * exhausted budget or an interruption is MI_EPOLICY with e's file and line
 * where it happened. res is owned by the caller: mi_repl_result_free. */
int mi_repl_eval(mi_repl *r, const char *chunk, size_t len, const char *name, int first_line,
                 size_t max_rows, mi_repl_result *res, mi_err *e);

/* manyi.sql(sql) evaluated as above (for .sql): the rows become `_`. */
int mi_repl_sql(mi_repl *r, const char *sql, size_t max_rows, mi_repl_result *res, mi_err *e);

/* Asks the evaluation in progress to stop with "interrupted"; a pcall in
 * the chunk cannot swallow it. Async-signal-safe (it sets a flag that the
 * instruction hook and the SQL progress handler poll); no effect between
 * evaluations. */
void mi_repl_interrupt(mi_repl *r);

/* ---- completion (repl_complete.c) ---------------------------------------------- */

/* Calls cb with every name that completes word, a Lua name or a dotted path
 * ("man", "manyi.st", "string.f", "c.spe" for a view in c): global names,
 * library names and keywords, or the fields of the table the path leads to.
 * Each candidate is the whole word, path included. Runs no code of the
 * analyst's; a path that leads nowhere gives no candidates. */
void mi_repl_complete(mi_repl *r, const char *word, void (*cb)(void *ud, const char *cand),
                      void *ud);

#endif
