#include "store/survey_waves.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/put.h"
#include "store/store_internal.h"

/* The customer columns a frame may be stratified by (never user text in SQL). */
static const char *by_column(const char *by, mi_err *e) {
  static const char *const allowed[] = {"tier", "region", "kind", "industry", NULL};
  if (!by) return "'all'";
  for (const char *const *a = allowed; *a; a++)
    if (!strcmp(by, *a)) return *a;
  mi_err_set(e, MI_EINVAL, "cannot stratify by '%s': use tier, region, kind or industry", by);
  return NULL;
}

static int prepare(mi_store *s, const char *sql, sqlite3_stmt **st, mi_err *e) {
  if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading survey waves");
  return 0;
}

static int finish(mi_store *s, sqlite3_stmt *st, int rc, mi_err *e) {
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) return 0;
  return rc < 0 ? rc : mi_store_fail(s, e, "reading survey waves");
}

static const char *text_or_null(sqlite3_stmt *st, int col) {
  return (const char *)sqlite3_column_text(st, col);
}

int mi_survey_frame_each(mi_store *s, const char *by, int64_t not_wave,
                         int (*fn)(void *ud, const mi_frame_row *row), void *ud, mi_err *e) {
  const char *col = by_column(by, e);
  if (!col) return MI_EINVAL;
  char sql[1600], expr[32];
  snprintf(expr, sizeof expr, by ? "c.%s" : "%s", col);
  snprintf(sql, sizeof sql,
           "SELECT c.id, c.external_id, coalesce(nullif(%s, ''), '(none)') AS stratum, c.kind,"
           " c.region, c.industry, c.tier, c.consent_email, c.consent_sms, c.consent_phone,"
           " c.email IS NOT NULL, c.phone IS NOT NULL,"
           " CASE WHEN c.consent_email AND c.email IS NOT NULL THEN 'email'"
           "  WHEN c.consent_sms AND c.phone IS NOT NULL THEN 'sms'"
           "  WHEN c.consent_phone AND c.phone IS NOT NULL THEN 'phone' END,"
           " (SELECT max(i.created_at) FROM invitations i WHERE i.customer_id = c.id"
           "  AND (?1 IS NULL OR i.wave_id IS NOT ?1)),"
           " (SELECT count(*) FROM tickets t WHERE t.customer_id = c.id"
           "  AND t.kind = 'complaint' AND t.status NOT IN ('resolved', 'closed')),"
           " c.created_at FROM customers c ORDER BY stratum, c.id",
           expr);
  sqlite3_stmt *st;
  int rc = prepare(s, sql, &st, e);
  if (rc) return rc;
  if (not_wave > 0) sqlite3_bind_int64(st, 1, not_wave);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_frame_row r = {
        .customer_id = sqlite3_column_int64(st, 0), .external_id = text_or_null(st, 1),
        .stratum = text_or_null(st, 2), .kind = text_or_null(st, 3),
        .region = text_or_null(st, 4), .industry = text_or_null(st, 5),
        .tier = text_or_null(st, 6), .consent_email = sqlite3_column_int(st, 7),
        .consent_sms = sqlite3_column_int(st, 8), .consent_phone = sqlite3_column_int(st, 9),
        .has_email = sqlite3_column_int(st, 10), .has_phone = sqlite3_column_int(st, 11),
        .channel = text_or_null(st, 12), .last_invited_at = sqlite3_column_int64(st, 13),
        .open_complaints = sqlite3_column_int64(st, 14),
        .created_at = sqlite3_column_int64(st, 15)};
    if ((rc = fn(ud, &r))) break;
  }
  return finish(s, st, rc, e);
}

int mi_survey_answers_by(mi_store *s, const char *survey, const char *question, const char *by,
                         int (*fn)(void *ud, const char *stratum, double value), void *ud,
                         mi_err *e) {
  const char *col = by_column(by, e);
  if (!col) return MI_EINVAL;
  char sql[800];
  snprintf(sql, sizeof sql,
           "SELECT coalesce(nullif(c.%s, ''), '(none)'), " MI_SQL_SCALE("r", "q")
           " FROM responses r JOIN questions q ON q.survey_id = r.survey_id"
           " JOIN surveys v ON v.id = q.survey_id JOIN customers c ON c.id = r.customer_id"
           " WHERE v.code = ?1 AND q.code = ?2 AND " MI_SQL_SCALE("r", "q") " IS NOT NULL",
           col);
  sqlite3_stmt *st;
  int rc = prepare(s, sql, &st, e);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, question, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if ((rc = fn(ud, (const char *)sqlite3_column_text(st, 0), sqlite3_column_double(st, 1))))
      break;
  return finish(s, st, rc, e);
}

int mi_wave_get(mi_store *s, const char *survey, const char *code, int64_t *id, char *design,
                size_t size, mi_err *e) {
  sqlite3_stmt *st;
  int rc = prepare(s, "SELECT id, design FROM survey_waves WHERE survey_code = ?1 AND code = ?2",
                   &st, e);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(st, 0);
    if (design) snprintf(design, size, "%s", (const char *)sqlite3_column_text(st, 1));
    rc = SQLITE_DONE;
  } else if (rc == SQLITE_DONE) {
    sqlite3_finalize(st);
    return mi_err_set(e, MI_ENOTFOUND, "survey %s has no wave '%s' (draw it with `manyi survey "
                      "sample %s --wave %s`)", survey, code, survey, code);
  }
  return finish(s, st, rc, e);
}

int mi_wave_add(mi_store *s, const char *survey, const char *code, int64_t survey_id,
                const char *method, const char *design, int64_t now, int64_t *id, mi_err *e) {
  sqlite3_stmt *st;
  int rc = prepare(s, "INSERT INTO survey_waves(survey_code, code, survey_id, method, design,"
                      " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st, e);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, survey, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, survey_id);
  sqlite3_bind_text(st, 4, method, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, design, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, now);
  rc = sqlite3_step(st);
  *id = sqlite3_last_insert_rowid(s->db);
  return finish(s, st, rc, e);
}

/* An invitation with its customer's address and consent for its channel, as they are now. */
#define INVITATION_COLUMNS                                                                  \
  "SELECT i.id, i.customer_id, i.external_id, c.external_id, i.channel,"                   \
  " CASE i.channel WHEN 'email' THEN c.email ELSE c.phone END,"                             \
  " CASE i.channel WHEN 'email' THEN c.consent_email WHEN 'sms' THEN c.consent_sms"         \
  "  WHEN 'phone' THEN c.consent_phone ELSE 1 END, c.name"                                  \
  " FROM invitations i JOIN customers c ON c.id = i.customer_id"

int mi_wave_invitations(mi_store *s, int64_t wave_id, const char *which, int64_t sent_before,
                        int (*fn)(void *ud, const mi_wave_invitation *inv), void *ud, mi_err *e) {
  int pending = !strcmp(which, "pending");
  sqlite3_stmt *st;
  int rc = prepare(
      s,
      pending ? INVITATION_COLUMNS " WHERE i.wave_id = ?1 AND i.status = 'pending' ORDER BY i.id"
              : INVITATION_COLUMNS
                " WHERE i.wave_id = ?1 AND i.status = 'sent' AND i.sent_at <= ?2"
                " AND i.reminded_at IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.invitation_id = i.id)"
                " ORDER BY i.id",
      &st, e);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, wave_id);
  if (!pending) sqlite3_bind_int64(st, 2, sent_before);
  /* Read all first: the callback writes (marks), which must not disturb the read. */
  mi_wave_invitation *rows = NULL;
  char **texts = NULL;
  size_t n = 0, cap = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      mi_wave_invitation *r = realloc(rows, cap * sizeof *r);
      char **t = r ? realloc(texts, cap * 5 * sizeof *t) : NULL;
      if (r) rows = r;
      if (t) texts = t;
      if (!r || !t) {
        rc = mi_err_set(e, MI_ENOMEM, "out of memory");
        break;
      }
    }
    rows[n].id = sqlite3_column_int64(st, 0);
    rows[n].customer_id = sqlite3_column_int64(st, 1);
    rows[n].consent = sqlite3_column_int(st, 6);
    for (int k = 0; k < 5; k++) { /* columns 2-5 and the name, 7 */
      const unsigned char *v = sqlite3_column_text(st, k < 4 ? 2 + k : 7);
      texts[n * 5 + (size_t)k] = v ? strdup((const char *)v) : NULL;
    }
    rows[n].external_id = texts[n * 5], rows[n].customer = texts[n * 5 + 1];
    rows[n].channel = texts[n * 5 + 2], rows[n].address = texts[n * 5 + 3];
    rows[n].customer_name = texts[n * 5 + 4] ? texts[n * 5 + 4] : "";
    n++;
  }
  rc = finish(s, st, rc, e);
  for (size_t i = 0; i < n && !rc; i++) rc = fn(ud, &rows[i]);
  for (size_t i = 0; i < n * 5; i++) free(texts[i]);
  free(texts), free(rows);
  return rc;
}

int mi_invitation_mark(mi_store *s, int64_t id, const char *what, int64_t at, mi_err *e) {
  sqlite3_stmt *st;
  const char *sql = !strcmp(what, "sent")
                        ? "UPDATE invitations SET status = 'sent', sent_at = ?2 WHERE id = ?1"
                    : !strcmp(what, "responded")
                        ? "UPDATE invitations SET status = 'responded', answered = 1,"
                          " sent_at = coalesce(sent_at, ?2) WHERE id = ?1"
                        : "UPDATE invitations SET reminded_at = ?2 WHERE id = ?1";
  int rc = prepare(s, sql, &st, e);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, at);
  return finish(s, st, sqlite3_step(st), e);
}

int mi_wave_rates(mi_store *s, int64_t wave_id, mi_wave_rate **rates, size_t *n, mi_err *e) {
  sqlite3_stmt *st;
  int rc = prepare(s,
                   "SELECT coalesce(i.stratum, ''), count(*), sum(i.status <> 'pending'),"
                   " sum(EXISTS (SELECT 1 FROM responses r WHERE r.invitation_id = i.id)),"
                   " max(i.weight) FROM invitations i WHERE i.wave_id = ?1"
                   " GROUP BY 1 ORDER BY 1",
                   &st, e);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, wave_id);
  *rates = NULL, *n = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_wave_rate *r = realloc(*rates, (*n + 1) * sizeof *r);
    if (!r) {
      rc = mi_err_set(e, MI_ENOMEM, "out of memory");
      break;
    }
    *rates = r;
    r = &r[(*n)++];
    snprintf(r->stratum, sizeof r->stratum, "%s", (const char *)sqlite3_column_text(st, 0));
    r->invited = sqlite3_column_int64(st, 1);
    r->sent = sqlite3_column_int64(st, 2);
    r->responded = sqlite3_column_int64(st, 3);
    r->weight = sqlite3_column_double(st, 4);
  }
  rc = finish(s, st, rc, e);
  if (rc) free(*rates), *rates = NULL, *n = 0;
  return rc;
}

int mi_invitation_find(mi_store *s, const char *external_id, int64_t *id, int64_t *customer_id,
                       char survey[65], int64_t *survey_id, mi_err *e) {
  sqlite3_stmt *st;
  int rc = prepare(s, "SELECT i.id, i.customer_id, v.code, v.id FROM invitations i"
                      " JOIN surveys v ON v.id = i.survey_id WHERE i.external_id = ?1", &st, e);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, external_id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(st, 0);
    *customer_id = sqlite3_column_int64(st, 1);
    snprintf(survey, 65, "%s", (const char *)sqlite3_column_text(st, 2));
    *survey_id = sqlite3_column_int64(st, 3);
    rc = SQLITE_DONE;
  } else if (rc == SQLITE_DONE) {
    sqlite3_finalize(st);
    return mi_err_set(e, MI_ENOTFOUND, "unknown invitation '%s'", external_id);
  }
  return finish(s, st, rc, e);
}
