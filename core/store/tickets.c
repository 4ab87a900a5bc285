#include "store/tickets.h"

#include "store/put.h"

static int bind_ticket(sqlite3_stmt *st, const void *row) {
  const mi_ticket *t = row;
  int rc = sqlite3_bind_text(st, 1, t->external_id, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_int64(st, 2, t->customer_id);
  rc |= sqlite3_bind_text(st, 3, t->kind, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_text(st, 4, t->category, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_text(st, 5, t->severity, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_text(st, 6, t->channel, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_int(st, 7, t->priority);
  rc |= sqlite3_bind_int64(st, 8, t->department_id);
  rc |= sqlite3_bind_text(st, 9, t->status, -1, SQLITE_STATIC);
  rc |= sqlite3_bind_int64(st, 10, t->opened_at);
  rc |= mi_bind_int64_opt(st, 11, t->first_response_at != 0, t->first_response_at);
  rc |= mi_bind_int64_opt(st, 12, t->resolved_at != 0, t->resolved_at);
  rc |= sqlite3_bind_text(st, 13, t->subject, -1, SQLITE_STATIC);
  rc |= mi_bind_int64_opt(st, 14, t->assignee_id != 0, t->assignee_id);
  return rc;
}

int mi_ticket_put(mi_store *s, const mi_ticket *t, const char *actor, mi_err *e) {
  if (!s || !t || !t->external_id || !t->kind || !t->category || !t->severity || !t->channel ||
      !t->status || !t->subject || !actor)
    return mi_err_set(e, MI_EINVAL, "ticket is missing a required field");
  int64_t id;
  int rc = mi_store_put(
      s, MI_SQL_TICKET_INSERT,
      "INSERT INTO tickets(external_id, customer_id, kind, category, severity, channel, priority,"
      " department_id, status, opened_at, first_response_at, resolved_at, subject, assignee_id)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
      " ON CONFLICT(external_id) DO NOTHING",
      MI_SQL_TICKET_UPDATE,
      "UPDATE tickets SET customer_id = ?2, kind = ?3, category = ?4, severity = ?5,"
      " channel = ?6, priority = ?7, department_id = ?8, status = ?9, opened_at = ?10,"
      " first_response_at = ?11, resolved_at = ?12, subject = ?13, assignee_id = ?14"
      " WHERE external_id = ?1 AND (customer_id IS NOT ?2 OR kind IS NOT ?3"
      " OR category IS NOT ?4 OR severity IS NOT ?5 OR channel IS NOT ?6 OR priority IS NOT ?7"
      " OR department_id IS NOT ?8 OR status IS NOT ?9 OR opened_at IS NOT ?10"
      " OR first_response_at IS NOT ?11 OR resolved_at IS NOT ?12 OR subject IS NOT ?13"
      " OR assignee_id IS NOT ?14)"
      " RETURNING id",
      bind_ticket, t, &id, "storing ticket", e);
  if (rc != MI_PUT_INSERTED) return rc;
  int erc = mi_ticket_event_add(s, id, t->opened_at, "imported", actor, NULL, t->status, NULL, e);
  return erc < 0 ? erc : rc;
}

int mi_ticket_event_add(mi_store *s, int64_t ticket_id, int64_t at, const char *kind,
                        const char *actor, const char *from_status, const char *to_status,
                        const char *detail_json, mi_err *e) {
  if (!s || !kind || !actor) return mi_err_set(e, MI_EINVAL, "ticket event needs a kind and actor");
  sqlite3_stmt *st = mi_store_stmt(
      s, MI_SQL_TICKET_EVENT_INSERT,
      "INSERT INTO ticket_events(ticket_id, at, kind, actor, from_status, to_status, detail)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      e);
  if (!st) return e ? e->code : MI_ESTORE;
  sqlite3_bind_int64(st, 1, ticket_id);
  sqlite3_bind_int64(st, 2, at);
  sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, actor, -1, SQLITE_STATIC);
  mi_bind_text_or_null(st, 5, from_status);
  mi_bind_text_or_null(st, 6, to_status);
  mi_bind_text_or_null(st, 7, detail_json);
  if (sqlite3_step(st) != SQLITE_DONE) return mi_store_fail(s, e, "adding ticket event");
  return 0;
}
