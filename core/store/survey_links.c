/* Personal links to the hosted questionnaire: see survey_links.h. A page
 * view is a few look-ups by primary key, so plain statements suffice. */
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "store/survey_links.h"

void mi_store_token_digest(const char *token, uint8_t out[SHA256_DIGEST_SIZE]) {
  struct sha256_ctx c;
  sha256_init(&c);
  sha256_update(&c, strlen(token), (const uint8_t *)token);
  sha256_digest(&c, SHA256_DIGEST_SIZE, out);
}

int mi_survey_link_put(mi_store *s, const char *token, int64_t invitation_id, int64_t created_at,
                       int64_t expires_at, mi_err *e) {
  if (!s || !token) return mi_err_set(e, MI_EINVAL, "mi_survey_link_put: no link given");
  uint8_t digest[SHA256_DIGEST_SIZE];
  mi_store_token_digest(token, digest);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "INSERT INTO survey_links (token_digest, invitation_id, created_at,"
                         " expires_at) VALUES (?1, ?2, ?3, ?4)",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "adding a survey link");
  sqlite3_bind_blob(st, 1, digest, SHA256_DIGEST_SIZE, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, invitation_id);
  sqlite3_bind_int64(st, 3, created_at);
  sqlite3_bind_int64(st, 4, expires_at);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "adding a survey link");
}

int mi_survey_link_get(mi_store *s, const char *token, mi_survey_link *out, mi_err *e) {
  if (!s || !token || !out) return mi_err_set(e, MI_EINVAL, "mi_survey_link_get: no link given");
  uint8_t digest[SHA256_DIGEST_SIZE];
  mi_store_token_digest(token, digest);
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT i.id, i.survey_id, i.customer_id, l.expires_at,"
                         " coalesce(r.id, 0), i.external_id, c.external_id, v.code, i.status,"
                         " v.version FROM survey_links l"
                         " JOIN invitations i ON i.id = l.invitation_id"
                         " JOIN customers c ON c.id = i.customer_id"
                         " JOIN surveys v ON v.id = i.survey_id"
                         " LEFT JOIN responses r ON r.invitation_id = i.id"
                         " WHERE l.token_digest = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading a survey link");
  sqlite3_bind_blob(st, 1, digest, SHA256_DIGEST_SIZE, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    out->invitation_id = sqlite3_column_int64(st, 0);
    out->survey_id = sqlite3_column_int64(st, 1);
    out->customer_id = sqlite3_column_int64(st, 2);
    out->expires_at = sqlite3_column_int64(st, 3);
    out->response_id = sqlite3_column_int64(st, 4);
    snprintf(out->invitation, sizeof out->invitation, "%s", sqlite3_column_text(st, 5));
    snprintf(out->customer, sizeof out->customer, "%s", sqlite3_column_text(st, 6));
    snprintf(out->survey, sizeof out->survey, "%s", sqlite3_column_text(st, 7));
    snprintf(out->status, sizeof out->status, "%s", sqlite3_column_text(st, 8));
    out->version = sqlite3_column_int(st, 9);
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) return mi_err_set(e, MI_ENOTFOUND, "no such survey link");
  return rc == SQLITE_ROW ? 0 : mi_store_fail(s, e, "reading a survey link");
}

void mi_survey_texts_free(char **texts, int n) {
  for (int i = 0; texts && i < n; i++) free(texts[i]);
  free(texts);
}

int mi_survey_question_texts(mi_store *s, int64_t survey_id, char ***out, int *n, mi_err *e) {
  if (!s || !out || !n) return mi_err_set(e, MI_EINVAL, "no survey given");
  *out = NULL;
  *n = 0;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db, "SELECT text FROM questions WHERE survey_id = ?1 ORDER BY position",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading questions");
  sqlite3_bind_int64(st, 1, survey_id);
  int rc, cap = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? 2 * cap : 16;
      char **grown = realloc(*out, (size_t)cap * sizeof *grown);
      if (!grown) break;
      *out = grown;
    }
    if (!((*out)[*n] = strdup((const char *)sqlite3_column_text(st, 0)))) break;
    (*n)++;
  }
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) return 0;
  mi_survey_texts_free(*out, *n);
  *out = NULL, *n = 0;
  return rc == SQLITE_ROW ? mi_err_set(e, MI_ENOMEM, "out of memory reading questions")
                          : mi_store_fail(s, e, "reading questions");
}
