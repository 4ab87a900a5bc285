/* A survey's responses as rows in memory (mi_survey_rows_read, on top of the
 * scan of survey_scan.c) and the customer base by tier or region. */
#include "store/survey_rows.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

static int grow(mi_survey_rows *r, size_t cap) {
  double *v = realloc(r->values, cap * (r->nquestions ? r->nquestions : 1) * sizeof *v);
  if (v) r->values = v;
  double *w = realloc(r->weight, cap * sizeof *w);
  if (w) r->weight = w;
  const char **t = realloc(r->tier, cap * sizeof *t);
  if (t) r->tier = t;
  const char **g = realloc(r->region, cap * sizeof *g);
  if (g) r->region = g;
  const char **st = realloc(r->stratum, cap * sizeof *st);
  if (st) r->stratum = st;
  const char **ch = realloc(r->channel, cap * sizeof *ch);
  if (ch) r->channel = ch;
  const char **dp = realloc(r->department, cap * sizeof *dp);
  if (dp) r->department = dp;
  const char **ds = realloc(r->design_stratum, cap * sizeof *ds);
  if (ds) r->design_stratum = ds;
  const char **dc = realloc(r->design_cluster, cap * sizeof *dc);
  if (dc) r->design_cluster = dc;
  int64_t *at = realloc(r->submitted_at, cap * sizeof *at);
  if (at) r->submitted_at = at;
  return v && w && t && g && st && ch && dp && ds && dc && at ? 0 : MI_ENOMEM;
}

/* mi_survey_rows_read's callback: the row appended to the arrays. */
static int keep_row(void *ctx, const mi_survey_row *row) {
  mi_survey_rows *out = ctx;
  size_t i = out->nrows;
  /* capacity: 1024 rows, then doubled whenever the count reaches a power of two */
  if ((i == 0 || (i >= 1024 && (i & (i - 1)) == 0)) && grow(out, i ? 2 * i : 1024))
    return MI_ENOMEM;
  const char *texts[] = {row->tier, row->region, row->stratum, row->channel, row->department,
                         row->design_stratum, row->design_cluster};
  const char **cols[] = {out->tier, out->region, out->stratum, out->channel, out->department,
                         out->design_stratum, out->design_cluster};
  for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
    if (!(cols[k][i] = mi_textset_add(&out->texts, texts[k]))) return MI_ENOMEM;
  out->weight[i] = row->weight;
  out->submitted_at[i] = row->submitted_at;
  memcpy(out->values + i * out->nquestions, row->values, out->nquestions * sizeof *row->values);
  out->nrows++;
  return 0;
}

int mi_survey_rows_read(mi_store *s, const char *survey, int64_t wave_id, int64_t from,
                        int64_t to, int include_flagged, const char *const *questions,
                        const mi_survey_scale *scales, size_t nquestions, mi_survey_rows *out,
                        mi_err *e) {
  memset(out, 0, sizeof *out);
  out->questions = questions;
  out->nquestions = nquestions;
  int rc = mi_survey_rows_scan(s, survey, wave_id, from, to, include_flagged,
                               MI_SURVEY_NEED_CUSTOMER | MI_SURVEY_NEED_DEPARTMENT, questions,
                               scales, nquestions, keep_row, out, &out->flagged_left_out, e);
  if (rc == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory reading responses");
  if (rc) mi_survey_rows_free(out);
  return rc;
}

void mi_survey_rows_free(mi_survey_rows *r) {
  mi_textset_free(&r->texts);
  free(r->values), free(r->weight), free(r->tier), free(r->region), free(r->stratum);
  free(r->channel), free(r->department), free(r->design_stratum), free(r->design_cluster);
  free(r->submitted_at);
  memset(r, 0, sizeof *r);
}

int mi_survey_population(mi_store *s, const char *by,
                         int (*cb)(void *ctx, const char *level, int64_t customers), void *ctx,
                         mi_err *e) {
  const char *sql = !by ? NULL
                    : !strcmp(by, "tier")
                        ? "SELECT coalesce(tier, ''), count(*) FROM customers GROUP BY 1"
                    : !strcmp(by, "region")
                        ? "SELECT coalesce(region, ''), count(*) FROM customers GROUP BY 1"
                        : NULL;
  if (!sql) return mi_err_set(e, MI_EINVAL, "the customer base by '%s': use tier or region", by ? by : "");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "counting the customers");
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int stop = cb(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
    if (stop) {
      sqlite3_finalize(st);
      return stop;
    }
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "counting the customers");
}
