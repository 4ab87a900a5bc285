/* The alert hook (alerts.h): the views of a response, the follow-up it
 * opens, eval alerts as a batch and the hook at intake. The batch's read()
 * takes a chunk of responses with what the policy sees of each
 * (store/alerts.c), decide() builds the three views in the state's own
 * buffers and calls the hook (on worker threads with --jobs: no store
 * there), apply() opens the follow-ups in the chunk's transaction and
 * flush() moves the mark. */
#include "service/alerts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "service/tickets.h"
#include "store/alerts.h"
#include "store/departments.h"
#include "store/tickets.h"
#include "util/textset.h"
#include "util/timeutil.h"

/* What one policy state builds its views in. */
typedef struct scratch {
  mi_view_field answer_f[MI_ALERT_MAX_ANSWERS + 8];
  mi_view answers;
  mi_view_field response_f[7], customer_f[4], ticket_f[5];
  mi_view response, customer, ticket;
  char submitted[21];
} scratch;

/* What opening a follow-up needs: where, by which policy, when, and the
 * number of the next ticket id (0: not looked up yet). */
typedef struct opener {
  mi_store *s;
  const mi_config *cfg;
  const char *digest;
  int64_t now;
  int64_t next_ticket;
} opener;

typedef struct run {
  mi_store *s;
  const mi_config *cfg;
  mi_policy *policy;
  const mi_alert_run_options *opt;
  mi_alert_run_summary *sum;
  int64_t from; /* the mark (0 with rescan) */
  mi_alert_question *q;
  size_t nq;
  mi_alert_row *rows;
  int n;
  mi_alert_decision *d;
  scratch *sc; /* 1 + nworkers */
  int64_t last;
  opener open;
} run;

/* The questions of survey version sid: q[*first .. *first + *count). */
static void questions_of(const mi_alert_question *q, size_t nq, int64_t sid, size_t *first,
                         size_t *count) {
  size_t lo = 0, hi = nq;
  while (lo < hi) { /* the first with survey_id >= sid */
    size_t mid = (lo + hi) / 2;
    if (q[mid].survey_id < sid) lo = mid + 1;
    else hi = mid;
  }
  size_t end = lo;
  while (end < nq && q[end].survey_id == sid) end++;
  *first = lo;
  *count = end - lo;
}

static mi_view_field text_or_nil(const char *name, const char *s) {
  return *s ? (mi_view_field){.name = name, .type = MI_VIEW_STR, .s = s}
            : (mi_view_field){.name = name, .type = MI_VIEW_NIL};
}

/* The views of row into sc: response (with its answers), customer, ticket
 * (NULL when the response followed none). */
static const mi_view *make_views(const mi_alert_question *qs, size_t nq, const mi_alert_row *row,
                                 scratch *sc) {
  size_t first, count;
  questions_of(qs, nq, row->survey_id, &first, &count);
  if (count > MI_ALERT_MAX_ANSWERS + 8) count = MI_ALERT_MAX_ANSWERS + 8;
  const char *survey = count ? qs[first].survey : "";
  int next = 0; /* the answers come mostly in the questions' order: try the next one first */
  for (size_t k = 0; k < count; k++) {
    const mi_alert_question *q = &qs[first + k];
    mi_view_field *f = &sc->answer_f[k];
    *f = (mi_view_field){.name = q->code, .type = MI_VIEW_NIL};
    for (int n = 0; n < row->nanswers; n++) {
      int j = (next + n) % row->nanswers;
      const mi_alert_answer *a = &row->answers[j];
      if (a->question_id != q->id) continue;
      next = j + 1;
      if (a->text) *f = (mi_view_field){.name = q->code, .type = MI_VIEW_STR, .s = a->text};
      else if (a->value == floor(a->value) && fabs(a->value) < 1e15)
        *f = (mi_view_field){.name = q->code, .type = MI_VIEW_INT, .i = (int64_t)a->value};
      else *f = (mi_view_field){.name = q->code, .type = MI_VIEW_NUM, .d = a->value};
      break;
    }
  }
  sc->answers = (mi_view){.kind = "answers", .id = row->external_id, .fields = sc->answer_f,
                          .nfields = count};
  mi_instant_format(row->submitted_at, sc->submitted);
  sc->response_f[0] = (mi_view_field){.name = "external_id", .type = MI_VIEW_STR, .s = row->external_id};
  sc->response_f[1] = (mi_view_field){.name = "survey", .type = MI_VIEW_STR, .s = survey};
  sc->response_f[2] = (mi_view_field){.name = "submitted_at", .type = MI_VIEW_STR, .s = sc->submitted};
  sc->response_f[3] = text_or_nil("channel", row->channel);
  sc->response_f[4] = (mi_view_field){.name = "answers", .type = MI_VIEW_RECORD, .list = &sc->answers, .nlist = 1};
  sc->response_f[5] = (mi_view_field){.name = "categories", .type = MI_VIEW_STR, .s = row->categories};
  sc->response_f[6] = (mi_view_field){.name = "coded", .type = MI_VIEW_BOOL, .i = row->coded};
  sc->response = (mi_view){.kind = "response", .id = row->external_id, .fields = sc->response_f, .nfields = 7};
  sc->customer_f[0] = (mi_view_field){.name = "external_id", .type = MI_VIEW_STR, .s = row->customer};
  sc->customer_f[1] = (mi_view_field){.name = "kind", .type = MI_VIEW_STR, .s = row->customer_kind};
  sc->customer_f[2] = text_or_nil("region", row->customer_region);
  sc->customer_f[3] = text_or_nil("tier", row->customer_tier);
  sc->customer = (mi_view){.kind = "customer", .id = row->customer, .fields = sc->customer_f, .nfields = 4};
  if (!*row->ticket) return NULL;
  sc->ticket_f[0] = (mi_view_field){.name = "external_id", .type = MI_VIEW_STR, .s = row->ticket};
  sc->ticket_f[1] = (mi_view_field){.name = "kind", .type = MI_VIEW_STR, .s = row->ticket_kind};
  sc->ticket_f[2] = (mi_view_field){.name = "category", .type = MI_VIEW_STR, .s = row->ticket_category};
  sc->ticket_f[3] = text_or_nil("department", row->ticket_department);
  sc->ticket_f[4] = (mi_view_field){.name = "status", .type = MI_VIEW_STR, .s = row->ticket_status};
  sc->ticket = (mi_view){.kind = "ticket", .id = row->ticket, .fields = sc->ticket_f, .nfields = 5};
  return &sc->ticket;
}

/* ---- the engine's callbacks ----------------------------------------------- */

static int b_count(void *ctx, int phase, int64_t *total, mi_err *e) {
  (void)phase;
  run *r = ctx;
  return mi_alert_count(r->s, 0, r->from, total, e);
}

static int b_read(void *ctx, int phase, int64_t after, int limit, int *n, int64_t *last, mi_err *e) {
  (void)phase;
  run *r = ctx;
  mi_alert_rows_free(r->rows, r->n);
  r->n = 0;
  int rc = mi_alert_read(r->s, 0, after > r->from ? after : r->from, limit, r->rows, &r->n, e);
  *n = r->n;
  if (r->n) *last = r->last = r->rows[r->n - 1].id;
  return rc;
}

static int b_decide(void *ctx, int phase, int i, int state, mi_err *why) {
  (void)phase;
  run *r = ctx;
  const mi_alert_row *row = &r->rows[i];
  if (row->has_followup) { /* never a second one */
    memset(&r->d[i], 0, sizeof r->d[i]);
    return MI_BATCH_DECIDED;
  }
  mi_policy *p = state == 0 ? r->policy : r->opt->workers[state - 1];
  scratch *sc = &r->sc[state];
  const mi_view *ticket = make_views(r->q, r->nq, row, sc);
  return mi_policy_call_alert(p, &sc->response, &sc->customer, ticket, r->cfg, &r->d[i], why)
             ? MI_BATCH_FAILED
             : MI_BATCH_DECIDED;
}

/* The ticket's channel: the response's when it is a configured channel,
 * else phone (a call-back), else the first configured one. */
static const char *channel_of(const mi_config *cfg, const char *response_channel) {
  if (*response_channel && mi_config_find_label(cfg, MI_CONFIG_LIST_CHANNEL, response_channel))
    return response_channel;
  if (mi_config_find_label(cfg, MI_CONFIG_LIST_CHANNEL, "phone")) return "phone";
  return cfg->nchannels ? cfg->channels[0].code : "phone";
}

/* The next free T0000123: looked up once a run (the look-up reads every
 * ticket's id), then counted on; an id someone else took meanwhile
 * (`ticket open` does not wait for the batch lock) is looked up again. */
static int next_ticket(opener *o, int again, char *ticket, size_t size, mi_err *e) {
  if (!o->next_ticket || again) {
    int rc = mi_ticket_next_id(o->s, ticket, size, e);
    if (rc) return rc;
    o->next_ticket = strtoll(ticket + 1, NULL, 10);
  }
  snprintf(ticket, size, "T%07lld", (long long)o->next_ticket++);
  return 0;
}

/* Opens the follow-up of response id (external_id, of customer_id, come
 * by channel, "" if not known) as decided, in the open transaction. */
static int open_followup(opener *o, int64_t id, const char *external_id, int64_t customer_id,
                         const char *channel, const mi_alert_decision *d, char *ticket, size_t size,
                         mi_err *e) {
  int rc;
  char subject[1001];
  snprintf(subject, sizeof subject, "Follow-up of survey response %s: %s", external_id, d->reason);
  mi_ticket t = {.external_id = ticket, .customer_id = customer_id, .kind = d->kind,
                 .category = d->category, .severity = d->severity,
                 .channel = channel_of(o->cfg, channel), .priority = d->priority,
                 .status = "new", .opened_at = o->now, .subject = subject};
  int64_t tid;
  if ((rc = mi_department_id(o->s, d->department, &t.department_id, e)) ||
      (rc = next_ticket(o, 0, ticket, size, e)))
    return rc;
  rc = mi_ticket_insert(o->s, &t, &tid, e);
  if (rc == MI_EEXIST && !(rc = next_ticket(o, 1, ticket, size, e)))
    rc = mi_ticket_insert(o->s, &t, &tid, e);
  if (rc) return rc;
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i}", "response", external_id, "reason", d->reason,
                        "policy", o->digest, "department", d->department, "priority", d->priority);
  char *detail = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  if (!detail) return mi_err_set(e, MI_ENOMEM, "out of memory");
  rc = mi_ticket_event_add(o->s, tid, o->now, "opened", "policy:alert", NULL, "new", detail, e);
  free(detail);
  if (rc || (rc = mi_ticket_stage_start(o->s, o->cfg, tid, d->kind, "policy:alert", o->now, e)))
    return rc;
  rc = mi_alert_link(o->s, id, tid, d->reason, o->digest, o->now, e);
  if (rc) mi_err_prefix(e, "opening the follow-up of response %s", external_id);
  return rc;
}

/* Notes a follow-up among the first ones shown. */
static void show(mi_alert_opened *shown, int *nshown, const char *response, const char *ticket,
                 const mi_alert_decision *d) {
  if (*nshown >= MI_ALERT_SHOWN) return;
  mi_alert_opened *o = &shown[(*nshown)++];
  snprintf(o->response, sizeof o->response, "%s", response);
  snprintf(o->ticket, sizeof o->ticket, "%s", ticket);
  snprintf(o->department, sizeof o->department, "%s", d->department);
  snprintf(o->kind, sizeof o->kind, "%s", d->kind);
  snprintf(o->reason, sizeof o->reason, "%s", d->reason);
}

static int b_apply(void *ctx, int phase, int i, int status, mi_err *e) {
  (void)phase;
  run *r = ctx;
  const mi_alert_row *row = &r->rows[i];
  const mi_alert_decision *d = &r->d[i];
  mi_alert_run_summary *sum = r->sum;
  sum->responses++;
  if (status != MI_BATCH_DECIDED) {
    sum->failed++;
    return 0;
  }
  if (row->has_followup) {
    sum->skipped++;
    return 0;
  }
  if (!d->open) {
    sum->none++;
    return 0;
  }
  char ticket[65] = "-";
  if (!r->opt->batch.dry_run) {
    int rc = open_followup(&r->open, row->id, row->external_id, row->customer_id, row->channel, d,
                           ticket, sizeof ticket, e);
    if (rc) return rc;
  }
  sum->opened++;
  show(sum->shown, &sum->nshown, row->external_id, ticket, d);
  return 0;
}

static int b_flush(void *ctx, int phase, mi_err *e) {
  (void)phase;
  run *r = ctx;
  if (r->opt->batch.dry_run || !r->n) return 0;
  return mi_alert_mark_set(r->s, r->last, r->opt->batch.now, e);
}

static void b_ident(void *ctx, int i, int64_t *id, const char **external_id) {
  run *r = ctx;
  *id = r->rows[i].id;
  *external_id = r->rows[i].external_id;
}

int mi_alerts_run(mi_store *s, const mi_config *cfg, mi_policy *policy,
                  const mi_alert_run_options *opt, mi_alert_run_summary *summary, mi_err *e) {
  if (!s || !cfg || !policy || !opt || !summary)
    return mi_err_set(e, MI_EINVAL, "eval alerts needs a store, a configuration, a policy and options");
  memset(summary, 0, sizeof *summary);
  if (opt->nworkers < 0 || opt->nworkers > MI_ALERT_MAX_WORKERS || (opt->nworkers && !opt->workers))
    return mi_err_set(e, MI_EINVAL, "between 0 and %d worker policy states", MI_ALERT_MAX_WORKERS);
  run r = {.s = s, .cfg = cfg, .policy = policy, .opt = opt, .sum = summary,
           .open = {.s = s, .cfg = cfg, .digest = mi_policy_digest(policy), .now = opt->batch.now}};
  int cap = opt->batch.chunk > 0 ? opt->batch.chunk : 2000;
  int rc = 0;
  if (!opt->rescan) rc = mi_alert_mark_get(s, &r.from, e);
  summary->after = r.from;
  if (rc == 0) rc = mi_alert_questions(s, &r.q, &r.nq, e);
  if (rc == 0 && (!(r.rows = calloc((size_t)cap, sizeof *r.rows)) ||
                  !(r.d = calloc((size_t)cap, sizeof *r.d)) ||
                  !(r.sc = calloc((size_t)opt->nworkers + 1, sizeof *r.sc))))
    rc = mi_err_set(e, MI_ENOMEM, "out of memory for a chunk of %d responses (--chunk)", cap);
  mi_batch_spec spec = {.what = "eval alerts", .job_kind = "eval-alerts",
                        .job_key = opt->rescan ? "eval-alerts:rescan" : "eval-alerts",
                        .item = "response", .items = "responses", .policy = mi_policy_path(policy),
                        .nworkers = opt->nworkers, .ctx = &r, .count = b_count, .read = b_read,
                        .decide = b_decide, .apply = b_apply, .flush = b_flush, .ident = b_ident};
  mi_batch_options bo = opt->batch;
  bo.chunk = cap;
  mi_batch_summary bs;
  /* No line of each return to note: the batch keeps none (policy.h). */
  mi_policy_track_lines(policy, 0);
  for (int k = 0; k < opt->nworkers; k++) mi_policy_track_lines(opt->workers[k], 0);
  if (rc == 0) {
    rc = mi_batch_run(s, &spec, &bo, &bs, e);
    summary->stop = bs.stop;
  }
  mi_policy_track_lines(policy, 1);
  for (int k = 0; k < opt->nworkers; k++) mi_policy_track_lines(opt->workers[k], 1);
  mi_alert_rows_free(r.rows, r.n);
  free(r.rows);
  free(r.d);
  free(r.sc);
  free(r.q);
  return rc;
}

/* ---- the hook at intake ----------------------------------------------------- */

enum {
  INTAKE_CHUNK = 256,         /* responses survey code reads at a time */
  CUSTOMER_SLOTS = 1 << 17    /* customers the import keeps (a customer answers often) */
};

/* A customer's kind, region and tier, each text kept once in values. */
typedef struct known_customer {
  int64_t id; /* 0: empty */
  const char *kind, *region, *tier;
} known_customer;

struct mi_alert_intake {
  const mi_config *cfg;
  mi_policy *policy;
  int max_failures;
  /* the deciding thread's */
  mi_alert_question *q;
  size_t nq;
  int have_questions;
  scratch sc;
  mi_alert_row *rows; /* INTAKE_CHUNK of them, made at the first use */
  known_customer *customers; /* CUSTOMER_SLOTS, by id modulo: bounded */
  mi_textset values;
  int64_t failed, failures_in_a_row;
  int tripped;
  mi_err first_failure;
  struct judged *judged; /* survey code's decisions to open */
  size_t njudged, capjudged;
  /* the storing thread's */
  opener open;
  int64_t opened;
  mi_alert_opened shown[MI_ALERT_SHOWN];
  int nshown;
};

mi_alert_intake *mi_alert_intake_new(const mi_config *cfg, mi_policy *policy, int64_t now,
                                     int max_failures) {
  if (!cfg || !policy) return NULL;
  mi_alert_intake *in = calloc(1, sizeof *in);
  if (!in) return NULL;
  in->cfg = cfg;
  in->policy = policy;
  in->max_failures = max_failures > 0 ? max_failures : 100;
  in->open = (opener){.cfg = cfg, .digest = mi_policy_digest(policy), .now = now};
  mi_policy_track_lines(policy, 0); /* one call a response: no line of each return */
  return in;
}

void mi_alert_intake_free(mi_alert_intake *in) {
  if (!in) return;
  mi_policy_track_lines(in->policy, 1);
  free(in->q);
  free(in->rows);
  free(in->customers);
  free(in->judged);
  mi_textset_free(&in->values);
  free(in);
}

void mi_alert_intake_get(const mi_alert_intake *in, mi_alert_intake_summary *out) {
  memset(out, 0, sizeof *out);
  if (!in) return;
  out->opened = in->opened;
  out->failed = in->failed;
  out->tripped = in->tripped;
  out->first_failure = in->first_failure;
  memcpy(out->shown, in->shown, sizeof out->shown);
  out->nshown = in->nshown;
}

static void failed(mi_alert_intake *in, const char *response, const mi_err *why) {
  if (!in->failed++) {
    in->first_failure = *why;
    if (why->code != MI_EPOLICY) /* a policy's message names the response already */
      mi_err_prefix(&in->first_failure, "response %s", response);
  }
  if (++in->failures_in_a_row >= in->max_failures) in->tripped = 1;
}

/* The policy's decision for row, read through s; 0, or -1 when it failed
 * (counted, d says no follow-up). */
static int judge(mi_alert_intake *in, mi_store *s, const mi_alert_row *row, mi_alert_decision *d) {
  mi_err e = {0};
  memset(d, 0, sizeof *d);
  if (!in->have_questions && mi_alert_questions(s, &in->q, &in->nq, &e)) {
    failed(in, row->external_id, &e);
    return -1;
  }
  in->have_questions = 1;
  const mi_view *ticket = make_views(in->q, in->nq, row, &in->sc);
  if (mi_policy_call_alert(in->policy, &in->sc.response, &in->sc.customer, ticket, in->cfg, d, &e)) {
    memset(d, 0, sizeof *d);
    failed(in, row->external_id, &e);
    return -1;
  }
  in->failures_in_a_row = 0;
  return 0;
}

/* Customer id's kind, region and tier, looked up once while it stays in
 * its slot. */
static int customer_of(mi_alert_intake *in, mi_store *s, int64_t id, mi_alert_customer *c,
                       mi_err *e) {
  known_customer *k = &in->customers[(uint64_t)id % CUSTOMER_SLOTS];
  if (k->id != id) {
    char kind[16], region[65], tier[33];
    int rc = mi_alert_customer_get(s, id, kind, region, tier, e);
    if (rc) return rc;
    const char *kv = mi_textset_add(&in->values, kind), *rv = mi_textset_add(&in->values, region),
               *tv = mi_textset_add(&in->values, tier);
    if (!kv || !rv || !tv) return mi_err_set(e, MI_ENOMEM, "out of memory");
    *k = (known_customer){id, kv, rv, tv};
  }
  c->kind = k->kind, c->region = k->region, c->tier = k->tier;
  return 0;
}

void mi_alert_intake_decide(mi_alert_intake *in, mi_store *s, const mi_response *r,
                            const char *customer, const char *json, const mi_answer *texts,
                            int ntexts, mi_alert_decision *d) {
  memset(d, 0, sizeof *d);
  if (!in || in->tripped) return;
  if ((!in->rows && !(in->rows = calloc(INTAKE_CHUNK, sizeof *in->rows))) ||
      (!in->customers && !(in->customers = calloc(CUSTOMER_SLOTS, sizeof *in->customers)))) {
    failed(in, r->external_id, &(mi_err){.code = MI_ENOMEM, .msg = "out of memory"});
    return;
  }
  mi_err e = {0};
  mi_alert_customer c = {.external_id = customer};
  if (customer_of(in, s, r->customer_id, &c, &e) ||
      mi_alert_row_of(s, r, json, texts, ntexts, &c, &in->rows[0], &e)) {
    failed(in, r->external_id, &e);
    return;
  }
  judge(in, s, &in->rows[0], d);
  mi_alert_rows_free(in->rows, 1);
}

/* Opens the follow-up of a stored response and notes it. */
static int intake_open(mi_alert_intake *in, mi_store *s, int64_t id, const char *external_id,
                       int64_t customer_id, const char *channel, const mi_alert_decision *d,
                       mi_err *e) {
  char ticket[65];
  in->open.s = s;
  int rc = open_followup(&in->open, id, external_id, customer_id, channel, d, ticket,
                         sizeof ticket, e);
  if (rc) return rc;
  in->opened++;
  show(in->shown, &in->nshown, external_id, ticket, d);
  return 0;
}

int mi_alert_intake_open(mi_alert_intake *in, mi_store *s, const mi_response *r, int64_t id,
                         const mi_alert_decision *d, mi_err *e) {
  if (!in || !d->open) return 0;
  return intake_open(in, s, id, r->external_id, r->customer_id, r->channel ? r->channel : "", d, e);
}

int mi_alert_intake_finish(mi_alert_intake *in, mi_store *s, int64_t own_first, int64_t own_last,
                           mi_err *e) {
  if (!in || in->failed || in->tripped || own_first <= 0 || own_last < own_first) return 0;
  return mi_alert_mark_follow(s, own_first, own_last, in->open.now, e);
}

/* A follow-up survey code decided, with what opening it needs. */
typedef struct judged {
  int64_t id, customer_id;
  char external_id[65], channel[16];
  mi_alert_decision d;
} judged;

static int keep_judged(mi_alert_intake *in, const mi_alert_row *row, const mi_alert_decision *d,
                       mi_err *e) {
  if (in->njudged == in->capjudged) {
    size_t cap = in->capjudged ? 2 * in->capjudged : 64;
    judged *grown = realloc(in->judged, cap * sizeof *grown);
    if (!grown) return mi_err_set(e, MI_ENOMEM, "out of memory");
    in->judged = grown, in->capjudged = cap;
  }
  judged *j = &in->judged[in->njudged++];
  *j = (judged){.id = row->id, .customer_id = row->customer_id, .d = *d};
  memcpy(j->external_id, row->external_id, sizeof j->external_id);
  memcpy(j->channel, row->channel, sizeof j->channel);
  return 0;
}

int mi_alert_intake_judge_coded(mi_alert_intake *in, mi_store *s, const mi_alert_coded *coded,
                                size_t n, int recode, mi_err *e) {
  if (!in || !n) return 0;
  int64_t ids[INTAKE_CHUNK];
  if (!in->rows && !(in->rows = calloc(INTAKE_CHUNK, sizeof *in->rows)))
    return mi_err_set(e, MI_ENOMEM, "out of memory");
  for (size_t at = 0; at < n && !in->tripped; at += INTAKE_CHUNK) {
    int want = n - at < INTAKE_CHUNK ? (int)(n - at) : INTAKE_CHUNK, got = 0, rc;
    for (int i = 0; i < want; i++) ids[i] = coded[at + (size_t)i].id;
    if ((rc = mi_alert_read_ids(s, ids, want, in->rows, &got, e))) return rc;
    size_t c = at; /* the rows come in the ids' order, a missing one left out */
    for (int i = 0; i < got && rc == 0 && !in->tripped; i++) {
      mi_alert_row *row = &in->rows[i];
      while (coded[c].id < row->id) c++;
      if (row->has_followup) continue;
      /* its categories as coded now: those of this run (the connection does
       * not see them yet) with, unless recoded, those coded before */
      if (recode) row->categories[0] = '\0';
      char list[MI_ALERT_CATEGORIES];
      memcpy(list, coded[c].categories, sizeof list);
      char *save = NULL;
      for (char *tok = strtok_r(list, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
        mi_alert_category_add(row->categories, sizeof row->categories, tok);
      row->coded = 1;
      mi_alert_decision d;
      if (judge(in, s, row, &d) == 0 && d.open) rc = keep_judged(in, row, &d, e);
    }
    mi_alert_rows_free(in->rows, got);
    if (rc) return rc;
  }
  return 0;
}

int mi_alert_intake_open_judged(mi_alert_intake *in, mi_store *s, mi_err *e) {
  int rc = 0;
  for (size_t i = 0; in && i < in->njudged && rc == 0; i++) {
    const judged *j = &in->judged[i];
    rc = intake_open(in, s, j->id, j->external_id, j->customer_id, j->channel, &j->d, e);
  }
  if (in) in->njudged = 0;
  return rc;
}
