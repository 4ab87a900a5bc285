/* The dot-commands of the REPL, kept as a table of data with their usage
 * and help (as sqlite's shell keeps them); .help prints the table. A
 * command's arguments are words separated by blanks ('quotes' or "quotes"
 * keep blanks in a word); .sql takes the rest of the line as it is. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/repl_shell.h"
#include "store/audit.h"
#include "util/i18n.h"
#include "util/outfile.h"
#include "util/suggest.h"

#define MAX_ARGS 8

typedef struct dot_ctx {
  mi_shell *sh;
  const char *name; /* the input, for messages */
  int line;
  const char *rest; /* the line after the command word */
} dot_ctx;

typedef struct dot_cmd {
  const char *name;
  const char *args; /* for the usage line */
  const char *help;
  int min, max;     /* argument counts */
  const char *const *words; /* the fixed words of the first argument, for completion */
  int (*run)(dot_ctx *c, int argc, char **argv);
} dot_cmd;

static const dot_cmd commands[];

/* Prints "name:line: .cmd: message" and returns 1. */
static int fail(dot_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(dot_ctx *c, const char *fmt, ...) {
  mi_err e = {0};
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (c->sh->interactive && c->sh->depth == 0) mi_err_set(&e, MI_EINVAL, "%s", msg);
  else mi_err_setpos(&e, MI_EINVAL, c->name, c->line, 0, "%s", msg);
  mi_shell_error(c->sh, &e);
  return 1;
}

static int fail_err(dot_ctx *c, const char *cmd, const mi_err *e) {
  char msg[sizeof e->msg + 300];
  mi_err_format(e, msg, sizeof msg);
  return fail(c, _("%s: %s"), cmd, msg);
}

/* ---- the commands ---------------------------------------------------------------- */

static int dot_help(dot_ctx *c, int argc, char **argv) {
  FILE *out = c->sh->out;
  int width = 0, shown = 0;
  for (const dot_cmd *d = commands; d->name; d++) {
    int w = (int)(strlen(d->name) + 1 + strlen(d->args));
    if (w > width) width = w;
  }
  for (const dot_cmd *d = commands; d->name; d++) {
    if (argc > 1 && strcmp(argv[1] + (argv[1][0] == '.'), d->name + 1)) continue;
    char usage[96];
    snprintf(usage, sizeof usage, "%s%s%s", d->name, *d->args ? " " : "", d->args);
    fprintf(out, "%-*s  %s\n", width, usage, _(d->help));
    shown++;
  }
  if (!shown) return fail(c, _(".help: no command %s"), argv[1]);
  if (argc == 1)
    fputs(_("\nAnything else is Lua: an expression shows its value, a chunk goes on over lines\n"
          "until it is complete. manyi.sql[[select ...]] returns rows (records, NULL as nil),\n"
          "manyi.stats.NAME(rows, {col = ...}) the statistics of 'manyi stats NAME',\n"
          "manyi.customer(ID) the view a tier policy sees; `_` is the last value.\n"
          "Tab completes names, Ctrl-R searches the history, Ctrl-C stops an evaluation.\n"),
          out);
  return 0;
}

typedef struct lines {
  FILE *out;
  int n;
} lines;

static int print_table(void *ud, const char *name, const char *detail) {
  lines *l = ud;
  if (strcmp(detail, "view")) fprintf(l->out, "%s\n", name);
  else fprintf(l->out, _("%s  (view)\n"), name);
  l->n++;
  return 0;
}

static int print_sql(void *ud, const char *name, const char *sql) {
  (void)name;
  lines *l = ud;
  fprintf(l->out, "%s;\n", sql);
  l->n++;
  return 0;
}

static int need_db(dot_ctx *c, const char *cmd) {
  if (c->sh->query) return 0;
  return fail(c, _("%s: there is no database"), cmd);
}

static int dot_tables(dot_ctx *c, int argc, char **argv) {
  (void)argc;
  (void)argv;
  if (need_db(c, ".tables")) return 1;
  lines l = {c->sh->out, 0};
  mi_err e = {0};
  if (mi_query_tables(c->sh->query, print_table, &l, &e)) return fail_err(c, ".tables", &e);
  return 0;
}

static int dot_schema(dot_ctx *c, int argc, char **argv) {
  if (need_db(c, ".schema")) return 1;
  lines l = {c->sh->out, 0};
  mi_err e = {0};
  if (mi_query_schema(c->sh->query, argc > 1 ? argv[1] : NULL, print_sql, &l, &e))
    return fail_err(c, ".schema", &e);
  return 0;
}

static int dot_sql(dot_ctx *c, int argc, char **argv) {
  (void)argc;
  (void)argv;
  if (!*c->rest) return fail(c, _(".sql: give a query: .sql select count(*) from customers"));
  return mi_shell_eval(c->sh, c->rest, strlen(c->rest), c->name, c->line, 1) ? 1 : 0;
}

static const char *const mode_names[] = {"table", "markdown", "csv", "json", NULL};

static int dot_mode(dot_ctx *c, int argc, char **argv) {
  if (argc == 1) {
    fprintf(c->sh->out, "%s\n", mode_names[c->sh->mode]);
    return 0;
  }
  for (int i = 0; mode_names[i]; i++)
    if (!strcmp(argv[1], mode_names[i])) {
      c->sh->mode = (mi_shell_mode)i;
      return 0;
    }
  const char *near = mi_suggest(argv[1], mode_names);
  if (near)
    return fail(c, _(".mode: unknown mode '%s' (did you mean '%s'?) (table, markdown, csv, json)"),
                argv[1], near);
  return fail(c, _(".mode: unknown mode '%s' (table, markdown, csv, json)"), argv[1]);
}

static int dot_limit(dot_ctx *c, int argc, char **argv) {
  if (argc == 1) {
    fprintf(c->sh->out, "%zu\n", c->sh->limit);
    return 0;
  }
  char *end;
  errno = 0;
  long long n = strtoll(argv[1], &end, 10);
  if (*end || end == argv[1] || n < 0 || errno)
    return fail(c, _(".limit: '%s' is not a number of rows (0 shows all)"), argv[1]);
  c->sh->limit = (size_t)n;
  return 0;
}

static int dot_output(dot_ctx *c, int argc, char **argv) {
  mi_shell *sh = c->sh;
  if (argc > 1 && strcmp(argv[1], "-") && strcmp(argv[1], "stdout")) {
    /* What the session reads leaves the engine here: recorded first, and
     * refused when it cannot be (e.g. a batch holds the write lock past the
     * busy timeout) rather than written unaudited. */
    mi_err e = {0};
    if (mi_outfile_check(argv[1], mi_cli_db_path(sh->cli), &e))
      return fail_err(c, _(".output: not opened"), &e);
    if (mi_audit_append(sh->cli->store, mi_cli_user(), "repl-output", argv[1], NULL, sh->now, &e))
      return fail_err(c, _(".output: not opened, as it could not be recorded in the audit log"), &e);
    mi_outfile *of;
    if (mi_outfile_open(argv[1], mi_cli_db_path(sh->cli), &of, &e))
      return fail_err(c, _(".output: not opened"), &e);
    mi_shell_output_end(sh);
    sh->out_file = of;
    sh->out = mi_outfile_stream(of);
    sh->out_path = strdup(argv[1]);
    return 0;
  }
  mi_shell_output_end(sh);
  return 0;
}

void mi_shell_output_end(mi_shell *sh) {
  mi_err e = {0};
  if (sh->out_file && mi_outfile_close(sh->out_file, &e)) {
    fputs("manyi: .output: ", stderr); /* then the error, translated where it was made */
    mi_err_print(&e, stderr);
    sh->write_failed = 1;
  }
  sh->out_file = NULL;
  sh->out = stdout;
  free(sh->out_path);
  sh->out_path = NULL;
}

static int dot_read(dot_ctx *c, int argc, char **argv) {
  (void)argc;
  mi_shell *sh = c->sh;
  if (sh->depth >= MI_SHELL_MAX_DEPTH)
    return fail(c, _(".read: files read each other more than %d deep"), MI_SHELL_MAX_DEPTH);
  FILE *f = fopen(argv[1], "r");
  if (!f) return fail(c, _(".read: cannot read %s: %s"), argv[1], mi_strerror(errno));
  sh->depth++;
  int rc = mi_shell_run_stream(sh, f, argv[1]);
  sh->depth--;
  fclose(f);
  return rc;
}

static const char *const on_off[] = {"on", "off", NULL};

static int dot_timer(dot_ctx *c, int argc, char **argv) {
  (void)argc;
  if (strcmp(argv[1], "on") && strcmp(argv[1], "off")) return fail(c, _(".timer: give on or off"));
  c->sh->timer = !strcmp(argv[1], "on");
  return 0;
}

static const char *const policy_words[] = {"reload", NULL};

static int dot_policy(dot_ctx *c, int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "reload")) return fail(c, _(".policy: give reload, or nothing"));
  mi_err e = {0};
  if (mi_shell_policies(c->sh, argc > 1, &e)) return fail_err(c, ".policy", &e);
  return 0;
}

static const char *const explain_words[] = {"tier", "points", NULL};

static int dot_explain(dot_ctx *c, int argc, char **argv) {
  if (strcmp(argv[1], "tier") && strcmp(argv[1], "points"))
    return fail(c, _(".explain: give tier ID or points ORDER"));
  mi_err e = {0};
  if (mi_shell_explain(c->sh, argv[1], argv[2], argc > 3 ? argv[3] : NULL, &e))
    return fail_err(c, ".explain", &e);
  return 0;
}

static int dot_show(dot_ctx *c, int argc, char **argv) {
  (void)argc;
  (void)argv;
  mi_shell *sh = c->sh;
  mi_policy_limits lim;
  mi_repl_get_limits(sh->lua, &lim);
  /* One message a line: the label and its padding are the translator's;
   * the values (mode, stdout, on/off) are what the dot-commands take. */
  FILE *out = sh->out;
  if (sh->query) fprintf(out, _("database      %s\n"), mi_store_path(sh->cli->store));
  else fputs(_("database      (none)\n"), out);
  fprintf(out, _("mode          %s\n"), mode_names[sh->mode]);
  fprintf(out, _("limit         %zu\n"), sh->limit);
  fprintf(out, _("output        %s\n"), sh->out_path ? sh->out_path : "stdout");
  fprintf(out, _("timer         %s\n"), sh->timer ? "on" : "off");
  fprintf(out, _("budget        %lld instructions and %lld ms per evaluation, %lld bytes of memory\n"),
          (long long)lim.instructions, (long long)lim.time_ms, (long long)lim.memory);
  return 0;
}

static int dot_quit(dot_ctx *c, int argc, char **argv) {
  (void)argc;
  (void)argv;
  c->sh->quit = 1;
  return 0;
}

static const char *const no_words[] = {NULL};

static const dot_cmd commands[] = {
    {".help", "[COMMAND]", N_("this help, or the help of one command"), 0, 1, NULL, dot_help},
    {".tables", "", N_("the tables and views of the database"), 0, 0, no_words, dot_tables},
    {".schema", "[TABLE]", N_("the CREATE statements of TABLE, or of all tables"), 0, 1, NULL,
     dot_schema},
    {".sql", "QUERY", N_("run a read-only query and show its rows (they become _)"), 0, -1, NULL,
     dot_sql},
    {".mode", "[table|markdown|csv|json]", N_("how values are shown (csv and json: every row)"), 0,
     1, mode_names, dot_mode},
    {".limit", "[N]", N_("rows shown in table and markdown mode (0: all; default 50)"), 0, 1, NULL,
     dot_limit},
    {".output", "[FILE]", N_("send results to FILE (mode 0600, audited), or back to the screen"), 0,
     1, NULL, dot_output},
    {".read", "FILE", N_("run the lines of FILE (it stops at its first error)"), 1, 1, NULL,
     dot_read},
    {".timer", "on|off", N_("show the time each evaluation takes"), 1, 1, on_off, dot_timer},
    {".policy", "[reload]", N_("the tier and loyalty policies in use; reload re-reads them"), 0, 1,
     policy_words, dot_policy},
    {".explain", "tier ID|points ORDER [AS_OF]", N_("what a policy saw and decided (manyi explain)"),
     2, 3, explain_words, dot_explain},
    {".show", "", N_("the settings and the budget"), 0, 0, no_words, dot_show},
    {".quit", "", N_("leave (Ctrl-D does too)"), 0, 0, no_words, dot_quit},
    {".exit", "", N_("leave"), 0, 0, no_words, dot_quit},
    {NULL, NULL, NULL, 0, 0, NULL, NULL}};

/* ---- parsing and dispatch ------------------------------------------------------------ */

/* Splits line into words in buf (quotes keep blanks); returns the count or -1. */
static int split(const char *line, char *buf, char **argv, int max) {
  int argc = 0;
  const char *p = line;
  char *o = buf;
  for (;;) {
    p += strspn(p, " \t");
    if (!*p) return argc;
    if (argc == max) return -1;
    argv[argc++] = o;
    if (*p == '\'' || *p == '"') {
      char q = *p++;
      while (*p && *p != q) *o++ = *p++;
      if (*p) p++;
    } else {
      while (*p && *p != ' ' && *p != '\t') *o++ = *p++;
    }
    *o++ = '\0';
  }
}

int mi_shell_dot(mi_shell *sh, const char *line, const char *name, int lineno) {
  size_t wlen = strcspn(line, " \t");
  dot_ctx c = {sh, name, lineno, line + wlen + strspn(line + wlen, " \t")};
  const dot_cmd *d = NULL;
  for (const dot_cmd *x = commands; x->name; x++)
    if (strlen(x->name) == wlen && !strncmp(x->name, line, wlen)) d = x;
  if (!d) {
    const char *names[sizeof commands / sizeof *commands];
    size_t k = 0;
    for (const dot_cmd *x = commands; x->name; x++) names[k++] = x->name;
    names[k] = NULL;
    char word[64];
    snprintf(word, sizeof word, "%.*s", (int)(wlen < 60 ? wlen : 60), line);
    const char *near = mi_suggest(word, names);
    if (near) return fail(&c, _("unknown command %s (did you mean %s?); .help lists them"), word, near);
    return fail(&c, _("unknown command %s; .help lists them"), word);
  }
  if (d->max < 0) return d->run(&c, 1, NULL); /* takes the rest of the line */
  char *buf = malloc(strlen(line) + 1);
  char *argv[MAX_ARGS];
  if (!buf) return fail(&c, _("out of memory"));
  int argc = split(line, buf, argv, MAX_ARGS);
  int rc;
  if (argc < 0 || argc - 1 < d->min || argc - 1 > d->max)
    rc = *d->args ? fail(&c, _("Usage: %s %s"), d->name, d->args) : fail(&c, _("Usage: %s"), d->name);
  else
    rc = d->run(&c, argc, argv);
  free(buf);
  return rc;
}

void mi_shell_dot_complete(const char *line, size_t len, void (*cb)(void *ud, const char *w),
                           void *ud) {
  size_t wlen = strcspn(line, " \t");
  if (wlen >= len) { /* the command word itself */
    for (const dot_cmd *d = commands; d->name; d++)
      if (!strncmp(d->name, line, len)) cb(ud, d->name);
    return;
  }
  const char *arg = line + wlen + strspn(line + wlen, " \t");
  if ((size_t)(arg - line) > len) return;
  size_t alen = len - (size_t)(arg - line);
  if (memchr(arg, ' ', alen)) return; /* only the first argument has fixed words */
  for (const dot_cmd *d = commands; d->name; d++) {
    if (strlen(d->name) != wlen || strncmp(d->name, line, wlen) || !d->words) continue;
    for (const char *const *w = d->words; *w; w++)
      if (!strncmp(*w, arg, alen)) cb(ud, *w);
  }
}
