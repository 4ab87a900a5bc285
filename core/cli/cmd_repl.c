/* manyi repl: Lua with the engine bound, for questions that have no
 * command. Sets up the shell (repl_shell.h): the store, a read-only query
 * connection, the Lua side with its budget, then runs -e chunks, a script
 * file, stdin, or the terminal. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/repl_shell.h"
#include "util/i18n.h"
#include "util/outfile.h"
#include "store/audit.h"
#include "store/customer_facts.h"
#include "util/timeutil.h"

#define MAX_CHUNKS 32

/* ---- options ---------------------------------------------------------------------- */

/* "N", "NK", "NKiB", "NM", "NMiB", "NG", "NGiB" (binary multiples), "NB". */
static int parse_size(const char *s, int64_t *out) {
  char *end;
  errno = 0;
  long long n = strtoll(s, &end, 10);
  if (end == s || n <= 0 || errno) return -1;
  static const struct {
    const char *unit;
    int64_t mult;
  } units[] = {{"", 1},          {"b", 1},          {"k", 1024},       {"kib", 1024},
               {"m", 1 << 20},   {"mib", 1 << 20},  {"g", 1LL << 30},  {"gib", 1LL << 30},
               {NULL, 0}};
  for (int i = 0; units[i].unit; i++)
    if (!strcasecmp(end, units[i].unit)) {
      if (n > INT64_MAX / units[i].mult) return -1;
      *out = n * units[i].mult;
      return 0;
    }
  return -1;
}

/* "60" (seconds), "500ms", "90s", "2m", "1h" -> milliseconds. */
static int parse_time(const char *s, int64_t *ms) {
  char *end;
  errno = 0;
  long long n = strtoll(s, &end, 10);
  if (end != s && !errno && n > 0 && !*end && n <= INT64_MAX / 1000) {
    *ms = n * 1000;
    return 0;
  }
  if (end != s && !errno && n > 0 && !strcmp(end, "ms")) {
    *ms = n;
    return 0;
  }
  int64_t sec;
  if (mi_duration_parse(s, &sec, NULL) || sec > INT64_MAX / 1000) return -1;
  *ms = sec * 1000;
  return 0;
}

/* ---- what the Lua side asks of the terminal side ---------------------------------------- */

static void print_out(void *ud, const char *text, size_t len) {
  mi_shell *sh = ud;
  fwrite(text, 1, len, sh->out);
}

static int customer_view(void *ud, const char *id, int64_t as_of, mi_view *view, mi_err *e) {
  mi_shell *sh = ud;
  mi_customer_facts f;
  int rc = mi_customer_facts_get(sh->cli->store, id, as_of, &f, e);
  if (rc) return rc;
  mi_customer_view_make(&f, as_of, sh->view_fields, view);
  if (mi_access_masked(&sh->cli->actor)) {
    static char buf[MI_CUSTOMER_VIEW_FIELDS][320]; /* one view at a time, as the fields */
    mi_view_field *vf = sh->view_fields; /* what view->fields points to */
    for (size_t i = 0; i < view->nfields; i++)
      if (vf[i].type == MI_VIEW_STR) vf[i].s = mi_access_mask(vf[i].name, vf[i].s, buf[i], sizeof buf[i]);
  }
  return 0;
}

/* The folder of the configured policies, for require(). */
static char *policy_dir(const mi_config *cfg) {
  if (!cfg->npolicies) return strdup("");
  char *d = strdup(cfg->policies[0].file);
  if (!d) return NULL;
  char *slash = strrchr(d, '/');
  if (slash) slash[slash == d] = '\0';
  else d[0] = '\0';
  return d;
}

/* The session's entry in the audit log. Writing it needs the write lock,
 * which a batch (an import) may hold for a long time, while the session's
 * reads need none (WAL). So it is tried without waiting when the session
 * opens and before each evaluation, and only if a batch held the lock all
 * along does the end of the session wait for it (Ctrl-C gives up): the
 * answers come at once and the entry is never skipped. It carries the
 * session's start time wherever it lands in the chain. */
int mi_shell_audit(mi_shell *sh, int wait) {
  if (sh->audited) return sh->audited < 0;
  mi_store *s = sh->cli->store;
  const char *detail = sh->interactive ? "{\"mode\": \"interactive\"}" : "{\"mode\": \"script\"}";
  mi_err e = {0};
  int rc, said = 0;
  if (wait) mi_shell_evaluating(1); /* Ctrl-C now stops the wait */
  for (;;) {
    mi_store_busy_wait(s, wait ? 1000 : 0);
    e = (mi_err){0};
    rc = mi_audit_append(s, mi_cli_user(), "repl", mi_store_path(s), detail, sh->now, &e);
    if (rc != MI_EBUSY || !wait || mi_shell_evaluating(1)) break;
    if (!said++) fputs(_("manyi: waiting for another manyi to finish writing, to record this "
                         "session in the audit log (Ctrl-C gives up)\n"), stderr);
  }
  if (wait) mi_shell_evaluating(0);
  mi_store_busy_wait(s, MI_STORE_BUSY_MS);
  if (rc == MI_EBUSY && !wait) return 0; /* pending: tried again later */
  sh->audited = rc ? -1 : 1; /* written, or failed for good: reported once */
  if (rc) {
    fputs(_("manyi: warning: the session was not audited: "), stderr);
    mi_err_print(&e, stderr);
  }
  return rc != 0;
}

static int setup(mi_shell *sh, const mi_policy_limits *lim) {
  mi_cli *cli = sh->cli;
  if (mi_cli_open_store(cli, 0)) return 1;
  mi_err e = {0};
  if (mi_query_open(cli->store, &sh->query, &e)) return mi_cli_fail(&e);
  mi_query_hide_personal(sh->query, mi_access_masked(&cli->actor));
  char *dir = policy_dir(cli->cfg);
  mi_repl_options o = {*lim, sh->query, dir, {sh, print_out, customer_view, sh->now}};
  int rc = mi_repl_new(&o, &sh->lua, &e);
  free(dir);
  if (rc) return mi_cli_fail(&e);
  mi_shell_audit(sh, 0);
  return 0;
}

static void teardown(mi_shell *sh) {
  mi_repl_free(sh->lua); /* its statements first, then the connection */
  mi_query_close(sh->query);
  mi_policy_free(sh->tiers);
  mi_policy_free(sh->loyalty);
  mi_shell_output_end(sh);
  for (size_t i = 0; i < sh->nsql_words; i++) free(sh->sql_words[i]);
  free(sh->sql_words);
}

static int run(mi_cli *cli, int argc, char **argv) {
  static const struct option options[] = {
      {"eval", required_argument, NULL, 'e'},       {"instructions", required_argument, NULL, 'I'},
      {"memory", required_argument, NULL, 'M'},     {"time", required_argument, NULL, 'T'},
      {"mode", required_argument, NULL, 'm'},       {"limit", required_argument, NULL, 'l'},
      {NULL, 0, NULL, 0}};
  mi_shell sh = {.cli = cli, .out = stdout, .limit = MI_SHELL_DEFAULT_LIMIT};
  sh.mode = cli->json ? MI_SHELL_JSON : MI_SHELL_TABLE;
  sh.now = mi_cli_now();
  mi_policy_limits lim = mi_repl_default_limits;
  const char *chunks[MAX_CHUNKS];
  const char *mode = NULL, *limit = NULL;
  int nchunks = 0, opt;
  while ((opt = getopt_long(argc, argv, "e:", options, NULL)) != -1) {
    switch (opt) {
    case 'e':
      if (nchunks == MAX_CHUNKS) return mi_cli_usage_error("repl", "at most %d -e", MAX_CHUNKS);
      chunks[nchunks++] = optarg;
      break;
    case 'I': {
      char *end;
      errno = 0;
      long long n = strtoll(optarg, &end, 10);
      if (*end || end == optarg || n <= 0 || errno)
        return mi_cli_usage_error("repl", "--instructions takes a positive number, not '%s'", optarg);
      lim.instructions = n;
      break;
    }
    case 'M':
      if (parse_size(optarg, &lim.memory))
        return mi_cli_usage_error("repl", "--memory takes a size such as 512MiB or 2GiB, not '%s'", optarg);
      break;
    case 'T':
      if (parse_time(optarg, &lim.time_ms))
        return mi_cli_usage_error("repl", "--time takes seconds (120) or a duration (500ms, 5m), not '%s'", optarg);
      break;
    case 'm': mode = optarg; break;
    case 'l': limit = optarg; break;
    default: return mi_cli_usage_error("repl", "unknown option");
    }
  }
  if (argc - optind > 1) return mi_cli_usage_error("repl", "give at most one script FILE");
  const char *script = optind < argc ? argv[optind] : NULL;
  FILE *script_file = NULL;
  if (script && strcmp(script, "-") && !(script_file = fopen(script, "r"))) {
    fprintf(stderr, _("manyi: cannot read %s: %s\n"), script, mi_strerror(errno));
    return 1;
  }
  sh.interactive = !nchunks && !script && isatty(STDIN_FILENO);
  int status = setup(&sh, &lim);
  mi_shell_signals(&sh);
  char cmd[128];
  if (!status && mode) {
    snprintf(cmd, sizeof cmd, ".mode %s", mode);
    status = mi_shell_dot(&sh, cmd, "--mode", 1) ? 2 : 0;
  }
  if (!status && limit) {
    snprintf(cmd, sizeof cmd, ".limit %s", limit);
    status = mi_shell_dot(&sh, cmd, "--limit", 1) ? 2 : 0;
  }
  for (int i = 0; !status && i < nchunks && !sh.quit; i++)
    status = mi_shell_run_text(&sh, chunks[i], "(command line)");
  if (!status && !sh.quit && script)
    status = mi_shell_run_stream(&sh, script_file ? script_file : stdin, script_file ? script : "stdin");
  else if (!status && !nchunks && !script)
    status = sh.interactive ? mi_shell_run_terminal(&sh) : mi_shell_run_stream(&sh, stdin, "stdin");
  if (script_file) fclose(script_file);
  if (sh.lua && mi_shell_audit(&sh, 1) && !status) status = 1;
  teardown(&sh);
  /* What could not be written (a full disk) is an error, not a quiet loss. */
  mi_err we = {0};
  if (mi_outfile_flush_stream(stdout, "standard output", &we)) sh.write_failed = mi_cli_fail(&we);
  return status ? status : sh.write_failed ? 1 : 0;
}

const mi_cli_command mi_cmd_repl = {
    "repl", "ask ad hoc questions in Lua, with read-only SQL and the statistics bound",
    "Usage: manyi [--config FILE] [--db FILE] [--json] repl [OPTIONS] [SCRIPT]\n"
    "\n"
    "Lua 5.4 with the engine bound, in the sandbox of the policies:\n"
    "  manyi.sql(QUERY, ...)       rows of a read-only query: a list of records, the\n"
    "                              column names as keys, SQL NULL as nil; ? takes the\n"
    "                              extra arguments. Anything but reading is refused.\n"
    "  manyi.stats.NAME(rows, opts)  the statistics of 'manyi stats NAME' on rows, with\n"
    "                              its options as fields: {col = \"nps\", by = \"tier\"}\n"
    "  manyi.customer(ID [, AS_OF])  the customer view that a tier policy sees\n"
    "  print(...), require(NAME)   output, and modules of the policy folder\n"
    "An expression shows its value (a list of records as a table); `_` holds the last\n"
    "one; a chunk goes on over lines until it is complete. Lines that start with '.'\n"
    "are commands: .help lists them (.sql, .tables, .schema, .mode, .output, .read,\n"
    ".timer, .limit, .policy reload, .explain tier ID, .quit).\n"
    "\n"
    "On a terminal: line editing, history (in $MANYI_HISTORY, else\n"
    "$XDG_STATE_HOME/manyi/history, else ~/.manyi_history), Ctrl-R to search it, Tab\n"
    "to complete names, tables and columns, Ctrl-C to stop an evaluation, Ctrl-D to\n"
    "leave. Otherwise the lines of SCRIPT (or stdin) run in order and the first error\n"
    "stops them: 'script.lua:12: ...' on stderr and exit status 1.\n"
    "\n"
    "Options:\n"
    "  -e, --eval CHUNK      run CHUNK (Lua, or a .command) and leave; may repeat\n"
    "  --mode MODE           table (default; --json: json), markdown, csv or json\n"
    "  --limit N             rows shown in table and markdown mode (default 50, 0 = all)\n"
    "  --instructions N      Lua instructions per evaluation (default 1000000000)\n"
    "  --time DURATION       time per evaluation, SQL included (default 60s): wall\n"
    "                        time, then half as much CPU time, 10 x it at most\n"
    "  --memory SIZE         memory of the Lua state (default 1GiB)\n"
    "The budgets work as limits.policy_* do for policies; a budget that runs out\n"
    "stops that evaluation only.\n"
    "\n"
    "The session reads beside a running import or batch (it sees the last commit).\n"
    "It is recorded in the audit log; while another manyi writes, that entry waits\n"
    "for the write to end, at the latest when the session ends.\n",
    run, 0, NULL};
