/* The API's clients: see api_clients.h. */
#include <stdio.h>
#include <string.h>

#include "store/api_clients.h"
#include "store/store_internal.h"

int mi_api_client_put(mi_store *s, const char *name, const char *token, const char *role,
                      const char *department, int64_t now, mi_err *e) {
  if (!s || !name || !token || !role)
    return mi_err_set(e, MI_EINVAL, "an API client needs a name, a token and a role");
  unsigned char digest[32];
  mi_store_token_digest(token, digest);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(
          s->db,
          "INSERT INTO api_clients (name, token_digest, role, department, created_at)"
          " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET"
          " token_digest = excluded.token_digest, role = excluded.role,"
          " department = excluded.department, created_at = excluded.created_at,"
          " revoked_at = NULL",
          -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "adding an API client");
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_blob(st, 2, digest, sizeof digest, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
  if (department && *department) sqlite3_bind_text(st, 4, department, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, now);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "adding an API client");
}

static void row(sqlite3_stmt *st, mi_api_client *c) {
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", sqlite3_column_text(st, 0));
  snprintf(c->role, sizeof c->role, "%s", sqlite3_column_text(st, 1));
  if (sqlite3_column_type(st, 2) != SQLITE_NULL)
    snprintf(c->department, sizeof c->department, "%s", sqlite3_column_text(st, 2));
  c->created_at = sqlite3_column_int64(st, 3);
  c->revoked_at = sqlite3_column_int64(st, 4);
}

int mi_api_client_by_token(mi_store *s, const char *token, mi_api_client *out, mi_err *e) {
  if (!s || !token || !out) return mi_err_set(e, MI_EINVAL, "no token given");
  unsigned char digest[32];
  mi_store_token_digest(token, digest);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT name, role, department, created_at, 0 FROM api_clients"
                         " WHERE token_digest = ?1 AND revoked_at IS NULL",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading API clients");
  sqlite3_bind_blob(st, 1, digest, sizeof digest, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) row(st, out);
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) return mi_err_set(e, MI_ENOTFOUND, "no API client has this token");
  return rc == SQLITE_ROW ? 0 : mi_store_fail(s, e, "reading API clients");
}

int mi_api_client_revoke(mi_store *s, const char *name, int64_t now, mi_err *e) {
  sqlite3_stmt *st;
  if (!s || !name) return mi_err_set(e, MI_EINVAL, "no client named");
  if (sqlite3_prepare_v2(
          s->db, "UPDATE api_clients SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
          -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "revoking an API client");
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return mi_store_fail(s, e, "revoking an API client");
  if (!sqlite3_changes(s->db))
    return mi_err_set(e, MI_ENOTFOUND, "no API client '%s' in use (manyi serve client list)", name);
  return 0;
}

int mi_api_client_each(mi_store *s, int (*fn)(void *ud, const mi_api_client *c), void *ud,
                       mi_err *e) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT name, role, department, created_at, coalesce(revoked_at, 0)"
                         " FROM api_clients ORDER BY name",
                         -1, &st, NULL) != SQLITE_OK)
    return mi_store_fail(s, e, "reading API clients");
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    mi_api_client c;
    row(st, &c);
    int stop = fn(ud, &c);
    if (stop) {
      sqlite3_finalize(st);
      return stop;
    }
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : mi_store_fail(s, e, "reading API clients");
}
