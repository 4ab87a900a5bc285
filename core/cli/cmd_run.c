/* manyi run (the foreground scheduler service) and manyi tick (one pass, for
 * cron): queue the occurrences of the recurring jobs that are due, then fire
 * every due job through core/sched's runner. */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/report.h"
#include "sched/recurring.h"
#include "sched/runner.h"
#include "service/job_kinds.h"
#include "util/i18n.h"
#include "util/timeutil.h"

static volatile sig_atomic_t stop_flag, in_pass;
/* What on_signal writes, translated before the handler is installed (the
 * catalogue is not read inside a signal handler). */
static const char *signal_msg;
static size_t signal_msg_len;
/* Between passes the loop ends cleanly. During a pass the batch in hand would
 * keep the process (and the write lock) for as long as its jobs run, so the
 * signal ends the process at once: nothing of the batch is committed (its
 * jobs' effects and completions commit together), the OS releases the lock,
 * and its jobs are still queued (a job that runs alone, with its own
 * transactions, returns to the queue when its lease ends). */
static void on_signal(int sig) {
  stop_flag = 1;
  if (in_pass) {
    ssize_t w = write(STDERR_FILENO, signal_msg, signal_msg_len);
    (void)w;
    signal(sig, SIG_DFL);
    raise(sig);
  }
}

typedef struct run_opts {
  int64_t now;       /* tick --now; 0 = the clock */
  double poll;       /* run: seconds between looks at the queue */
  int64_t lease;     /* seconds */
  int max_attempts;
  int until_idle;    /* run: exit once nothing is queued for now */
  double busy_limit; /* run: seconds a busy database is waited for before giving up */
  long batch;        /* jobs per transaction; 0 = the runner's default */
} run_opts;

/* How long `manyi run` waits, in all, for a database another process keeps
 * busy (a long import or batch) before it gives up: each pass that finds it
 * busy (after SQLite's own 5 s) is retried at the next poll. */
enum { RUN_BUSY_LIMIT = 600 };

static int64_t tick_now; /* tick --now: the log lines carry that time too */

/* Log levels of `manyi run` and `manyi tick` (stderr, one line per event, for
 * journald): error (the run stops), warn (a job failed, the database is
 * busy), info (each job with its outcome and duration; start and stop),
 * debug (each pass). Each line starts "TIME LEVEL " as it is for any
 * language (what a log filter reads); the text after it is translated. */
enum { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };
static const char *const level_names[] = {"error", "warn", "info", "debug"};
static int log_level = LOG_INFO;

static void logf_(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(int level, const char *fmt, ...) {
  if (level > log_level) return;
  char at[21];
  mi_instant_format(tick_now ? tick_now : mi_cli_now(), at);
  fprintf(stderr, "%s %-5s ", at, level_names[level]);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

static void on_job(void *ctx, const mi_queue_job *j, int rc, int dead, const mi_err *e,
                   double seconds) {
  (void)ctx;
  if (rc == 0) {
    logf_(LOG_INFO, _("job %s (%s) done in %.3f s"), j->key, j->kind, seconds);
    return;
  }
  char msg[1400];
  mi_err_format(e, msg, sizeof msg);
  if (dead)
    logf_(LOG_ERROR, _("job %s (%s) DEAD after %.3f s (attempt %lld): %s"), j->key, j->kind,
          seconds, (long long)j->attempts, msg);
  else
    logf_(LOG_WARN, _("job %s (%s) failed, will retry after %.3f s (attempt %lld): %s"), j->key,
          j->kind, seconds, (long long)j->attempts, msg);
}

/* One pass at now: recurring occurrences, then the due jobs. */
static int pass(mi_cli *cli, mi_job_context *ctx, const mi_sched_opts *so, int64_t now,
                mi_sched_report *rep, size_t *queued, mi_err *e) {
  if (mi_sched_queue_recurring(cli->store, cli->cfg, mi_job_kinds, now, queued, e)) return 1;
  return mi_sched_run_due(cli->store, mi_job_kinds, ctx, so, now, rep, e) ? 1 : 0;
}

static int parse_opts(const char *cmd, int argc, char **argv, run_opts *o) {
  static const struct option options[] = {{"now", required_argument, NULL, 'n'},
                                          {"poll", required_argument, NULL, 'p'},
                                          {"lease", required_argument, NULL, 'l'},
                                          {"max-attempts", required_argument, NULL, 'm'},
                                          {"until-idle", no_argument, NULL, 'u'},
                                          {"busy-limit", required_argument, NULL, 'b'},
                                          {"batch", required_argument, NULL, 'B'},
                                          {"verbose", no_argument, NULL, 'v'},
                                          {"log-level", required_argument, NULL, 'L'},
                                          {NULL, 0, NULL, 0}};
  int opt;
  mi_err e = {0};
  int is_tick = !strcmp(cmd, "tick");
  while ((opt = getopt_long(argc, argv, "n:p:l:m:ub:B:vL:", options, NULL)) != -1) {
    char *end = NULL;
    switch (opt) {
    case 'n':
      if (!is_tick) return mi_cli_usage_error(cmd, "--now is for `manyi tick`");
      if (mi_instant_parse(optarg, &o->now, &e)) return mi_cli_usage_error(cmd, "--now: %s", e.msg);
      break;
    case 'p':
      o->poll = strtod(optarg, &end);
      if (is_tick || *end || !(o->poll >= 0.05 && o->poll <= 3600))
        return mi_cli_usage_error(cmd, "--poll takes seconds from 0.05 to 3600 (run only)");
      break;
    case 'l':
      o->lease = strtoll(optarg, &end, 10);
      if (*end || o->lease < 1 || o->lease > 7 * 86400)
        return mi_cli_usage_error(cmd, "--lease takes whole seconds from 1 to 604800");
      break;
    case 'm':
      o->max_attempts = (int)strtol(optarg, &end, 10);
      if (*end || o->max_attempts < 1 || o->max_attempts > 100)
        return mi_cli_usage_error(cmd, "--max-attempts takes a number from 1 to 100");
      break;
    case 'b':
      o->busy_limit = strtod(optarg, &end);
      if (is_tick || *end || end == optarg || !(o->busy_limit >= 0 && o->busy_limit <= 86400))
        return mi_cli_usage_error(cmd, "--busy-limit takes seconds from 0 to 86400 (run only)");
      break;
    case 'B':
      o->batch = strtol(optarg, &end, 10);
      if (*end || end == optarg || o->batch < 1 || o->batch > MI_SCHED_BATCH_LIMIT)
        return mi_cli_usage_error(cmd, "--batch takes a number of jobs from 1 to %d",
                                  MI_SCHED_BATCH_LIMIT);
      break;
    case 'v': log_level = LOG_DEBUG; break;
    case 'L': {
      int found = -1;
      for (int i = 0; i <= LOG_DEBUG; i++)
        if (!strcmp(optarg, level_names[i])) found = i;
      if (found < 0) return mi_cli_usage_error(cmd, "--log-level '%s': use error, warn, info or debug", optarg);
      log_level = found;
      break;
    }
    case 'u':
      if (is_tick) return mi_cli_usage_error(cmd, "--until-idle is for `manyi run`");
      o->until_idle = 1;
      break;
    default: return mi_cli_usage_error(cmd, "unknown option");
    }
  }
  if (optind < argc) return mi_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
  return 0;
}

static void print_report(mi_cli *cli, const mi_sched_report *r, size_t queued) {
  if (cli->json) {
    mi_cli_print_json(json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "recurring_queued",
                                (json_int_t)queued, "ran", (json_int_t)r->ran, "done",
                                (json_int_t)r->done, "retried", (json_int_t)r->retried, "dead",
                                (json_int_t)r->dead, "lost", (json_int_t)r->lost));
  } else if (!cli->quiet) {
    if (r->lost)
      printf(_("%zu recurring queued; %zu jobs ran: %zu done, %zu to retry, %zu dead, %zu taken "
               "over by another runner\n"),
             queued, r->ran, r->done, r->retried, r->dead, r->lost);
    else
      printf(_("%zu recurring queued; %zu jobs ran: %zu done, %zu to retry, %zu dead\n"), queued,
             r->ran, r->done, r->retried, r->dead);
  }
}

static int run_cmd(mi_cli *cli, const char *cmd, int argc, char **argv) {
  run_opts o = {.poll = 5, .lease = 300, .max_attempts = 5, .busy_limit = RUN_BUSY_LIMIT};
  log_level = cli->quiet ? LOG_WARN : LOG_INFO; /* -v and --log-level say otherwise */
  int rc = parse_opts(cmd, argc, argv, &o);
  if (rc) return rc;
  if (mi_cli_open_store(cli, 0)) return 1;
  char host[128] = "host", owner[200];
  gethostname(host, sizeof host - 1);
  snprintf(owner, sizeof owner, "%.100s:%ld:%lld", host, (long)getpid(), (long long)time(NULL));
  char user[128]; /* getpwuid's buffer is reused */
  snprintf(user, sizeof user, "%s", mi_cli_user());
  mi_job_context ctx = {.cfg = cli->cfg, .actor = user, .report = mi_report_job_run};
  mi_sched_opts so = {.owner = owner, .actor = user, .lease_secs = o.lease, .max_attempts = o.max_attempts,
                      .batch_max = (size_t)o.batch, .stop = &stop_flag, .on_job = on_job, .ctx = cli};
  mi_sched_report rep, total = {0};
  size_t queued = 0, total_queued = 0;
  mi_err e = {0};
  if (!strcmp(cmd, "tick")) {
    tick_now = o.now;
    rc = pass(cli, &ctx, &so, o.now ? o.now : mi_cli_now(), &rep, &queued, &e);
    mi_job_context_free(&ctx);
    if (rc) return mi_cli_fail(&e);
    print_report(cli, &rep, queued);
    return 0;
  }
  signal_msg = _("manyi run: stopped by a signal during a pass: the batch in hand was not "
                 "committed; its jobs run again at the next start\n");
  signal_msg_len = strlen(signal_msg);
  struct sigaction sa = {0};
  sa.sa_handler = on_signal; /* no SA_RESTART: the sleep ends at once */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  logf_(LOG_INFO, _("manyi run: %s, polling every %gs; SIGTERM or Ctrl-C stops"), owner, o.poll);
  struct timespec busy_since = {0, 0}; /* of the first busy pass in a row; 0: not busy */
  while (!stop_flag) {
    struct timespec started, t;
    clock_gettime(CLOCK_MONOTONIC, &started);
    in_pass = 1;
    int failed = pass(cli, &ctx, &so, mi_cli_now(), &rep, &queued, &e);
    in_pass = 0;
    if (failed) {
      clock_gettime(CLOCK_MONOTONIC, &t);
      /* the wait counts from the start of the first pass that found it busy */
      if (e.code == MI_EBUSY && !busy_since.tv_sec) busy_since = started;
      double busy = e.code == MI_EBUSY ? (double)(t.tv_sec - busy_since.tv_sec) +
                                             (t.tv_nsec - busy_since.tv_nsec) / 1e9
                                       : -1;
      if (busy < 0 || busy >= o.busy_limit) {
        if (busy >= 0)
          logf_(LOG_ERROR, _("manyi run: the database stayed busy for %.0f s (--busy-limit %g)"),
                busy, o.busy_limit);
        mi_job_context_free(&ctx);
        return mi_cli_fail(&e);
      }
      char msg[1400];
      mi_err_format(&e, msg, sizeof msg);
      logf_(LOG_WARN, _("manyi run: %s; waiting (%.0f s of --busy-limit %g)"), msg, busy, o.busy_limit);
      struct timespec ts = {(time_t)o.poll, (long)((o.poll - (double)(time_t)o.poll) * 1e9)};
      nanosleep(&ts, NULL);
      continue;
    }
    busy_since.tv_sec = 0;
    logf_(LOG_DEBUG, _("pass: %zu recurring queued, %zu jobs ran (%zu done, %zu to retry, %zu dead)"),
          queued, rep.ran, rep.done, rep.retried, rep.dead);
    total.ran += rep.ran, total.done += rep.done, total.retried += rep.retried;
    total.dead += rep.dead, total.lost += rep.lost, total_queued += queued;
    if (o.until_idle && rep.ran == 0) break;
    struct timespec ts = {(time_t)o.poll, (long)((o.poll - (double)(time_t)o.poll) * 1e9)};
    if (!stop_flag) nanosleep(&ts, NULL);
  }
  mi_job_context_free(&ctx);
  logf_(LOG_INFO, _("manyi run: stopped"));
  print_report(cli, &total, total_queued);
  return 0;
}

static int run_run(mi_cli *cli, int argc, char **argv) { return run_cmd(cli, "run", argc, argv); }
static int run_tick(mi_cli *cli, int argc, char **argv) { return run_cmd(cli, "tick", argc, argv); }

#define COMMON_OPTS                                                                           \
  "  -v, --verbose       log each pass too (--log-level debug)\n"                           \
  "  --log-level LEVEL   error, warn, info (default; warn with --quiet) or debug\n"        \
  "  --batch N           fire at most N jobs per transaction (default 256; a batch\n"        \
  "                      also takes no new job after 50 ms)\n"                              \
  "  --lease SECONDS     how long a job that runs alone is held (default 300); a\n"         \
  "                      runner that dies loses it when its lease ends\n"                   \
  "  --max-attempts N    failures before a job is dead (default 5); retries wait\n"          \
  "                      60 s, doubled per attempt, at most a day\n"

const mi_cli_command mi_cmd_run = {
    "run", "the scheduler service: fire due jobs until stopped",
    "Usage: manyi [--config FILE] [--db FILE] run [--poll SECONDS] [--until-idle] [OPTIONS]\n"
    "\n"
    "Runs in the foreground: every --poll seconds (default 5) queues the due\n"
    "occurrences of the recurring jobs in manyi.yaml (schedule:) and fires every due\n"
    "job (`manyi jobs kinds`), in order of due time. Jobs fire in batches: one\n"
    "transaction takes up to --batch due jobs (or what runs in 50 ms) and commits\n"
    "each job's effects with its completion; a job that fails has only its own\n"
    "effects undone and is retried (or dead), the others of the batch commit. A\n"
    "crash at any point followed by a restart gives each effect exactly once: a\n"
    "batch that was not committed left nothing and its jobs are due at once.\n"
    "Batch jobs that commit as they go (eval-tiers, points-expire, survey-wave) run\n"
    "alone, claimed with a lease. Several runners may share a database: a job is\n"
    "run by one. SIGTERM or Ctrl-C between passes exits 0; during a pass it ends\n"
    "the process at once (exit status 143 or 130): nothing of the batch in hand is\n"
    "committed and its jobs run again at the next start (a job running alone once\n"
    "its lease ends). Logs go to stderr (for journald), one line per job with its\n"
    "outcome and duration: \"TIME LEVEL job KEY (KIND) done in 0.012 s\".\n"
    "A database that another process keeps busy (a long import or batch holds the\n"
    "write lock past SQLite's 5 s) is waited for: the pass is retried every --poll\n"
    "seconds, for at most --busy-limit seconds in a row, then run exits with status 1.\n"
    "\n"
    "  --until-idle        exit after a pass that found nothing to do\n"
    "  --busy-limit SECONDS  how long a busy database is waited for in all\n"
    "                      (default 600; 0 gives up at the first busy pass)\n" COMMON_OPTS,
    run_run, 0, NULL};

const mi_cli_command mi_cmd_tick = {
    "tick", "fire what is due once and exit (for cron)",
    "Usage: manyi [--config FILE] [--db FILE] [--json] tick [--now TIME] [OPTIONS]\n"
    "\n"
    "One pass of `manyi run`: queues the due occurrences of the recurring jobs, fires\n"
    "every job due at TIME (default: now) and prints what happened. Missed occurrences\n"
    "of a recurring job (the machine was off) fire once, not once per missed time.\n"
    "\n" COMMON_OPTS,
    run_tick, 0, NULL};
