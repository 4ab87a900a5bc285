/* The terminal side of the batch engine (service/batch.h), shared by every
 * batch command (eval tiers, eval points): its options (--max-failures,
 * --max-failure-share, --failures, --chunk), the progress line with a percentage and
 * the time left, the failures as they happen, the breaker's report and the
 * exit status. */
#include "cli/batch_cli.h"
#include "util/i18n.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { SHOWN = 20 }; /* failures printed to the terminal; the rest are counted */

int mi_cli_batch_option(mi_cli_batch *b, int opt, const char *arg, const char *cmd) {
  char *end;
  errno = 0;
  switch (opt) {
  case MI_CLI_BATCH_MAX_FAILURES: {
    long long n = strtoll(arg, &end, 10);
    if (errno || end == arg || *end || n < 0 || arg[0] == '+' || arg[0] == ' ')
      return mi_cli_usage_error(cmd, "--max-failures takes a whole number from 0 (no bound) up, "
                                     "not '%s'", arg);
    b->opt.max_failures = n ? n : -1;
    return 0;
  }
  case MI_CLI_BATCH_MAX_SHARE: {
    double f = strtod(arg, &end);
    if (errno || end == arg || *end || !(f > 0 && f <= 1))
      return mi_cli_usage_error(cmd, "--max-failure-share takes a number above 0 and at most 1 "
                                     "(1: no bound), like 0.05, not '%s'", arg);
    b->opt.max_failure_share = f;
    return 0;
  }
  case MI_CLI_BATCH_FAILURES: b->failures_path = arg; return 0;
  case MI_CLI_BATCH_CHUNK: {
    long long n = strtoll(arg, &end, 10);
    if (errno || end == arg || *end || n < 1 || n > MI_CLI_BATCH_CHUNK_MAX || arg[0] == '+' ||
        arg[0] == ' ')
      return mi_cli_usage_error(cmd, "--chunk takes a whole number from 1 to %d, not '%s'",
                                MI_CLI_BATCH_CHUNK_MAX, arg);
    b->opt.chunk = (int)n;
    return 0;
  }
  default: return mi_cli_usage_error(cmd, "unknown option");
  }
}

static void eta_text(double s, char *buf, size_t size) {
  if (s < 60) snprintf(buf, size, _("%.0f s"), ceil(s));
  else if (s < 3600) snprintf(buf, size, _("%.0f min"), ceil(s / 60));
  else snprintf(buf, size, _("%d h %d min"), (int)(s / 3600), (int)fmod(s / 60, 60));
}

static void show_progress(void *ctx, const mi_batch_progress *p) {
  mi_cli_batch *b = ctx;
  if (!b->tty) return;
  if (p->total < 0) {
    fprintf(stderr, "\r%s: %s%s%lld   ", b->label, p->phase ? p->phase : "", p->phase ? " " : "",
            (long long)p->done);
    return;
  }
  fputc('\r', stderr);
  fprintf(stderr, _("%s: %lld of %lld %s"), b->label, (long long)p->done, (long long)p->total,
          b->items);
  if (p->before < 0) {
    fputs(_(" (resumed)   "), stderr);
    return;
  }
  int64_t done = p->before + p->done, left = p->total - done;
  char eta[32] = "";
  if (p->done > 0 && left > 0) eta_text(p->elapsed * (double)left / (double)p->done, eta, sizeof eta);
  int pct = p->total ? (int)(100 * done / p->total) : 100;
  if (eta[0]) fprintf(stderr, _(" (%d%%, about %s left)   "), pct, eta);
  else fprintf(stderr, " (%d%%)   ", pct);
}

/* Failures are printed as they happen, up to a limit, then only counted;
 * with --json each is kept for the summary. */
static void show_failure(void *ctx, const mi_batch_failure *f) {
  mi_cli_batch *b = ctx;
  b->failed++;
  if (b->json) {
    char msg[1400];
    mi_err_format(f->err, msg, sizeof msg);
    json_t *o = json_pack("{s:I, s:s?, s:s}", "id", (json_int_t)f->id, "external_id",
                          f->external_id, "error", msg);
    if (f->phase) json_object_set_new(o, "phase", json_string(f->phase));
    json_array_append_new(b->json, o);
  }
  if (b->tty) fputc('\n', stderr);
  if (b->shown < SHOWN) {
    b->shown++;
    mi_cli_fail(f->err);
  }
}

int mi_cli_batch_begin(mi_cli *cli, mi_cli_batch *b, const char *label, const char *items) {
  mi_err e = {0};
  b->label = mi_tr(label); /* marked N_() where they are given */
  b->items = mi_tr(items);
  b->tty = !cli->quiet && isatty(STDERR_FILENO);
  b->opt.progress = show_progress;
  b->opt.on_failure = show_failure;
  b->opt.ctx = b;
  if (cli->json && !(b->json = json_array())) {
    mi_err_set(&e, MI_ENOMEM, "out of memory");
    return mi_cli_fail(&e);
  }
  if (b->failures_path) {
    if (mi_outfile_open(b->failures_path, mi_cli_db_path(cli), &b->file, &e)) return mi_cli_fail(&e);
    b->opt.failures = mi_outfile_stream(b->file);
  }
  /* The run's entry commits with its first chunk (the command's own entry
   * follows at its end): a run killed half-way is in the log too. */
  b->opt.audit_actor = mi_cli_user();
  b->opt.audit_action = "eval";
  b->opt.audit_object = cli->given_argc >= 2 ? cli->given_argv[1] : NULL;
  b->opt.audit_json = b->audit_json = mi_cli_audit_args(cli, cli->given_argc, cli->given_argv);
  return 0;
}

int mi_cli_batch_end(mi_cli_batch *b, int rc, mi_err *e) {
  if (b->tty) fputc('\n', stderr);
  free(b->audit_json);
  b->audit_json = NULL;
  b->opt.audit_json = NULL;
  mi_err fe = {0}; /* kept after a failure too: it lists the failures of the committed chunks */
  if (mi_outfile_close(b->file, &fe) && rc == 0) *e = fe, rc = fe.code;
  b->file = NULL;
  return rc;
}

void mi_cli_batch_json(mi_cli_batch *b, json_t *summary, const mi_batch_stop *stop) {
  if (!summary) return;
  json_object_set_new(summary, "failures", b->json ? b->json : json_array());
  b->json = NULL;
  if (!stop->tripped) {
    json_object_set_new(summary, "breaker", json_null());
    return;
  }
  json_t *first = json_array();
  for (int k = 0; k < stop->nfirst; k++)
    json_array_append_new(first, json_pack("{s:I, s:s}", "id", (json_int_t)stop->first_id[k],
                                           "external_id", stop->first_external[k]));
  char err[1400];
  mi_err_format(&stop->first_error, err, sizeof err);
  json_object_set_new(
      summary, "breaker",
      json_pack("{s:s, s:I, s:I, s:I, s:s?, s:I, s:o, s:s}", "rule",
                stop->by_share ? "max_failure_share" : "max_failures", "in_a_row",
                (json_int_t)stop->in_a_row, "failed", (json_int_t)stop->failed, "decided",
                (json_int_t)stop->decided, "phase", stop->phase[0] ? stop->phase : NULL,
                "committed_through_id", (json_int_t)stop->after, "first", first, "error", err));
}

int mi_cli_batch_status(mi_cli_batch *b, int rc, const mi_err *e, const mi_batch_stop *stop,
                        int64_t failed) {
  if (b->json) json_decref(b->json), b->json = NULL;
  if (rc && stop->tripped) {
    fputs("manyi: ", stderr);
    mi_err_print(e, stderr);
    return MI_BATCH_EXIT_BREAKER;
  }
  if (rc) return mi_cli_fail(e);
  if (failed > b->shown)
    fprintf(stderr,
            b->failures_path ? _("manyi: %lld more policy failures not shown (all are in the "
                                 "--failures file)\n")
                             : _("manyi: %lld more policy failures not shown\n"),
            (long long)(failed - b->shown));
  return failed ? 3 : 0;
}
