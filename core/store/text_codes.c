#include "store/text_codes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/put.h"
#include "store/store_internal.h"

typedef struct row {
  mi_text_item t;
  char *text, *question;
} row;

/* Complaints first, then each response's open answers together, in id order. */
static int by_response(const void *a, const void *b) {
  const mi_text_item *x = &((const row *)a)->t, *y = &((const row *)b)->t;
  int c = strcmp(x->source, y->source);
  if (c) return c;
  if (x->response_id != y->response_id) return x->response_id < y->response_id ? -1 : 1;
  if (x->question_id != y->question_id) return x->question_id < y->question_id ? -1 : 1;
  return (x->ticket_id > y->ticket_id) - (x->ticket_id < y->ticket_id);
}

int mi_text_uncoded(mi_store *s, const char *survey, int complaints, int recode,
                    int (*fn)(void *ud, const mi_text_item *t), void *ud, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(
          s->db,
          "SELECT 'survey', a.response_id, a.question_id, 0, q.code, a.text FROM answer_texts a"
          " JOIN questions q ON q.id = a.question_id JOIN surveys v ON v.id = q.survey_id"
          " WHERE v.code = ?1 AND q.choices IS NULL AND (?3 OR NOT EXISTS (SELECT 1"
          "  FROM text_codes c WHERE c.source = 'survey' AND c.response_id = a.response_id"
          "  AND c.question_id = a.question_id))"
          " UNION ALL SELECT 'complaint', 0, 0, t.id, NULL, t.subject FROM tickets t"
          " WHERE ?2 AND t.kind = 'complaint' AND (?3 OR NOT EXISTS (SELECT 1 FROM text_codes c"
          "  WHERE c.source = 'complaint' AND c.ticket_id = t.id))",
          -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading texts to code");
  mi_bind_text_or_null(st, 1, survey);
  sqlite3_bind_int(st, 2, complaints);
  sqlite3_bind_int(st, 3, recode);
  row *rows = NULL;
  size_t n = 0, cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (n == cap) {
      row *r = realloc(rows, (cap = cap ? cap * 2 : 256) * sizeof *r);
      if (!r) {
        rc = MI_ENOMEM;
        break;
      }
      rows = r;
    }
    row *r = &rows[n++];
    const char *q = (const char *)sqlite3_column_text(st, 4);
    r->text = strdup((const char *)sqlite3_column_text(st, 5));
    r->question = q ? strdup(q) : NULL;
    r->t = (mi_text_item){.source = !strcmp((const char *)sqlite3_column_text(st, 0), "survey")
                                        ? "survey" : "complaint",
                          .response_id = sqlite3_column_int64(st, 1),
                          .question_id = sqlite3_column_int64(st, 2),
                          .ticket_id = sqlite3_column_int64(st, 3),
                          .question = r->question, .text = r->text};
    if (!r->text || (q && !r->question)) {
      rc = MI_ENOMEM;
      break;
    }
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) rc = 0;
  else if (rc == MI_ENOMEM) rc = mi_err_set(e, MI_ENOMEM, "out of memory reading texts");
  else rc = mi_store_fail(s, e, "reading texts to code");
  if (!rc && n) qsort(rows, n, sizeof *rows, by_response);
  for (size_t i = 0; i < n && !rc; i++) rc = fn(ud, &rows[i].t);
  for (size_t i = 0; i < n; i++) free(rows[i].text), free(rows[i].question);
  free(rows);
  return rc;
}

int mi_text_code_put(mi_store *s, const mi_text_item *t, const char *const *categories, size_t n,
                     int64_t now, mi_err *e) {
  sqlite3_stmt *del, *ins;
  if (sqlite3_prepare_v2(s->db,
                         "DELETE FROM text_codes WHERE source = ?1 AND coalesce(response_id, 0) = ?2"
                         " AND coalesce(question_id, 0) = ?3 AND coalesce(ticket_id, 0) = ?4",
                         -1, &del, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "coding a text");
  if (sqlite3_prepare_v2(s->db,
                         "INSERT INTO text_codes(source, response_id, question_id, ticket_id,"
                         " category, coded_at) VALUES (?1, nullif(?2, 0), nullif(?3, 0),"
                         " nullif(?4, 0), ?5, ?6)",
                         -1, &ins, NULL) != SQLITE_OK) {
    sqlite3_finalize(del);
    return mi_store_fail(s, e, "coding a text");
  }
  sqlite3_stmt *both[] = {del, ins};
  for (int k = 0; k < 2; k++) {
    sqlite3_bind_text(both[k], 1, t->source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(both[k], 2, t->response_id);
    sqlite3_bind_int64(both[k], 3, t->question_id);
    sqlite3_bind_int64(both[k], 4, t->ticket_id);
  }
  sqlite3_bind_int64(ins, 6, now);
  int rc = sqlite3_step(del) == SQLITE_DONE ? 0 : -1;
  for (size_t i = 0; i < (n ? n : 1) && !rc; i++) {
    sqlite3_bind_text(ins, 5, n ? categories[i] : "", -1, SQLITE_STATIC);
    rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(ins);
  }
  if (rc) rc = mi_store_fail(s, e, "coding a text");
  sqlite3_finalize(del);
  sqlite3_finalize(ins);
  return rc;
}

int mi_text_code_counts(mi_store *s, const char *source, const char *survey, mi_code_count **out,
                        size_t *n, int64_t *texts, mi_err *e) {
  return mi_text_code_counts_between(s, source, survey, INT64_MIN, INT64_MAX, out, n, texts, e);
}

int mi_text_code_counts_between(mi_store *s, const char *source, const char *survey, int64_t from,
                                int64_t to, mi_code_count **out, size_t *n, int64_t *texts,
                                mi_err *e) {
  sqlite3_stmt *st;
  const char *of =
      "FROM text_codes c LEFT JOIN questions q ON q.id = c.question_id"
      " LEFT JOIN surveys v ON v.id = q.survey_id LEFT JOIN responses r ON r.id = c.response_id"
      " LEFT JOIN tickets t ON t.id = c.ticket_id WHERE c.source = ?1"
      " AND (?1 = 'complaint' OR v.code = ?2)"
      " AND coalesce(r.submitted_at, t.opened_at) >= ?3 AND coalesce(r.submitted_at, t.opened_at) < ?4";
  char sql[1200];
  snprintf(sql, sizeof sql,
           "SELECT c.category, count(*), (SELECT count(DISTINCT coalesce(c.response_id, 0) || '/'"
           " || coalesce(c.question_id, 0) || '/' || coalesce(c.ticket_id, 0)) %s) %s"
           " AND c.category <> '' GROUP BY 1 ORDER BY 2 DESC, 1",
           of, of);
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "counting categories");
  sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
  mi_bind_text_or_null(st, 2, survey);
  sqlite3_bind_int64(st, 3, from);
  sqlite3_bind_int64(st, 4, to);
  *out = NULL, *n = 0, *texts = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_code_count *c = realloc(*out, (*n + 1) * sizeof *c);
    if (!c) {
      rc = MI_ENOMEM;
      break;
    }
    *out = c;
    snprintf(c[*n].category, sizeof c[*n].category, "%s", (const char *)sqlite3_column_text(st, 0));
    c[*n].count = sqlite3_column_int64(st, 1);
    *texts = sqlite3_column_int64(st, 2);
    ++*n;
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) return 0;
  free(*out), *out = NULL, *n = 0;
  return rc == MI_ENOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory")
                         : mi_store_fail(s, e, "counting categories");
}
