#include "service/tiers.h"

#include <stdlib.h>
#include <string.h>

#include "service/customer_view.h"
#include "service/facts_chunk.h"
#include "store/customer_facts.h"
#include "store/jobs.h"
#include "store/tiers.h"
#include "util/record_writer.h"
#include "util/timeutil.h"

typedef struct run {
  mi_store *s;
  const mi_config *cfg;
  mi_policy *policy;
  const mi_tier_run_options *opt;
  mi_tier_run_summary *sum;
  mi_writer *diff;
  int64_t job_id;
  /* One chunk of customers with their figures, from the streaming pass
   * (store/customer_facts.c), and the policy's decision on each. */
  mi_facts_chunk chunk;
  mi_tier_decision *d;
  /* The chunk's changes, stored together by b_flush (apply gathers them;
   * with workers, b_stage does, and stores them by the STAGE_WRITE while
   * the policy calls go on); the first `written` of them are stored. */
  mi_tier_change *changes;
  int nchanges, written, staged;
} run;

enum { STAGE_WRITE = 128 }; /* changes stored together while a chunk is decided */

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

/* ---- the engine's callbacks ----------------------------------------------- */

static int b_count(void *ctx, int phase, int64_t *total, mi_err *e) {
  (void)phase;
  run *r = ctx;
  return mi_customer_count(r->s, total, e);
}

static int b_read(void *ctx, int phase, int64_t after, int limit, int *n, int64_t *last,
                  mi_err *e) {
  (void)phase;
  run *r = ctx;
  mi_facts_chunk_clear(&r->chunk);
  r->nchanges = r->written = r->staged = 0; /* what a rolled-back chunk gathered is gone with it */
  int rc = mi_customer_facts_each(r->s, r->opt->as_of, after, limit, mi_facts_chunk_add,
                                  mi_facts_chunk_add_unreadable, &r->chunk, e);
  if (rc == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory reading customers");
  *n = r->chunk.n;
  if (r->chunk.n) *last = r->chunk.items[r->chunk.n - 1].f.id;
  return rc;
}

/* Runs on a worker thread when --jobs asks for several states: it touches
 * only its state and its item, never the store. */
static int b_decide(void *ctx, int phase, int i, int state, mi_err *why) {
  (void)phase;
  run *r = ctx;
  const mi_facts_item *it = &r->chunk.items[i];
  if (it->unreadable) {
    *why = *it->unreadable;
    return MI_BATCH_UNREADABLE;
  }
  mi_policy *p = state == 0 ? r->policy : r->opt->workers[state - 1];
  mi_view_field fields[MI_CUSTOMER_VIEW_FIELDS];
  mi_view view;
  mi_customer_view_make(&it->f, r->opt->as_of, fields, &view);
  memset(&r->d[i], 0, sizeof r->d[i]);
  return mi_policy_call_tier(p, &view, r->cfg, &r->d[i], why) ? MI_BATCH_FAILED : MI_BATCH_DECIDED;
}

/* Counts one customer and (unless dry-run) stores its change of tier. */
static int b_apply(void *ctx, int phase, int i, int status, mi_err *e) {
  (void)phase;
  run *r = ctx;
  const mi_customer_facts *f = &r->chunk.items[i].f;
  const mi_tier_decision *d = &r->d[i];
  r->sum->customers++;
  if (status != MI_BATCH_DECIDED) {
    r->sum->failed++;
    return 0;
  }
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
  if (r->opt->batch.dry_run || r->staged) return 0;
  /* f->tier was read in this transaction: it is the tier being replaced. */
  r->changes[r->nchanges++] = (mi_tier_change){f->id, f->tier, d->tier, d->reason};
  return 0;
}

static int write_changes(run *r, mi_err *e) {
  int from = r->written;
  r->written = r->nchanges;
  return mi_tier_set_many(r->s, r->changes + from, r->nchanges - from, mi_policy_path(r->policy),
                          r->job_id, r->opt->batch.now, e);
}

/* With workers: item i is decided and counted by the breaker; its change is
 * gathered and stored with others while later items are decided. */
static int b_stage(void *ctx, int phase, int i, mi_err *e) {
  (void)phase;
  run *r = ctx;
  const mi_customer_facts *f = &r->chunk.items[i].f;
  const mi_tier_decision *d = &r->d[i];
  r->staged = 1;
  if (r->opt->batch.dry_run || (f->tier && !strcmp(f->tier, d->tier))) return 0;
  r->changes[r->nchanges++] = (mi_tier_change){f->id, f->tier, d->tier, d->reason};
  return r->nchanges - r->written >= STAGE_WRITE ? write_changes(r, e) : 0;
}

static int b_flush(void *ctx, int phase, mi_err *e) {
  (void)phase;
  run *r = ctx;
  int rc = write_changes(r, e);
  r->nchanges = r->written = 0;
  return rc;
}

static void b_ident(void *ctx, int i, int64_t *id, const char **external_id) {
  run *r = ctx;
  *id = r->chunk.items[i].f.id;
  *external_id = r->chunk.items[i].f.external_id;
}

int mi_tiers_run(mi_store *s, const mi_config *cfg, mi_policy *policy,
                 const mi_tier_run_options *opt, mi_tier_run_summary *summary, mi_err *e) {
  if (!s || !cfg || !policy || !opt || !summary)
    return mi_err_set(e, MI_EINVAL, "tier run needs a store, a configuration, a policy and options");
  memset(summary, 0, sizeof *summary);
  if (opt->nworkers < 0 || opt->nworkers > MI_TIER_MAX_WORKERS || (opt->nworkers && !opt->workers))
    return mi_err_set(e, MI_EINVAL, "between 0 and %d worker policy states", MI_TIER_MAX_WORKERS);
  run r = {.s = s, .cfg = cfg, .policy = policy, .opt = opt, .sum = summary};
  int cap = opt->batch.chunk > 0 ? opt->batch.chunk : MI_BATCH_CHUNK;
  int rc = mi_facts_chunk_init(&r.chunk, cap, e);
  if (rc == 0 && (!(r.d = calloc((size_t)cap, sizeof *r.d)) ||
                  !(r.changes = calloc((size_t)cap, sizeof *r.changes))))
    rc = mi_err_set(e, MI_ENOMEM, "out of memory");
  if (rc == 0 && opt->diff) {
    static const char *const cols[] = {"external_id", "old_tier", "new_tier", "reason"};
    rc = mi_writer_open(opt->diff, MI_FORMAT_CSV, cols, 4, &r.diff, e);
  }
  /* The job key names the moment and the policy text, so a changed policy or
   * another as-of date is a new run, and the same one resumes. */
  char key[128], date[21];
  mi_instant_format(opt->as_of, date);
  snprintf(key, sizeof key, "eval-tiers:%s:%s", date, mi_policy_digest(policy));
  mi_batch_spec spec = {.what = "eval tiers", .job_kind = "eval-tiers", .job_key = key,
                        .item = "customer", .items = "customers",
                        .policy = mi_policy_path(policy), .nworkers = opt->nworkers, .ctx = &r,
                        .job_id = &r.job_id, /* the history names the job */
                        .count = b_count, .read = b_read, .decide = b_decide, .apply = b_apply,
                        .flush = b_flush, .stage = b_stage, .ident = b_ident};
  mi_batch_options bo = opt->batch;
  bo.chunk = cap;
  mi_batch_summary bs;
  /* No line of each return to note: the batch keeps none (policy.h). */
  mi_policy_track_lines(policy, 0);
  for (int k = 0; k < opt->nworkers; k++) mi_policy_track_lines(opt->workers[k], 0);
  /* Every value written is checked before (the tier is one of the
   * configuration, the reason 1..500 bytes, the old tier another, the
   * customer and the job read in the same transaction), so SQLite's CHECK
   * and foreign-key checks are off for the run, as for an import. */
  int prechecked = 0;
  if (rc == 0 && !opt->batch.dry_run) prechecked = (rc = mi_store_prechecked(s, 1, e)) == 0;
  if (rc == 0) {
    rc = mi_batch_run(s, &spec, &bo, &bs, e);
    summary->resumed_after = bs.resumed_after;
    summary->stop = bs.stop;
  }
  if (prechecked) {
    mi_err pe;
    if (mi_store_prechecked(s, 0, &pe) && rc == 0) *e = pe, rc = pe.code;
  }
  if (r.diff) {
    mi_err we;
    if (mi_writer_close(r.diff, &we) && rc == 0) *e = we, rc = we.code;
  }
  mi_policy_track_lines(policy, 1);
  for (int k = 0; k < opt->nworkers; k++) mi_policy_track_lines(opt->workers[k], 1);
  mi_facts_chunk_free(&r.chunk);
  free(r.d);
  free(r.changes);
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
