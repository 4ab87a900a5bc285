/* Cleaning survey responses: one SQL condition per reason decides which of a
 * survey's responses carry a flag; flags are added and withdrawn, responses
 * are never touched. */
#include "store/response_flags.h"

#include <string.h>

#include "store/store_internal.h"

const char *const mi_flag_reasons[MI_FLAG_REASONS] = {"duplicate", "speeder", "straight_liner",
                                                      "out_of_range", "missing"};

/* The scale groups of response r: its answers to closed questions, one group
 * per scale (scale_min..scale_max), with ?5 answers or more, all equal. */
#define STRAIGHT_GROUPS                                                                        \
  " FROM json_each(r.scale_answers) a JOIN questions q ON q.id = CAST(a.key AS INTEGER)"      \
  " WHERE q.open = 0 AND a.value IS NOT NULL"                                                 \
  " GROUP BY q.scale_min, q.scale_max HAVING count(*) >= ?5 AND min(a.value) = max(a.value)"

/* Closed questions of r's survey version, and those of them r left unanswered. */
#define SCALE_QUESTIONS " (SELECT count(*) FROM questions q WHERE q.survey_id = r.survey_id AND q.open = 0)"
#define UNANSWERED                                                                              \
  " (SELECT count(*) FROM questions q WHERE q.survey_id = r.survey_id AND q.open = 0"          \
  " AND " MI_SQL_SCALE("r", "q") " IS NULL)"

/* An earlier response p (by time, then id) of r's customer to the survey,
 * any version, at most ?2 seconds before r: whatever its answers. */
#define EARLIER_WITHIN(window)                                                                   \
  " FROM responses p WHERE p.customer_id = r.customer_id AND p.id <> r.id"                       \
  " AND p.submitted_at BETWEEN r.submitted_at - " window " AND r.submitted_at"                   \
  " AND (p.submitted_at < r.submitted_at OR p.id < r.id)"
#define WITHIN_WINDOW                                                                            \
  "EXISTS (SELECT 1" EARLIER_WITHIN("?2") " AND p.survey_id IN (SELECT id FROM surveys WHERE code = ?1))"
/* ... or of the same version at most ?7 seconds before, with the same answer
 * to every question (both blank counts as the same; the open text too). */
#define SAME_ANSWERS                                                                             \
  "(?7 > 0 AND EXISTS (SELECT 1" EARLIER_WITHIN("?7") " AND p.survey_id = r.survey_id"           \
  " AND NOT EXISTS (SELECT 1 FROM questions q"                                                   \
  " LEFT JOIN answer_texts x ON x.response_id = r.id AND x.question_id = q.id"                   \
  " LEFT JOIN answer_texts y ON y.response_id = p.id AND y.question_id = q.id"                   \
  " WHERE q.survey_id = r.survey_id AND (" MI_SQL_SCALE("r", "q") " IS NOT " MI_SQL_SCALE("p", "q") \
  " OR x.text IS NOT y.text))))"

/* Each rule: the detail of a flag and the condition on response r; ?1 the
 * survey code, ?2 the duplicate window, ?3 the minimum duration, ?4 now, ?5
 * the straight-line minimum, ?6 the missing share, ?7 the same-answers window. */
static const char *const rules[MI_FLAG_REASONS][2] = {
    {"CASE WHEN " WITHIN_WINDOW " THEN 'at most ' || ?2 || ' s after an earlier response'"
     " ELSE 'the same answers as one at most ' || ?7 || ' s earlier' END",
     "(" WITHIN_WINDOW " OR " SAME_ANSWERS ")"},
    {"r.duration_s || ' s'", "r.duration_s < ?3"},
    {"(SELECT count(*) || ' answers on ' || q.scale_min || '-' || q.scale_max || ', all '"
     " || CAST(min(a.value) AS INTEGER)" STRAIGHT_GROUPS " LIMIT 1)",
     "EXISTS (SELECT 1" STRAIGHT_GROUPS ")"},
    {"'an answer outside its scale'",
     "EXISTS (SELECT 1 FROM json_each(r.scale_answers) a JOIN questions q"
     " ON q.id = CAST(a.key AS INTEGER) WHERE a.value < q.scale_min OR a.value > q.scale_max)"},
    /* A real share: k of n unanswered is flagged when k > share * n. */
    {UNANSWERED " || ' of ' ||" SCALE_QUESTIONS " || ' scale questions unanswered'",
     UNANSWERED " > ?6 *" SCALE_QUESTIONS}};

/* Binds the parameters every rule statement may use. */
static void bind_rules(sqlite3_stmt *st, const char *survey, const mi_clean_rules *r, int64_t now) {
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, r->duplicate_window);
  sqlite3_bind_int64(st, 3, r->min_duration);
  sqlite3_bind_int64(st, 4, now);
  sqlite3_bind_int(st, 5, r->straight_min);
  sqlite3_bind_double(st, 6, r->max_missing);
  sqlite3_bind_int64(st, 7, r->identical_window);
}

/* Runs one statement of rule i; *changed gets the rows it touched. */
static int run_rule(mi_store *s, const char *sql, const char *survey, const mi_clean_rules *rules_in,
                    int64_t now, int64_t *changed, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "flagging responses");
  bind_rules(st, survey, rules_in, now);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return mi_store_fail(s, e, "flagging responses");
  *changed = sqlite3_changes(s->db);
  return 0;
}

int mi_responses_flag(mi_store *s, const char *survey, const mi_clean_rules *rules_in, int64_t now,
                      int64_t flagged[MI_FLAG_REASONS], int64_t removed[MI_FLAG_REASONS],
                      int64_t total[MI_FLAG_REASONS], mi_err *e) {
  if (!s || !survey || !rules_in || !flagged || !removed || !total)
    return mi_err_set(e, MI_EINVAL, "flagging responses needs a store, a survey and its rules");
  for (int i = 0; i < MI_FLAG_REASONS; i++) {
    char del[4000], ins[4000];
    /* Flags the rules no longer give go (e.g. after other options, or flags of
     * an older manyi); those still given keep their time and detail. */
    int nd = snprintf(del, sizeof del,
                      "DELETE FROM response_flags WHERE reason = '%s' AND response_id IN"
                      " (SELECT r.id FROM responses r JOIN surveys v ON v.id = r.survey_id"
                      " WHERE v.code = ?1 AND NOT coalesce(%s, 0))",
                      mi_flag_reasons[i], rules[i][1]);
    int ni = snprintf(ins, sizeof ins,
                      "INSERT OR IGNORE INTO response_flags(response_id, reason, detail, flagged_at)"
                      " SELECT r.id, '%s', %s, ?4 FROM responses r JOIN surveys v ON v.id = r.survey_id"
                      " WHERE v.code = ?1 AND %s",
                      mi_flag_reasons[i], rules[i][0], rules[i][1]);
    if (nd < 0 || ni < 0 || (size_t)nd >= sizeof del || (size_t)ni >= sizeof ins)
      return mi_err_set(e, MI_ESTORE, "internal: the cleaning rule '%s' does not fit its buffer",
                        mi_flag_reasons[i]);
    int rc = run_rule(s, del, survey, rules_in, now, &removed[i], e);
    if (!rc) rc = run_rule(s, ins, survey, rules_in, now, &flagged[i], e);
    if (rc) return rc;
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
