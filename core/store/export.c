#include "store/export.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/surveys.h"

#define ISO(col) "strftime('%Y-%m-%dT%H:%M:%SZ', " col ", 'unixepoch')"
#define MONEY(col) "printf('%d.%02d', " col " / 100, " col " % 100)"

typedef struct export_query {
  const char *entity;
  const char *sql;
} export_query;

/* Column names are the SELECT's aliases and equal the import columns. */
static const export_query queries[] = {
    {"customers",
     "SELECT external_id, name, kind, region, industry, phone, email, birthday,"
     " consent_email, consent_sms, consent_phone, tier,"
     " strftime('%Y-%m-%d', created_at, 'unixepoch') AS created_at"
     " FROM customers ORDER BY id"},
    {"staff",
     "SELECT s.external_id, s.name, d.code AS department, s.os_user, s.active"
     " FROM staff s LEFT JOIN departments d ON d.id = s.department_id ORDER BY s.id"},
    {"orders",
     "SELECT o.external_id, c.external_id AS customer_id, " MONEY("o.amount_minor") " AS amount,"
     " o.currency, " ISO("o.ordered_at") " AS ordered_at, o.status"
     " FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id"},
    {"interactions",
     "SELECT i.external_id, c.external_id AS customer_id, i.channel, i.direction,"
     " " ISO("i.occurred_at") " AS occurred_at, s.external_id AS staff_id, i.summary"
     " FROM interactions i JOIN customers c ON c.id = i.customer_id"
     " LEFT JOIN staff s ON s.id = i.staff_id ORDER BY i.id"},
    {"tickets",
     "SELECT t.external_id, c.external_id AS customer_id, t.kind, t.category, t.severity,"
     " t.channel, t.priority, d.code AS department, t.status,"
     " " ISO("t.opened_at") " AS opened_at, " ISO("t.first_response_at") " AS first_response_at,"
     " " ISO("t.resolved_at") " AS resolved_at, t.subject"
     " FROM tickets t JOIN customers c ON c.id = t.customer_id"
     " JOIN departments d ON d.id = t.department_id ORDER BY t.id"},
};

static int run_query(mi_store *s, const char *sql, mi_export_cb cb, void *ctx, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "exporting");
  size_t n = (size_t)sqlite3_column_count(st);
  const char **cols = calloc(n, sizeof *cols), **vals = calloc(n, sizeof *vals);
  int rc = 0, step;
  if (!cols || !vals) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory exporting");
    goto done;
  }
  for (size_t i = 0; i < n; i++) cols[i] = sqlite3_column_name(st, (int)i);
  if ((rc = cb(ctx, cols, NULL, n))) goto done;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    for (size_t i = 0; i < n; i++) vals[i] = (const char *)sqlite3_column_text(st, (int)i);
    if ((rc = cb(ctx, cols, vals, n))) goto done;
  }
  if (step != SQLITE_DONE) rc = mi_store_fail(s, e, "exporting");
done:
  free(cols);
  free(vals);
  sqlite3_finalize(st);
  return rc;
}

static int only_survey(mi_store *s, char *code, size_t size, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT DISTINCT code FROM surveys ORDER BY code LIMIT 2", -1,
                         &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "exporting");
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW)
    if (n++ == 0) snprintf(code, size, "%s", sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  if (n == 0) return mi_err_set(e, MI_ENOTFOUND, "there are no surveys to export");
  if (n > 1)
    return mi_err_set(e, MI_EINVAL, "there are several surveys: say which with --survey CODE");
  return 0;
}

/* Formats an answer the way it was imported: integers without a decimal point. */
static void format_value(sqlite3_stmt *st, int col, char *buf, size_t size) {
  double v = sqlite3_column_double(st, col);
  if (v == (double)(long long)v)
    snprintf(buf, size, "%lld", (long long)v);
  else
    snprintf(buf, size, "%.17g", v);
}

enum { RESPONSE_FIXED = 6 };

/* Responses are stored one answer per row; the export pivots them back to one
 * row per response with a column per question code. */
static int export_responses(mi_store *s, const char *survey, mi_export_cb cb, void *ctx,
                            mi_err *e) {
  char code[65];
  if (!survey) {
    if (only_survey(s, code, sizeof code, e)) return e ? e->code : MI_EINVAL;
    survey = code;
  }
  int64_t survey_id;
  mi_question *qs = NULL;
  int nq = 0;
  if (mi_survey_latest(s, survey, &survey_id, e) || mi_survey_questions(s, survey_id, &qs, &nq, e))
    return e ? e->code : MI_ESTORE;
  size_t n = RESPONSE_FIXED + (size_t)nq;
  const char **cols = calloc(n, sizeof *cols), **vals = calloc(n, sizeof *vals);
  char(*nums)[32] = calloc((size_t)nq + 1, sizeof *nums);
  sqlite3_stmt *st = NULL;
  int rc = 0, step;
  if (!cols || !vals || !nums) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory exporting");
    goto done;
  }
  static const char *const fixed[RESPONSE_FIXED] = {"external_id", "survey",     "customer_id",
                                                    "submitted_at", "duration_s", "channel"};
  for (int i = 0; i < RESPONSE_FIXED; i++) cols[i] = fixed[i];
  for (int i = 0; i < nq; i++) cols[RESPONSE_FIXED + i] = qs[i].code;
  if ((rc = cb(ctx, cols, NULL, n))) goto done;
  if (sqlite3_prepare_v2(
          s->db,
          "SELECT r.id, r.external_id, sv.code, c.external_id, " ISO("r.submitted_at") ","
          " r.duration_s, r.channel, q.code, a.value, a.text"
          " FROM responses r JOIN surveys sv ON sv.id = r.survey_id"
          " JOIN customers c ON c.id = r.customer_id"
          " LEFT JOIN answers a ON a.response_id = r.id"
          " LEFT JOIN questions q ON q.id = a.question_id"
          " WHERE sv.code = ?1 ORDER BY r.id",
          -1, &st, NULL) != SQLITE_OK) {
    rc = mi_store_fail(s, e, "exporting");
    goto done;
  }
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  /* Rows of one response are adjacent; text is copied since the cursor moves on. */
  char *fixed_text[RESPONSE_FIXED] = {0};
  char **answer_text = calloc((size_t)nq + 1, sizeof *answer_text);
  int64_t current = -1;
  if (!answer_text) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory exporting");
    goto done;
  }
  for (;;) {
    step = sqlite3_step(st);
    int64_t rid = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -2;
    if (rid != current && current != -1) {
      for (int i = 0; i < RESPONSE_FIXED; i++) vals[i] = fixed_text[i];
      for (int i = 0; i < nq; i++) vals[RESPONSE_FIXED + i] = answer_text[i];
      rc = cb(ctx, cols, vals, n);
      for (int i = 0; i < RESPONSE_FIXED; i++) free(fixed_text[i]), fixed_text[i] = NULL;
      for (int i = 0; i < nq; i++) free(answer_text[i]), answer_text[i] = NULL;
      if (rc) break;
    }
    if (step != SQLITE_ROW) {
      if (step != SQLITE_DONE) rc = mi_store_fail(s, e, "exporting");
      break;
    }
    if (rid != current) {
      current = rid;
      for (int i = 0; i < RESPONSE_FIXED; i++) fixed_text[i] = mi_column_strdup(st, i + 1);
    }
    const char *qcode = (const char *)sqlite3_column_text(st, 7);
    for (int i = 0; qcode && i < nq; i++) {
      if (strcmp(qs[i].code, qcode) != 0) continue;
      if (sqlite3_column_type(st, 9) != SQLITE_NULL) {
        answer_text[i] = mi_column_strdup(st, 9);
      } else {
        format_value(st, 8, nums[i], sizeof nums[i]);
        answer_text[i] = strdup(nums[i]);
      }
      break;
    }
  }
  for (int i = 0; i < RESPONSE_FIXED; i++) free(fixed_text[i]);
  for (int i = 0; i < nq; i++) free(answer_text[i]);
  free(answer_text);
done:
  sqlite3_finalize(st);
  free(cols);
  free(vals);
  free(nums);
  free(qs);
  return rc;
}

int mi_store_export(mi_store *s, const char *entity, const char *survey, mi_export_cb cb,
                    void *ctx, mi_err *e) {
  if (!s || !entity || !cb) return mi_err_set(e, MI_EINVAL, "nothing to export");
  if (strcmp(entity, "responses") == 0) return export_responses(s, survey, cb, ctx, e);
  for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
    if (strcmp(queries[i].entity, entity) == 0) return run_query(s, queries[i].sql, cb, ctx, e);
  return mi_err_set(e, MI_EINVAL,
                    "cannot export '%s': use customers, staff, orders, interactions, tickets "
                    "or responses",
                    entity);
}
