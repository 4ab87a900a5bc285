#include "store/survey_rows.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* The responses' columns and joins; the customer and the ticket's
 * department are joined only when asked for (each join is a b-tree look-up
 * per response). The %s: tier and region, department, NOT INDEXED or not,
 * the joins. */
#define RESPONSE_SQL                                                                         \
  "SELECT r.id, coalesce(i.weight, 1), %s, coalesce(i.stratum, ''), r.submitted_at,"        \
  " EXISTS (SELECT 1 FROM response_flags f WHERE f.response_id = r.id),"                   \
  " coalesce(r.channel, ''), %s,"                                                          \
  " CASE w.method WHEN 'stratified' THEN w.code || '/' || coalesce(i.stratum, '')"         \
  " ELSE coalesce(w.code, '') END,"                                                        \
  " CASE w.method WHEN 'cluster' THEN w.code || '/' || coalesce(i.stratum, '') ELSE '' END" \
  " FROM responses r %s"                                                                   \
  " LEFT JOIN invitations i ON i.id = r.invitation_id%s"                                   \
  " LEFT JOIN survey_waves w ON w.id = i.wave_id"                                          \
  " WHERE r.survey_id IN (SELECT id FROM surveys WHERE code = ?1)"                         \
  " AND r.submitted_at >= ?2 AND r.submitted_at < ?3 AND (?4 = 0 OR i.wave_id = ?4)"       \
  " AND r.id BETWEEN ?5 AND ?6"                                                            \
  " ORDER BY r.id"

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
 * for any period, only slower). *lo and *hi: the smallest and largest id of
 * those responses (from the same index), so that a scan can keep to them;
 * the whole range when they cannot be read. */
static int large_period(mi_store *s, const char *survey, int64_t from, int64_t to, int64_t *lo,
                        int64_t *hi) {
  sqlite3_stmt *st;
  int64_t n = 0, total = 0;
  *lo = INT64_MIN, *hi = INT64_MAX;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT count(*), (SELECT max(id) FROM responses), min(id), max(id)"
                         " FROM responses"
                         " WHERE survey_id IN (SELECT id FROM surveys WHERE code = ?1)"
                         " AND submitted_at >= ?2 AND submitted_at < ?3",
                         -1, &st, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  if (sqlite3_step(st) == SQLITE_ROW) {
    n = sqlite3_column_int64(st, 0), total = sqlite3_column_int64(st, 1);
    if (n > 0) *lo = sqlite3_column_int64(st, 2), *hi = sqlite3_column_int64(st, 3);
  }
  sqlite3_finalize(st);
  return n > 0 && n >= total / 16;
}

/* Every question of every questionnaire version, by id: the slot of the
 * question asked for with its code (nquestions: not asked for) and the
 * scale of its version. Questions are few; answers many. */
typedef struct qinfo {
  size_t slot;
  int reverse, scaled;
  double lo, hi;
} qinfo;

static int load_questions(mi_store *s, const char *const *questions, size_t nquestions,
                          qinfo **out, size_t *n) {
  sqlite3_stmt *st;
  *out = NULL, *n = 0;
  if (sqlite3_prepare_v2(s->db, "SELECT id, code, reverse, scale_min, scale_max FROM questions"
                         " WHERE id > 0 ORDER BY id DESC", -1, &st, NULL) != SQLITE_OK)
    return SQLITE_ERROR;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    size_t id = (size_t)sqlite3_column_int64(st, 0);
    if (!*out) { /* the largest id comes first */
      if (!(*out = calloc(id + 1, sizeof **out))) {
        rc = MI_ENOMEM;
        break;
      }
      *n = id + 1;
      for (size_t k = 0; k < *n; k++) (*out)[k].slot = nquestions;
    }
    const char *code = (const char *)sqlite3_column_text(st, 1);
    qinfo *q = &(*out)[id];
    for (q->slot = 0; q->slot < nquestions && strcmp(code, questions[q->slot]); q->slot++) {}
    q->reverse = sqlite3_column_int(st, 2);
    q->scaled = sqlite3_column_type(st, 3) != SQLITE_NULL;
    q->lo = sqlite3_column_double(st, 3), q->hi = sqlite3_column_double(st, 4);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : rc;
}

/* v, answered to question q of its version, in the terms of the version read
 * for (to): scored as answered (higher is better), mapped onto to's scale,
 * and turned round again if to reverses the question. Same scale: v. */
static double in_terms_of(const mi_survey_scale *to, const qinfo *q, double v) {
  if (!to || !q->scaled || q->hi <= q->lo ||
      (q->reverse == !!to->reverse && q->lo == to->min && q->hi == to->max))
    return v;
  double scored = q->reverse ? q->lo + q->hi - v : v;
  double u = to->min + (scored - q->lo) * (to->max - to->min) / (q->hi - q->lo);
  return to->reverse ? to->min + to->max - u : u;
}

/* The customers' tier and region by id, read in one scan instead of a
 * look-up per response (memory: the customers, not the responses). Left
 * empty (n = 0) when the ids are too sparse for a table. */
typedef struct custs {
  const char **tier, **region;
  size_t n;
  mi_textset texts;
} custs;

static void custs_free(custs *c) {
  free(c->tier), free(c->region);
  mi_textset_free(&c->texts);
}

static int load_customers(mi_store *s, custs *c) {
  sqlite3_stmt *st;
  memset(c, 0, sizeof *c);
  if (sqlite3_prepare_v2(s->db, "SELECT max(id), count(*) FROM customers", -1, &st, NULL) != SQLITE_OK)
    return SQLITE_ERROR;
  int64_t max = 0, count = 0;
  if (sqlite3_step(st) == SQLITE_ROW) max = sqlite3_column_int64(st, 0), count = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  if (max <= 0 || max > 4 * count + 1024) return 0; /* none, or too sparse: join instead */
  size_t n = (size_t)max + 1;
  c->tier = calloc(n, sizeof *c->tier);
  c->region = calloc(n, sizeof *c->region);
  if (!c->tier || !c->region) return MI_ENOMEM;
  if (sqlite3_prepare_v2(s->db, "SELECT id, coalesce(tier, ''), coalesce(region, '') FROM customers",
                         -1, &st, NULL) != SQLITE_OK)
    return SQLITE_ERROR;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    if (id < 0 || id > max) continue;
    const char *t = mi_textset_add(&c->texts, (const char *)sqlite3_column_text(st, 1));
    const char *g = mi_textset_add(&c->texts, (const char *)sqlite3_column_text(st, 2));
    if (!t || !g) {
      rc = MI_ENOMEM;
      break;
    }
    c->tier[id] = t, c->region[id] = g;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return rc;
  c->n = n;
  return 0;
}

#define ANSWER_SQL "SELECT response_id, question_id, value FROM answers WHERE value IS NOT NULL"

int mi_survey_rows_scan(mi_store *s, const char *survey, int64_t wave_id, int64_t from,
                        int64_t to, int include_flagged, unsigned need,
                        const char *const *questions, const mi_survey_scale *scales,
                        size_t nquestions, mi_survey_row_fn cb, void *ctx,
                        size_t *flagged_left_out, mi_err *e) {
  *flagged_left_out = 0;
  /* Two cursors merged by response id, so that nothing is held but the row
   * at hand. Over the whole history, or a period holding a good part of it,
   * the responses are read in id order (a plain scan, no sort) and their
   * answers by one range scan from the first id; a short period goes through
   * the index by survey and time, then sorted (its rows are spread over the
   * table), and its answers are looked up per response. */
  int64_t lo = INT64_MIN, hi = INT64_MAX;
  int dense = (from == INT64_MIN && to == INT64_MAX) || large_period(s, survey, from, to, &lo, &hi);
  sqlite3_stmt *st = NULL, *an = NULL;
  int cust = need & MI_SURVEY_NEED_CUSTOMER, dept = need & MI_SURVEY_NEED_DEPARTMENT;
  custs cs;
  int crc = cust ? load_customers(s, &cs) : (memset(&cs, 0, sizeof cs), 0);
  if (crc) {
    custs_free(&cs);
    return crc == MI_ENOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory reading customers")
                            : mi_store_fail(s, e, "reading customers");
  }
  if (cs.n) cust = 0; /* tier and region from the table: no join */
  char sql[2048];
  snprintf(sql, sizeof sql, RESPONSE_SQL,
           cust ? "coalesce(c.tier, ''), coalesce(c.region, '')"
           : cs.n ? "r.customer_id, ''" : "'', ''",
           dept ? "coalesce(d.code, '')" : "''", dense ? "NOT INDEXED" : "",
           cust && dept ? " JOIN customers c ON c.id = r.customer_id LEFT JOIN tickets t ON t.id ="
                          " i.ticket_id LEFT JOIN departments d ON d.id = t.department_id"
           : cust ? " JOIN customers c ON c.id = r.customer_id"
           : dept ? " LEFT JOIN tickets t ON t.id = i.ticket_id LEFT JOIN departments d ON d.id ="
                    " t.department_id"
                  : "");
  qinfo *qi = NULL;
  size_t nqi = 0;
  int qrc = load_questions(s, questions, nquestions, &qi, &nqi);
  if (qrc == MI_ENOMEM) {
    custs_free(&cs);
    return mi_err_set(e, MI_ENOMEM, "out of memory reading questions");
  }
  if (qrc || sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db,
                         dense ? ANSWER_SQL " AND response_id BETWEEN ?1 AND ?2 ORDER BY response_id"
                               : ANSWER_SQL " AND response_id = ?1",
                         -1, &an, NULL) != SQLITE_OK) {
    sqlite3_finalize(st);
    free(qi);
    custs_free(&cs);
    return mi_store_fail(s, e, "reading responses");
  }
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  sqlite3_bind_int64(st, 4, wave_id);
  sqlite3_bind_int64(st, 5, lo);
  sqlite3_bind_int64(st, 6, hi);
  double *values = malloc((nquestions ? nquestions : 1) * sizeof *values);
  int rc = values ? 0 : MI_ENOMEM, arc = SQLITE_DONE, started = 0, stop = 0;
  while (!rc && !stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    rc = 0;
    if (sqlite3_column_int(st, 6) && !include_flagged) {
      ++*flagged_left_out;
      continue;
    }
    int64_t id = sqlite3_column_int64(st, 0);
    for (size_t q = 0; q < nquestions; q++) values[q] = NAN;
    if (!dense || !started) {
      sqlite3_reset(an);
      sqlite3_bind_int64(an, 1, id);
      if (dense) sqlite3_bind_int64(an, 2, hi);
      arc = sqlite3_step(an);
      started = 1;
    }
    /* the answers of this response; in a range scan, pass over those before it */
    for (; arc == SQLITE_ROW; arc = sqlite3_step(an)) {
      int64_t aid = sqlite3_column_int64(an, 0);
      if (aid > id) break;
      if (aid < id) continue;
      int64_t qid = sqlite3_column_int64(an, 1);
      const qinfo *q = qid > 0 && (uint64_t)qid < nqi ? &qi[qid] : NULL;
      if (q && q->slot < nquestions)
        values[q->slot] =
            in_terms_of(scales ? &scales[q->slot] : NULL, q, sqlite3_column_double(an, 2));
    }
    if (rc) break;
    if (arc != SQLITE_ROW && arc != SQLITE_DONE) {
      rc = arc;
      break;
    }
    mi_survey_row row = {
        .id = id, .submitted_at = sqlite3_column_int64(st, 5),
        .weight = sqlite3_column_double(st, 1),
        .tier = (const char *)sqlite3_column_text(st, 2),
        .region = (const char *)sqlite3_column_text(st, 3),
        .stratum = (const char *)sqlite3_column_text(st, 4),
        .channel = (const char *)sqlite3_column_text(st, 7),
        .department = (const char *)sqlite3_column_text(st, 8),
        .design_stratum = (const char *)sqlite3_column_text(st, 9),
        .design_cluster = (const char *)sqlite3_column_text(st, 10),
        .values = values};
    if (cs.n) {
      int64_t cid = sqlite3_column_int64(st, 2);
      int known = cid >= 0 && (uint64_t)cid < cs.n && cs.tier[cid];
      row.tier = known ? cs.tier[cid] : "", row.region = known ? cs.region[cid] : "";
    }
    if (!row.tier || !row.region || !row.stratum || !row.channel || !row.department ||
        !row.design_stratum || !row.design_cluster) {
      rc = MI_ENOMEM;
      break;
    }
    if ((stop = cb(ctx, &row))) rc = stop;
  }
  free(values), free(qi);
  custs_free(&cs);
  sqlite3_finalize(st);
  sqlite3_finalize(an);
  if (rc == SQLITE_DONE) return 0;
  if (stop) return stop; /* the callback's error, already in its mi_err */
  return rc == MI_ENOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory reading responses")
                         : mi_store_fail(s, e, "reading responses");
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
