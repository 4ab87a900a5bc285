/* eval alerts (alerts.h): the batch's callbacks. read() takes a chunk of
 * responses with what the policy sees of each (store/alerts.c), decide()
 * builds the three views in the state's own buffers and calls the hook
 * (on worker threads with --jobs: no store there), apply() opens the
 * follow-ups in the chunk's transaction and flush() moves the mark. */
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
#include "util/timeutil.h"

/* What one policy state builds its views in. */
typedef struct scratch {
  mi_view_field answer_f[MI_ALERT_MAX_ANSWERS + 8];
  mi_view answers;
  mi_view_field response_f[7], customer_f[4], ticket_f[5];
  mi_view response, customer, ticket;
  char submitted[21];
} scratch;

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
  int64_t next_ticket; /* the number of the next T0000123 id; 0: not known yet */
} run;

/* The questions of survey version sid: q[*first .. *first + *count). */
static void questions_of(const run *r, int64_t sid, size_t *first, size_t *count) {
  size_t lo = 0, hi = r->nq;
  while (lo < hi) { /* the first with survey_id >= sid */
    size_t mid = (lo + hi) / 2;
    if (r->q[mid].survey_id < sid) lo = mid + 1;
    else hi = mid;
  }
  size_t end = lo;
  while (end < r->nq && r->q[end].survey_id == sid) end++;
  *first = lo;
  *count = end - lo;
}

static mi_view_field text_or_nil(const char *name, const char *s) {
  return *s ? (mi_view_field){.name = name, .type = MI_VIEW_STR, .s = s}
            : (mi_view_field){.name = name, .type = MI_VIEW_NIL};
}

/* The views of row into sc: response (with its answers), customer, ticket
 * (NULL when the response followed none). */
static const mi_view *make_views(const run *r, const mi_alert_row *row, scratch *sc) {
  size_t first, count;
  questions_of(r, row->survey_id, &first, &count);
  if (count > MI_ALERT_MAX_ANSWERS + 8) count = MI_ALERT_MAX_ANSWERS + 8;
  const char *survey = count ? r->q[first].survey : "";
  for (size_t k = 0; k < count; k++) {
    const mi_alert_question *q = &r->q[first + k];
    mi_view_field *f = &sc->answer_f[k];
    *f = (mi_view_field){.name = q->code, .type = MI_VIEW_NIL};
    for (int j = 0; j < row->nanswers; j++) {
      const mi_alert_answer *a = &row->answers[j];
      if (a->question_id != q->id) continue;
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
  const mi_view *ticket = make_views(r, row, sc);
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
static int next_ticket(run *r, int again, char *ticket, size_t size, mi_err *e) {
  if (!r->next_ticket || again) {
    int rc = mi_ticket_next_id(r->s, ticket, size, e);
    if (rc) return rc;
    r->next_ticket = strtoll(ticket + 1, NULL, 10);
  }
  snprintf(ticket, size, "T%07lld", (long long)r->next_ticket++);
  return 0;
}

/* Opens the follow-up of row as decided, in the chunk's transaction. */
static int open_followup(run *r, const mi_alert_row *row, const mi_alert_decision *d, char *ticket,
                         size_t size, mi_err *e) {
  int rc;
  char subject[1001];
  snprintf(subject, sizeof subject, "Follow-up of survey response %s: %s", row->external_id, d->reason);
  mi_ticket t = {.external_id = ticket, .customer_id = row->customer_id, .kind = d->kind,
                 .category = d->category, .severity = d->severity,
                 .channel = channel_of(r->cfg, row->channel), .priority = d->priority,
                 .status = "new", .opened_at = r->opt->batch.now, .subject = subject};
  int64_t id;
  if ((rc = mi_department_id(r->s, d->department, &t.department_id, e)) ||
      (rc = next_ticket(r, 0, ticket, size, e)))
    return rc;
  rc = mi_ticket_insert(r->s, &t, &id, e);
  if (rc == MI_EEXIST && !(rc = next_ticket(r, 1, ticket, size, e)))
    rc = mi_ticket_insert(r->s, &t, &id, e);
  if (rc) return rc;
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i}", "response", row->external_id, "reason",
                        d->reason, "policy", mi_policy_digest(r->policy), "department",
                        d->department, "priority", d->priority);
  char *detail = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  if (!detail) return mi_err_set(e, MI_ENOMEM, "out of memory");
  rc = mi_ticket_event_add(r->s, id, r->opt->batch.now, "opened", "policy:alert", NULL, "new", detail, e);
  free(detail);
  if (rc || (rc = mi_ticket_stage_start(r->s, r->cfg, id, d->kind, "policy:alert", r->opt->batch.now, e)))
    return rc;
  return mi_alert_link(r->s, row->id, id, d->reason, mi_policy_digest(r->policy), r->opt->batch.now, e);
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
    int rc = open_followup(r, row, d, ticket, sizeof ticket, e);
    if (rc) return mi_err_prefix(e, "opening the follow-up of response %s", row->external_id), rc;
  }
  sum->opened++;
  if (sum->nshown < MI_ALERT_SHOWN) {
    mi_alert_opened *o = &sum->shown[sum->nshown++];
    snprintf(o->response, sizeof o->response, "%s", row->external_id);
    snprintf(o->ticket, sizeof o->ticket, "%s", ticket);
    snprintf(o->department, sizeof o->department, "%s", d->department);
    snprintf(o->kind, sizeof o->kind, "%s", d->kind);
    snprintf(o->reason, sizeof o->reason, "%s", d->reason);
  }
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
  run r = {.s = s, .cfg = cfg, .policy = policy, .opt = opt, .sum = summary};
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
