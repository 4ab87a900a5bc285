/* The terminal side of the batch engine, shared by eval tiers and eval points:
 * the engine's options, progress, failures, breaker report and exit status. */
#ifndef MI_CLI_BATCH_CLI_H
#define MI_CLI_BATCH_CLI_H

#include <getopt.h>

#include "cli/cli.h"
#include "service/batch.h"
#include "util/outfile.h"

/* getopt_long values of the engine's options (beyond any short option). */
enum { MI_CLI_BATCH_MAX_FAILURES = 0x200, MI_CLI_BATCH_MAX_SHARE, MI_CLI_BATCH_FAILURES,
       MI_CLI_BATCH_CHUNK };
/* The largest --chunk: a chunk's items are held in memory. */
enum { MI_CLI_BATCH_CHUNK_MAX = 1000000 };
#define MI_CLI_BATCH_LONG_OPTIONS                                                  \
  {"max-failures", required_argument, NULL, MI_CLI_BATCH_MAX_FAILURES},            \
      {"max-failure-share", required_argument, NULL, MI_CLI_BATCH_MAX_SHARE},      \
      {"failures", required_argument, NULL, MI_CLI_BATCH_FAILURES},                \
      {"chunk", required_argument, NULL, MI_CLI_BATCH_CHUNK}

/* The --help lines of those options. */
#define MI_CLI_BATCH_HELP                                                                \
  "      --max-failures N\n"                                                              \
  "                      stop (the breaker) when the policy fails on N customers or\n"    \
  "                      events in a row; default 100, 0: no bound\n"                     \
  "      --max-failure-share F\n"                                                         \
  "                      stop too once there are N failures or more and they are\n"      \
  "                      more than F (0 < F <= 1) of those decided; default 0.05, 1:\n"  \
  "                      no bound\n"                                                      \
  "      --failures FILE every failure as CSV: id,external_id,error (with --json also\n" \
  "                      the summary's \"failures\"); the chunk that tripped the\n"     \
  "                      breaker was not committed and is not in it\n"                 \
  "      --chunk N       customers or events per transaction (1 to 1000000): each\n"   \
  "                      chunk is committed with its checkpoint, a run killed resumes\n" \
  "                      after the last one; bigger chunks commit less often and\n"     \
  "                      hold more in memory; default 500 (tiers), 20000 (points)\n"

typedef struct mi_cli_batch {
  mi_batch_options opt;      /* what the options and the terminal set */
  const char *failures_path; /* --failures */
  mi_outfile *file;
  const char *label, *items; /* "evaluating tiers", "customers": the progress line */
  int tty;
  int64_t shown, failed;     /* failures printed, and seen */
  json_t *json;              /* --json: the failures, for the summary */
  char *audit_json;          /* the run's audit entry (argv, role): freed by mi_cli_batch_end */
} mi_cli_batch;

/* Takes one of the engine's options (opt from getopt_long); 0, or the usage
 * error's exit status (2). */
int mi_cli_batch_option(mi_cli_batch *b, int opt, const char *arg, const char *cmd);
/* Before the run: the progress line and failures on the terminal, the
 * --failures file. 0, or the exit status of an error (printed). */
int mi_cli_batch_begin(mi_cli *cli, mi_cli_batch *b, const char *label, const char *items);
/* After the run: ends the progress line, closes the --failures file (kept
 * after a failure too). Returns rc, or the file's error. */
int mi_cli_batch_end(mi_cli_batch *b, int rc, mi_err *e);
/* --json: adds "failures" and "breaker" (null when it did not trip) to summary. */
void mi_cli_batch_json(mi_cli_batch *b, json_t *summary, const mi_batch_stop *stop);
/* The exit status: MI_BATCH_EXIT_BREAKER (4) when the breaker stopped the
 * run (its message printed), 1 on another error, 3 when the policy failed on
 * some items, else 0. */
int mi_cli_batch_status(mi_cli_batch *b, int rc, const mi_err *e, const mi_batch_stop *stop,
                        int64_t failed);

#endif
