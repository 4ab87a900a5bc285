/* Staff skills and appointments (appointments.h). Statements here run a few
 * times per command, so they are prepared per call rather than cached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/appointments.h"
#include "store/store_internal.h"

#define MAX_SKILLS 64 /* per staff member */

int mi_skill_check(const char *skill, mi_err *e) {
  size_t n = skill ? strlen(skill) : 0;
  if (n < 1 || n > 64)
    return mi_err_set(e, MI_EINVAL, "a skill is 1 to 64 characters, not '%s'", skill ? skill : "");
  for (size_t i = 0; i < n; i++) {
    char c = skill[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return mi_err_set(e, MI_EINVAL,
                        "skill '%s': use lowercase letters, digits, '_' and '-' only", skill);
  }
  return 0;
}

/* Splits list into trimmed codes (in buf), checks each, drops repeats. */
static int split_skills(const char *list, char *buf, size_t size, const char **codes, size_t *n,
                        mi_err *e) {
  if (strlen(list) >= size) return mi_err_set(e, MI_EINVAL, "the skills list is too long");
  strcpy(buf, list);
  *n = 0;
  for (char *p = buf; p && *p;) {
    char *end = p + strcspn(p, ";,");
    char *next = *end ? end + 1 : NULL;
    *end = '\0';
    while (*p == ' ') p++;
    for (char *q = p + strlen(p); q > p && q[-1] == ' ';) *--q = '\0';
    if (*p) {
      int rc = mi_skill_check(p, e);
      if (rc) return rc;
      int seen = 0;
      for (size_t i = 0; i < *n; i++) seen |= !strcmp(codes[i], p);
      if (!seen) {
        if (*n == MAX_SKILLS)
          return mi_err_set(e, MI_EINVAL, "more than %d skills for one staff member", MAX_SKILLS);
        codes[(*n)++] = p;
      }
    }
    p = next;
  }
  return 0;
}

int mi_staff_skills_set(mi_store *s, int64_t staff_id, const char *list, int *changed, mi_err *e) {
  if (changed) *changed = 0;
  if (!s || !list) return mi_err_set(e, MI_EINVAL, "setting skills needs a store and a list");
  char buf[MAX_SKILLS * 66];
  const char *codes[MAX_SKILLS];
  size_t n;
  int rc = split_skills(list, buf, sizeof buf, codes, &n, e);
  if (rc) return rc;
  /* Delete the ones not in the list, insert the missing ones: the set is
   * touched only where it changed. */
  sqlite3_stmt *have = NULL, *del = NULL, *ins = NULL;
  if (sqlite3_prepare_v2(s->db, "SELECT skill FROM staff_skills WHERE staff_id = ?1", -1, &have,
                         NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db, "DELETE FROM staff_skills WHERE staff_id = ?1 AND skill = ?2", -1,
                         &del, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db,
                         "INSERT INTO staff_skills(staff_id, skill) VALUES (?1, ?2)"
                         " ON CONFLICT DO NOTHING",
                         -1, &ins, NULL) != SQLITE_OK) {
    rc = mi_store_fail(s, e, "setting staff skills");
    goto done;
  }
  char old[MAX_SKILLS * 2][65];
  size_t nold = 0;
  sqlite3_bind_int64(have, 1, staff_id);
  while ((rc = sqlite3_step(have)) == SQLITE_ROW)
    if (nold < sizeof old / sizeof old[0]) mi_column_copy(have, 0, old[nold++], sizeof old[0]);
  if (rc != SQLITE_DONE) {
    rc = mi_store_fail(s, e, "reading staff skills");
    goto done;
  }
  rc = 0;
  for (size_t i = 0; i < nold && !rc; i++) {
    int keep = 0;
    for (size_t j = 0; j < n; j++) keep |= !strcmp(old[i], codes[j]);
    if (keep) continue;
    sqlite3_reset(del);
    sqlite3_bind_int64(del, 1, staff_id);
    sqlite3_bind_text(del, 2, old[i], -1, SQLITE_STATIC);
    if (sqlite3_step(del) != SQLITE_DONE) rc = mi_store_fail(s, e, "removing a staff skill");
    else if (changed) *changed = 1;
  }
  for (size_t j = 0; j < n && !rc; j++) {
    sqlite3_reset(ins);
    sqlite3_bind_int64(ins, 1, staff_id);
    sqlite3_bind_text(ins, 2, codes[j], -1, SQLITE_STATIC);
    if (sqlite3_step(ins) != SQLITE_DONE) rc = mi_store_fail(s, e, "adding a staff skill");
    else if (changed && sqlite3_changes(s->db)) *changed = 1;
  }
done:
  sqlite3_finalize(have);
  sqlite3_finalize(del);
  sqlite3_finalize(ins);
  return rc;
}

int mi_staff_skills_each(mi_store *s, const char *staff,
                         int (*fn)(const char *staff, const char *skill, int active, void *ud),
                         void *ud, mi_err *e) {
  if (!s || !fn) return mi_err_set(e, MI_EINVAL, "listing skills needs a callback");
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT s.external_id, k.skill, s.active FROM staff_skills k"
                         " JOIN staff s ON s.id = k.staff_id"
                         " WHERE ?1 IS NULL OR s.external_id = ?1 ORDER BY s.external_id, k.skill",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "listing staff skills");
  mi_bind_text_or_null(st, 1, staff);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if (fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
           sqlite3_column_int(st, 2), ud))
      break;
  int out = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "listing staff skills");
  sqlite3_finalize(st);
  return out;
}

int mi_skilled_staff_list(mi_store *s, const char *skill, mi_skilled_staff **out, size_t *n,
                          mi_err *e) {
  if (!s || !skill || !out || !n) return mi_err_set(e, MI_EINVAL, "finding staff needs a skill");
  *out = NULL;
  *n = 0;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT s.id, s.external_id, s.name, coalesce(d.code, '')"
                         " FROM staff_skills k JOIN staff s ON s.id = k.staff_id"
                         " LEFT JOIN departments d ON d.id = s.department_id"
                         " WHERE k.skill = ?1 AND s.active = 1 ORDER BY s.external_id",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "finding staff with a skill");
  sqlite3_bind_text(st, 1, skill, -1, SQLITE_STATIC);
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 8;
      mi_skilled_staff *grown = realloc(*out, cap * sizeof *grown);
      if (!grown) {
        rc = SQLITE_NOMEM;
        break;
      }
      *out = grown;
    }
    mi_skilled_staff *m = &(*out)[(*n)++];
    m->id = sqlite3_column_int64(st, 0);
    mi_column_copy(st, 1, m->external_id, sizeof m->external_id);
    mi_column_copy(st, 2, m->name, sizeof m->name);
    mi_column_copy(st, 3, m->department, sizeof m->department);
  }
  int ret = 0;
  if (rc == SQLITE_NOMEM) ret = mi_err_set(e, MI_ENOMEM, "out of memory listing staff");
  else if (rc != SQLITE_DONE) ret = mi_store_fail(s, e, "finding staff with a skill");
  sqlite3_finalize(st);
  if (ret) {
    free(*out);
    *out = NULL;
    *n = 0;
  }
  return ret;
}

int mi_appointments_busy(mi_store *s, int64_t staff_id, int64_t from, int64_t to, mi_busy **out,
                         size_t *n, mi_err *e) {
  if (!s || !out || !n) return mi_err_set(e, MI_EINVAL, "reading busy spans needs an output");
  *out = NULL;
  *n = 0;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT starts_at, ends_at FROM appointments WHERE staff_id = ?1"
                         " AND status = 'booked' AND ends_at > ?2 AND starts_at < ?3"
                         " ORDER BY starts_at, ends_at",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading booked appointments");
  sqlite3_bind_int64(st, 1, staff_id);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  size_t cap = 0;
  int rc, ret = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 16;
      mi_busy *grown = realloc(*out, cap * sizeof *grown);
      if (!grown) {
        ret = mi_err_set(e, MI_ENOMEM, "out of memory reading appointments");
        break;
      }
      *out = grown;
    }
    (*out)[*n].start = sqlite3_column_int64(st, 0);
    (*out)[*n].end = sqlite3_column_int64(st, 1);
    ++*n;
  }
  if (!ret && rc != SQLITE_DONE) ret = mi_store_fail(s, e, "reading booked appointments");
  sqlite3_finalize(st);
  if (ret) {
    free(*out);
    *out = NULL;
    *n = 0;
  }
  return ret;
}

int mi_appointment_insert(mi_store *s, int64_t ticket_id, int64_t staff_id, const char *skill,
                          int64_t starts_at, int64_t ends_at, int64_t now, const char *actor,
                          int64_t *id, mi_err *e) {
  if (!s || !skill || !actor || !id) return mi_err_set(e, MI_EINVAL, "booking needs all fields");
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         "INSERT INTO appointments(ticket_id, staff_id, skill, starts_at, ends_at,"
                         " booked_at, booked_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "booking an appointment");
  sqlite3_bind_int64(st, 1, ticket_id);
  sqlite3_bind_int64(st, 2, staff_id);
  sqlite3_bind_text(st, 3, skill, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, starts_at);
  sqlite3_bind_int64(st, 5, ends_at);
  sqlite3_bind_int64(st, 6, now);
  sqlite3_bind_text(st, 7, actor, -1, SQLITE_STATIC);
  int rc = 0;
  if (sqlite3_step(st) != SQLITE_DONE) {
    int overlap = strstr(sqlite3_errmsg(s->db), "overlaps") != NULL;
    rc = mi_store_fail(s, e, "booking an appointment");
    if (overlap) rc = mi_err_set(e, MI_EEXIST, "the slot overlaps a booked appointment of the "
                                 "same staff member (booked meanwhile?); try again");
  } else {
    *id = sqlite3_last_insert_rowid(s->db);
  }
  sqlite3_finalize(st);
  return rc;
}

#define APPT_SELECT                                                                             \
  "SELECT a.id, a.ticket_id, a.staff_id, t.customer_id, a.starts_at, a.ends_at, a.booked_at,"   \
  " coalesce(a.closed_at, 0), t.external_id, c.external_id, s.external_id, s.name, a.skill,"    \
  " a.status, a.booked_by, coalesce(d.code, '') FROM appointments a"                            \
  " JOIN tickets t ON t.id = a.ticket_id JOIN customers c ON c.id = t.customer_id"             \
  " JOIN staff s ON s.id = a.staff_id LEFT JOIN departments d ON d.id = s.department_id"

static void read_appt(sqlite3_stmt *st, mi_appointment_row *a) {
  memset(a, 0, sizeof *a);
  a->id = sqlite3_column_int64(st, 0);
  a->ticket_id = sqlite3_column_int64(st, 1);
  a->staff_id = sqlite3_column_int64(st, 2);
  a->customer_id = sqlite3_column_int64(st, 3);
  a->starts_at = sqlite3_column_int64(st, 4);
  a->ends_at = sqlite3_column_int64(st, 5);
  a->booked_at = sqlite3_column_int64(st, 6);
  a->closed_at = sqlite3_column_int64(st, 7);
  mi_column_copy(st, 8, a->ticket, sizeof a->ticket);
  mi_column_copy(st, 9, a->customer, sizeof a->customer);
  mi_column_copy(st, 10, a->staff, sizeof a->staff);
  mi_column_copy(st, 11, a->staff_name, sizeof a->staff_name);
  mi_column_copy(st, 12, a->skill, sizeof a->skill);
  mi_column_copy(st, 13, a->status, sizeof a->status);
  mi_column_copy(st, 14, a->booked_by, sizeof a->booked_by);
  mi_column_copy(st, 15, a->department, sizeof a->department);
}

int mi_appointment_get(mi_store *s, int64_t id, mi_appointment_row *out, mi_err *e) {
  if (!s || !out) return mi_err_set(e, MI_EINVAL, "reading an appointment needs an output");
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, APPT_SELECT " WHERE a.id = ?1", -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading an appointment");
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) read_appt(st, out);
  int ret = rc == SQLITE_ROW    ? 0
            : rc == SQLITE_DONE ? mi_err_set(e, MI_ENOTFOUND,
                                             "no appointment %lld (see `manyi appoint list`)",
                                             (long long)id)
                                : mi_store_fail(s, e, "reading an appointment");
  sqlite3_finalize(st);
  return ret;
}

int mi_appointment_close(mi_store *s, int64_t id, const char *status, int64_t now, mi_err *e) {
  if (!s || !status || (strcmp(status, "done") && strcmp(status, "cancelled")))
    return mi_err_set(e, MI_EINVAL, "an appointment closes as done or cancelled");
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         "UPDATE appointments SET status = ?2, closed_at = ?3"
                         " WHERE id = ?1 AND status = 'booked'",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "closing an appointment");
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, now);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : mi_store_fail(s, e, "closing an appointment");
  if (!rc && sqlite3_changes(s->db) != 1)
    rc = mi_err_set(e, MI_EINVAL, "appointment %lld is not booked any more", (long long)id);
  sqlite3_finalize(st);
  return rc;
}

int mi_appointments_each(mi_store *s, const char *staff, int64_t from, int64_t to,
                         int (*fn)(const mi_appointment_row *a, void *ud), void *ud, mi_err *e) {
  if (!s || !fn) return mi_err_set(e, MI_EINVAL, "listing appointments needs a callback");
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         APPT_SELECT " WHERE (?1 IS NULL OR s.external_id = ?1)"
                                     " AND (?2 = 0 OR a.ends_at > ?2)"
                                     " AND (?3 = 0 OR a.starts_at < ?3)"
                                     " ORDER BY a.starts_at, a.id",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "listing appointments");
  mi_bind_text_or_null(st, 1, staff);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  mi_appointment_row a;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    read_appt(st, &a);
    if (fn(&a, ud)) break;
  }
  int out = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "listing appointments");
  sqlite3_finalize(st);
  return out;
}
