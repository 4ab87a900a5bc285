/* Reading and moving tickets for the workflow (core/service/tickets.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/tickets.h"

#define ROW_SELECT                                                                              \
  "SELECT t.id, t.customer_id, t.department_id, coalesce(t.assignee_id, 0), t.external_id,"    \
  " c.external_id, coalesce(c.tier, ''), d.code, coalesce(s.external_id, ''), t.kind,"          \
  " t.category, t.severity, t.channel, t.status, t.priority,"                                   \
  " coalesce((SELECT max(json_extract(detail, '$.level')) FROM ticket_events"                   \
  "           WHERE ticket_id = t.id AND kind = 'escalated'), 0),"                              \
  " t.opened_at, coalesce(t.first_response_at, 0), coalesce(t.resolved_at, 0), t.subject,"    \
  " coalesce(t.stage, '')"                                                                      \
  " FROM tickets t JOIN customers c ON c.id = t.customer_id"                                    \
  " JOIN departments d ON d.id = t.department_id LEFT JOIN staff s ON s.id = t.assignee_id"

static void read_row(sqlite3_stmt *st, mi_ticket_row *t) {
  memset(t, 0, sizeof *t);
  t->id = sqlite3_column_int64(st, 0);
  t->customer_id = sqlite3_column_int64(st, 1);
  t->department_id = sqlite3_column_int64(st, 2);
  t->assignee_id = sqlite3_column_int64(st, 3);
  mi_column_copy(st, 4, t->external_id, sizeof t->external_id);
  mi_column_copy(st, 5, t->customer, sizeof t->customer);
  mi_column_copy(st, 6, t->customer_tier, sizeof t->customer_tier);
  mi_column_copy(st, 7, t->department, sizeof t->department);
  mi_column_copy(st, 8, t->assignee, sizeof t->assignee);
  mi_column_copy(st, 9, t->kind, sizeof t->kind);
  mi_column_copy(st, 10, t->category, sizeof t->category);
  mi_column_copy(st, 11, t->severity, sizeof t->severity);
  mi_column_copy(st, 12, t->channel, sizeof t->channel);
  mi_column_copy(st, 13, t->status, sizeof t->status);
  t->priority = sqlite3_column_int(st, 14);
  t->escalation_level = sqlite3_column_int(st, 15);
  t->opened_at = sqlite3_column_int64(st, 16);
  t->first_response_at = sqlite3_column_int64(st, 17);
  t->resolved_at = sqlite3_column_int64(st, 18);
  mi_column_copy(st, 19, t->subject, sizeof t->subject);
  mi_column_copy(st, 20, t->stage, sizeof t->stage);
}

int mi_ticket_get(mi_store *s, const char *external_id, mi_ticket_row *out, mi_err *e) {
  if (!s || !external_id || !out) return mi_err_set(e, MI_EINVAL, "reading a ticket needs its id");
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_TICKET_GET, ROW_SELECT " WHERE t.external_id = ?1", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, external_id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) read_row(st, out);
  sqlite3_reset(st);
  if (rc == SQLITE_ROW) return 0;
  if (rc != SQLITE_DONE) return mi_store_fail(s, e, "reading a ticket");
  return mi_err_set(e, MI_ENOTFOUND, "no ticket '%s' (see `manyi ticket list`)", external_id);
}

int mi_ticket_insert(mi_store *s, const mi_ticket *t, int64_t *id, mi_err *e) {
  if (!s || !t || !t->external_id || !t->kind || !t->category || !t->severity || !t->channel ||
      !t->status || !t->subject || !id)
    return mi_err_set(e, MI_EINVAL, "ticket is missing a required field");
  sqlite3_stmt *st = mi_store_stmt(s, MI_SQL_TICKET_OPEN, /* kept: a batch opens many */
                                   "INSERT INTO tickets(external_id, customer_id, kind, category,"
                                   " severity, channel, priority, department_id, status, opened_at,"
                                   " subject) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                                   e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_text(st, 1, t->external_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, t->customer_id);
  sqlite3_bind_text(st, 3, t->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, t->category, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, t->severity, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, t->channel, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 7, t->priority);
  sqlite3_bind_int64(st, 8, t->department_id);
  sqlite3_bind_text(st, 9, t->status, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 10, t->opened_at);
  sqlite3_bind_text(st, 11, t->subject, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mi_store_fail(s, e, "opening a ticket");
  sqlite3_reset(st);
  if (rc == MI_EEXIST)
    return mi_err_set(e, MI_EEXIST, "ticket '%s' exists already", t->external_id);
  if (!rc) *id = sqlite3_last_insert_rowid(s->db);
  return rc;
}

int mi_ticket_next_id(mi_store *s, char *buf, size_t size, mi_err *e) {
  if (!s || !buf || !size) return mi_err_set(e, MI_EINVAL, "no buffer for the ticket id");
  sqlite3_stmt *st = NULL;
  /* the highest numeric suffix of ids shaped T<digits>, plus one */
  if (sqlite3_prepare_v2(s->db,
                         "SELECT coalesce(max(CAST(substr(external_id, 2) AS INTEGER)), 0) + 1"
                         " FROM tickets WHERE external_id GLOB 'T[0-9]*'"
                         " AND substr(external_id, 2) NOT GLOB '*[^0-9]*'",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "choosing a ticket id");
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) snprintf(buf, size, "T%07lld", (long long)sqlite3_column_int64(st, 0));
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 0 : mi_store_fail(s, e, "choosing a ticket id");
}

int mi_ticket_set_state(mi_store *s, int64_t id, const char *status, int64_t first_response_at,
                        int64_t resolved_at, int64_t assignee_id, mi_err *e) {
  if (!s || !status) return mi_err_set(e, MI_EINVAL, "a ticket state needs a status");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_TICKET_SET_STATE,
      "UPDATE tickets SET status = ?2, first_response_at = nullif(?3, 0),"
      " resolved_at = nullif(?4, 0),"
      " assignee_id = CASE WHEN ?5 < 0 THEN assignee_id ELSE nullif(?5, 0) END WHERE id = ?1",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, first_response_at);
  sqlite3_bind_int64(st, 4, resolved_at);
  sqlite3_bind_int64(st, 5, assignee_id);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "updating a ticket");
  return 0;
}

int mi_ticket_set_stage(mi_store *s, int64_t id, const char *stage, mi_err *e) {
  sqlite3_stmt *st =
      mi_store_stmt(s, MI_SQL_TICKET_SET_STAGE, "UPDATE tickets SET stage = ?2 WHERE id = ?1", e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, id);
  mi_bind_text_or_null(st, 2, stage);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "updating a ticket's stage");
  return 0;
}

int mi_ticket_events_each(mi_store *s, int64_t ticket_id,
                          int (*fn)(const mi_ticket_event_row *ev, void *ud), void *ud, mi_err *e) {
  if (!s || !fn) return mi_err_set(e, MI_EINVAL, "listing events needs a callback");
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT id, at, kind, actor, from_status, to_status, detail"
                         " FROM ticket_events WHERE ticket_id = ?1 ORDER BY at, id",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading ticket events");
  sqlite3_bind_int64(st, 1, ticket_id);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_ticket_event_row ev = {
        sqlite3_column_int64(st, 0),
        sqlite3_column_int64(st, 1),
        (const char *)sqlite3_column_text(st, 2),
        (const char *)sqlite3_column_text(st, 3),
        (const char *)sqlite3_column_text(st, 4),
        (const char *)sqlite3_column_text(st, 5),
        (const char *)sqlite3_column_text(st, 6),
    };
    if (fn(&ev, ud)) break;
  }
  int out = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "reading ticket events");
  sqlite3_finalize(st);
  return out;
}

int mi_ticket_each(mi_store *s, const char *status, const char *department, size_t limit,
                   int (*fn)(const mi_ticket_row *t, void *ud), void *ud, mi_err *e) {
  if (!s || !fn) return mi_err_set(e, MI_EINVAL, "listing tickets needs a callback");
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         ROW_SELECT " WHERE (?1 IS NULL OR t.status = ?1)"
                                    " AND (?2 IS NULL OR d.code = ?2)"
                                    " ORDER BY t.opened_at DESC, t.id DESC LIMIT ?3",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "listing tickets");
  mi_bind_text_or_null(st, 1, status);
  mi_bind_text_or_null(st, 2, department);
  sqlite3_bind_int64(st, 3, limit ? (int64_t)limit : -1);
  mi_ticket_row t;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    read_row(st, &t);
    if (fn(&t, ud)) break;
  }
  int out = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "listing tickets");
  sqlite3_finalize(st);
  return out;
}

typedef struct ids_ctx {
  char (*ids)[65];
  size_t n, cap;
} ids_ctx;

static int add_id(const mi_ticket_row *t, void *ud) {
  ids_ctx *c = ud;
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 256;
    char(*ids)[65] = realloc(c->ids, cap * sizeof *ids);
    if (!ids) return MI_ENOMEM;
    c->ids = ids, c->cap = cap;
  }
  snprintf(c->ids[c->n++], 65, "%s", t->external_id);
  return 0;
}

int mi_ticket_ids(mi_store *s, const char *const *statuses, char (**ids)[65], size_t *n,
                  mi_err *e) {
  ids_ctx c = {0};
  int rc = 0;
  for (; *statuses && !rc; statuses++) {
    rc = mi_ticket_each(s, *statuses, NULL, 0, add_id, &c, e);
    if (rc == MI_ENOMEM) mi_err_set(e, MI_ENOMEM, "out of memory listing tickets");
  }
  if (rc) {
    free(c.ids);
    return rc;
  }
  *ids = c.ids;
  *n = c.n;
  return 0;
}

int mi_ticket_ids_after(mi_store *s, const char *status, int64_t after, int limit, int64_t *ids,
                        char (*external_ids)[65], int *n, mi_err *e) {
  if (!s || !status || !ids || !external_ids || !n || limit < 1)
    return mi_err_set(e, MI_EINVAL, "listing tickets needs a status and room for them");
  *n = 0;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT id, external_id FROM tickets WHERE status = ?1 AND id > ?2"
                         " ORDER BY id LIMIT ?3",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "listing tickets");
  sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, after);
  sqlite3_bind_int(st, 3, limit);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    ids[*n] = sqlite3_column_int64(st, 0);
    mi_column_copy(st, 1, external_ids[*n], 65);
    ++*n;
  }
  rc = rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "listing tickets");
  sqlite3_finalize(st);
  return rc;
}

int mi_ticket_ids_opened(mi_store *s, const char *kind, int64_t department_id, int64_t from,
                         int64_t to, char (**ids)[65], size_t *n, mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT external_id FROM tickets WHERE (?1 IS NULL OR kind = ?1)"
                         " AND (?4 = 0 OR department_id = ?4) AND opened_at >= ?2"
                         " AND opened_at < ?3 ORDER BY opened_at, id",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "listing tickets");
  mi_bind_text_or_null(st, 1, kind);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  sqlite3_bind_int64(st, 4, department_id);
  ids_ctx c = {0};
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_ticket_row t;
    snprintf(t.external_id, sizeof t.external_id, "%s", (const char *)sqlite3_column_text(st, 0));
    if (add_id(&t, &c)) {
      rc = SQLITE_NOMEM;
      break;
    }
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    free(c.ids);
    return rc == SQLITE_NOMEM ? mi_err_set(e, MI_ENOMEM, "out of memory listing tickets")
                              : mi_store_fail(s, e, "listing tickets");
  }
  *ids = c.ids;
  *n = c.n;
  return 0;
}
