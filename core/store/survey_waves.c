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

int mi_survey_frame(mi_store *s, const char *by, int64_t quiet_since, mi_frame_unit **units,
                    size_t *n, mi_err *e) {
  const char *col = by_column(by, e);
  if (!col) return MI_EINVAL;
  char sql[1200], expr[32];
  snprintf(expr, sizeof expr, by ? "f.%s" : "%s", col);
  snprintf(sql, sizeof sql,
           "SELECT f.id, coalesce(nullif(%s, ''), '(none)') AS stratum, ch FROM ("
           " SELECT c.*, CASE WHEN consent_email AND email IS NOT NULL THEN 'email'"
           "  WHEN consent_sms AND phone IS NOT NULL THEN 'sms'"
           "  WHEN consent_phone AND phone IS NOT NULL THEN 'phone' END AS ch FROM customers c) f"
           " WHERE ch IS NOT NULL"
           " AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.customer_id = f.id"
           "  AND i.created_at > ?1)"
           " AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.customer_id = f.id"
           "  AND t.kind = 'complaint' AND t.status NOT IN ('resolved', 'closed'))"
           " ORDER BY stratum, f.id",
           expr);
  sqlite3_stmt *st;
  int rc = prepare(s, sql, &st, e);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, quiet_since);
  size_t cap = 0;
  *units = NULL, *n = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      mi_frame_unit *u = realloc(*units, (cap = cap ? cap * 2 : 1024) * sizeof *u);
      if (!u) {
        rc = mi_err_set(e, MI_ENOMEM, "out of memory reading the frame");
        break;
      }
      *units = u;
    }
    mi_frame_unit *u = &(*units)[(*n)++];
    u->customer_id = sqlite3_column_int64(st, 0);
    snprintf(u->stratum, sizeof u->stratum, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(u->channel, sizeof u->channel, "%s", (const char *)sqlite3_column_text(st, 2));
  }
  rc = finish(s, st, rc, e);
  if (rc) free(*units), *units = NULL, *n = 0;
  return rc;
}

int mi_survey_answers_by(mi_store *s, const char *survey, const char *question, const char *by,
                         int (*fn)(void *ud, const char *stratum, double value), void *ud,
                         mi_err *e) {
  const char *col = by_column(by, e);
  if (!col) return MI_EINVAL;
  char sql[800];
  snprintf(sql, sizeof sql,
           "SELECT coalesce(nullif(c.%s, ''), '(none)'), a.value FROM answers a"
           " JOIN questions q ON q.id = a.question_id JOIN surveys v ON v.id = q.survey_id"
           " JOIN responses r ON r.id = a.response_id JOIN customers c ON c.id = r.customer_id"
           " WHERE v.code = ?1 AND q.code = ?2 AND a.value IS NOT NULL",
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

int mi_wave_invitations(mi_store *s, int64_t wave_id, const char *which, int64_t sent_before,
                        int (*fn)(void *ud, const mi_wave_invitation *inv), void *ud, mi_err *e) {
  int pending = !strcmp(which, "pending");
  sqlite3_stmt *st;
  int rc = prepare(
      s,
      pending ? "SELECT i.id, i.customer_id, i.external_id, c.external_id, i.channel,"
                " CASE i.channel WHEN 'email' THEN c.email ELSE c.phone END"
                " FROM invitations i JOIN customers c ON c.id = i.customer_id"
                " WHERE i.wave_id = ?1 AND i.status = 'pending' ORDER BY i.id"
              : "SELECT i.id, i.customer_id, i.external_id, c.external_id, i.channel,"
                " CASE i.channel WHEN 'email' THEN c.email ELSE c.phone END"
                " FROM invitations i JOIN customers c ON c.id = i.customer_id"
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
      char **t = r ? realloc(texts, cap * 4 * sizeof *t) : NULL;
      if (r) rows = r;
      if (t) texts = t;
      if (!r || !t) {
        rc = mi_err_set(e, MI_ENOMEM, "out of memory");
        break;
      }
    }
    rows[n].id = sqlite3_column_int64(st, 0);
    rows[n].customer_id = sqlite3_column_int64(st, 1);
    for (int k = 0; k < 4; k++) {
      const unsigned char *v = sqlite3_column_text(st, 2 + k);
      texts[n * 4 + (size_t)k] = v ? strdup((const char *)v) : NULL;
    }
    rows[n].external_id = texts[n * 4], rows[n].customer = texts[n * 4 + 1];
    rows[n].channel = texts[n * 4 + 2], rows[n].address = texts[n * 4 + 3];
    n++;
  }
  rc = finish(s, st, rc, e);
  for (size_t i = 0; i < n && !rc; i++) rc = fn(ud, &rows[i]);
  for (size_t i = 0; i < n * 4; i++) free(texts[i]);
  free(texts), free(rows);
  return rc;
}

int mi_invitation_mark(mi_store *s, int64_t id, const char *what, int64_t at, mi_err *e) {
  sqlite3_stmt *st;
  const char *sql = !strcmp(what, "sent")
                        ? "UPDATE invitations SET status = 'sent', sent_at = ?2 WHERE id = ?1"
                    : !strcmp(what, "responded")
                        ? "UPDATE invitations SET status = 'responded',"
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
                       char survey[65], mi_err *e) {
  sqlite3_stmt *st;
  int rc = prepare(s, "SELECT i.id, i.customer_id, v.code FROM invitations i"
                      " JOIN surveys v ON v.id = i.survey_id WHERE i.external_id = ?1", &st, e);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, external_id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *id = sqlite3_column_int64(st, 0);
    *customer_id = sqlite3_column_int64(st, 1);
    snprintf(survey, 65, "%s", (const char *)sqlite3_column_text(st, 2));
    rc = SQLITE_DONE;
  } else if (rc == SQLITE_DONE) {
    sqlite3_finalize(st);
    return mi_err_set(e, MI_ENOTFOUND, "unknown invitation '%s'", external_id);
  }
  return finish(s, st, rc, e);
}
