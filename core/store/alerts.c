/* The stored side of eval alerts (alerts.h): the responses in id order with
 * what the alert policy sees of each, read in four range scans per chunk
 * (responses with their customer and ticket, follow-ups, open answers, coded
 * categories), the follow-up links, the mark and the report's figures. */
#include "store/alerts.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* A text column into dst (cut to size - 1 bytes; "" for NULL), without the
 * cost of a printf per column: a chunk copies a dozen per response. */
static void copy(char *dst, size_t size, sqlite3_stmt *st, int col) {
  const char *v = (const char *)sqlite3_column_text(st, col);
  size_t n = v ? (size_t)sqlite3_column_bytes(st, col) : 0;
  if (n >= size) n = size - 1;
  if (n) memcpy(dst, v, n);
  dst[n] = '\0';
}

/* The digits at *p as a number (0 when none), *p moved past them. */
static int64_t digits(const char **p) {
  int64_t v = 0;
  for (int n = 0; **p >= '0' && **p <= '9' && n < 18; (*p)++, n++) v = v * 10 + (**p - '0');
  return v;
}

/* {"12":5,"13":4.5}: the scale answers of a response row (0011), keys the
 * question ids. A whole answer is read digit by digit (nearly all are),
 * any other number by strtod. Anything else is skipped, not guessed at. */
static void parse_scale(const char *j, mi_alert_row *r) {
  if (!j) return;
  const char *p = strchr(j, '{');
  while (p && *p && r->nanswers < MI_ALERT_MAX_ANSWERS) {
    const char *q = strchr(p, '"');
    if (!q) return;
    const char *id_end = q + 1;
    int64_t id = digits(&id_end);
    if (id_end == q + 1 || *id_end != '"' || id_end[1] != ':') return;
    const char *vs = id_end + 2, *ve = vs;
    double v = (double)digits(&ve);
    if (ve == vs || (*ve != ',' && *ve != '}')) { /* not a short whole number */
      char *end;
      v = strtod(vs, &end);
      if (end == vs) return;
      ve = end;
    }
    r->answers[r->nanswers++] = (mi_alert_answer){id, v, NULL, 0};
    p = ve;
  }
}

static mi_alert_row *find(mi_alert_row *rows, int n, int64_t id) {
  int lo = 0, hi = n - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (rows[mid].id == id) return &rows[mid];
    if (rows[mid].id < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return NULL;
}

void mi_alert_rows_free(mi_alert_row *rows, int n) {
  for (int i = 0; rows && i < n; i++)
    for (int k = 0; k < rows[i].nanswers; k++) {
      free(rows[i].answers[k].text);
      rows[i].answers[k].text = NULL;
    }
}

/* The columns every read of a response for the policy selects, from
 * responses r with its customer c and the ticket t its invitation followed. */
#define ROW_COLUMNS                                                                          \
  "SELECT r.id, r.external_id, r.survey_id, r.submitted_at, r.channel, r.scale_answers,"     \
  " c.id, c.external_id, c.kind, c.region, c.tier,"                                           \
  " t.external_id, t.kind, t.category, d.code, t.status"                                      \
  " FROM responses r JOIN customers c ON c.id = r.customer_id"                                \
  " LEFT JOIN invitations i ON i.id = r.invitation_id"                                        \
  " LEFT JOIN tickets t ON t.id = i.ticket_id"                                                \
  " LEFT JOIN departments d ON d.id = t.department_id"

/* A row of ROW_COLUMNS into r (its open answers, categories and follow-up
 * come from read_texts). */
static void fill_row(sqlite3_stmt *st, mi_alert_row *r) {
  r->id = sqlite3_column_int64(st, 0);
  copy(r->external_id, sizeof r->external_id, st, 1);
  r->survey_id = sqlite3_column_int64(st, 2);
  r->submitted_at = sqlite3_column_int64(st, 3);
  copy(r->channel, sizeof r->channel, st, 4);
  r->nanswers = 0;
  parse_scale((const char *)sqlite3_column_text(st, 5), r);
  r->customer_id = sqlite3_column_int64(st, 6);
  copy(r->customer, sizeof r->customer, st, 7);
  copy(r->customer_kind, sizeof r->customer_kind, st, 8);
  copy(r->customer_region, sizeof r->customer_region, st, 9);
  copy(r->customer_tier, sizeof r->customer_tier, st, 10);
  copy(r->ticket, sizeof r->ticket, st, 11);
  copy(r->ticket_kind, sizeof r->ticket_kind, st, 12);
  copy(r->ticket_category, sizeof r->ticket_category, st, 13);
  copy(r->ticket_department, sizeof r->ticket_department, st, 14);
  copy(r->ticket_status, sizeof r->ticket_status, st, 15);
  r->has_followup = 0; /* read_texts: one range read for the chunk */
  r->categories[0] = '\0';
  r->coded = 0;
}

static int read_rows(mi_store *s, int64_t survey_id, int64_t after, int limit, mi_alert_row *rows,
                     int *n, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         ROW_COLUMNS " WHERE r.id > ?1 AND (?2 = 0 OR r.survey_id = ?2)"
                                     " ORDER BY r.id LIMIT ?3",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading responses for the alert policy");
  sqlite3_bind_int64(st, 1, after);
  sqlite3_bind_int64(st, 2, survey_id);
  sqlite3_bind_int(st, 3, limit);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) fill_row(st, &rows[(*n)++]);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "reading responses for the alert policy");
}

/* Runs sql (its first column a response id, ?1 and ?2 the chunk's first and
 * last id) and hands each row of a response of the chunk to add. */
static int each_in_chunk(mi_store *s, enum mi_stmt_slot slot, const char *sql, const char *what,
                         mi_alert_row *rows, int n,
                         int (*add)(mi_alert_row *r, sqlite3_stmt *st, mi_err *e), mi_err *e) {
  char reading[64];
  snprintf(reading, sizeof reading, "reading %s", what);
  sqlite3_stmt *st = mi_store_stmt(s, slot, sql, e); /* kept: survey code reads few rows a time */
  if (!st) return e->code;
  sqlite3_bind_int64(st, 1, rows[0].id);
  sqlite3_bind_int64(st, 2, rows[n - 1].id);
  int rc, added = 0;
  while (!added && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_alert_row *r = find(rows, n, sqlite3_column_int64(st, 0));
    if (r) added = add(r, st, e);
  }
  sqlite3_reset(st);
  if (added) return added;
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, reading);
}

static int add_followup(mi_alert_row *r, sqlite3_stmt *st, mi_err *e) {
  (void)st, (void)e;
  r->has_followup = 1;
  return 0;
}

static int add_text(mi_alert_row *r, sqlite3_stmt *st, mi_err *e) {
  if (r->nanswers == MI_ALERT_MAX_ANSWERS) return 0;
  char *t = strdup((const char *)sqlite3_column_text(st, 2));
  if (!t) return mi_err_set(e, MI_ENOMEM, "out of memory reading open answers");
  r->answers[r->nanswers++] =
      (mi_alert_answer){sqlite3_column_int64(st, 1), 0, t, sqlite3_column_int(st, 3)};
  return 0;
}

void mi_alert_category_add(char *list, size_t size, const char *c) {
  if (!c || !*c) return; /* coded to no category */
  size_t used = strlen(list), len = strlen(c);
  /* the same category from two questions is named once */
  char probe[70], have[MI_ALERT_CATEGORIES + 2];
  snprintf(probe, sizeof probe, ";%s;", c);
  snprintf(have, sizeof have, ";%s;", list);
  if (strstr(have, probe) || used + len + 2 > size) return;
  snprintf(list + used, size - used, "%s%s", used ? ";" : "", c);
}

static int add_category(mi_alert_row *r, sqlite3_stmt *st, mi_err *e) {
  (void)e;
  r->coded = 1;
  mi_alert_category_add(r->categories, sizeof r->categories, (const char *)sqlite3_column_text(st, 1));
  return 0;
}

/* 1 when r has an open answer (a choice question's codes are none). */
static int has_text(const mi_alert_row *r) {
  for (int k = 0; k < r->nanswers; k++)
    if (r->answers[k].text && !r->answers[k].choice) return 1;
  return 0;
}

/* The follow-ups, the open answers and the coded categories of the rows' id range. */
static int read_texts(mi_store *s, mi_alert_row *rows, int n, mi_err *e) {
  int rc = each_in_chunk(s, MI_SQL_ALERT_FOLLOWUPS,
                         "SELECT response_id FROM response_followups"
                         " WHERE response_id BETWEEN ?1 AND ?2",
                         "follow-ups", rows, n, add_followup, e);
  if (rc == 0)
    rc = each_in_chunk(s, MI_SQL_ALERT_TEXTS,
                       "SELECT a.response_id, a.question_id, a.text, q.choices IS NOT NULL"
                       " FROM answer_texts a JOIN questions q ON q.id = a.question_id"
                       " WHERE a.response_id BETWEEN ?1 AND ?2",
                       "open answers", rows, n, add_text, e);
  /* The expression of the index text_codes_once (0008), so that it is used. */
  if (rc == 0)
    rc = each_in_chunk(s, MI_SQL_ALERT_CATEGORIES,
                       "SELECT coalesce(response_id, 0), category FROM text_codes"
                       " WHERE source = 'survey' AND coalesce(response_id, 0) BETWEEN ?1 AND ?2",
                       "coded categories", rows, n, add_category, e);
  for (int i = 0; rc == 0 && i < n; i++) /* no open answer: nothing to code */
    if (!rows[i].coded) rows[i].coded = !has_text(&rows[i]);
  return rc;
}

int mi_alert_read(mi_store *s, int64_t survey_id, int64_t after, int limit, mi_alert_row *rows,
                  int *n, mi_err *e) {
  if (!s || !rows || !n || limit < 1) return mi_err_set(e, MI_EINVAL, "mi_alert_read: bad arguments");
  *n = 0;
  int rc = read_rows(s, survey_id, after, limit, rows, n, e);
  if (rc == 0 && *n) rc = read_texts(s, rows, *n, e);
  return rc;
}

int mi_alert_read_ids(mi_store *s, const int64_t *ids, int nids, mi_alert_row *rows, int *n,
                      mi_err *e) {
  if (!s || (nids && !ids) || !rows || !n) return mi_err_set(e, MI_EINVAL, "mi_alert_read_ids: bad arguments");
  *n = 0;
  for (int i = 1; i < nids; i++) /* read_texts finds rows by id */
    if (ids[i] <= ids[i - 1]) return mi_err_set(e, MI_EINVAL, "mi_alert_read_ids: the ids must increase");
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_ALERT_BY_ID, ROW_COLUMNS " WHERE r.id = ?1", e);
  if (!st) return e->code;
  int rc = SQLITE_DONE;
  for (int i = 0; i < nids && (rc == SQLITE_DONE || rc == SQLITE_ROW); i++) {
    sqlite3_bind_int64(st, 1, ids[i]);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) fill_row(st, &rows[(*n)++]);
    sqlite3_reset(st);
  }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return mi_store_fail(s, e, "reading responses for the alert policy");
  return *n ? read_texts(s, rows, *n, e) : 0;
}

/* text into dst (cut to size - 1 bytes). */
static void put_text(char *dst, size_t size, const char *text) {
  size_t n = text ? strlen(text) : 0;
  if (n >= size) n = size - 1;
  memcpy(dst, text ? text : "", n);
  dst[n] = '\0';
}

int mi_alert_customer_get(mi_store *s, int64_t id, char *kind, char *region, char *tier, mi_err *e) {
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_ALERT_CUSTOMER,
                                   "SELECT kind, region, tier FROM customers WHERE id = ?1", e);
  if (!st) return e->code;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  kind[0] = region[0] = tier[0] = '\0';
  if (rc == SQLITE_ROW) {
    copy(kind, 16, st, 0);
    copy(region, 65, st, 1);
    copy(tier, 33, st, 2);
  }
  sqlite3_reset(st);
  if (rc == SQLITE_ROW) return 0;
  if (rc == SQLITE_DONE) return mi_err_set(e, MI_ENOTFOUND, "no customer with row id %lld", (long long)id);
  return mi_store_fail(s, e, "reading the customer of a response");
}

int mi_alert_row_of(mi_store *s, const mi_response *r, const char *json, const mi_answer *texts,
                    int ntexts, const mi_alert_customer *c, mi_alert_row *row, mi_err *e) {
  if (!s || !r || !c || !row) return mi_err_set(e, MI_EINVAL, "mi_alert_row_of: bad arguments");
  memset(row, 0, offsetof(mi_alert_row, answers));
  row->nanswers = 0;
  put_text(row->external_id, sizeof row->external_id, r->external_id);
  put_text(row->channel, sizeof row->channel, r->channel);
  row->survey_id = r->survey_id;
  row->submitted_at = r->submitted_at;
  row->customer_id = r->customer_id;
  put_text(row->customer, sizeof row->customer, c->external_id);
  put_text(row->customer_kind, sizeof row->customer_kind, c->kind);
  put_text(row->customer_region, sizeof row->customer_region, c->region);
  put_text(row->customer_tier, sizeof row->customer_tier, c->tier);
  parse_scale(json, row);
  for (int i = 0; i < ntexts && row->nanswers < MI_ALERT_MAX_ANSWERS; i++) {
    if (!texts[i].text) continue;
    char *t = strdup(texts[i].text);
    if (!t) return mi_alert_rows_free(row, 1), mi_err_set(e, MI_ENOMEM, "out of memory");
    row->answers[row->nanswers++] = (mi_alert_answer){texts[i].question_id, 0, t, texts[i].choice};
  }
  row->coded = !has_text(row); /* its open answers are not coded yet */
  if (!r->invitation_id) return 0;
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_ALERT_TICKET,
                     "SELECT t.external_id, t.kind, t.category, d.code, t.status FROM invitations i"
                     " JOIN tickets t ON t.id = i.ticket_id"
                     " LEFT JOIN departments d ON d.id = t.department_id WHERE i.id = ?1",
                     e);
  if (!st) return mi_alert_rows_free(row, 1), e->code;
  sqlite3_bind_int64(st, 1, r->invitation_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    copy(row->ticket, sizeof row->ticket, st, 0);
    copy(row->ticket_kind, sizeof row->ticket_kind, st, 1);
    copy(row->ticket_category, sizeof row->ticket_category, st, 2);
    copy(row->ticket_department, sizeof row->ticket_department, st, 3);
    copy(row->ticket_status, sizeof row->ticket_status, st, 4);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return mi_alert_rows_free(row, 1), mi_store_fail(s, e, "reading the ticket of a response");
  return 0;
}

int mi_alert_questions(mi_store *s, mi_alert_question **out, size_t *n, mi_err *e) {
  sqlite3_stmt *st;
  if (!s || !out || !n) return mi_err_set(e, MI_EINVAL, "mi_alert_questions: bad arguments");
  *out = NULL;
  *n = 0;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT q.id, q.survey_id, v.code, q.code FROM questions q"
                         " JOIN surveys v ON v.id = q.survey_id ORDER BY q.survey_id, q.position",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading the questions");
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      mi_alert_question *q = realloc(*out, (cap = cap ? cap * 2 : 32) * sizeof *q);
      if (!q) {
        rc = MI_ENOMEM;
        break;
      }
      *out = q;
    }
    mi_alert_question *q = &(*out)[(*n)++];
    q->id = sqlite3_column_int64(st, 0);
    q->survey_id = sqlite3_column_int64(st, 1);
    copy(q->survey, sizeof q->survey, st, 2);
    copy(q->code, sizeof q->code, st, 3);
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) return 0;
  free(*out);
  *out = NULL;
  *n = 0;
  if (rc == MI_ENOMEM) return mi_err_set(e, MI_ENOMEM, "out of memory reading the questions");
  return mi_store_fail(s, e, "reading the questions");
}

int mi_alert_count(mi_store *s, int64_t survey_id, int64_t after, int64_t *n, mi_err *e) {
  sqlite3_stmt *st;
  if (!s || !n) return mi_err_set(e, MI_EINVAL, "mi_alert_count: bad arguments");
  if (sqlite3_prepare_v2(s->db,
                         "SELECT count(*) FROM responses WHERE id > ?1 AND (?2 = 0 OR survey_id = ?2)",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "counting responses");
  sqlite3_bind_int64(st, 1, after);
  sqlite3_bind_int64(st, 2, survey_id);
  int rc = sqlite3_step(st);
  *n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 0 : mi_store_fail(s, e, "counting responses");
}

int mi_alert_mark_get(mi_store *s, int64_t *last, mi_err *e) {
  sqlite3_stmt *st;
  if (!s || !last) return mi_err_set(e, MI_EINVAL, "mi_alert_mark_get: bad arguments");
  *last = 0;
  if (sqlite3_prepare_v2(s->db, "SELECT last_response_id FROM alert_mark WHERE id = 1", -1, &st,
                         NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading the alert mark");
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *last = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "reading the alert mark");
}

int mi_alert_mark_set(mi_store *s, int64_t last, int64_t now, mi_err *e) {
  sqlite3_stmt *st;
  if (!s) return mi_err_set(e, MI_EINVAL, "mi_alert_mark_set: no store");
  if (sqlite3_prepare_v2(s->db,
                         "INSERT INTO alert_mark(id, last_response_id, updated_at) VALUES (1, ?1, ?2)"
                         " ON CONFLICT(id) DO UPDATE SET last_response_id ="
                         " max(last_response_id, excluded.last_response_id),"
                         " updated_at = excluded.updated_at",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "moving the alert mark");
  sqlite3_bind_int64(st, 1, last);
  sqlite3_bind_int64(st, 2, now);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "moving the alert mark");
}

int mi_alert_mark_follow(mi_store *s, int64_t own_first, int64_t own_last, int64_t now, mi_err *e) {
  int64_t mark;
  int rc = mi_alert_mark_get(s, &mark, e);
  if (rc || mark >= own_last) return rc;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT EXISTS (SELECT 1 FROM responses WHERE id > ?1 AND id < ?2)",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading the responses before the import");
  sqlite3_bind_int64(st, 1, mark);
  sqlite3_bind_int64(st, 2, own_first);
  int step = sqlite3_step(st), behind = step == SQLITE_ROW && sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (step != SQLITE_ROW) return mi_store_fail(s, e, "reading the responses before the import");
  return behind ? 0 : mi_alert_mark_set(s, own_last, now, e);
}

int mi_alert_link(mi_store *s, int64_t response_id, int64_t ticket_id, const char *reason,
                  const char *policy_digest, int64_t now, mi_err *e) {
  if (!s || !reason || !policy_digest) return mi_err_set(e, MI_EINVAL, "mi_alert_link: bad arguments");
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_ALERT_LINK,
                                   "INSERT INTO response_followups(response_id, ticket_id, reason,"
                                   " policy, opened_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                                   e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, response_id);
  sqlite3_bind_int64(st, 2, ticket_id);
  sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, policy_digest, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, now);
  int rc = sqlite3_step(st);
  int ext = sqlite3_extended_errcode(s->db);
  if (rc == SQLITE_DONE) return sqlite3_reset(st), 0;
  if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE) {
    sqlite3_reset(st);
    return mi_err_set(e, MI_EEXIST, "response row %lld has a follow-up already", (long long)response_id);
  }
  rc = mi_store_fail(s, e, "linking a follow-up to its response");
  sqlite3_reset(st);
  return rc;
}

int mi_alert_followup_of(mi_store *s, const char *response, char *ticket, size_t size, mi_err *e) {
  sqlite3_stmt *st;
  if (!s || !response || !ticket || !size) return mi_err_set(e, MI_EINVAL, "mi_alert_followup_of: bad arguments");
  ticket[0] = '\0';
  if (sqlite3_prepare_v2(s->db,
                         "SELECT t.external_id FROM response_followups f"
                         " JOIN responses r ON r.id = f.response_id JOIN tickets t ON t.id = f.ticket_id"
                         " WHERE r.external_id = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading a follow-up");
  sqlite3_bind_text(st, 1, response, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) copy(ticket, size, st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "reading a follow-up");
}

/* The median of v[0..n) (sorted here); -1 when n is 0. */
static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
static double median(double *v, size_t n) {
  if (!n) return -1;
  qsort(v, n, sizeof *v, cmp);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int mi_alert_figures_get(mi_store *s, int64_t from, int64_t to, mi_alert_figures *out, mi_err *e) {
  sqlite3_stmt *st;
  if (!s || !out) return mi_err_set(e, MI_EINVAL, "mi_alert_figures_get: bad arguments");
  memset(out, 0, sizeof *out);
  out->median_contact_hours = out->median_close_hours = -1;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT t.opened_at, t.first_response_at, t.resolved_at, t.status"
                         " FROM response_followups f JOIN tickets t ON t.id = f.ticket_id"
                         " WHERE f.opened_at >= ?1 AND f.opened_at < ?2",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading the follow-ups");
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  double *contact = NULL, *close = NULL;
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if ((size_t)out->opened == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      double *a = realloc(contact, ncap * sizeof *a);
      if (a) contact = a;
      double *b = a ? realloc(close, ncap * sizeof *b) : NULL;
      if (b) close = b;
      if (!a || !b) {
        rc = MI_ENOMEM;
        break;
      }
      cap = ncap;
    }
    int64_t opened = sqlite3_column_int64(st, 0);
    const char *status = (const char *)sqlite3_column_text(st, 3);
    out->opened++;
    if (sqlite3_column_type(st, 1) != SQLITE_NULL)
      contact[out->contacted++] = (double)(sqlite3_column_int64(st, 1) - opened) / 3600.0;
    if (sqlite3_column_type(st, 2) != SQLITE_NULL)
      close[out->closed++] = (double)(sqlite3_column_int64(st, 2) - opened) / 3600.0;
    if (status && (!strcmp(status, "new") || !strcmp(status, "open") || !strcmp(status, "pending")))
      out->open_now++;
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) {
    out->median_contact_hours = median(contact, (size_t)out->contacted);
    out->median_close_hours = median(close, (size_t)out->closed);
    rc = 0;
  } else if (rc == MI_ENOMEM) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory reading the follow-ups");
  } else {
    rc = mi_store_fail(s, e, "reading the follow-ups");
  }
  free(contact);
  free(close);
  return rc;
}
