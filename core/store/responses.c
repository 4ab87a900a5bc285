#include "store/responses.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/put.h"

/* A response and its scale answers as the JSON object of responses.scale_answers. */
typedef struct packed {
  const mi_response *r;
  const char *scale_answers; /* NULL: none */
} packed;

/* Binds a response to the 8 parameters after the first `at`. */
static int bind_response_at(sqlite3_stmt *st, int at, const packed *p) {
  const mi_response *r = p->r;
  int rc = sqlite3_bind_text(st, at + 1, r->external_id, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_int64(st, at + 2, r->survey_id);
  rc |= sqlite3_bind_int64(st, at + 3, r->customer_id);
  rc |= mi_bind_int64_opt(st, at + 4, r->invitation_id != 0, r->invitation_id);
  rc |= sqlite3_bind_int64(st, at + 5, r->submitted_at);
  rc |= mi_bind_int64_opt(st, at + 6, r->has_duration, r->duration_s);
  rc |= mi_bind_text_or_null(st, at + 7, r->channel);
  rc |= mi_bind_text_or_null(st, at + 8, p->scale_answers);
  return rc;
}

static int bind_response(sqlite3_stmt *st, const void *row) { return bind_response_at(st, 0, row); }

/* Writes v in decimal at out; returns the length. */
static size_t put_int(char *out, long long v) {
  char digits[24];
  size_t n = 0, len = 0;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  do digits[n++] = (char)('0' + u % 10);
  while (u /= 10);
  if (v < 0) out[len++] = '-';
  while (n) out[len++] = digits[--n];
  return len;
}

int mi_response_pack(const mi_answer *answers, int n, char **out, mi_err *e) {
  *out = NULL;
  size_t cap = 2 + (size_t)n * 48, len = 0;
  for (int i = 0; i < n; i++)
    if (!answers[i].text && !isfinite(answers[i].value))
      return mi_err_set(e, MI_EINVAL, "answer to question %lld is not a number",
                        (long long)answers[i].question_id);
  char *json = malloc(cap);
  if (!json) return mi_err_set(e, MI_ENOMEM, "out of memory");
  json[len++] = '{';
  for (int i = 0; i < n; i++) {
    if (answers[i].text) continue;
    double v = answers[i].value;
    if (len > 1) json[len++] = ',';
    json[len++] = '"';
    len += put_int(json + len, (long long)answers[i].question_id);
    json[len++] = '"', json[len++] = ':';
    /* whole numbers without a decimal point, as SQLite's JSON functions
     * write them (printf was most of the time of checking a response) */
    if (v == floor(v) && fabs(v) < 1e15) len += put_int(json + len, (long long)v);
    else len += (size_t)snprintf(json + len, cap - len, "%.17g", v);
  }
  if (len == 1) return free(json), 0;
  json[len++] = '}', json[len] = 0;
  *out = json;
  return 0;
}

/* Why an insert stored nothing: a response with that external id (its id,
 * MI_PUT_UNCHANGED), or another response answered the same invitation
 * (MI_EPARSE: the row's invitation is wrong). Inserts ignore conflicts to
 * need no statement journal, so this is found out afterwards, on this rare
 * path only. */
static int not_inserted(mi_store *s, const mi_response *r, int64_t *id, mi_err *e) {
  int rc = mi_store_lookup_id(s, MI_SQL_RESPONSE_BY_KEY,
                              "SELECT id FROM responses WHERE external_id = ?", r->external_id,
                              id, e);
  if (rc != MI_ENOTFOUND) return rc ? rc : MI_PUT_UNCHANGED;
  char other[65] = "";
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_RESPONSE_BY_INVITATION,
      "SELECT external_id FROM responses WHERE invitation_id = ?1 AND ?1 IS NOT NULL", e);
  if (!st) return e ? e->code : MI_ESTORE;
  mi_bind_int64_opt(st, 1, r->invitation_id != 0, r->invitation_id);
  if (sqlite3_step(st) == SQLITE_ROW) mi_column_copy(st, 0, other, sizeof other);
  sqlite3_reset(st);
  if (*other)
    return mi_err_set(e, MI_EPARSE, "its invitation was answered already, by response '%s'",
                      other);
  return mi_err_set(e, MI_ESTORE, "response '%s' was not stored: a constraint of the table failed",
                    r->external_id);
}

/* The open answers of a stored response. */
static int put_texts(mi_store *s, int64_t id, const mi_answer *answers, int nanswers, mi_err *e) {
  for (int i = 0; i < nanswers; i++) {
    if (!answers[i].text) continue;
    sqlite3_stmt *st = mi_store_stmt(
        s, MI_SQL_ANSWER_INSERT,
        "INSERT INTO answer_texts(response_id, question_id, text) VALUES (?1, ?2, ?3)", e);
    if (!st) return e ? e->code : MI_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, answers[i].question_id);
    sqlite3_bind_text(st, 3, answers[i].text, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "storing answer");
  }
  return 0;
}

int mi_response_put_packed(mi_store *s, const mi_response *r, const char *scale_answers,
                           const mi_answer *answers, int nanswers, int64_t *id_out, mi_err *e) {
  if (!s || !r || !r->external_id || (nanswers && !answers))
    return mi_err_set(e, MI_EINVAL, "response needs an external id");
  packed p = {r, scale_answers};
  int64_t id;
  /* OR IGNORE: with no conflict that can abort (and the import's checks
   * off, mi_store_prechecked) SQLite keeps no statement journal, which cost
   * a copy of each page an insert touches. The design is copied from the
   * invitation here, so that the trigger response_inserted (which keeps it
   * right for any other writer) finds nothing to change; without an
   * invitation a plain insert (the join made SQLite build a table per row). */
  int rc = r->invitation_id
               ? mi_store_put(s, MI_SQL_RESPONSE_INSERT,
                              "INSERT OR IGNORE INTO responses(external_id, survey_id, customer_id,"
                              " invitation_id, submitted_at, duration_s, channel, scale_answers,"
                              " weight, wave_id, stratum)"
                              " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, coalesce(i.weight, 1),"
                              " i.wave_id, i.stratum FROM (SELECT 1) LEFT JOIN invitations i"
                              " ON i.id = ?4",
                              MI_SQL_SLOT_COUNT, NULL, bind_response, &p, &id,
                              "storing response", e)
               : mi_store_put(s, MI_SQL_RESPONSE_INSERT_PLAIN,
                              "INSERT OR IGNORE INTO responses(external_id, survey_id, customer_id,"
                              " invitation_id, submitted_at, duration_s, channel, scale_answers)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                              MI_SQL_SLOT_COUNT, NULL, bind_response, &p, &id,
                              "storing response", e);
  if (rc == MI_PUT_UNCHANGED) rc = not_inserted(s, r, &id, e);
  if (id_out) *id_out = rc >= 0 ? id : 0;
  if (rc != MI_PUT_INSERTED) return rc;
  return put_texts(s, id, answers, nanswers, e) ? e->code : rc;
}

/* One INSERT of MI_RESPONSE_ROWS rows without invitations. */
static sqlite3_stmt *many_stmt(mi_store *s, mi_err *e) {
  char sql[MI_RESPONSE_ROWS * 20 + 200];
  size_t len = (size_t)snprintf(sql, sizeof sql,
                                "INSERT OR IGNORE INTO responses(external_id, survey_id,"
                                " customer_id, invitation_id, submitted_at, duration_s, channel,"
                                " scale_answers) VALUES ");
  for (int i = 0; i < MI_RESPONSE_ROWS; i++)
    len += (size_t)snprintf(sql + len, sizeof sql - len, "%s(?,?,?,?,?,?,?,?)", i ? "," : "");
  return mi_store_stmt(s, MI_SQL_RESPONSE_INSERT_MANY, sql, e);
}

/* What became of each row of an insert of n rows that stored `changes`
 * of them, the last with id `last`: the stored ones have the ids up to
 * last, in the rows' order (a rowid is the largest plus one); the others
 * are found by their key. */
static int many_results(mi_store *s, const mi_response_row *rows, size_t n, int changes,
                        int64_t last, int64_t *ids, int *put, size_t *failed, mi_err *e) {
  if ((size_t)changes == n) {
    for (size_t i = 0; i < n; i++) ids[i] = last - (int64_t)(n - 1 - i), put[i] = MI_PUT_INSERTED;
    return 0;
  }
  for (size_t i = 0; i < n; i++) {
    int rc = not_inserted(s, rows[i].r, &ids[i], e);
    if (rc < 0) return *failed += i, rc;
    /* with nothing stored, last is another statement's */
    put[i] = changes > 0 && ids[i] > last - changes ? MI_PUT_INSERTED : MI_PUT_UNCHANGED;
  }
  return 0;
}

int mi_response_put_rows(mi_store *s, const mi_response_row *rows, size_t n, int64_t *ids,
                         int *put, size_t *failed, mi_err *e) {
  size_t i = 0;
  while (i < n) {
    *failed = i;
    size_t k = 0;
    while (i + k < n && k < MI_RESPONSE_ROWS && !rows[i + k].r->invitation_id) k++;
    if (k < MI_RESPONSE_ROWS) { /* a row with an invitation, or the last few */
      int rc = mi_response_put_packed(s, rows[i].r, rows[i].json, rows[i].texts, rows[i].ntexts,
                                      &ids[i], e);
      if (rc < 0) return rc;
      put[i++] = rc;
      continue;
    }
    sqlite3_stmt *st = many_stmt(s, e);
    if (!st) return e ? e->code : MI_ESTORE;
    for (size_t j = 0; j < k; j++) {
      packed p = {rows[i + j].r, rows[i + j].json};
      if (bind_response_at(st, (int)j * 8, &p) != SQLITE_OK) return mi_store_fail(s, e, "storing responses");
    }
    if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "storing responses");
    sqlite3_reset(st);
    int rc = many_results(s, rows + i, k, sqlite3_changes(s->db), sqlite3_last_insert_rowid(s->db),
                          ids + i, put + i, failed, e);
    for (size_t j = 0; rc == 0 && j < k; j++)
      if (put[i + j] == MI_PUT_INSERTED && (rc = put_texts(s, ids[i + j], rows[i + j].texts,
                                                            rows[i + j].ntexts, e)))
        *failed = i + j;
    if (rc) return rc;
    i += k;
  }
  return 0;
}

int mi_response_put(mi_store *s, const mi_response *r, const mi_answer *answers, int nanswers,
                    int64_t *id, mi_err *e) {
  char *json;
  int rc = mi_response_pack(answers, nanswers, &json, e);
  if (rc == 0) rc = mi_response_put_packed(s, r, json, answers, nanswers, id, e);
  free(json);
  return rc;
}

struct mi_choice_cursor {
  mi_store *s;
  sqlite3_stmt *st;
  int started, have; /* stepped once; the statement is on a row */
};

mi_choice_cursor *mi_choice_cursor_open(mi_store *s, mi_err *e) {
  mi_choice_cursor *c = calloc(1, sizeof *c);
  if (!c) return mi_err_set(e, MI_ENOMEM, "out of memory"), NULL;
  c->s = s;
  /* answer_texts is kept in response id order (its key): read from the
   * first id on, with the question's code, the choice answers only */
  if (sqlite3_prepare_v2(s->db,
                         "SELECT a.response_id, q.code, a.text FROM answer_texts a"
                         " JOIN questions q ON q.id = a.question_id"
                         " WHERE a.response_id >= ?1 AND q.choices IS NOT NULL"
                         " ORDER BY a.response_id",
                         -1, &c->st, NULL) != SQLITE_OK) {
    mi_store_fail(s, e, "reading the choices of the responses");
    free(c);
    return NULL;
  }
  return c;
}

static int cursor_step(mi_choice_cursor *c, mi_err *e) {
  int rc = sqlite3_step(c->st);
  c->have = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
                                               : mi_store_fail(c->s, e, "reading the choices of the responses");
}

int mi_choice_cursor_answers(mi_choice_cursor *c, int64_t response_id,
                             int (*fn)(void *ud, const char *question, const char *codes), void *ud,
                             mi_err *e) {
  if (!c->started) {
    c->started = 1;
    sqlite3_bind_int64(c->st, 1, response_id);
    if (cursor_step(c, e)) return e->code;
  }
  while (c->have && sqlite3_column_int64(c->st, 0) < response_id)
    if (cursor_step(c, e)) return e->code;
  while (c->have && sqlite3_column_int64(c->st, 0) == response_id) {
    int stop = fn(ud, (const char *)sqlite3_column_text(c->st, 1),
                  (const char *)sqlite3_column_text(c->st, 2));
    if (stop) return stop;
    if (cursor_step(c, e)) return e->code;
  }
  return 0;
}

void mi_choice_cursor_close(mi_choice_cursor *c) {
  if (!c) return;
  sqlite3_finalize(c->st);
  free(c);
}
