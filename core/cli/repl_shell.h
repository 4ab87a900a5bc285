/* The terminal side of `manyi repl`: the shell state (one commented struct,
 * as sqlite's shell keeps it) and the functions its files share:
 *   cmd_repl.c     the command: options, setting up, the three ways to run
 *   repl_input.c   lines -> chunks: dot-commands, continuation lines, errors
 *   repl_edit.c    the terminal: libedit, history, completion, Ctrl-C
 *   repl_dot.c     the dot-commands, as a table with their help
 *   repl_policy.c  .policy [reload] and .explain: the policies in the REPL
 *   repl_show.c    values on the screen: table, markdown, csv, json
 *   repl_text.c    display width of UTF-8 text (wide characters), escaping
 * The Lua side is core/policy/repl.c; SQL is core/store/query.c. */
#ifndef MI_CLI_REPL_SHELL_H
#define MI_CLI_REPL_SHELL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "policy/repl.h"
#include "service/customer_view.h"
#include "store/query.h"

typedef enum mi_shell_mode {
  MI_SHELL_TABLE,    /* aligned, with box drawing; cut at .limit rows */
  MI_SHELL_MARKDOWN, /* a Markdown table; cut at .limit rows */
  MI_SHELL_CSV,      /* RFC 4180, every row (for export) */
  MI_SHELL_JSON,     /* JSON, every row (for export) */
} mi_shell_mode;

#define MI_SHELL_DEFAULT_LIMIT 50
#define MI_SHELL_MAX_DEPTH 16 /* .read inside .read */

typedef struct mi_shell {
  mi_cli *cli;          /* the configuration and the store (read-write, for views and audit) */
  mi_repl *lua;         /* the Lua side: evaluation and completion */
  mi_query *query;      /* read-only SQL for .tables, .schema and completion */
  mi_policy *tiers;     /* .explain tier: loaded on first use, re-read by .policy reload */
  mi_policy *loyalty;   /* .explain points: likewise */
  FILE *out;            /* results and print(): stdout, or the file of .output */
  char *out_path;       /* that file's name, NULL for stdout */
  struct mi_outfile *out_file; /* .output's file, renamed into place when it ends */
  int write_failed;     /* an .output file could not be written: exit status 1 */
  mi_shell_mode mode;   /* .mode */
  size_t limit;         /* .limit: rows shown in table and markdown mode; 0 = all */
  int timer;            /* .timer on: the time of each evaluation after it */
  int interactive;      /* reading a terminal: prompts, editing, going on after errors */
  int depth;            /* .read nesting */
  int quit;             /* .quit or .exit was given */
  int64_t now;          /* $MANYI_NOW or the clock: as_of of manyi.customer, .explain */
  mi_view_field view_fields[MI_CUSTOMER_VIEW_FIELDS]; /* manyi.customer's last view */
  char **sql_words;     /* completion: table and column names, read on first use */
  size_t nsql_words;
  int sql_words_loaded;
  int audited;          /* the session's audit entry: 0 pending, 1 written, -1 failed */
} mi_shell;

/* ---- repl_dot.c ---- */
/* Ends the .output file in use (if any): it is renamed into place, or on a
 * write error (a full disk) removed, the error printed and write_failed set.
 * sh->out is stdout afterwards. */
void mi_shell_output_end(mi_shell *sh);

/* ---- cmd_repl.c ---- */
/* Writes the session's audit entry if it is not written yet. wait = 0: only
 * if no other process is writing (else it stays pending, 0 is returned);
 * wait = 1: waits for the writer (Ctrl-C gives up). Non-zero when it could
 * not be written (a warning is printed). */
int mi_shell_audit(mi_shell *sh, int wait);

/* ---- repl_input.c ---- */
/* Runs the lines of in as if typed (name is used in messages, "stdin" or a
 * file name); without a terminal, the first error stops it. Returns 0, or 1
 * after an error. */
int mi_shell_run_stream(mi_shell *sh, FILE *in, const char *name);
/* Runs text (from -e) as one chunk, or as a dot-command if it starts with '.'. */
int mi_shell_run_text(mi_shell *sh, const char *text, const char *name);
/* The interactive loop on the terminal, until Ctrl-D or .quit. Returns 0. */
int mi_shell_run_terminal(mi_shell *sh);
/* Evaluates one complete Lua chunk or .sql text and shows the values:
 * 0, 1 after an error (printed), or 2 when the chunk is incomplete. */
int mi_shell_eval(mi_shell *sh, const char *chunk, size_t len, const char *name, int first_line,
                  int is_sql);
/* Prints an error of the REPL to stderr (with "manyi: " when not interactive). */
void mi_shell_error(const mi_shell *sh, const mi_err *e);

/* ---- repl_edit.c ---- */
/* Sets up libedit: history from its file, completion, Ctrl-R. */
void mi_shell_edit_open(mi_shell *sh);
/* Reads one line with prompt (malloc'd, no '\n'); NULL at Ctrl-D. On Ctrl-C
 * *interrupted is 1 and the line is "" (the caller drops what it had). */
char *mi_shell_edit_read(mi_shell *sh, const char *prompt, int *interrupted);
/* Adds a line to the history and saves the file (a failure is a warning). */
void mi_shell_edit_remember(mi_shell *sh, const char *line);
void mi_shell_edit_close(mi_shell *sh);
/* Ctrl-C during an evaluation stops it (mi_repl_interrupt); outside, it is
 * noted for mi_shell_edit_read. Installed by cmd_repl.c for every mode. */
void mi_shell_signals(mi_shell *sh);
/* Marks an evaluation as running (on = 1) or over; returns 1 if Ctrl-C
 * interrupted the one that ends. */
int mi_shell_evaluating(int on);

/* ---- repl_dot.c ---- */
/* Runs a dot-command line (".mode csv"). 0, or 1 after an error (printed). */
int mi_shell_dot(mi_shell *sh, const char *line, const char *name, int lineno);
/* Calls cb with the dot-commands (and their fixed arguments) that complete
 * the text before the cursor. */
void mi_shell_dot_complete(const char *line, size_t len, void (*cb)(void *ud, const char *w),
                           void *ud);

/* ---- repl_policy.c ---- */
/* Loads the tier and loyalty policies of the configuration (or re-reads
 * them when reload is 1; a failed reload keeps the loaded version) and
 * lists them; the first failure is returned in e. */
int mi_shell_policies(mi_shell *sh, int reload, mi_err *e);
/* Shows what the policy saw and decided: what is "tier" (id: a customer) or
 * "points" (id: an order), as of as_of_text or sh->now when NULL. */
int mi_shell_explain(mi_shell *sh, const char *what, const char *id, const char *as_of_text,
                     mi_err *e);

/* ---- repl_show.c ---- */
/* Shows the values of an evaluation in the current mode. */
void mi_shell_show(mi_shell *sh, const mi_repl_result *res);
void mi_shell_show_value(mi_shell *sh, const mi_repl_val *v);
/* Values made in C (for .explain): a map with room for cap entries, and
 * its entries; mi_repl_val_free frees the map. */
void mi_shell_map_init(mi_repl_val *m, size_t cap);
void mi_shell_map_add(mi_repl_val *m, const char *key, mi_repl_val v);
mi_repl_val mi_shell_str(const char *s);
mi_repl_val mi_shell_int(int64_t i);
mi_repl_val mi_shell_num(double d);

/* ---- repl_text.c ---- */
/* The text of s[0..n) as a cell shows it: control characters as \n, \t,
 * \xHH; bytes that are not UTF-8 as U+FFFD. Returns a malloc'd string and
 * its display width in *width (wide characters count 2, combining 0). */
char *mi_shell_cell_text(const char *s, size_t n, size_t *width);
/* Display width of valid UTF-8 text. */
size_t mi_shell_text_width(const char *s);
/* The longest prefix of s (valid UTF-8) that fits max columns with "…"
 * appended if it was cut; malloc'd. */
char *mi_shell_text_fit(const char *s, size_t max, size_t *width);

#endif
