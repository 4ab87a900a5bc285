/* A value seen as rows and columns, shared by the REPL's output modes
 * (repl_show.c builds it; repl_table.c and repl_export.c write it):
 *   a list of records        one row per record, the columns of manyi.sql or
 *                            the union of the records' keys in order
 *   a list of lists          columns 1..k (a matrix)
 *   a map of records         a "key" column, then the records' columns
 *   any other map            "key" and "value"
 *   a list of plain values   one "value" column */
#ifndef MI_CLI_REPL_GRID_H
#define MI_CLI_REPL_GRID_H

#include <stddef.h>

#include "cli/repl_shell.h"
#include "util/strbuf.h"

typedef struct mi_grid {
  size_t ncols, nrows;
  char **cols;                 /* ncols names (owned) */
  const mi_repl_val **cells;   /* nrows * ncols; NULL = absent */
  mi_repl_val *keys;           /* nrows "key" cells of a map (owned), or NULL */
  int kv;                      /* the columns are "key" and "value" of a plain map */
  size_t total;                /* rows of the whole value (> nrows when it was cut) */
} mi_grid;

/* Builds g for v; 0, or -1 when v is not a table (or out of memory). */
int mi_grid_build(const mi_repl_val *v, mi_grid *g);
void mi_grid_free(mi_grid *g);
static inline const mi_repl_val *mi_grid_cell(const mi_grid *g, size_t r, size_t c) {
  return g->cells[r * g->ncols + c];
}

/* A value as text: strings as they are (quoted when nested), numbers as
 * Lua prints them (%.14g, "3.0" for an integral float) or, in a cell
 * (cell = 1), with 6 significant digits; tables inline ({1, 2, …} /
 * {a = 1}). NIL is "" in a cell, "nil" else. */
void mi_shell_value_text(mi_strbuf *b, const mi_repl_val *v, int cell);

/* repl_table.c */
void mi_shell_write_box(FILE *out, const mi_grid *g);
void mi_shell_write_markdown(FILE *out, const mi_grid *g);
/* repl_export.c; 0 or -1 after printing the error */
int mi_shell_write_csv(const mi_shell *sh, const mi_grid *g);
void mi_shell_write_json(FILE *out, const mi_repl_val *v);

#endif
