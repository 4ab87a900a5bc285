#include "service/text_coding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/alerts.h"

#include "store/text_codes.h"
#include "util/i18n.h"

typedef struct run {
  mi_store *s;
  mi_policy *policy;
  int64_t now;
  void (*on_failure)(void *, const char *, const mi_err *);
  void *ctx;
  mi_coding_summary *sum;
  mi_err *e;
  int64_t *coded; /* the responses whose answers were coded, for the alert hook */
  size_t ncoded, capcoded;
} run;

/* Notes a response whose open answer was coded (once when its answers come in a row). */
static int note_coded(run *r, int64_t id) {
  if (r->ncoded && r->coded[r->ncoded - 1] == id) return 0;
  if (r->ncoded == r->capcoded) {
    size_t cap = r->capcoded ? 2 * r->capcoded : 1024;
    int64_t *grown = realloc(r->coded, cap * sizeof *grown);
    if (!grown) return mi_err_set(r->e, MI_ENOMEM, "out of memory");
    r->coded = grown, r->capcoded = cap;
  }
  r->coded[r->ncoded++] = id;
  return 0;
}

static int by_id(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* The coded responses in increasing order, each once. */
static void sort_coded(run *r) {
  qsort(r->coded, r->ncoded, sizeof *r->coded, by_id);
  size_t n = 0;
  for (size_t i = 0; i < r->ncoded; i++)
    if (!n || r->coded[i] != r->coded[n - 1]) r->coded[n++] = r->coded[i];
  r->ncoded = n;
}

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
  if (!rc && t->response_id) rc = note_coded(r, t->response_id);
  return rc;
}

int mi_texts_code(mi_store *s, mi_policy *coding, const char *survey, int complaints, int recode,
                  int64_t now, void (*on_failure)(void *ctx, const char *what, const mi_err *err),
                  void *ctx, struct mi_alert_intake *alerts, mi_coding_summary *sum, mi_err *e) {
  memset(sum, 0, sizeof *sum);
  run r = {s, coding, now, on_failure, ctx, sum, e, NULL, 0, 0};
  int rc = mi_store_begin(s, e);
  if (rc) return rc;
  mi_policy_track_lines(coding, 0); /* one call a text: no line of each return */
  rc = mi_text_uncoded(s, survey, complaints, recode, one, &r, e);
  mi_policy_track_lines(coding, 1);
  if (rc == 0 && alerts) {
    sort_coded(&r);
    rc = mi_alert_intake_responses(alerts, s, r.coded, r.ncoded, e);
  }
  free(r.coded);
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
