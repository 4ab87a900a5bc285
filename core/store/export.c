#include "store/export.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/surveys.h"
#include "util/strbuf.h"

#define ISO(col) "strftime('%Y-%m-%dT%H:%M:%SZ', " col ", 'unixepoch')"
#define MONEY(col) "printf('%d.%02d', " col " / 100, " col " % 100)"

typedef struct export_query {
  const char *entity;
  const char *sql;
} export_query;

/* Column names are the SELECT's aliases and equal the import columns. */
static const export_query queries[] = {
    /* A referrer before the customers it referred (an import needs it stored
     * first; `customer refer` may link an older customer to a newer one):
     * by the length of the chain of referrers, then by id. */
    {"customers",
     "WITH RECURSIVE chain(id, depth) AS ("
     "   SELECT id, 0 FROM customers WHERE id NOT IN (SELECT referred_id FROM referrals)"
     "   UNION ALL SELECT f.referred_id, depth + 1 FROM referrals f JOIN chain ON f.referrer_id = chain.id)"
     " SELECT c.external_id, name, kind, region, industry, phone, email, birthday,"
     " consent_email, consent_sms, consent_phone, tier,"
     " strftime('%Y-%m-%d', c.created_at, 'unixepoch') AS created_at, special_needs,"
     " (SELECT r.external_id FROM referrals f JOIN customers r ON r.id = f.referrer_id"
     "   WHERE f.referred_id = c.id) AS referred_by"
     " FROM customers c JOIN chain ON chain.id = c.id ORDER BY chain.depth, c.id"},
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
    {"outbox",
     "SELECT o.key, o.kind, o.channel, o.recipient, c.external_id AS customer_id,"
     " t.external_id AS ticket_id, o.subject, o.payload, " ISO("o.created_at") " AS created_at,"
     " o.status, o.reason"
     " FROM outbox o LEFT JOIN customers c ON c.id = o.customer_id"
     " LEFT JOIN tickets t ON t.id = o.ticket_id ORDER BY o.id"},
    {"jobs",
     "SELECT key, kind, status, " ISO("run_at") " AS run_at, attempts, payload, error,"
     " " ISO("finished_at") " AS finished_at FROM jobs ORDER BY id"},
};

/* Runs sql with the given text parameters (?1..?nparams) and calls cb with
 * the column names (names, or the SELECT's aliases when names is NULL). */
static int run_query(mi_store *s, const char *sql, const char *const *params, int nparams,
                     const char *const *names, mi_export_cb cb, void *ctx, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "exporting");
  for (int i = 0; i < nparams; i++) sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
  size_t n = (size_t)sqlite3_column_count(st);
  const char **cols = calloc(n, sizeof *cols), **vals = calloc(n, sizeof *vals);
  int rc = 0, step;
  if (!cols || !vals) {
    rc = mi_err_set(e, MI_ENOMEM, "out of memory exporting");
    goto done;
  }
  for (size_t i = 0; i < n; i++) cols[i] = names ? names[i] : sqlite3_column_name(st, (int)i);
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

enum { RESPONSE_FIXED = 6 };

/* Answers are stored one per row; the export pivots them back to one row per
 * response with a column per question code (of the latest version: answers
 * to older versions match by code). Scale answers are whole numbers. */
static int export_responses(mi_store *s, const char *survey, mi_export_cb cb, void *ctx,
                            mi_err *e) {
  static const char *const fixed[RESPONSE_FIXED] = {"external_id",  "survey",     "customer_id",
                                                    "submitted_at", "duration_s", "channel"};
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
  const char **names = calloc((size_t)nq + RESPONSE_FIXED, sizeof *names);
  const char **params = calloc((size_t)nq + 1, sizeof *params);
  mi_strbuf sql;
  mi_strbuf_init(&sql);
  int rc = names && params ? 0 : mi_err_set(e, MI_ENOMEM, "out of memory exporting");
  if (rc == 0) {
    memcpy(names, fixed, sizeof fixed);
    params[0] = survey;
    int bad = mi_strbuf_appends(&sql, "SELECT r.external_id, sv.code, c.external_id, " ISO("r.submitted_at")
                            ", r.duration_s, r.channel");
    for (int i = 0; i < nq; i++) {
      names[RESPONSE_FIXED + i] = params[i + 1] = qs[i].code;
      bad |= mi_strbuf_appendf(&sql,
                        ", (SELECT coalesce(a.text, CAST(CAST(" MI_SQL_SCALE("r", "q")
                        " AS INTEGER) AS TEXT)) FROM questions q LEFT JOIN answer_texts a"
                        " ON a.response_id = r.id AND a.question_id = q.id"
                        " WHERE q.survey_id = r.survey_id AND q.code = ?%d)",
                        i + 2);
    }
    bad |= mi_strbuf_appends(&sql, " FROM responses r JOIN surveys sv ON sv.id = r.survey_id"
                                   " JOIN customers c ON c.id = r.customer_id"
                                   " WHERE sv.code = ?1 ORDER BY r.id");
    if (bad)
      rc = mi_err_set(e, MI_ENOMEM, "out of memory exporting");
  }
  if (rc == 0) rc = run_query(s, sql.data, params, nq + 1, names, cb, ctx, e);
  mi_strbuf_free(&sql);
  free(names);
  free(params);
  free(qs);
  return rc;
}

int mi_store_export(mi_store *s, const char *entity, const char *survey, mi_export_cb cb,
                    void *ctx, mi_err *e) {
  if (!s || !entity || !cb) return mi_err_set(e, MI_EINVAL, "nothing to export");
  if (strcmp(entity, "responses") == 0) return export_responses(s, survey, cb, ctx, e);
  for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
    if (strcmp(queries[i].entity, entity) == 0) return run_query(s, queries[i].sql, NULL, 0, NULL, cb, ctx, e);
  return mi_err_set(e, MI_EINVAL,
                    "cannot export '%s': use customers, staff, orders, interactions, tickets "
                    "or responses",
                    entity);
}
