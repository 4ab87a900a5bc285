#include "store/staff_figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/put.h"
#include "store/store_internal.h"

static const char *text(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

int mi_staff_list(mi_store *s, int64_t from, int64_t to, mi_staff_member **out, size_t *n,
                  mi_err *e) {
  *out = NULL;
  *n = 0;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT s.id, s.external_id, s.name, coalesce(d.code, '') FROM staff s"
                         " LEFT JOIN departments d ON d.id = s.department_id WHERE s.active = 1"
                         " OR EXISTS (SELECT 1 FROM tickets t WHERE t.assignee_id = s.id"
                         " AND t.opened_at >= ?1 AND t.opened_at < ?2) ORDER BY s.external_id",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "listing staff");
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? 2 * cap : 16;
      mi_staff_member *g = realloc(*out, cap * sizeof *g);
      if (!g) {
        rc = MI_ENOMEM;
        break;
      }
      *out = g;
    }
    mi_staff_member *m = &(*out)[(*n)++];
    m->id = sqlite3_column_int64(st, 0);
    snprintf(m->code, sizeof m->code, "%s", text(st, 1));
    snprintf(m->name, sizeof m->name, "%s", text(st, 2));
    snprintf(m->department, sizeof m->department, "%s", text(st, 3));
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) return 0;
  free(*out), *out = NULL, *n = 0;
  return rc == MI_ENOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory")
                         : mi_store_fail(s, e, "listing staff");
}

#define ANSWERS_ABOUT_THEIR_TICKETS                                                          \
  " FROM responses r JOIN questions q ON q.survey_id = r.survey_id"                          \
  " JOIN invitations i ON i.id = r.invitation_id"                                             \
  " JOIN tickets t ON t.id = i.ticket_id WHERE t.assignee_id = ?1"                            \
  " AND r.submitted_at >= ?2 AND r.submitted_at < ?3 AND q.dimension = 'overall'"

int mi_staff_figures_get(mi_store *s, int64_t staff_id, int64_t from, int64_t to,
                         mi_staff_figures *out, mi_err *e) {
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(
          s->db,
          "SELECT"
          " (SELECT count(*) FROM tickets WHERE assignee_id = ?1 AND opened_at >= ?2"
          "  AND opened_at < ?3),"
          " (SELECT count(*) FROM tickets WHERE assignee_id = ?1 AND opened_at >= ?2"
          "  AND opened_at < ?3 AND status IN ('resolved', 'closed')),"
          " (SELECT count(*) FROM tickets WHERE assignee_id = ?1 AND opened_at >= ?2"
          "  AND opened_at < ?3 AND kind = 'complaint'),"
          " (SELECT count(*)" ANSWERS_ABOUT_THEIR_TICKETS " AND " MI_SQL_SCALE("r", "q") " IS NOT NULL),"
          " (SELECT count(*)" ANSWERS_ABOUT_THEIR_TICKETS
          " AND " MI_SQL_SCALE("r", "q") " >= q.scale_max - 1),"
          " (SELECT count(*) FROM tickets c WHERE c.kind = 'complaint' AND c.opened_at >= ?2"
          "  AND c.opened_at < ?3 AND (SELECT p.assignee_id FROM tickets p"
          "  WHERE p.customer_id = c.customer_id AND (p.opened_at < c.opened_at"
          "  OR (p.opened_at = c.opened_at AND p.id < c.id))"
          "  ORDER BY p.opened_at DESC, p.id DESC LIMIT 1) = ?1),"
          " (SELECT count(*) FROM ticket_causes WHERE staff_id = ?1 AND recorded_at >= ?2"
          "  AND recorded_at < ?3)",
          -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading staff figures");
  sqlite3_bind_int64(st, 1, staff_id);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    int64_t *f[] = {&out->tickets,   &out->resolved,  &out->complaints_handled,
                    &out->responses, &out->satisfied, &out->complaints_against,
                    &out->complaints_accountable};
    for (int i = 0; i < 7; i++) *f[i] = sqlite3_column_int64(st, i);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 0 : mi_store_fail(s, e, "reading staff figures");
}

int mi_staff_ticket_ids(mi_store *s, int64_t staff_id, int64_t from, int64_t to,
                        char (**ids)[65], size_t *n, mi_err *e) {
  *ids = NULL;
  *n = 0;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT external_id FROM tickets WHERE assignee_id = ?1"
                         " AND opened_at >= ?2 AND opened_at < ?3 ORDER BY id",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "listing a staff member's tickets");
  sqlite3_bind_int64(st, 1, staff_id);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? 2 * cap : 16;
      char(*g)[65] = realloc(*ids, cap * sizeof *g);
      if (!g) {
        rc = MI_ENOMEM;
        break;
      }
      *ids = g;
    }
    snprintf((*ids)[(*n)++], 65, "%s", text(st, 0));
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) return 0;
  free(*ids), *ids = NULL, *n = 0;
  return rc == MI_ENOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory")
                         : mi_store_fail(s, e, "listing a staff member's tickets");
}

static void bind_share(sqlite3_stmt *st, int i, double v) {
  if (isnan(v)) sqlite3_bind_null(st, i);
  else sqlite3_bind_double(st, i, v);
}

int mi_staff_evaluation_put(mi_store *s, const mi_staff_evaluation *ev, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(
          s->db,
          "INSERT INTO staff_evaluations(staff_id, period, tickets, first_response_met,"
          " resolution_met, median_resolution_s, satisfied_share, complaints, rating, figures,"
          " notes, policy, computed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
          " ?13) ON CONFLICT(staff_id, period) DO UPDATE SET tickets = excluded.tickets,"
          " first_response_met = excluded.first_response_met,"
          " resolution_met = excluded.resolution_met,"
          " median_resolution_s = excluded.median_resolution_s,"
          " satisfied_share = excluded.satisfied_share, complaints = excluded.complaints,"
          " rating = excluded.rating, figures = excluded.figures, notes = excluded.notes,"
          " policy = excluded.policy, computed_at = excluded.computed_at",
          -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "storing a staff evaluation");
  sqlite3_bind_int64(st, 1, ev->staff_id);
  sqlite3_bind_text(st, 2, ev->period, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, ev->tickets);
  bind_share(st, 4, ev->first_response_met);
  bind_share(st, 5, ev->resolution_met);
  if (ev->median_resolution_s >= 0) sqlite3_bind_int64(st, 6, ev->median_resolution_s);
  bind_share(st, 7, ev->satisfied_share);
  sqlite3_bind_int64(st, 8, ev->complaints);
  sqlite3_bind_text(st, 9, ev->rating, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 10, ev->figures_json, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 11, ev->notes_json, -1, SQLITE_STATIC);
  mi_bind_text_or_null(st, 12, ev->policy);
  sqlite3_bind_int64(st, 13, ev->computed_at);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "storing a staff evaluation");
}
