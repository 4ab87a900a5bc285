/* The REPL on a terminal: libedit's readline interface (BSD licence) for
 * line editing, Ctrl-R search and tab completion; a history file kept
 * between sessions; and Ctrl-C. The history file is $MANYI_HISTORY (empty:
 * none), else $XDG_STATE_HOME/manyi/history, else ~/.manyi_history, made
 * with mode 0600 (lines may hold customer ids); failing to write it is a
 * warning, once. Completion offers dot-commands at the start of a line,
 * table and column names in SQL (after .sql or .schema, inside
 * manyi.sql[[...]] or manyi.sql("...")), and Lua names elsewhere.
 * libedit's callbacks take no context, hence the_shell. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <editline/readline.h>

#include "cli/repl_shell.h"
#include "util/i18n.h"

#define HISTORY_MAX 2000

static mi_shell *the_shell;
static volatile sig_atomic_t got_sigint, evaluating, interrupted_once;
static char *history_path;
static int history_warned;

/* ---- Ctrl-C ------------------------------------------------------------------------ */

static void on_sigint(int sig) {
  (void)sig;
  if (!evaluating && the_shell && !the_shell->interactive) { /* a script between evaluations */
    signal(SIGINT, SIG_DFL);
    raise(SIGINT);
    return;
  }
  if (!evaluating) {
    got_sigint = 1;
    return;
  }
  if (interrupted_once) { /* the first did not stop it: as lua.c, the second ends manyi */
    signal(SIGINT, SIG_DFL);
    raise(SIGINT);
    return;
  }
  interrupted_once = 1;
  if (the_shell) mi_repl_interrupt(the_shell->lua);
}

void mi_shell_signals(mi_shell *sh) {
  the_shell = sh;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint; /* no SA_RESTART: a read at the prompt returns */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
}

int mi_shell_evaluating(int on) {
  int was = interrupted_once;
  interrupted_once = 0;
  evaluating = on;
  return was;
}

/* ---- history ------------------------------------------------------------------------ */

static char *history_file(void) {
  const char *h = getenv("MANYI_HISTORY");
  if (h) return *h ? strdup(h) : NULL;
  const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
  size_t n;
  char *p;
  if (state && state[0] == '/') {
    n = strlen(state) + sizeof "/manyi/history";
    if (!(p = malloc(n))) return NULL;
    snprintf(p, n, "%s/manyi", state);
    mkdir(state, 0700);
    mkdir(p, 0700); /* if it fails, saving will say why */
    snprintf(p, n, "%s/manyi/history", state);
    return p;
  }
  if (!home || !*home) return NULL;
  n = strlen(home) + sizeof "/.manyi_history";
  if ((p = malloc(n))) snprintf(p, n, "%s/.manyi_history", home);
  return p;
}

static void save_history(void) {
  if (!history_path) return;
  int fd = open(history_path, O_WRONLY | O_CREAT | O_NOFOLLOW, 0600);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0) close(fd);
  if (!err) err = write_history(history_path);
  if (err && !history_warned) {
    history_warned = 1;
    fprintf(stderr,
            _("manyi: warning: cannot save the history to %s: %s (set MANYI_HISTORY to another "
              "file, or to '' for none)\n"),
            history_path, mi_strerror(err));
  }
}

void mi_shell_edit_remember(mi_shell *sh, const char *line) {
  (void)sh;
  if (!line[strspn(line, " \t")]) return;
  add_history(line);
  save_history();
}

/* ---- completion ---------------------------------------------------------------------- */

typedef struct cands {
  char **v;
  size_t n, cap;
} cands;

static cands found;

static void add_cand(void *ud, const char *w) {
  cands *c = ud;
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 32;
    char **v = realloc(c->v, cap * sizeof *v);
    if (!v) return;
    c->v = v;
    c->cap = cap;
  }
  if ((c->v[c->n] = strdup(w))) c->n++;
}

static void clear_cands(void) {
  for (size_t i = 0; i < found.n; i++) free(found.v[i]);
  found.n = 0;
}

static char *next_cand(const char *text, int state) {
  static size_t i;
  (void)text;
  if (!state) i = 0;
  return i < found.n ? strdup(found.v[i++]) : NULL;
}

static const char *const sql_keywords[] = {
    "select", "from",  "where", "group", "by",      "order",  "having", "limit", "join",
    "left",   "inner", "on",    "and",   "or",      "not",    "in",     "is",    "null",
    "as",     "distinct", "count", "avg", "sum",    "min",    "max",    "case",  "when",
    "then",   "else",  "end",   "between", "like",  "date",   "strftime", "unixepoch",
    "with",   "union", "desc",  "asc",   "exists",  "cast",   "coalesce", NULL};

static int add_name(void *ud, const char *name, const char *detail) {
  (void)detail;
  mi_shell *sh = ud;
  for (size_t i = 0; i < sh->nsql_words; i++)
    if (!strcmp(sh->sql_words[i], name)) return 0;
  char **v = realloc(sh->sql_words, (sh->nsql_words + 1) * sizeof *v);
  if (!v) return 0;
  sh->sql_words = v;
  if ((v[sh->nsql_words] = strdup(name))) sh->nsql_words++;
  return 0;
}

static int add_table(void *ud, const char *name, const char *detail) {
  mi_shell *sh = ud;
  add_name(sh, name, detail);
  mi_err e;
  mi_query_table_columns(sh->query, name, add_name, sh, &e);
  return 0;
}

static void sql_words(mi_shell *sh, const char *text) {
  if (!sh->sql_words_loaded && sh->query) {
    mi_err e;
    size_t tables_end;
    /* tables first, then their columns: collect table names, then columns */
    mi_query_tables(sh->query, add_name, sh, &e);
    tables_end = sh->nsql_words;
    for (size_t i = 0; i < tables_end; i++) {
      char *t = strdup(sh->sql_words[i]);
      if (t) add_table(sh, t, "");
      free(t);
    }
    sh->sql_words_loaded = 1;
  }
  size_t n = strlen(text);
  for (size_t i = 0; i < sh->nsql_words; i++)
    if (!strncasecmp(sh->sql_words[i], text, n)) add_cand(&found, sh->sql_words[i]);
  int upper = n && text[0] >= 'A' && text[0] <= 'Z';
  for (int i = 0; sql_keywords[i]; i++) {
    if (strncasecmp(sql_keywords[i], text, n)) continue;
    char w[32];
    snprintf(w, sizeof w, "%s", sql_keywords[i]);
    for (char *p = w; upper && *p; p++) *p = (char)(*p - 'a' + 'A');
    add_cand(&found, w);
  }
}

/* Is the cursor (at pos) inside the SQL text of a manyi.sql call? */
static int in_sql_string(const char *line, size_t pos) {
  const char *last = NULL;
  for (const char *p = line; (p = strstr(p, "manyi.sql")) && (size_t)(p - line) < pos; p++) last = p;
  if (!last) return 0;
  const char *p = last + strlen("manyi.sql");
  while (*p == ' ' || *p == '(') p++;
  size_t at = (size_t)(p - line);
  if (at >= pos) return 0;
  if (p[0] == '[' && p[1] == '[') {
    for (const char *q = p + 2; q + 1 < line + pos; q++)
      if (q[0] == ']' && q[1] == ']') return 0;
    return 1;
  }
  if (*p == '"' || *p == '\'') return !memchr(p + 1, *p, pos - at - 1);
  return 0;
}

static char **complete(const char *text, int start, int end) {
  (void)end;
  mi_shell *sh = the_shell;
  clear_cands();
  rl_attempted_completion_over = 1; /* no file names unless asked for below */
  rl_completion_append_character = ' ';
  const char *line = rl_line_buffer;
  size_t lead = strspn(line, " \t");
  if (line[lead] == '.') {
    const char *cmd = line + lead;
    size_t cmdlen = strcspn(cmd, " \t");
    if ((size_t)start <= lead + 1 || (size_t)start <= lead + cmdlen) {
      mi_shell_dot_complete(cmd, (size_t)end - lead, add_cand, &found);
    } else if (!strncmp(cmd, ".sql", cmdlen) || !strncmp(cmd, ".schema", cmdlen)) {
      sql_words(sh, text);
    } else if (!strncmp(cmd, ".read", cmdlen) || !strncmp(cmd, ".output", cmdlen)) {
      rl_attempted_completion_over = 0; /* file names */
      return NULL;
    } else {
      mi_shell_dot_complete(cmd, (size_t)end - lead, add_cand, &found);
    }
  } else if (in_sql_string(line, (size_t)start)) {
    sql_words(sh, text);
  } else {
    rl_completion_append_character = '\0';
    mi_repl_complete(sh->lua, text, add_cand, &found);
  }
  if (!found.n) return NULL;
  return rl_completion_matches(text, next_cand);
}

/* ---- the editor ------------------------------------------------------------------------ */

void mi_shell_edit_open(mi_shell *sh) {
  the_shell = sh;
  rl_readline_name = "manyi";
  rl_catch_signals = 0; /* Ctrl-C is ours (on_sigint) */
  rl_attempted_completion_function = complete;
  rl_completer_word_break_characters = " \t\n\"\\'`@$><=;|&{(,)[]+-*/%^~#:";
  using_history();
  stifle_history(HISTORY_MAX);
  history_path = history_file();
  if (history_path) read_history(history_path); /* none yet is fine */
}

char *mi_shell_edit_read(mi_shell *sh, const char *prompt, int *interrupted) {
  (void)sh;
  got_sigint = 0;
  *interrupted = 0;
  char *line = readline(prompt);
  if (got_sigint) {
    free(line);
    fputs("^C\n", stdout);
    fflush(stdout);
    *interrupted = 1;
    return strdup("");
  }
  return line;
}

void mi_shell_edit_close(mi_shell *sh) {
  (void)sh;
  clear_cands();
  free(found.v);
  found.v = NULL;
  found.cap = 0;
  free(history_path);
  history_path = NULL;
  clear_history();
}
