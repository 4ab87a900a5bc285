#include "store/scope.h"

#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"

int mi_scope_customer_in_department(mi_store *s, const char *customer, const char *department,
                                    const char *agent, int *yes, int *clear, mi_err *e) {
  if (!s || !customer || !department || !agent || !yes || !clear)
    return mi_err_set(e, MI_EINVAL, "nothing to look up");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT EXISTS (SELECT 1 FROM tickets t JOIN departments d ON "
                         "d.id = t.department_id WHERE t.customer_id = c.id AND d.code = ?2), "
                         "EXISTS (SELECT 1 FROM tickets t JOIN departments d ON "
                         "d.id = t.department_id WHERE t.customer_id = c.id AND d.code = ?2 "
                         "AND NOT EXISTS (SELECT 1 FROM ticket_events v WHERE v.ticket_id = t.id "
                         "AND v.kind = 'opened' AND v.actor = ?3)) "
                         "FROM customers c WHERE c.external_id = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "looking up a customer's departments");
  sqlite3_bind_text(st, 1, customer, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, department, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, agent, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st), ret = 0;
  if (rc == SQLITE_ROW) *yes = sqlite3_column_int(st, 0), *clear = sqlite3_column_int(st, 1);
  else if (rc == SQLITE_DONE) ret = mi_err_set(e, MI_ENOTFOUND, "unknown customer '%s'", customer);
  else ret = mi_store_fail(s, e, "looking up a customer's departments");
  sqlite3_finalize(st);
  return ret;
}

int mi_scope_ticket_department(mi_store *s, const char *ticket, char *buf, size_t size,
                               mi_err *e) {
  if (!s || !ticket || !buf) return mi_err_set(e, MI_EINVAL, "nothing to look up");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT d.code FROM tickets t JOIN departments d ON d.id = "
                         "t.department_id WHERE t.external_id = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "looking up a ticket's department");
  sqlite3_bind_text(st, 1, ticket, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st), ret = 0;
  if (rc == SQLITE_ROW) snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
  else if (rc == SQLITE_DONE) ret = mi_err_set(e, MI_ENOTFOUND, "unknown ticket '%s'", ticket);
  else ret = mi_store_fail(s, e, "looking up a ticket's department");
  sqlite3_finalize(st);
  return ret;
}

int mi_scope_staff_department(mi_store *s, const char *staff, char *buf, size_t size, mi_err *e) {
  if (!s || !staff || !buf) return mi_err_set(e, MI_EINVAL, "nothing to look up");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT coalesce(d.code, '') FROM staff m LEFT JOIN departments d ON"
                         " d.id = m.department_id WHERE m.external_id = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "looking up a staff member's department");
  sqlite3_bind_text(st, 1, staff, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st), ret = 0;
  if (rc == SQLITE_ROW) snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
  else if (rc == SQLITE_DONE) ret = mi_err_set(e, MI_ENOTFOUND, "unknown staff member '%s'", staff);
  else ret = mi_store_fail(s, e, "looking up a staff member's department");
  sqlite3_finalize(st);
  return ret;
}

int mi_scope_personal(const char *column) {
  static const char *const personal[] = {"name", "phone", "email", "birthday", "special_needs", NULL};
  for (int i = 0; column && personal[i]; i++)
    if (!strcmp(column, personal[i])) return 1;
  return 0;
}

/* Stored personal data, by table and column. Staff names are employees'
 * personal data. Free text is listed as such: what an agent, a customer or a
 * policy typed there may hold a phone number, an e-mail address or a name. */
static const struct {
  const char *table, *column;
  mi_personal kind;
} personal_columns[] = {
    {"customers", "name", MI_PERSONAL_NAME},       {"customers", "phone", MI_PERSONAL_PHONE},
    {"customers", "email", MI_PERSONAL_EMAIL},     {"customers", "birthday", MI_PERSONAL_BIRTHDAY},
    {"customers", "special_needs", MI_PERSONAL_HEALTH},
    {"staff", "name", MI_PERSONAL_NAME},           {"outbox", "recipient", MI_PERSONAL_CONTACT},
    {"outbox", "payload", MI_PERSONAL_JSON},       {"jobs", "payload", MI_PERSONAL_JSON},
    {"tickets", "subject", MI_PERSONAL_TEXT},      {"ticket_events", "detail", MI_PERSONAL_TEXT},
    {"interactions", "summary", MI_PERSONAL_TEXT}, {"answer_texts", "text", MI_PERSONAL_TEXT},
    {"loyalty_ledger", "reason", MI_PERSONAL_TEXT}, {"tier_history", "reason", MI_PERSONAL_TEXT},
    {"improvement_actions", "notes", MI_PERSONAL_TEXT},
    {"improvement_actions", "title", MI_PERSONAL_TEXT},
    {"improvement_actions", "problem", MI_PERSONAL_TEXT},
    {"improvement_actions", "measure", MI_PERSONAL_TEXT}, {"outbox", "subject", MI_PERSONAL_TEXT},
    {"jobs", "error", MI_PERSONAL_TEXT},           {"staff_evaluations", "notes", MI_PERSONAL_TEXT},
    /* the front desk's look-up columns (migration 0016): derived from the
     * phone and the name, so as personal as they are */
    {"customers", "phone_digits", MI_PERSONAL_PHONE}, {"customers", "phone_key", MI_PERSONAL_PHONE},
    {"customer_name_grams", "gram", MI_PERSONAL_TEXT},
    {NULL, NULL, MI_PERSONAL_NONE}};

mi_personal mi_scope_personal_column(const char *table, const char *column) {
  for (int i = 0; table && column && personal_columns[i].table; i++)
    if (!strcmp(table, personal_columns[i].table) && !strcmp(column, personal_columns[i].column))
      return personal_columns[i].kind;
  return MI_PERSONAL_NONE;
}

mi_personal mi_scope_export_column(const char *entity, const char *column) {
  static const char *const response_fixed[] = {"external_id",  "survey",     "customer_id",
                                               "submitted_at", "duration_s", "channel", NULL};
  if (!entity || !column || strcmp(entity, "responses")) return mi_scope_personal_column(entity, column);
  for (int i = 0; response_fixed[i]; i++)
    if (!strcmp(column, response_fixed[i])) return MI_PERSONAL_NONE;
  return MI_PERSONAL_TEXT;
}

int mi_scope_restricted_table(const char *table) {
  return table && (!strcmp(table, "audit_log") || !strcmp(table, "roles"));
}
