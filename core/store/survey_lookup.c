/* The look-up tables of a survey scan (survey_lookup.h). */
#include "store/survey_lookup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/response_block.h"
#include "store/store_internal.h"

int mi_lookup_questions(mi_store *s, const char *const *questions, size_t nquestions,
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
double mi_lookup_in_terms_of(const mi_survey_scale *to, const qinfo *q, double v) {
  if (!to || !q->scaled || q->hi <= q->lo ||
      (q->reverse == !!to->reverse && q->lo == to->min && q->hi == to->max))
    return v;
  double scored = q->reverse ? q->lo + q->hi - v : v;
  double u = to->min + (scored - q->lo) * (to->max - to->min) / (q->hi - q->lo);
  return to->reverse ? to->min + to->max - u : u;
}



void mi_lookup_custs_free(custs *c) {
  free(c->code);
  for (size_t i = 1; i < c->ntier; i++) free((char *)c->tier[i]);
  for (size_t i = 1; i < c->nregion; i++) free((char *)c->region[i]);
}

/* The number of t among names (added if new; n: how many there are), or
 * -1 when there is no room or memory. Tiers and regions are few. */
static long name_number(const char **names, size_t *n, const char *t) {
  for (size_t i = 0; i < *n; i++)
    if (!strcmp(names[i], t)) return (long)i;
  if (*n == CUST_TEXTS || !(names[*n] = strdup(t))) return -1;
  return (long)(*n)++;
}

/* Sets part `shift` (0: tier, number + 1; 16: region) of every customer's
 * code from sql (id, text), best through the column's index, whose rows come
 * grouped by text (a name is looked up when the text changes), and the bits
 * `known`. 0, 1 when there are too many texts, or an SQLite error. */
static int load_part(mi_store *s, custs *c, const char *const sql[2], int shift, int64_t max,
                     uint32_t known) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, sql[0], -1, &st, NULL) != SQLITE_OK &&
      sqlite3_prepare_v2(s->db, sql[1], -1, &st, NULL) != SQLITE_OK) /* no index */
    return SQLITE_ERROR;
  const char **names = shift ? c->region : c->tier;
  size_t *n = shift ? &c->nregion : &c->ntier;
  long last = -1;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    const char *t = (const char *)sqlite3_column_text(st, 1);
    if (id < 0 || id > max || !t) continue;
    if (last < 0 || strcmp(names[last], t)) last = name_number(names, n, t);
    if (last < 0) break; /* too many texts: join instead */
    c->code[id] |= (uint32_t)(last + !shift) << shift | known;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : rc;
}

/* which: MI_SURVEY_NEED_TIER and/or _REGION, the columns to read. */
int mi_lookup_customers(mi_store *s, custs *c, unsigned which) {
  sqlite3_stmt *st;
  c->code = NULL, c->n = 0;
  c->tier[0] = c->region[0] = "", c->ntier = c->nregion = 1;
  if (sqlite3_prepare_v2(s->db, "SELECT max(id), count(*) FROM customers", -1, &st, NULL) != SQLITE_OK)
    return SQLITE_ERROR;
  int64_t max = 0, count = 0;
  if (sqlite3_step(st) == SQLITE_ROW) max = sqlite3_column_int64(st, 0), count = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  if (max <= 0 || max > 4 * count + 1024) return 0; /* none, or too sparse: join instead */
  size_t n = (size_t)max + 1;
  if (!(c->code = calloc(n, sizeof *c->code))) return MI_ENOMEM;
  /* a known customer's code is never 0: its tier's number + 1 */
  static const char *const tier[2] = {
      "SELECT id, coalesce(tier, '') FROM customers INDEXED BY customers_by_tier",
      "SELECT id, coalesce(tier, '') FROM customers"};
  static const char *const region[2] = {
      "SELECT id, coalesce(region, '') FROM customers INDEXED BY customers_by_region",
      "SELECT id, coalesce(region, '') FROM customers"};
  /* every known customer gets a tier number: "" (1) when the tier is not read */
  int rc = which & MI_SURVEY_NEED_TIER ? load_part(s, c, tier, 0, max, 0) : 0;
  if (!rc && which & MI_SURVEY_NEED_REGION)
    rc = load_part(s, c, region, 16, max, which & MI_SURVEY_NEED_TIER ? 0 : 1);
  if (rc == 1) return free(c->code), c->code = NULL, 0;
  if (rc) return rc;
  c->n = n;
  return 0;
}

/* Customer id's tier and region ("" when unknown) into row, with their
 * numbers (unknown: the numbers of ""). */
void mi_lookup_customer_of(const custs *c, int64_t id, mi_survey_row *row) {
  uint32_t code = id >= 0 && (uint64_t)id < c->n ? c->code[id] : 0;
  row->tier_no = code ? (int)(code & 0xffff) - 1 : 0;
  row->region_no = code ? (int)(code >> 16) : 0;
  row->tier = c->tier[row->tier_no], row->region = c->region[row->region_no];
}



void mi_lookup_waves_free(waves *w) {
  for (size_t i = 0; i < w->n; i++) free(w->code[i]);
  free(w->code), free(w->cluster), free(w->stratified);
}

int mi_lookup_waves(mi_store *s, waves *w) {
  sqlite3_stmt *st;
  memset(w, 0, sizeof *w);
  if (sqlite3_prepare_v2(s->db, "SELECT id, method, code FROM survey_waves WHERE id > 0 ORDER BY id DESC",
                         -1, &st, NULL) != SQLITE_OK)
    return SQLITE_ERROR;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    size_t id = (size_t)sqlite3_column_int64(st, 0);
    if (!w->code) { /* the largest id comes first */
      w->code = calloc(id + 1, sizeof *w->code);
      w->cluster = calloc(id + 1, sizeof *w->cluster);
      w->stratified = calloc(id + 1, sizeof *w->stratified);
      if (!w->code || !w->cluster || !w->stratified) {
        rc = MI_ENOMEM;
        break;
      }
      w->n = id + 1;
    }
    const char *method = (const char *)sqlite3_column_text(st, 1);
    w->cluster[id] = !strcmp(method, "cluster"), w->stratified[id] = !strcmp(method, "stratified");
    if (!(w->code[id] = strdup((const char *)sqlite3_column_text(st, 2)))) {
      rc = MI_ENOMEM;
      break;
    }
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : rc;
}



void mi_lookup_depts_free(depts *d) {
  for (size_t i = 0; i < d->n; i++) free(d->code[i]);
  free(d->code);
}

int mi_lookup_depts(mi_store *s, depts *d) {
  sqlite3_stmt *st;
  memset(d, 0, sizeof *d);
  if (sqlite3_prepare_v2(s->db, "SELECT id, code FROM departments WHERE id > 0 ORDER BY id DESC",
                         -1, &st, NULL) != SQLITE_OK)
    return SQLITE_ERROR;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    if (!d->code) { /* the largest id comes first */
      if (id > 1000000) {
        rc = SQLITE_DONE;
        break;
      }
      if (!(d->code = calloc((size_t)id + 1, sizeof *d->code))) {
        rc = MI_ENOMEM;
        break;
      }
      d->n = (size_t)id + 1;
    }
    if (!(d->code[id] = strdup((const char *)sqlite3_column_text(st, 1)))) {
      rc = MI_ENOMEM;
      break;
    }
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : rc;
}

/* Unpacks a response's scale_answers ({"question id":value,...}) into
 * values by the slots of qi; -1 when it is not such an object. */
int mi_lookup_unpack(const char *s, const qinfo *qi, size_t nqi, const mi_survey_scale *scales,
                     size_t nquestions, double *values) {
  if (!s) return 0; /* no scale answers */
  if (*s != '{') return -1;
  uint64_t qid;
  double v;
  int k;
  while ((k = mi_scale_answers_next(&s, &qid, &v)) == 1) {
    const qinfo *q = qid > 0 && qid < nqi ? &qi[qid] : NULL;
    if (q && q->slot < nquestions)
      values[q->slot] = mi_lookup_in_terms_of(scales ? &scales[q->slot] : NULL, q, v);
  }
  return k;
}

const char *mi_lookup_wave_code(const waves *wv, int64_t w) {
  return w > 0 && (uint64_t)w < wv->n && wv->code[w] ? wv->code[w] : "";
}

/* The design's stratum and cluster of a response of wave w in stratum
 * `stratum`, as mi_survey_rows says; tmp holds made texts (2 x 160). */
void mi_lookup_design_of(const waves *wv, int64_t w, const char *stratum, const char **ds,
                         const char **dc, char *tmp) {
  *ds = *dc = "";
  if (w <= 0 || (uint64_t)w >= wv->n || !wv->code[w]) return;
  if (wv->stratified[w] || wv->cluster[w]) {
    snprintf(tmp, 160, "%s/%s", wv->code[w], stratum);
    *ds = wv->cluster[w] ? wv->code[w] : tmp;
    *dc = wv->cluster[w] ? tmp : "";
  } else {
    *ds = wv->code[w];
  }
}
