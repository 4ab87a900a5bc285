#include "service/text_coding.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/alerts.h"

#include "store/text_codes.h"
#include "util/i18n.h"

/* The alert hook after coding: the responses whose open answers were coded,
 * each with the categories of this run, handed as each is complete (the
 * texts come in response order) to a thread of its own that reads them
 * through a read connection and asks the policy while coding goes on; the
 * follow-ups open at the end, in the coding's transaction. */
enum { ASK_BATCH = 256 }; /* at most, and at least (but the last) asked at a time */

typedef struct asker {
  mi_alert_intake *in;
  int recode;
  mi_store *rs; /* the thread's read connection; NULL: no thread, asked at the end */
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t more;
  mi_alert_coded *items; /* [0, ready) complete, [taken, ready) not asked yet */
  size_t n, cap, ready, taken;
  int done, rc;
  mi_err err;
} asker;

static void *ask_thread(void *arg) {
  asker *a = arg;
  mi_alert_coded batch[ASK_BATCH];
  for (;;) {
    pthread_mutex_lock(&a->mu);
    while (a->ready - a->taken < ASK_BATCH && !a->done) pthread_cond_wait(&a->more, &a->mu);
    size_t k = a->ready - a->taken;
    if (k > ASK_BATCH) k = ASK_BATCH;
    if (k) memcpy(batch, a->items + a->taken, k * sizeof *batch);
    a->taken += k;
    pthread_mutex_unlock(&a->mu);
    if (!k) return NULL; /* done */
    if ((a->rc = mi_alert_intake_judge_coded(a->in, a->rs, batch, k, a->recode, &a->err))) return NULL;
  }
}

/* The response whose categories text t adds to: a new item once t is of
 * the next response (the last one is then complete); -1 out of memory. */
static int ask_note(asker *a, const mi_text_item *t, const char *const *codes, size_t ncodes) {
  pthread_mutex_lock(&a->mu);
  int rc = 0;
  if (!a->n || a->items[a->n - 1].id != t->response_id) {
    a->ready = a->n;
    if (a->n == a->cap) {
      size_t cap = a->cap ? 2 * a->cap : 1024;
      mi_alert_coded *grown = realloc(a->items, cap * sizeof *grown);
      if (!grown) rc = -1;
      else a->items = grown, a->cap = cap;
    }
    if (!rc) a->items[a->n++] = (mi_alert_coded){.id = t->response_id};
    if (a->ready - a->taken == ASK_BATCH) pthread_cond_signal(&a->more);
  }
  for (size_t i = 0; !rc && i < ncodes; i++)
    mi_alert_category_add(a->items[a->n - 1].categories, sizeof a->items[a->n - 1].categories,
                          codes[i]);
  pthread_mutex_unlock(&a->mu);
  return rc;
}

static void ask_start(asker *a, mi_store *s) {
  pthread_mutex_init(&a->mu, NULL);
  pthread_cond_init(&a->more, NULL);
  if ((a->rs = mi_store_reader(s)) && pthread_create(&a->thread, NULL, ask_thread, a)) {
    mi_store_reader_close(a->rs);
    a->rs = NULL;
  }
}

/* Ends the asking and opens the follow-ups decided, in s's transaction. */
static int ask_finish(asker *a, mi_store *s, int coded_ok, mi_err *e) {
  pthread_mutex_lock(&a->mu);
  a->ready = a->n, a->done = 1;
  pthread_cond_signal(&a->more);
  pthread_mutex_unlock(&a->mu);
  int rc = 0;
  if (a->rs) {
    pthread_join(a->thread, NULL);
    mi_store_reader_close(a->rs);
    if ((rc = a->rc)) *e = a->err;
  } else if (coded_ok) { /* no thread: asked now, through the writing connection */
    rc = mi_alert_intake_judge_coded(a->in, s, a->items, a->n, a->recode, e);
  }
  if (rc == 0 && coded_ok) rc = mi_alert_intake_open_judged(a->in, s, e);
  free(a->items);
  pthread_mutex_destroy(&a->mu);
  pthread_cond_destroy(&a->more);
  return rc;
}

typedef struct run {
  mi_store *s;
  mi_policy *policy;
  int64_t now;
  void (*on_failure)(void *, const char *, const mi_err *);
  void *ctx;
  mi_coding_summary *sum;
  mi_err *e;
  asker *ask; /* NULL: no alert hook */
} run;

static int one(void *ud, const mi_text_item *t) {
  run *r = ud;
  mi_view_field f[] = {
      {.name = "text", .type = MI_VIEW_STR, .s = t->text},
      {.name = "source", .type = MI_VIEW_STR, .s = t->source},
      t->question ? (mi_view_field){.name = "question", .type = MI_VIEW_STR, .s = t->question}
                  : (mi_view_field){.name = "question", .type = MI_VIEW_NIL},
  };
  mi_view v = {.kind = "text", .id = t->source, .fields = f, .nfields = 3};
  mi_code_decision d;
  mi_err pe = {0};
  r->sum->texts++;
  if (mi_policy_call_code(r->policy, &v, &d, &pe)) {
    char what[80];
    if (t->ticket_id)
      snprintf(what, sizeof what, _("complaint ticket row %lld"), (long long)t->ticket_id);
    else snprintf(what, sizeof what, _("response row %lld, question %s"), (long long)t->response_id,
                  t->question ? t->question : "?");
    r->sum->failed++;
    if (r->on_failure) r->on_failure(r->ctx, what, &pe);
    return 0;
  }
  const char *codes[MI_CODE_MAX];
  for (size_t i = 0; i < d.ncodes; i++) codes[i] = d.codes[i];
  int rc = mi_text_code_put(r->s, t, codes, d.ncodes, r->now, r->e);
  if (!rc) d.ncodes ? r->sum->coded++ : r->sum->uncategorised++;
  if (!rc && t->response_id && r->ask && ask_note(r->ask, t, codes, d.ncodes))
    rc = mi_err_set(r->e, MI_ENOMEM, "out of memory");
  return rc;
}

int mi_texts_code(mi_store *s, mi_policy *coding, const char *survey, int complaints, int recode,
                  int64_t now, void (*on_failure)(void *ctx, const char *what, const mi_err *err),
                  void *ctx, struct mi_alert_intake *alerts, mi_coding_summary *sum, mi_err *e) {
  memset(sum, 0, sizeof *sum);
  asker ask = {.in = alerts, .recode = recode};
  run r = {s, coding, now, on_failure, ctx, sum, e, alerts ? &ask : NULL};
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  if (alerts) ask_start(&ask, s); /* its snapshot: before any text is coded */
  mi_policy_track_lines(coding, 0); /* one call a text: no line of each return */
  rc = mi_text_uncoded(s, survey, complaints, recode, one, &r, e);
  mi_policy_track_lines(coding, 1);
  if (alerts) {
    mi_err ae = {0};
    int arc = ask_finish(&ask, s, rc == 0, &ae);
    if (rc == 0 && arc) *e = ae, rc = arc;
  }
  if (rc) {
    mi_store_rollback(s);
    return rc;
  }
  return mi_store_commit(s, e);
}

json_t *mi_code_pareto(const mi_code_count *c, size_t n) {
  json_t *arr = json_array();
  int64_t total = 0, sofar = 0;
  for (size_t i = 0; i < n; i++) total += c[i].count;
  for (size_t i = 0; i < n; i++) {
    sofar += c[i].count;
    json_array_append_new(arr, json_pack("{s:s, s:I, s:f, s:f}", "category", c[i].category,
                                         "count", (json_int_t)c[i].count, "share",
                                         (double)c[i].count / (double)total, "cumulative",
                                         (double)sofar / (double)total));
  }
  return arr;
}
