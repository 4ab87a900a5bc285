/* The batch engine: the chunked, resumable loop every batch of policy calls
 * runs through (eval tiers, eval points). Items are read in chunks, each
 * going on after the last item of the one before (in id order, or in the
 * order the batch's read defines: eval points takes orders in customer
 * order); each chunk is decided (the policy calls, optionally on worker
 * threads), checked by the breaker, then applied and checkpointed in one
 * transaction, so a killed run resumes after the last committed chunk. The
 * engine owns the batch lock, the transactions, the job row and its
 * checkpoint, progress, the breaker and the list of failures; a batch
 * supplies callbacks that read, decide and apply its items. */
#ifndef MI_SERVICE_BATCH_H
#define MI_SERVICE_BATCH_H

#include <stdint.h>
#include <stdio.h>

#include "store/store.h"
#include "util/err.h"

enum {
  MI_BATCH_MAX_WORKERS = 15,   /* extra policy states (threads) besides the main one */
  MI_BATCH_CHUNK = 500,        /* items per transaction by default */
  MI_BATCH_MAX_FAILURES = 100, /* failures in a row that stop a batch by default */
  MI_BATCH_FIRST_SHOWN = 5,    /* failing inputs the breaker names */
  /* The exit status of a command whose batch its breaker stopped (README). */
  MI_BATCH_EXIT_BREAKER = 4,
};
/* Stop when the failures are more than this share of the items decided (once
 * there are at least max_failures of them), by default. */
#define MI_BATCH_MAX_FAILURE_SHARE 0.05

/* What decide() says about one item. */
enum {
  MI_BATCH_DECIDED = 0,
  MI_BATCH_FAILED = 1,     /* the policy failed on it: counted by the breaker */
  MI_BATCH_UNREADABLE = 2, /* its input cannot be computed: reported, not the policy's fault */
};

typedef struct mi_batch_failure {
  const char *phase; /* NULL in a batch of one phase */
  int64_t id;        /* the item's row id */
  const char *external_id;
  const mi_err *err;
} mi_batch_failure;

typedef struct mi_batch_progress {
  const char *phase; /* NULL in a batch of one phase */
  int64_t done;      /* items of the phase handled by this run so far */
  int64_t total;     /* items of the phase in all; -1 when not known */
  int64_t before;    /* of them, handled by an earlier run this one resumed; -1 when not known */
  double elapsed;    /* seconds since the phase started */
} mi_batch_progress;

/* What a caller sets; zeros give the defaults. */
typedef struct mi_batch_options {
  int dry_run;  /* decide and report, change nothing (no lock, no job, no transaction) */
  int chunk;    /* items per transaction; 0 = MI_BATCH_CHUNK */
  int64_t now;  /* the job row's instants */
  int64_t max_failures;     /* in a row; 0 = MI_BATCH_MAX_FAILURES; < 0 = no bound */
  double max_failure_share; /* 0 = MI_BATCH_MAX_FAILURE_SHARE; >= 1 = no bound */
  FILE *failures; /* if set: CSV id,external_id,error of every failure reported */
  void (*progress)(void *ctx, const mi_batch_progress *p);   /* may be NULL */
  void (*on_failure)(void *ctx, const mi_batch_failure *f);  /* may be NULL */
  void *ctx;
  /* If audit_action is set: the audit entry that commits with the run's
   * first chunk (detail: audit_json, an object, with "status": "running"
   * and the checkpoint), so no chunk is ever committed without an entry of
   * its run, even when the process dies before its end. */
  const char *audit_actor, *audit_action, *audit_object, *audit_json;
} mi_batch_options;

/* Why and where the breaker stopped a batch. */
typedef struct mi_batch_stop {
  int tripped;
  int by_share;              /* 0: failures in a row; 1: their share */
  int64_t in_a_row;          /* failures in a row when it tripped */
  int64_t failed, decided;   /* failures and items decided (by the policy) by then */
  char phase[32];            /* "" in a batch of one phase */
  int64_t after;             /* nothing after this id (of phase) was committed */
  int nfirst;                /* the first failing inputs */
  int64_t first_id[MI_BATCH_FIRST_SHOWN];
  char first_external[MI_BATCH_FIRST_SHOWN][65];
  mi_err first_error;        /* the error on the first of them */
} mi_batch_stop;

typedef struct mi_batch_summary {
  int64_t items, failed, unreadable;
  char resumed[48];      /* the checkpoint an interrupted run resumed from, or "" */
  int resumed_phase;     /* and its phase and id (0, 0: from the start) */
  int64_t resumed_after;
  mi_batch_stop stop;
} mi_batch_summary;

/* A batch: its names and its callbacks. Items are indexed 0 .. n-1 within the
 * chunk that read() filled (the batch keeps them). */
typedef struct mi_batch_spec {
  const char *what;     /* "eval tiers": the batch lock and messages */
  const char *job_kind; /* "eval-tiers": the job row that keeps the checkpoint */
  const char *job_key;  /* the same key resumes an interrupted run */
  const char *item;     /* "customer", "event": messages */
  const char *items;    /* "customers", "events" */
  const char *policy;   /* the policy file, named by the breaker */
  /* Phases run in order; NULL: one phase, checkpoint "ID"; else "PHASE:ID". */
  const char *const *phases;
  int nphases;
  int nworkers;         /* extra states for decide (0 .. MI_BATCH_MAX_WORKERS) */
  int64_t *job_id;      /* if set: the job row's id, set before the first chunk (0: none) */
  void *ctx;
  /* Items of the phase in all (the progress's total); NULL or -1: not known. */
  int (*count)(void *ctx, int phase, int64_t *total, mi_err *e);
  /* Reads up to limit items of the phase after id `after` into the batch's
   * chunk: *n items, *last the id to resume after (*n < limit: the phase is
   * done). Runs in the chunk's transaction. */
  int (*read)(void *ctx, int phase, int64_t after, int limit, int *n, int64_t *last, mi_err *e);
  /* Decides item i with policy state `state` (0: the main one, on the
   * calling thread, which may use the store; 1..nworkers on other threads,
   * which must not). Returns MI_BATCH_DECIDED, MI_BATCH_FAILED or
   * MI_BATCH_UNREADABLE (why says what), or a negative error (why) that
   * stops the run. */
  int (*decide)(void *ctx, int phase, int i, int state, mi_err *why);
  /* Applies item i in id order, in the chunk's transaction, with what
   * decide() returned; counts it in the batch's own summary. Returns 0 or a
   * negative error (e), which rolls the chunk back and stops the run. */
  int (*apply)(void *ctx, int phase, int i, int status, mi_err *e);
  /* May be NULL. Called once a chunk's items are all applied, in the
   * chunk's transaction before its checkpoint (also in a dry run), so that
   * a batch can write what apply() gathered with a few statements of many
   * rows. Returns 0 or a negative error (e), which rolls the chunk back. */
  int (*flush)(void *ctx, int phase, mi_err *e);
  /* May be NULL; used only with workers (nworkers > 0). Called on the
   * calling thread for each decided item in order, as soon as the breaker
   * has counted it and while later items are still being decided, in the
   * chunk's transaction: it may write what the decision changes (rolled
   * back with the chunk if the breaker trips further on), so that the
   * store's work runs beside the policy calls, but must count and report
   * nothing (apply() still runs for every item once the chunk has passed
   * the breaker). Returns 0 or a negative error (e). */
  int (*stage)(void *ctx, int phase, int i, mi_err *e);
  /* The item's row id and external id, for the failure list. */
  void (*ident)(void *ctx, int i, int64_t *id, const char **external_id);
} mi_batch_spec;

/* Runs the batch. A failure (MI_BATCH_FAILED or UNREADABLE) is passed to
 * on_failure, written to opt->failures and the run goes on, until the
 * breaker trips: max_failures failures in a row, or (once there are at
 * least max_failures in all) failures more than max_failure_share of the
 * items decided. Then nothing of the chunk in hand is committed, sum->stop
 * says why, the job is marked failed and the result is MI_EPOLICY with a
 * message naming the policy, the error and the first failing inputs. A
 * store error also stops the run; committed chunks stay, and the next run
 * with the same job key resumes after them. */
int mi_batch_run(mi_store *s, const mi_batch_spec *spec, const mi_batch_options *opt,
                 mi_batch_summary *sum, mi_err *e);

#endif
