#include "store/survey_rows.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define RESPONSES_WHERE                                                                     \
  " JOIN surveys v ON v.id = r.survey_id"                                                    \
  " JOIN customers c ON c.id = r.customer_id LEFT JOIN invitations i ON i.id = r.invitation_id" \
  " LEFT JOIN tickets t ON t.id = i.ticket_id LEFT JOIN departments d ON d.id = t.department_id" \
  " LEFT JOIN survey_waves w ON w.id = i.wave_id"                                          \
  " WHERE v.code = ?1 AND r.submitted_at >= ?2 AND r.submitted_at < ?3"                    \
  " AND (?4 = 0 OR i.wave_id = ?4)"
#define RESPONSES_OF " FROM responses r" RESPONSES_WHERE
#define RESPONSE_COLUMNS                                                                    \
  "SELECT r.id, coalesce(i.weight, 1), coalesce(c.tier, ''), coalesce(c.region, ''),"       \
  " coalesce(i.stratum, ''), r.submitted_at,"                                               \
  " EXISTS (SELECT 1 FROM response_flags f WHERE f.response_id = r.id),"                   \
  " coalesce(r.channel, ''), coalesce(d.code, ''),"                                        \
  " CASE w.method WHEN 'stratified' THEN w.code || '/' || coalesce(i.stratum, '')"         \
  " ELSE coalesce(w.code, '') END,"                                                        \
  " CASE w.method WHEN 'cluster' THEN w.code || '/' || coalesce(i.stratum, '') ELSE '' END"

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

/* 1 when the survey's responses in [from, to) are at least 1/16 of the
 * responses table (counted in the index; the table's size from its largest
 * id); 0 otherwise or when either cannot be read (the index path is right
 * for any period, only slower). */
static int large_period(mi_store *s, const char *survey, int64_t from, int64_t to) {
  sqlite3_stmt *st;
  int64_t n = 0, total = 0;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT count(*), (SELECT max(id) FROM responses) FROM responses"
                         " WHERE survey_id IN (SELECT id FROM surveys WHERE code = ?1)"
                         " AND submitted_at >= ?2 AND submitted_at < ?3",
                         -1, &st, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0), total = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  return n > 0 && n >= total / 16;
}

/* v, answered to the question of the row's version (columns 4-6: reverse,
 * scale_min, scale_max), in the terms of the version read for (to): scored
 * as answered (higher is better), mapped onto to's scale, and turned round
 * again if to reverses the question. Same version: v unchanged. */
static double in_terms_of(const mi_survey_scale *to, sqlite3_stmt *st, double v) {
  int reverse = sqlite3_column_int(st, 4);
  double lo = sqlite3_column_double(st, 5), hi = sqlite3_column_double(st, 6);
  if (!to || sqlite3_column_type(st, 5) == SQLITE_NULL || hi <= lo ||
      (reverse == !!to->reverse && lo == to->min && hi == to->max))
    return v;
  double scored = reverse ? lo + hi - v : v;
  double u = to->min + (scored - lo) * (to->max - to->min) / (hi - lo);
  return to->reverse ? to->min + to->max - u : u;
}

int mi_survey_rows_read(mi_store *s, const char *survey, int64_t wave_id, int64_t from,
                        int64_t to, int include_flagged, const char *const *questions,
                        const mi_survey_scale *scales, size_t nquestions, mi_survey_rows *out,
                        mi_err *e) {
  memset(out, 0, sizeof *out);
  out->questions = questions;
  out->nquestions = nquestions;
  /* Responses first (one row each), then their answers in the same order.
   * Over the whole history, or a period holding a good part of it, the
   * responses are read in id order (a plain scan, no sort); a short period
   * through the index by survey and time, then sorted (its rows are spread
   * over the table: a random read each, about 30 times a scanned row). */
  sqlite3_stmt *st;
  int all_time = (from == INT64_MIN && to == INT64_MAX) || large_period(s, survey, from, to);
  if (sqlite3_prepare_v2(s->db,
                         all_time ? RESPONSE_COLUMNS " FROM responses r NOT INDEXED" RESPONSES_WHERE
                                    " ORDER BY r.id"
                                  : RESPONSE_COLUMNS RESPONSES_OF " ORDER BY r.id",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading responses");
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  sqlite3_bind_int64(st, 4, wave_id);
  int64_t *ids = NULL;
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (sqlite3_column_int(st, 6) && !include_flagged) {
      out->flagged_left_out++;
      continue;
    }
    if (out->nrows == cap) {
      cap = cap ? cap * 2 : 1024;
      int64_t *g = realloc(ids, cap * sizeof *g);
      if (g) ids = g;
      if (!g || grow(out, cap)) {
        rc = MI_ENOMEM;
        break;
      }
    }
    size_t i = out->nrows++;
    ids[i] = sqlite3_column_int64(st, 0);
    out->weight[i] = sqlite3_column_double(st, 1);
    out->tier[i] = mi_textset_add(&out->texts, (const char *)sqlite3_column_text(st, 2));
    out->region[i] = mi_textset_add(&out->texts, (const char *)sqlite3_column_text(st, 3));
    out->stratum[i] = mi_textset_add(&out->texts, (const char *)sqlite3_column_text(st, 4));
    out->channel[i] = mi_textset_add(&out->texts, (const char *)sqlite3_column_text(st, 7));
    out->department[i] = mi_textset_add(&out->texts, (const char *)sqlite3_column_text(st, 8));
    out->design_stratum[i] = mi_textset_add(&out->texts, (const char *)sqlite3_column_text(st, 9));
    out->design_cluster[i] = mi_textset_add(&out->texts, (const char *)sqlite3_column_text(st, 10));
    if (!out->tier[i] || !out->region[i] || !out->stratum[i] || !out->channel[i] ||
        !out->department[i] || !out->design_stratum[i] || !out->design_cluster[i]) {
      out->nrows--;
      rc = MI_ENOMEM;
      break;
    }
    out->submitted_at[i] = sqlite3_column_int64(st, 5);
    for (size_t q = 0; q < nquestions; q++) out->values[i * nquestions + q] = NAN;
  }
  sqlite3_finalize(st);
  /* The answers: when the responses are at least half of their id range,
   * one scan of that range (the rows between, of other surveys or flagged,
   * are passed over below); else (a period of a long history) one look-up
   * by id per response. */
  int dense = out->nrows && (uint64_t)(ids[out->nrows - 1] - ids[0]) / 2 < out->nrows;
  if (rc == SQLITE_DONE && out->nrows &&
      sqlite3_prepare_v2(s->db,
                         dense ? "SELECT a.response_id, a.question_id, q.code, a.value, q.reverse,"
                                 " q.scale_min, q.scale_max FROM answers a"
                                 " JOIN questions q ON q.id = a.question_id WHERE a.value IS NOT NULL"
                                 " AND a.response_id BETWEEN ?1 AND ?2 ORDER BY a.response_id"
                               : "SELECT a.response_id, a.question_id, q.code, a.value, q.reverse,"
                                 " q.scale_min, q.scale_max FROM answers a"
                                 " JOIN questions q ON q.id = a.question_id"
                                 " WHERE a.value IS NOT NULL AND a.response_id = ?1",
                         -1, &st, NULL) == SQLITE_OK) {
    /* question id -> index in questions + 1 (0: not looked up yet; nquestions
     * + 1: not asked for), so that each code is compared once per id */
    size_t *slot = NULL, nslot = 0, i = 0;
    for (size_t k = 0; k < (dense ? 1 : out->nrows) && (k == 0 || rc == SQLITE_DONE); k++) {
      sqlite3_reset(st);
      sqlite3_bind_int64(st, 1, dense ? ids[0] : ids[k]);
      if (dense) sqlite3_bind_int64(st, 2, ids[out->nrows - 1]);
      while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        while (i < out->nrows && ids[i] < id) i++;
        if (i == out->nrows || ids[i] != id) continue; /* flagged, or not asked for */
        int64_t qid = sqlite3_column_int64(st, 1);
        size_t q = nquestions;
        if (qid >= 0 && (uint64_t)qid < 1u << 20) {
          if ((size_t)qid >= nslot) {
            size_t n = (size_t)qid + 64, *g = realloc(slot, n * sizeof *g);
            if (!g) {
              rc = MI_ENOMEM;
              break;
            }
            memset(g + nslot, 0, (n - nslot) * sizeof *g);
            slot = g, nslot = n;
          }
          if (!slot[qid]) {
            const char *code = (const char *)sqlite3_column_text(st, 2);
            size_t j = 0;
            while (j < nquestions && strcmp(code, questions[j])) j++;
            slot[qid] = j + 1;
          }
          q = slot[qid] - 1;
        } else { /* an id too large for the table: compare its code */
          const char *code = (const char *)sqlite3_column_text(st, 2);
          while (q > 0 && strcmp(code, questions[q - 1])) q--;
          q = q ? q - 1 : nquestions;
        }
        if (q < nquestions)
          out->values[i * nquestions + q] =
              in_terms_of(scales ? &scales[q] : NULL, st, sqlite3_column_double(st, 3));
      }
    }
    free(slot);
    sqlite3_finalize(st);
  } else if (rc == SQLITE_DONE && out->nrows) {
    rc = SQLITE_ERROR;
  }
  free(ids);
  if (rc == SQLITE_DONE) return 0;
  mi_survey_rows_free(out);
  return rc == MI_ENOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory reading responses")
                         : mi_store_fail(s, e, "reading responses");
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
