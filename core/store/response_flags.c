#include "store/response_flags.h"

#include <string.h>

#include "store/store_internal.h"

const char *const mi_flag_reasons[MI_FLAG_REASONS] = {"duplicate", "speeder", "straight_liner",
                                                      "out_of_range", "missing"};

/* Each rule: the detail of a flag and the condition on response r; ?1 the
 * survey code, ?2 the duplicate window, ?3 the minimum duration, ?5 the
 * straight-line minimum, ?6 the missing share. */
static const char *const rules[MI_FLAG_REASONS][2] = {
    {"'a second response within the window'",
     "EXISTS (SELECT 1 FROM responses p JOIN surveys pv ON pv.id = p.survey_id"
     " WHERE pv.code = ?1 AND p.customer_id = r.customer_id AND p.id <> r.id"
     " AND (p.submitted_at < r.submitted_at OR (p.submitted_at = r.submitted_at AND p.id < r.id))"
     " AND r.submitted_at - p.submitted_at <= ?2)"},
    {"r.duration_s || ' s'", "r.duration_s < ?3"},
    {"'every answer the same'",
     "(SELECT count(a.value) >= ?5 AND count(DISTINCT a.value) = 1 FROM answers a"
     " WHERE a.response_id = r.id AND a.value IS NOT NULL)"},
    {"'an answer outside its scale'",
     "EXISTS (SELECT 1 FROM answers a JOIN questions q ON q.id = a.question_id"
     " WHERE a.response_id = r.id AND (a.value < q.scale_min OR a.value > q.scale_max))"},
    {"'too many questions unanswered'",
     "1.0 - (SELECT count(a.value) FROM answers a WHERE a.response_id = r.id)"
     " / max(1.0, (SELECT count(*) FROM questions q WHERE q.survey_id = r.survey_id"
     " AND q.open = 0)) > ?6"}};

int mi_responses_flag(mi_store *s, const char *survey, const mi_clean_rules *rules_in, int64_t now,
                      int64_t flagged[MI_FLAG_REASONS], int64_t total[MI_FLAG_REASONS], mi_err *e) {
  for (int i = 0; i < MI_FLAG_REASONS; i++) {
    char sql[1400];
    snprintf(sql, sizeof sql,
             "INSERT OR IGNORE INTO response_flags(response_id, reason, detail, flagged_at)"
             " SELECT r.id, '%s', %s, ?4 FROM responses r JOIN surveys v ON v.id = r.survey_id"
             " WHERE v.code = ?1 AND %s",
             mi_flag_reasons[i], rules[i][0], rules[i][1]);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
      return mi_store_fail(s, e, "flagging responses");
    sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, rules_in->duplicate_window);
    sqlite3_bind_int64(st, 3, rules_in->min_duration);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int(st, 5, rules_in->straight_min);
    sqlite3_bind_double(st, 6, rules_in->max_missing);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return mi_store_fail(s, e, "flagging responses");
    flagged[i] = sqlite3_changes(s->db);
  }
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT f.reason, count(*) FROM response_flags f"
                         " JOIN responses r ON r.id = f.response_id"
                         " JOIN surveys v ON v.id = r.survey_id WHERE v.code = ?1 GROUP BY 1",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "counting flags");
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  memset(total, 0, MI_FLAG_REASONS * sizeof *total);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    for (int i = 0; i < MI_FLAG_REASONS; i++)
      if (!strcmp((const char *)sqlite3_column_text(st, 0), mi_flag_reasons[i]))
        total[i] = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "counting flags");
}
