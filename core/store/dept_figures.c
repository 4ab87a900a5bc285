#include "store/dept_figures.h"

#include <string.h>

#include "store/store_internal.h"

int mi_dept_figures_get(mi_store *s, int64_t dept, int64_t from, int64_t to,
                        const char *from_date, const char *to_date, mi_dept_figures *out,
                        mi_err *e) {
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(
          s->db,
          "SELECT"
          " (SELECT count(*) FROM tickets WHERE department_id = ?1 AND opened_at >= ?2"
          "  AND opened_at < ?3),"
          " (SELECT count(*) FROM tickets WHERE department_id = ?1 AND opened_at >= ?2"
          "  AND opened_at < ?3 AND kind = 'complaint'),"
          " (SELECT count(*) FROM tickets WHERE department_id = ?1 AND opened_at >= ?2"
          "  AND opened_at < ?3 AND status IN ('resolved', 'closed')),"
          " (SELECT count(" MI_SQL_SCALE("r", "q") ") FROM responses r"
          "  JOIN questions q ON q.survey_id = r.survey_id"
          "  JOIN invitations i ON i.id = r.invitation_id"
          "  JOIN tickets t ON t.id = i.ticket_id WHERE t.department_id = ?1"
          "  AND r.submitted_at >= ?2 AND r.submitted_at < ?3 AND q.dimension = 'overall'),"
          " (SELECT count(*) FROM responses r JOIN questions q ON q.survey_id = r.survey_id"
          "  JOIN invitations i ON i.id = r.invitation_id"
          "  JOIN tickets t ON t.id = i.ticket_id WHERE t.department_id = ?1"
          "  AND r.submitted_at >= ?2 AND r.submitted_at < ?3 AND q.dimension = 'overall'"
          "  AND " MI_SQL_SCALE("r", "q") " >= q.scale_max - 1),"
          " (SELECT count(*) FROM improvement_actions WHERE department_id = ?1"
          "  AND due_date >= ?4 AND due_date < ?5),"
          " (SELECT count(*) FROM improvement_actions WHERE department_id = ?1"
          "  AND due_date >= ?4 AND due_date < ?5 AND stage = 'done')",
          -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading department figures");
  sqlite3_bind_int64(st, 1, dept);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  sqlite3_bind_text(st, 4, from_date, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, to_date, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    int64_t *f[] = {&out->tickets,   &out->complaints,      &out->resolved,   &out->responses,
                    &out->satisfied, &out->actions_planned, &out->actions_done};
    for (int i = 0; i < 7; i++) *f[i] = sqlite3_column_int64(st, i);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 0 : mi_store_fail(s, e, "reading department figures");
}
