#include "service/tiers.h"

#include <stdlib.h>
#include <string.h>

#include "service/customer_view.h"
#include "store/customer_facts.h"
#include "store/jobs.h"
#include "store/tiers.h"
#include "util/record_writer.h"
#include "util/timeutil.h"

/* One chunk of customers, copied out of the store's cursor so that writing
 * tiers cannot disturb the read. A customer whose figures cannot be computed
 * (a sum past 64 bits) is an item too, with why it is unreadable. */
typedef struct item {
  mi_customer_facts f;
  char *strings[6];
  mi_err *unreadable; /* NULL: its figures were read */
  mi_tier_decision d;
} item;

typedef struct run {
  mi_store *s;
  const mi_config *cfg;
  mi_policy *policy;
  const mi_tier_run_options *opt;
  mi_tier_run_summary *sum;
  mi_writer *diff;
  int64_t job_id;
  item *items;
  int n, cap;
} run;

static void chunk_clear(run *r) {
  for (int i = 0; i < r->n; i++) {
    for (int k = 0; k < 6; k++) free(r->items[i].strings[k]);
    free(r->items[i].unreadable);
  }
  memset(r->items, 0, (size_t)r->cap * sizeof *r->items);
  r->n = 0;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static int keep(item *it, const mi_customer_facts *f) {
  it->f = *f;
  const char *src[6] = {f->external_id, f->kind, f->region, f->industry, f->birthday, f->tier};
  const char **dst[6] = {&it->f.external_id, &it->f.kind, &it->f.region, &it->f.industry,
                         &it->f.birthday, &it->f.tier};
  for (int i = 0; i < 6; i++) {
    it->strings[i] = dup_or_null(src[i]);
    if (src[i] && !it->strings[i]) return MI_ENOMEM;
    *dst[i] = it->strings[i];
  }
  return 0;
}

static int collect(void *ctx, const mi_customer_facts *f) {
  run *r = ctx;
  if (r->n == r->cap) return MI_ENOMEM; /* cannot happen: limit == cap */
  return keep(&r->items[r->n++], f);
}

/* A customer whose figures cannot be computed is left unchanged and reported
 * like a policy failure; the others go on. */
static int skip(void *ctx, int64_t id, const char *external_id, const mi_err *why) {
  run *r = ctx;
  if (r->n == r->cap) return MI_ENOMEM;
  item *it = &r->items[r->n++];
  mi_customer_facts f = {.id = id, .external_id = external_id};
  it->unreadable = malloc(sizeof *it->unreadable);
  if (!it->unreadable) return MI_ENOMEM;
  *it->unreadable = *why;
  return keep(it, &f);
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
  chunk_clear(r);
  int rc = mi_customer_facts_each(r->s, r->opt->as_of, after, limit, collect, skip, r, e);
  if (rc == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory reading customers");
  *n = r->n;
  if (r->n) *last = r->items[r->n - 1].f.id;
  return rc;
}

/* Runs on a worker thread when --jobs asks for several states: it touches
 * only its state and its item, never the store. */
static int b_decide(void *ctx, int phase, int i, int state, mi_err *why) {
  (void)phase;
  run *r = ctx;
  item *it = &r->items[i];
  if (it->unreadable) {
    *why = *it->unreadable;
    return MI_BATCH_UNREADABLE;
  }
  mi_policy *p = state == 0 ? r->policy : r->opt->workers[state - 1];
  mi_view_field fields[MI_CUSTOMER_VIEW_FIELDS];
  mi_view view;
  mi_customer_view_make(&it->f, r->opt->as_of, fields, &view);
  return mi_policy_call_tier(p, &view, r->cfg, &it->d, why) ? MI_BATCH_FAILED : MI_BATCH_DECIDED;
}

/* Counts one customer and (unless dry-run) stores its change of tier. */
static int b_apply(void *ctx, int phase, int i, int status, mi_err *e) {
  (void)phase;
  run *r = ctx;
  const mi_customer_facts *f = &r->items[i].f;
  const mi_tier_decision *d = &r->items[i].d;
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
  if (r->opt->batch.dry_run) return 0;
  int rc = mi_tier_set(r->s, f->id, d->tier, d->reason, mi_policy_path(r->policy), r->job_id,
                       r->opt->batch.now, e);
  return rc < 0 ? rc : 0;
}

static void b_ident(void *ctx, int i, int64_t *id, const char **external_id) {
  run *r = ctx;
  *id = r->items[i].f.id;
  *external_id = r->items[i].f.external_id;
}

int mi_tiers_run(mi_store *s, const mi_config *cfg, mi_policy *policy,
                 const mi_tier_run_options *opt, mi_tier_run_summary *summary, mi_err *e) {
  if (!s || !cfg || !policy || !opt || !summary)
    return mi_err_set(e, MI_EINVAL, "tier run needs a store, a configuration, a policy and options");
  memset(summary, 0, sizeof *summary);
  if (opt->nworkers < 0 || opt->nworkers > MI_TIER_MAX_WORKERS || (opt->nworkers && !opt->workers))
    return mi_err_set(e, MI_EINVAL, "between 0 and %d worker policy states", MI_TIER_MAX_WORKERS);
  run r = {.s = s, .cfg = cfg, .policy = policy, .opt = opt, .sum = summary};
  r.cap = opt->batch.chunk > 0 ? opt->batch.chunk : MI_BATCH_CHUNK;
  r.items = calloc((size_t)r.cap, sizeof *r.items);
  int rc = r.items ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory");
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
                        .ident = b_ident};
  mi_batch_options bo = opt->batch;
  bo.chunk = r.cap;
  mi_batch_summary bs;
  if (rc == 0) {
    rc = mi_batch_run(s, &spec, &bo, &bs, e);
    summary->resumed_after = bs.resumed_after;
    summary->stop = bs.stop;
  }
  if (r.diff) {
    mi_err we;
    if (mi_writer_close(r.diff, &we) && rc == 0) *e = we, rc = we.code;
  }
  if (r.items) chunk_clear(&r);
  free(r.items);
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
