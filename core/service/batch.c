/* The batch engine (batch.h): chunks, one transaction each with a checkpoint,
 * resume, progress, the decisions spread over worker threads, the breaker
 * that stops a failing policy, and the list of failures. */
#include "service/batch.h"

#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "store/audit.h"
#include "store/jobs.h"
#include "util/record_writer.h"

enum { UNDECIDED = -1, FATAL = 127 }; /* statuses beside MI_BATCH_DECIDED etc. */

/* The breaker's count, carried from chunk to chunk. */
typedef struct breaker {
  int64_t run;            /* failures in a row (unreadable items do not break a run) */
  int64_t failed, decided;
  int nrun, nall;         /* the first failing inputs of the run, and of all */
  int64_t run_id[MI_BATCH_FIRST_SHOWN], all_id[MI_BATCH_FIRST_SHOWN];
  char run_ext[MI_BATCH_FIRST_SHOWN][65], all_ext[MI_BATCH_FIRST_SHOWN][65];
  mi_err run_err, all_err;
} breaker;

typedef struct engine {
  mi_store *s;
  const mi_batch_spec *spec;
  const mi_batch_options *opt;
  mi_batch_summary *sum;
  int cap;
  int64_t max_row;    /* 0: no bound */
  double max_share;   /* >= 1: no bound */
  int64_t share_from; /* the share counts once there are this many failures */
  signed char *status;
  mi_err *why;
  mi_writer *failures;
  int64_t job_id;
  int64_t committed; /* chunks committed by this run */
  int audited;       /* the run's audit entry is committed (with its first items) */
  breaker b;
  /* The first item of the chunk where a state saw the breaker trip (or a
   * store error); INT_MAX: none. Items after it are not worth deciding;
   * every item before it is decided, so the walk finds the same trip. */
  atomic_int stop_at;
  /* The staged way (spec->stage, with workers): items are claimed in blocks
   * of STAGE_BLOCK from next, and ready[i] is set once item i is decided. */
  atomic_int next;
  atomic_uchar *ready;
} engine;

enum { STAGE_BLOCK = 16 };

static double seconds_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int share_trips(const engine *g, int64_t failed, int64_t decided) {
  return g->max_share < 1 && failed >= g->share_from && (double)failed > g->max_share * (double)decided;
}

/* ---- deciding a chunk ------------------------------------------------------ */

typedef struct range {
  engine *g;
  int phase, state, from, to;
} range;

static void stop_at(engine *g, int i) {
  int cur = atomic_load(&g->stop_at);
  while (i < cur && !atomic_compare_exchange_weak(&g->stop_at, &cur, i)) {
  }
}

/* Decides items [from, to) with one policy state. The main state (0) counts
 * on from the carried breaker and checks both bounds exactly, as its items
 * come first; a worker's part starts a run of its own, so only a run that
 * reaches the bound inside it is certain, and that is all it checks. A state
 * stops once it is past the first trip any state saw. */
static void *decide_range(void *arg) {
  range *r = arg;
  engine *g = r->g;
  int64_t run = r->state == 0 ? g->b.run : 0;
  int64_t failed = g->b.failed, decided = g->b.decided;
  for (int i = r->from; i < r->to; i++) {
    if (i > atomic_load_explicit(&g->stop_at, memory_order_relaxed)) return NULL;
    mi_err_clear(&g->why[i]);
    int st = g->spec->decide(g->spec->ctx, r->phase, i, r->state, &g->why[i]);
    if (st < 0) { /* a store error: the walk finds it and stops the run */
      g->status[i] = FATAL;
      stop_at(g, i);
      return NULL;
    }
    g->status[i] = (signed char)st;
    if (st == MI_BATCH_UNREADABLE) continue;
    decided++;
    if (st == MI_BATCH_DECIDED) {
      run = 0;
      continue;
    }
    failed++;
    run++;
    int trips = g->max_row && run >= g->max_row;
    if (r->state == 0) trips |= share_trips(g, failed, decided);
    if (trips) {
      stop_at(g, i);
      return NULL;
    }
  }
  return NULL;
}

/* Decides items [0, n), split over the main state and the workers'. */
static void decide_chunk(engine *g, int phase, int n) {
  int nstates = 1 + g->spec->nworkers;
  if (nstates > n) nstates = n > 0 ? n : 1;
  range ranges[1 + MI_BATCH_MAX_WORKERS];
  pthread_t threads[MI_BATCH_MAX_WORKERS];
  int started[MI_BATCH_MAX_WORKERS] = {0};
  atomic_store(&g->stop_at, INT_MAX);
  for (int i = 0; i < n; i++) g->status[i] = UNDECIDED;
  for (int k = 0; k < nstates; k++)
    ranges[k] = (range){g, phase, k, n * k / nstates, n * (k + 1) / nstates};
  for (int k = 1; k < nstates; k++)
    started[k - 1] = pthread_create(&threads[k - 1], NULL, decide_range, &ranges[k]) == 0;
  decide_range(&ranges[0]);
  for (int k = 1; k < nstates; k++) {
    if (started[k - 1])
      pthread_join(threads[k - 1], NULL);
    else
      decide_range(&ranges[k]); /* no thread to be had: do it here */
  }
}

/* ---- deciding a chunk while its decided items are staged ------------------- */

static int count(const engine *g, breaker *b, int i);
static void stop_from(mi_batch_stop *st, const breaker *b, int by_share);

/* Claims the next block of undecided items and decides it with state; 0 when
 * none is left to claim (or the chunk is stopped). */
static int decide_block(engine *g, int phase, int state, int n) {
  int from = atomic_fetch_add(&g->next, STAGE_BLOCK);
  if (from >= n || from > atomic_load(&g->stop_at)) return 0;
  int to = from + STAGE_BLOCK < n ? from + STAGE_BLOCK : n;
  for (int i = from; i < to; i++) {
    mi_err_clear(&g->why[i]);
    int st = g->spec->decide(g->spec->ctx, phase, i, state, &g->why[i]);
    g->status[i] = (signed char)(st < 0 ? FATAL : st);
    if (st < 0) stop_at(g, i);
    atomic_store_explicit(&g->ready[i], 1, memory_order_release);
  }
  return 1;
}

static void *stage_worker(void *arg) {
  range *r = arg;
  while (decide_block(r->g, r->phase, r->state, r->to)) {
  }
  return NULL;
}

/* The workers decide blocks of the chunk while the calling thread walks its
 * items in order as they come (the breaker, exactly as walk() counts) and
 * passes each decided one to spec->stage, which may write it into the
 * chunk's transaction; it decides blocks itself when the next item is not
 * ready. So the store's writes run beside the policy calls. Returns as
 * walk(): 1 when the breaker trips, a negative error, else 0. */
static int decide_staged(engine *g, int phase, int n, breaker *b, mi_err *e) {
  const mi_batch_spec *sp = g->spec;
  int nworkers = sp->nworkers;
  range ranges[MI_BATCH_MAX_WORKERS];
  pthread_t threads[MI_BATCH_MAX_WORKERS];
  int started[MI_BATCH_MAX_WORKERS] = {0};
  atomic_store(&g->stop_at, INT_MAX);
  atomic_store(&g->next, 0);
  for (int i = 0; i < n; i++) atomic_store_explicit(&g->ready[i], 0, memory_order_relaxed);
  for (int k = 0; k < nworkers; k++) {
    ranges[k] = (range){g, phase, k + 1, 0, n};
    started[k] = pthread_create(&threads[k], NULL, stage_worker, &ranges[k]) == 0;
  }
  breaker w = *b;
  int rc = 0;
  for (int i = 0; i < n && rc == 0; i++) {
    while (!atomic_load_explicit(&g->ready[i], memory_order_acquire))
      if (!decide_block(g, phase, 0, n)) sched_yield(); /* a worker has it in hand */
    if (g->status[i] == FATAL) {
      *e = g->why[i];
      rc = e->code < 0 ? e->code : mi_err_set(e, MI_ESTORE, "%s", g->why[i].msg);
    } else if (count(g, &w, i)) {
      int row = g->max_row && w.run >= g->max_row;
      stop_from(&g->sum->stop, &w, !row);
      rc = 1;
    } else if (g->status[i] == MI_BATCH_DECIDED) {
      rc = sp->stage(sp->ctx, phase, i, e);
    }
  }
  atomic_store(&g->stop_at, -1); /* the workers claim nothing more */
  for (int k = 0; k < nworkers; k++)
    if (started[k]) pthread_join(threads[k], NULL);
  if (rc == 0) *b = w;
  return rc;
}

/* ---- the breaker ------------------------------------------------------------ */

static void remember(const engine *g, int i, int *n, int64_t *ids, char (*ext)[65], mi_err *err) {
  int64_t id = 0;
  const char *x = NULL;
  g->spec->ident(g->spec->ctx, i, &id, &x);
  if (*n == 0) *err = g->why[i];
  ids[*n] = id;
  snprintf(ext[*n], 65, "%s", x ? x : "");
  ++*n;
}

/* Counts one decided item into b; 1 when the breaker trips on it. */
static int count(const engine *g, breaker *b, int i) {
  int st = g->status[i];
  if (st == MI_BATCH_UNREADABLE) return 0;
  b->decided++;
  if (st == MI_BATCH_DECIDED) {
    b->run = 0;
    return 0;
  }
  b->failed++;
  if (b->run++ == 0) b->nrun = 0;
  if (b->nrun < MI_BATCH_FIRST_SHOWN) remember(g, i, &b->nrun, b->run_id, b->run_ext, &b->run_err);
  if (b->nall < MI_BATCH_FIRST_SHOWN) remember(g, i, &b->nall, b->all_id, b->all_ext, &b->all_err);
  return (g->max_row && b->run >= g->max_row) || share_trips(g, b->failed, b->decided);
}

static void stop_from(mi_batch_stop *st, const breaker *b, int by_share) {
  st->tripped = 1;
  st->by_share = by_share;
  st->in_a_row = b->run;
  st->failed = b->failed;
  st->decided = b->decided;
  st->nfirst = by_share ? b->nall : b->nrun;
  for (int k = 0; k < st->nfirst; k++) {
    st->first_id[k] = by_share ? b->all_id[k] : b->run_id[k];
    memcpy(st->first_external[k], by_share ? b->all_ext[k] : b->run_ext[k], 65);
  }
  st->first_error = by_share ? b->all_err : b->run_err;
}

/* Walks the decided chunk in id order with a copy of the breaker. Returns 1
 * when it trips (sum->stop filled), a negative error when a decision failed
 * fatally, else 0 (*b updated). */
static int walk(engine *g, int n, breaker *b, mi_err *e) {
  breaker w = *b;
  for (int i = 0; i < n; i++) {
    if (g->status[i] == FATAL) {
      *e = g->why[i];
      return e->code < 0 ? e->code : mi_err_set(e, MI_ESTORE, "%s", g->why[i].msg);
    }
    if (g->status[i] == UNDECIDED) /* cannot happen: the walk trips at stop_at or before */
      return mi_err_set(e, MI_ESTORE, "%s: item %d of the chunk was left undecided",
                        g->spec->what, i);
    if (count(g, &w, i)) {
      int row = g->max_row && w.run >= g->max_row;
      stop_from(&g->sum->stop, &w, !row);
      return 1;
    }
  }
  *b = w;
  return 0;
}

/* The message that stops the run: the policy, the bound, the first failing
 * inputs, the first error, what was kept. */
static int stop_error(const engine *g, int phase, int64_t after, mi_err *e) {
  const mi_batch_spec *sp = g->spec;
  mi_batch_stop *st = &g->sum->stop;
  if (sp->phases) snprintf(st->phase, sizeof st->phase, "%s", sp->phases[phase]);
  st->after = after;
  char ids[400] = "", err[300], bound[200];
  size_t len = 0;
  for (int k = 0; k < st->nfirst && len < sizeof ids; k++)
    len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%s", k ? ", " : "", st->first_external[k]);
  mi_err_format(&st->first_error, err, sizeof err);
  if (st->by_share)
    snprintf(bound, sizeof bound, "on %lld of the %lld %s it decided, more than %g%% "
             "(--max-failure-share %g)", (long long)st->failed, (long long)st->decided,
             sp->items, g->max_share * 100, g->max_share);
  else
    snprintf(bound, sizeof bound, "on %lld %s in a row (--max-failures %lld)",
             (long long)st->in_a_row, sp->items, (long long)g->max_row);
  char kept[160];
  if (g->opt->dry_run)
    snprintf(kept, sizeof kept, "a dry run: nothing was changed");
  else if (!g->committed)
    snprintf(kept, sizeof kept, "nothing was committed by this run");
  else
    snprintf(kept, sizeof kept, "the chunks through %s%s%s id %lld were committed, nothing after",
             st->phase, st->phase[0] ? " " : "", sp->item, (long long)after);
  return mi_err_set(e, MI_EPOLICY,
                    "the breaker stopped %s: the policy %.160s failed %s; the first: %s; "
                    "%s; the first error: %s",
                    sp->what, sp->policy ? sp->policy : "?", bound, ids, kept, err);
}

/* ---- the loop ---------------------------------------------------------------- */

/* A store error (a full disk) ends the run in a chunk: the store's message
 * speaks of that chunk alone ("nothing was changed"), so it is told what the
 * chunks committed before it kept (issue 16: a run that had committed said
 * "nothing was changed"). */
static int chunk_error(const engine *g, mi_err *e) {
  if (g->opt->dry_run || !g->committed) return e->code;
  mi_err_kept(e, "this chunk of %s was not committed, the %lld chunks before it were (run it "
                 "again to go on from there)",
              g->spec->what, (long long)g->committed);
  return e->code;
}

static int report(engine *g, int phase, int i, mi_err *e) {
  mi_batch_failure f = {g->spec->phases ? g->spec->phases[phase] : NULL, 0, NULL, &g->why[i]};
  g->spec->ident(g->spec->ctx, i, &f.id, &f.external_id);
  if (g->status[i] == MI_BATCH_FAILED) g->sum->failed++;
  else g->sum->unreadable++;
  if (g->opt->on_failure) g->opt->on_failure(g->opt->ctx, &f);
  if (!g->failures) return 0;
  char id[24], msg[1400];
  snprintf(id, sizeof id, "%lld", (long long)f.id);
  mi_err_format(f.err, msg, sizeof msg);
  const char *row[] = {id, f.external_id, msg};
  return mi_writer_row(g->failures, row, e);
}

static void checkpoint_text(const mi_batch_spec *sp, int phase, int64_t after, char *buf,
                            size_t size) {
  if (sp->phases)
    snprintf(buf, size, "%s:%lld", sp->phases[phase], (long long)after);
  else
    snprintf(buf, size, "%lld", (long long)after);
}

/* One phase, chunk by chunk. */
/* The run's audit entry, in the transaction of its first chunk. */
static int audit_first(engine *g, const char *cp, mi_err *e) {
  const mi_batch_options *o = g->opt;
  json_t *d = o->audit_json ? json_loads(o->audit_json, 0, NULL) : NULL;
  if (!json_is_object(d)) {
    json_decref(d);
    d = json_object();
  }
  char *text = NULL;
  if (d && json_object_set_new(d, "status", json_string("running")) == 0 &&
      json_object_set_new(d, "first_checkpoint", json_string(cp)) == 0)
    text = json_dumps(d, JSON_COMPACT);
  json_decref(d);
  if (!text) return mi_err_set(e, MI_ENOMEM, "out of memory");
  int rc = mi_audit_append(g->s, o->audit_actor ? o->audit_actor : "unknown", o->audit_action,
                           o->audit_object, text, o->now, e);
  free(text);
  return rc;
}

static int phase_loop(engine *g, int phase, int64_t after, mi_err *e) {
  const mi_batch_spec *sp = g->spec;
  int dry = g->opt->dry_run;
  mi_batch_progress p = {sp->phases ? sp->phases[phase] : NULL, 0, -1, after ? -1 : 0, 0};
  if (sp->count && sp->count(sp->ctx, phase, &p.total, e)) return e->code;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    if (!dry && mi_store_begin(g->s, e)) return chunk_error(g, e);
    int n = 0, rc, audit_now = 0;
    int64_t last = after;
    rc = sp->read(sp->ctx, phase, after, g->cap, &n, &last, e);
    if (rc == 0 && n > 0) {
      breaker b = g->b;
      if (g->ready) {
        rc = decide_staged(g, phase, n, &b, e);
      } else {
        decide_chunk(g, phase, n);
        rc = walk(g, n, &b, e);
      }
      if (rc == 1) {
        if (!dry) mi_store_rollback(g->s);
        return stop_error(g, phase, after, e);
      }
      for (int i = 0; rc == 0 && i < n; i++) {
        if (g->status[i] != MI_BATCH_DECIDED) rc = report(g, phase, i, e);
        if (rc == 0) rc = sp->apply(sp->ctx, phase, i, g->status[i], e);
      }
      if (rc == 0 && sp->flush) rc = sp->flush(sp->ctx, phase, e);
      if (rc == 0) g->b = b;
    }
    if (rc == 0 && n > 0) {
      after = last;
      char cp[48];
      checkpoint_text(sp, phase, after, cp, sizeof cp);
      if (!dry && g->job_id) rc = mi_job_update(g->s, g->job_id, "running", cp, NULL, g->opt->now, e);
      /* Not "the first chunk": a run resumed at the end of a phase commits
       * an empty chunk first, and its items would go without an entry. */
      if (!dry && rc == 0 && !g->audited && g->opt->audit_action) {
        rc = audit_first(g, cp, e);
        audit_now = rc == 0;
      }
    }
    if (!dry) {
      if (rc == 0) rc = mi_store_commit(g->s, e);
      else mi_store_rollback(g->s);
    }
    if (rc) return chunk_error(g, e);
    g->committed++;
    if (audit_now) g->audited = 1;
    g->sum->items += n;
    p.done += n;
    p.elapsed = seconds_since(&t0);
    if (g->opt->progress) g->opt->progress(g->opt->ctx, &p);
    if (n < g->cap) return 0;
  }
}

/* Starts (or resumes) the job row; *phase and *after say where to go on. */
static int start(engine *g, int *phase, int64_t *after, mi_err *e) {
  const mi_batch_spec *sp = g->spec;
  char cp[48];
  if (mi_store_begin(g->s, e)) return e->code;
  if (mi_job_start(g->s, sp->job_kind, sp->job_key, g->opt->now, &g->job_id, cp, sizeof cp, e) ||
      mi_store_commit(g->s, e)) {
    mi_store_rollback(g->s);
    return e->code;
  }
  if (sp->job_id) *sp->job_id = g->job_id;
  *phase = 0;
  *after = 0;
  if (!cp[0]) return 0;
  if (!sp->phases) {
    *after = strtoll(cp, NULL, 10);
  } else {
    int found = 0;
    for (int i = 0; i < sp->nphases && !found; i++) {
      size_t n = strlen(sp->phases[i]);
      if (!strncmp(cp, sp->phases[i], n) && cp[n] == ':') {
        *phase = i;
        *after = strtoll(cp + n + 1, NULL, 10);
        found = 1;
      }
    }
    if (!found) return 0; /* not ours: start from the beginning */
  }
  snprintf(g->sum->resumed, sizeof g->sum->resumed, "%s", cp);
  g->sum->resumed_phase = *phase;
  g->sum->resumed_after = *after;
  return 0;
}

static void finish(engine *g, int rc, const mi_err *e) {
  mi_err je;
  if (mi_store_begin(g->s, &je)) return;
  if (mi_job_update(g->s, g->job_id, rc ? "failed" : "done", NULL, rc ? e->msg : NULL,
                    g->opt->now, &je) == 0)
    mi_store_commit(g->s, &je);
  else
    mi_store_rollback(g->s);
}

int mi_batch_run(mi_store *s, const mi_batch_spec *spec, const mi_batch_options *opt,
                 mi_batch_summary *sum, mi_err *e) {
  if (sum) memset(sum, 0, sizeof *sum);
  if (!s || !spec || !opt || !sum || !spec->read || !spec->decide || !spec->apply || !spec->ident ||
      !spec->what || !spec->item || !spec->items)
    return mi_err_set(e, MI_EINVAL, "a batch needs a store, options and its callbacks");
  if (spec->nworkers < 0 || spec->nworkers > MI_BATCH_MAX_WORKERS)
    return mi_err_set(e, MI_EINVAL, "between 0 and %d worker policy states", MI_BATCH_MAX_WORKERS);
  if (opt->max_failure_share < 0 || opt->max_failure_share != opt->max_failure_share)
    return mi_err_set(e, MI_EINVAL, "the failure share is a number from 0 to 1");
  int nphases = spec->phases ? spec->nphases : 1;
  engine g = {.s = s, .spec = spec, .opt = opt, .sum = sum};
  g.cap = opt->chunk > 0 ? opt->chunk : MI_BATCH_CHUNK;
  g.max_row = opt->max_failures == 0 ? MI_BATCH_MAX_FAILURES : opt->max_failures < 0 ? 0 : opt->max_failures;
  g.max_share = opt->max_failure_share == 0 ? MI_BATCH_MAX_FAILURE_SHARE : opt->max_failure_share;
  g.share_from = g.max_row ? g.max_row : MI_BATCH_MAX_FAILURES;
  g.status = malloc((size_t)g.cap);
  g.why = malloc((size_t)g.cap * sizeof *g.why);
  int rc = g.status && g.why ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  if (rc == 0 && spec->stage && spec->nworkers > 0 &&
      !(g.ready = malloc((size_t)g.cap * sizeof *g.ready)))
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  if (rc == 0 && opt->failures) {
    static const char *const cols[] = {"id", "external_id", "error"};
    rc = mi_writer_open(opt->failures, MI_FORMAT_CSV, cols, 3, &g.failures, e);
  }
  /* One batch of a kind at a time: another run's chunks must not interleave with ours. */
  int locked = 0, phase = 0;
  int64_t after = 0;
  if (rc == 0 && !opt->dry_run)
    locked = (rc = mi_store_batch_lock(s, spec->what, MI_STORE_BUSY_MS, e)) == 0;
  if (rc == 0 && !opt->dry_run && spec->job_kind) rc = start(&g, &phase, &after, e);
  for (; rc == 0 && phase < nphases; phase++, after = 0) rc = phase_loop(&g, phase, after, e);
  if (!opt->dry_run && g.job_id) finish(&g, rc, e);
  if (locked) mi_store_batch_unlock(s);
  if (g.failures) {
    mi_err we;
    if (mi_writer_close(g.failures, &we) && rc == 0) *e = we, rc = we.code;
  }
  free(g.status);
  free(g.why);
  free(g.ready);
  return rc;
}
