/* From lines to evaluations, the same for a terminal, a script on stdin, a
 * script file (manyi repl FILE, .read FILE) and -e: a line that starts with
 * '.' (and a letter) is a dot-command; any other line starts a Lua chunk,
 * which goes on over the next lines while Lua says it ends early (<eof>).
 * Line numbers count in the whole input, so an error reads
 * "script.lua:12: ...". A script stops at its first error (exit status 1);
 * on a terminal the REPL goes on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cli/repl_shell.h"
#include "util/i18n.h"
#include "util/strbuf.h"

typedef struct chunk {
  mi_strbuf text;
  int first_line; /* where the chunk started */
  int pending;    /* text holds a chunk that is not complete yet */
} chunk;

void mi_shell_error(const mi_shell *sh, const mi_err *e) {
  if (!sh->interactive || sh->depth > 0) fputs("manyi: ", stderr);
  mi_err_print(e, stderr);
  fflush(stderr);
}

static double seconds(struct timeval tv) { return (double)tv.tv_sec + tv.tv_usec / 1e6; }

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int mi_shell_eval(mi_shell *sh, const char *chunk_text, size_t len, const char *name,
                  int first_line, int is_sql) {
  size_t max = sh->mode == MI_SHELL_TABLE || sh->mode == MI_SHELL_MARKDOWN ? sh->limit : 0;
  mi_repl_result res;
  mi_err e = {0};
  struct rusage ru0, ru1;
  mi_shell_audit(sh, 0); /* if still pending, now that the lock may be free */
  double t0 = now_s();
  getrusage(RUSAGE_SELF, &ru0);
  mi_shell_evaluating(1);
  int rc = is_sql ? mi_repl_sql(sh->lua, chunk_text, max, &res, &e)
                  : mi_repl_eval(sh->lua, chunk_text, len, name, first_line, max, &res, &e);
  int interrupted = mi_shell_evaluating(0);
  if (interrupted && sh->interactive) fputc('\n', stderr); /* after the terminal's ^C */
  double t1 = now_s();
  getrusage(RUSAGE_SELF, &ru1);
  if (rc) {
    mi_shell_error(sh, &e);
    return 1;
  }
  if (res.incomplete) return 2;
  mi_shell_show(sh, &res);
  mi_repl_result_free(&res);
  if (sh->timer) {
    printf(_("Run Time: real %.3f user %.3f sys %.3f\n"), t1 - t0,
           seconds(ru1.ru_utime) - seconds(ru0.ru_utime),
           seconds(ru1.ru_stime) - seconds(ru0.ru_stime));
    fflush(stdout);
  }
  return 0;
}

/* A dot-command: '.' then a letter (".5 * 2" is Lua). */
static int is_dot(const char *p) { return p[0] == '.' && ((p[1] | 32) >= 'a' && (p[1] | 32) <= 'z'); }

/* One line: 0, 1 after an error, 2 when the chunk goes on. */
static int feed(mi_shell *sh, chunk *c, const char *line, const char *name, int lineno) {
  if (!c->pending) {
    const char *p = line + strspn(line, " \t");
    if (!*p) return 0;
    if (is_dot(p)) return mi_shell_dot(sh, p, name, lineno);
    mi_strbuf_reset(&c->text);
    c->first_line = lineno;
  } else {
    mi_strbuf_appendc(&c->text, '\n');
  }
  if (mi_strbuf_appends(&c->text, line)) {
    mi_err e;
    mi_err_setpos(&e, MI_ENOMEM, name, lineno, 0, "out of memory reading the input");
    mi_shell_error(sh, &e);
    c->pending = 0;
    return 1;
  }
  int rc = mi_shell_eval(sh, c->text.data, c->text.len, name, c->first_line, 0);
  c->pending = rc == 2;
  return rc;
}

static int unfinished(const mi_shell *sh, const chunk *c, const char *name, int lineno) {
  mi_err e;
  mi_err_setpos(&e, MI_EPARSE, name, lineno, 0,
                "the input ends inside the chunk that starts on line %d (a missing 'end', ')', "
                "'}' or ']]'?)",
                c->first_line);
  mi_shell_error(sh, &e);
  return 1;
}

int mi_shell_run_stream(mi_shell *sh, FILE *in, const char *name) {
  chunk c = {{0}, 0, 0};
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int lineno = 0, rc = 0;
  while (!sh->quit && (n = getline(&line, &cap, in)) >= 0) {
    lineno++;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (lineno == 1 && line[0] == '#' && line[1] == '!') continue; /* a script's #! line */
    if (strlen(line) != (size_t)n) {
      mi_err e;
      mi_err_setpos(&e, MI_EPARSE, name, lineno, 0, "the line holds a NUL byte");
      mi_shell_error(sh, &e);
      rc = 1;
      break;
    }
    if (feed(sh, &c, line, name, lineno) == 1) {
      rc = 1;
      break;
    }
  }
  if (!rc && c.pending) rc = unfinished(sh, &c, name, lineno);
  if (!rc && ferror(in)) {
    mi_err e;
    mi_err_set(&e, MI_EIO, "%s: cannot read the input", name);
    mi_shell_error(sh, &e);
    rc = 1;
  }
  free(line);
  mi_strbuf_free(&c.text);
  return rc;
}

int mi_shell_run_text(mi_shell *sh, const char *text, const char *name) {
  const char *p = text + strspn(text, " \t\n");
  if (is_dot(p)) return mi_shell_dot(sh, p, name, 1);
  int rc = mi_shell_eval(sh, text, strlen(text), name, 1, 0);
  if (rc == 2) {
    chunk c = {{0}, 1, 1};
    int lines = 1;
    for (const char *q = text; *q; q++) lines += *q == '\n';
    return unfinished(sh, &c, name, lines);
  }
  return rc;
}

int mi_shell_run_terminal(mi_shell *sh) {
  mi_shell_edit_open(sh);
  printf(_("manyi REPL on %s: Lua with manyi.sql, manyi.stats and manyi.customer.\n"
           "Enter \".help\" for the dot-commands, Ctrl-D or \".quit\" to leave.\n"),
         mi_store_path(sh->cli->store));
  chunk c = {{0}, 0, 0};
  int lineno = 0;
  while (!sh->quit) {
    int interrupted;
    char *line = mi_shell_edit_read(sh, c.pending ? "   ...> " : "manyi> ", &interrupted);
    if (!line) {
      fputc('\n', stdout);
      break;
    }
    if (interrupted) {
      c.pending = 0; /* Ctrl-C drops the unfinished chunk */
      free(line);
      continue;
    }
    mi_shell_edit_remember(sh, line);
    lineno = c.pending ? lineno + 1 : 1; /* lines count within one entry, as lua.c */
    feed(sh, &c, line, "stdin", lineno);
    free(line);
  }
  mi_strbuf_free(&c.text);
  mi_shell_edit_close(sh);
  return 0;
}
