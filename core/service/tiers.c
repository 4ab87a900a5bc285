#include "service/tiers.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "service/customer_view.h"
#include "store/customer_facts.h"
#include "store/jobs.h"
#include "store/tiers.h"
#include "util/record_writer.h"
#include "util/timeutil.h"

/* One chunk of customers, copied out of the store's cursor so that writing
 * tiers cannot disturb the read. */
typedef struct chunk {
  mi_customer_facts *items;
  char **strings; /* six per item */
  int n, cap;
  int skipped;     /* customers of this chunk whose figures could not be computed */
  int64_t last_id; /* the last customer read (item or skipped) */
  const mi_tier_run_options *opt;
  mi_tier_run_summary *sum;
} chunk;

static void chunk_clear(chunk *c) {
  for (int i = 0; i < c->n * 6; i++) free(c->strings[i]);
  c->n = 0;
  c->skipped = 0;
}

/* A customer whose figures cannot be computed (a sum past 64 bits) is left
 * unchanged and reported like a policy failure; the others go on. */
static int skip(void *ctx, int64_t id, const char *external_id, const mi_err *why) {
  (void)external_id;
  chunk *c = ctx;
  c->skipped++;
  c->last_id = id;
  c->sum->customers++;
  c->sum->failed++;
  if (c->opt->on_failure) c->opt->on_failure(c->opt->ctx, why);
  return 0;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static int collect(void *ctx, const mi_customer_facts *f) {
  chunk *c = ctx;
  if (c->n == c->cap) return MI_ENOMEM; /* cannot happen: limit == cap */
  mi_customer_facts *d = &c->items[c->n];
  char **s = &c->strings[c->n * 6];
  *d = *f;
  c->last_id = f->id;
  const char *src[6] = {f->external_id, f->kind, f->region, f->industry, f->birthday, f->tier};
  const char **dst[6] = {&d->external_id, &d->kind, &d->region, &d->industry, &d->birthday,
                         &d->tier};
  for (int i = 0; i < 6; i++) {
    s[i] = dup_or_null(src[i]);
    if (src[i] && !s[i]) return MI_ENOMEM;
    *dst[i] = s[i];
  }
  c->n++;
  return 0;
}

static void count_transition(mi_tier_run_summary *sum, const char *from, const char *to) {
  from = from ? from : "-";
  for (int i = 0; i < sum->ntransitions; i++) {
    mi_tier_transition *t = &sum->transitions[i];
    if (!strcmp(t->from, from) && !strcmp(t->to, to)) {
      t->count++;
      return;
    }
  }
  if (sum->ntransitions == MI_TIER_MAX_TRANSITIONS) return;
  mi_tier_transition *t = &sum->transitions[sum->ntransitions++];
  snprintf(t->from, sizeof t->from, "%s", from);
  snprintf(t->to, sizeof t->to, "%s", to);
  t->count = 1;
}

typedef struct run {
  mi_store *s;
  const mi_config *cfg;
  mi_policy *policy;
  const mi_tier_run_options *opt;
  mi_tier_run_summary *sum;
  mi_writer *diff;
  int64_t job_id;
} run;

/* Decides and (unless dry-run) applies one customer. Returns 0, or a store
 * error; policy failures are reported and counted, not returned. */
/* What the policy said about one customer of the chunk. */
typedef struct verdict {
  mi_tier_decision d;
  mi_err err;
  int failed;
} verdict;

/* Decides items [from, to) of a chunk with one policy state. Runs on a worker
 * thread when --jobs asks for several: it touches only its own Lua state and
 * its own verdicts, never the store. */
typedef struct decide_range {
  mi_policy *policy;
  const mi_config *cfg;
  const chunk *c;
  verdict *out;
  int from, to;
  int64_t as_of;
} decide_range;

static void *decide(void *arg) {
  decide_range *dr = arg;
  for (int i = dr->from; i < dr->to; i++) {
    mi_view_field fields[MI_CUSTOMER_VIEW_FIELDS];
    mi_view view;
    verdict *v = &dr->out[i];
    mi_err_clear(&v->err);
    mi_customer_view_make(&dr->c->items[i], dr->as_of, fields, &view);
    v->failed = mi_policy_call_tier(dr->policy, &view, dr->cfg, &v->d, &v->err) != 0;
  }
  return NULL;
}

/* Decides the whole chunk, split over the main policy state and the workers'. */
static void decide_chunk(run *r, const chunk *c, verdict *out) {
  int nstates = 1 + r->opt->nworkers;
  decide_range ranges[1 + MI_TIER_MAX_WORKERS];
  pthread_t threads[MI_TIER_MAX_WORKERS];
  int started[MI_TIER_MAX_WORKERS] = {0};
  for (int k = 0; k < nstates; k++)
    ranges[k] = (decide_range){k == 0 ? r->policy : r->opt->workers[k - 1], r->cfg, c, out,
                               c->n * k / nstates, c->n * (k + 1) / nstates, r->opt->as_of};
  for (int k = 1; k < nstates; k++)
    started[k - 1] = pthread_create(&threads[k - 1], NULL, decide, &ranges[k]) == 0;
  decide(&ranges[0]);
  for (int k = 1; k < nstates; k++) {
    if (started[k - 1])
      pthread_join(threads[k - 1], NULL);
    else
      decide(&ranges[k]); /* no thread to be had: do it here */
  }
}

/* Applies one verdict (unless dry-run). Returns 0, or a store error; policy
 * failures are reported and counted, not returned. */
static int apply(run *r, const mi_customer_facts *f, const verdict *v, mi_err *e) {
  r->sum->customers++;
  if (v->failed) {
    r->sum->failed++;
    if (r->opt->on_failure) r->opt->on_failure(r->opt->ctx, &v->err);
    return 0;
  }
  const mi_tier_decision *d = &v->d;
  if (f->tier && !strcmp(f->tier, d->tier)) {
    r->sum->unchanged++;
    return 0;
  }
  r->sum->changed++;
  count_transition(r->sum, f->tier, d->tier);
  if (r->diff) {
    const char *row[] = {f->external_id, f->tier, d->tier, d->reason};
    if (mi_writer_row(r->diff, row, e)) return e->code;
  }
  if (r->opt->dry_run) return 0;
  int rc = mi_tier_set(r->s, f->id, d->tier, d->reason, mi_policy_path(r->policy), r->job_id,
                       r->opt->now, e);
  return rc < 0 ? rc : 0;
}

/* The job key names the moment and the policy text, so a changed policy or
 * another as-of date is a new run, and the same one resumes. */
static void job_key(const run *r, char *key, size_t size) {
  char date[21];
  mi_instant_format(r->opt->as_of, date);
  snprintf(key, size, "eval-tiers:%s:%s", date, mi_policy_digest(r->policy));
}

static int start(run *r, int64_t *after, mi_err *e) {
  char key[128], checkpoint[32];
  job_key(r, key, sizeof key);
  if (mi_store_begin(r->s, e)) return e->code;
  if (mi_job_start(r->s, "eval-tiers", key, r->opt->now, &r->job_id, checkpoint,
                   sizeof checkpoint, e) ||
      mi_store_commit(r->s, e)) {
    mi_store_rollback(r->s);
    return e->code;
  }
  *after = checkpoint[0] ? strtoll(checkpoint, NULL, 10) : 0;
  r->sum->resumed_after = *after;
  return 0;
}

static int chunk_loop(run *r, chunk *c, verdict *verdicts, int64_t after, int64_t total,
                      mi_err *e) {
  int64_t done = after ? -1 : 0; /* unknown when resuming */
  for (;;) {
    if (!r->opt->dry_run && mi_store_begin(r->s, e)) return e->code;
    chunk_clear(c);
    int rc = mi_customer_facts_each(r->s, r->opt->as_of, after, c->cap, collect, skip, c, e);
    if (rc == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory reading customers");
    if (rc == 0) decide_chunk(r, c, verdicts);
    for (int i = 0; rc == 0 && i < c->n; i++) rc = apply(r, &c->items[i], &verdicts[i], e);
    if (rc == 0 && c->n + c->skipped) {
      after = c->last_id;
      char checkpoint[32];
      snprintf(checkpoint, sizeof checkpoint, "%lld", (long long)after);
      if (!r->opt->dry_run) rc = mi_job_update(r->s, r->job_id, "running", checkpoint, NULL, r->opt->now, e);
    }
    if (!r->opt->dry_run) {
      if (rc == 0) rc = mi_store_commit(r->s, e);
      else mi_store_rollback(r->s);
    }
    if (rc) return rc;
    if (done >= 0) done += c->n + c->skipped;
    if (r->opt->progress) r->opt->progress(r->opt->ctx, done >= 0 ? done : r->sum->customers, total);
    if (c->n + c->skipped < c->cap) return 0;
  }
}

int mi_tiers_run(mi_store *s, const mi_config *cfg, mi_policy *policy,
                 const mi_tier_run_options *opt, mi_tier_run_summary *summary, mi_err *e) {
  if (!s || !cfg || !policy || !opt || !summary)
    return mi_err_set(e, MI_EINVAL, "tier run needs a store, a configuration, a policy and options");
  memset(summary, 0, sizeof *summary);
  run r = {s, cfg, policy, opt, summary, NULL, 0};
  chunk c = {.opt = opt, .sum = summary};
  c.cap = opt->chunk > 0 ? opt->chunk : 500;
  c.items = calloc((size_t)c.cap, sizeof *c.items);
  c.strings = calloc((size_t)c.cap * 6, sizeof *c.strings);
  verdict *verdicts = calloc((size_t)c.cap, sizeof *verdicts);
  int64_t after = 0, total = 0;
  int rc = c.items && c.strings && verdicts ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
  if (rc == 0 && (opt->nworkers < 0 || opt->nworkers > MI_TIER_MAX_WORKERS ||
                  (opt->nworkers && !opt->workers)))
    rc = mi_err_set(e, MI_EINVAL, "between 0 and %d worker policy states", MI_TIER_MAX_WORKERS);
  if (rc == 0 && opt->diff) {
    static const char *const cols[] = {"external_id", "old_tier", "new_tier", "reason"};
    rc = mi_writer_open(opt->diff, MI_FORMAT_CSV, cols, 4, &r.diff, e);
  }
  /* One batch at a time: another run's chunks must not interleave with ours. */
  int locked = 0;
  if (rc == 0 && !opt->dry_run)
    locked = (rc = mi_store_batch_lock(s, "eval tiers", MI_STORE_BUSY_MS, e)) == 0;
  if (rc == 0) rc = mi_customer_count(s, &total, e);
  if (rc == 0 && !opt->dry_run) rc = start(&r, &after, e);
  if (rc == 0) rc = chunk_loop(&r, &c, verdicts, after, total, e);
  if (!opt->dry_run && r.job_id) {
    mi_err je;
    if (mi_store_begin(s, &je) == 0) {
      if (mi_job_update(s, r.job_id, rc ? "failed" : "done", NULL, rc ? e->msg : NULL, opt->now, &je) == 0)
        mi_store_commit(s, &je);
      else
        mi_store_rollback(s);
    }
  }
  if (locked) mi_store_batch_unlock(s);
  if (r.diff) {
    mi_err we;
    if (mi_writer_close(r.diff, &we) && rc == 0) *e = we, rc = we.code;
  }
  chunk_clear(&c);
  free(c.items);
  free(c.strings);
  free(verdicts);
  return rc;
}

int mi_tier_explain(mi_store *s, const mi_config *cfg, mi_policy *policy,
                    const char *external_id, int64_t as_of, mi_view_field *fields,
                    mi_view *view, mi_tier_decision *decision, mi_err *e) {
  if (!s || !cfg || !policy || !external_id || !fields || !view || !decision)
    return mi_err_set(e, MI_EINVAL, "explain needs a customer");
  mi_customer_facts f;
  if (mi_customer_facts_get(s, external_id, as_of, &f, e)) return e->code;
  mi_customer_view_make(&f, as_of, fields, view);
  return mi_policy_call_tier(policy, view, cfg, decision, e);
}
